"""parse_datetime's fast path (fromisoformat after a layout check) accepts, refuses and reads
exactly what the function did before it (a regex check first): the previous fast path, in front
of the unchanged general path, is the reference, compared on the wire's forms and near misses."""

from __future__ import annotations

import re
from datetime import datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from invoicekit._serde import parse_datetime

_WIRE_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)\Z", re.ASCII)


def _reference(value: str) -> datetime | None:
    """parse_datetime as it was before its fast path changed: the regex check, then
    fromisoformat; anything else to the general path (unchanged, reached here through a leading
    space, which only the fast path minds: the general path strips the text)."""
    if _WIRE_TIMESTAMP.match(value) and not value.startswith("0001-01-01"):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    if value == "":
        return None
    return parse_datetime(" " + value)


def _outcome(function: object, value: str) -> tuple[str, object]:
    try:
        result = function(value)  # type: ignore[operator]
    except ValueError:
        return ("refused", None)
    return ("read", None if result is None else (result, result.utcoffset(), result.tzinfo is not None))


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# The wire's form assembled from parts, each part sometimes replaced by a near miss.
_DATE = st.one_of(
    st.tuples(_digits(4), _digits(2), _digits(2)).map("-".join),
    st.sampled_from(["2024-01-31", "0001-01-01", "2024-W05-3", "20240131", "2024-02-30", "2024-1-31", "٢٠٢٤-01-31"]),
)
_SEP = st.sampled_from(["T", "T", "T", " ", "t", ""])
_TIME = st.one_of(
    st.tuples(_digits(2), _digits(2), _digits(2)).map(":".join),
    st.sampled_from(["10:00", "10", "100000", "1000:00", "10:0000", "24:00:00", "10:00:60", "10:00:0"]),
)
_FRACTION = st.one_of(
    st.just(""), st.text(alphabet="0123456789", min_size=1, max_size=9).map(lambda d: "." + d),
    st.sampled_from([".", ".", ",5", ".5x", ".1234567", ". 5", ".+5", ".-5"]),
)
_ZONE = st.one_of(
    st.sampled_from(["Z", "", "z", "+01:00", "-07:00", "+0100", "+01", "+01:00:30", "+01:00:30.5", "+24:00",
                     "-00:00", "+01:00Z", "Z+01:00", " ", "UTC"]),
    st.tuples(st.sampled_from("+-"), _digits(2), _digits(2)).map(lambda p: f"{p[0]}{p[1]}:{p[2]}"),
)
_STAMPS = st.tuples(_DATE, _SEP, _TIME, _FRACTION, _ZONE, st.sampled_from(["", "", " ", "\n"])).map("".join)


@settings(max_examples=5000, deadline=None)
@given(_STAMPS)
@example("2024-05-02T10:12:45.1830000Z")
@example("2024-03-04T09:41:27.5378233+01:00")
@example("2023-12-12T09:27:42.355Z")
@example("0001-01-01T00:00:00.0000000Z")
@example("2024-01-31T10:00:00+01:00:30")
@example("2024-W05-3T10:00:00Z")
@example("2024-01-31T10:00:00,5Z")
@example("2024-01-31T100000.5+01:00")
@example("2024-01-31T10:00:00.Z")
@example("2024-01-31T10:00:00.+01:00")
@example("2024-01-31T10:00:00 Z")
def test_same_verdict_and_value_as_before(value: str) -> None:
    assert _outcome(parse_datetime, value) == _outcome(_reference, value)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="0123456789-T:.Z+ z,W", max_size=32))
def test_same_verdict_on_scrambled_text(value: str) -> None:
    assert _outcome(parse_datetime, value) == _outcome(_reference, value)
