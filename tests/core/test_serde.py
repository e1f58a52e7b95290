import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit import InvalidRequestError
from invoicekit._serde import dumps_json, excerpt, loads_json, parse_bool, parse_date, parse_datetime, parse_decimal


def test_json_money_never_passes_through_float() -> None:
    data = loads_json(b'{"price": 0.1, "qty": 3, "cost": 1234567.89}')
    assert data["price"] == Decimal("0.1")
    assert isinstance(data["price"], Decimal)
    assert data["qty"] == 3
    assert data["cost"] == Decimal("1234567.89")


def test_dumps_json_writes_decimals_exactly() -> None:
    assert dumps_json({"a": Decimal("0.10"), "b": Decimal("5"), "c": Decimal("1234567.89")}) == (
        b'{"a":0.1,"b":5,"c":1234567.89}'
    )
    assert dumps_json({"d": date(2026, 1, 31)}) == b'{"d":"2026-01-31"}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-12-14T22:13:41.5378233Z", datetime(2020, 12, 14, 22, 13, 41, 537823, tzinfo=UTC)),
        (
            "2008-04-10T06:30:00.0000000-07:00",
            datetime(2008, 4, 10, 6, 30, tzinfo=timezone(timedelta(hours=-7))),
        ),
        ("2024-01-31T10:00:00.123Z", datetime(2024, 1, 31, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2024-01-31T10:00:00", datetime(2024, 1, 31, 10, tzinfo=UTC)),
        ("2024-01-31", datetime(2024, 1, 31, tzinfo=UTC)),
        ("0001-01-01T00:00:00.0000000Z", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime_is_aware_and_handles_dotnet_forms(text: str | None, expected: datetime | None) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


@pytest.mark.parametrize("bad", ["yesterday", "2024-13", 42])
def test_parse_datetime_refuses_garbage(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_datetime(bad)


def test_parse_date_keeps_the_written_calendar_day() -> None:
    # 23:30 at -07:00 is the next day in UTC; the invoice's date is the one written.
    assert parse_date("2008-04-10T23:30:00.0000000-07:00") == date(2008, 4, 10)
    assert parse_date("2026-11-21") == date(2026, 11, 21)
    assert parse_date("0001-01-01T00:00:00.0000000Z") is None


def test_parse_decimal_and_bool_accept_wire_spellings() -> None:
    assert parse_decimal("12.50") == Decimal("12.50")
    assert parse_decimal(7) == Decimal(7)
    with pytest.raises(ValueError):
        parse_decimal(True)
    with pytest.raises(ValueError):
        parse_decimal("NaN")
    assert parse_bool("True") is True
    assert parse_bool("false") is False
    assert parse_bool(True) is True
    with pytest.raises(ValueError):
        parse_bool("maybe")


def test_excerpt_is_short_and_printable() -> None:
    text = excerpt(b"<html>\n<body>" + b"x" * 500 + b"</body></html>")
    assert len(text) <= 200
    assert "\n" not in text


_MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
_ZONES = st.sampled_from(["Z", "+00:00", "-07:00", "+05:30", "+13:00", "-0330", ""])


@settings(max_examples=300, deadline=None)
@given(_MOMENTS, _ZONES, st.integers(min_value=0, max_value=7), st.booleans())
def test_the_fromisoformat_shortcut_reads_what_the_general_path_reads(
    moment: datetime, zone: str, digits: int, with_seconds: bool
) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S" if with_seconds else "%Y-%m-%dT%H:%M")
    if digits and with_seconds:
        text += "." + f"{moment.microsecond:06d}{moment.microsecond % 10}"[:digits]
    text += zone
    # A leading space skips the shortcut (it only takes strings with "T" at index 10); the
    # general path strips it and parses the same text with its own checks.
    assert parse_datetime(text) == parse_datetime(" " + text)


@pytest.mark.parametrize("text", [
    "2024-01-31T10:00:00+05", "2024-01-31T10:00:00+05:30:15", "2024-W05-3T10:00:00Z", "2024-01-31T10:00:00,5Z",
    "2024-01-31T10:00:00.Z", "2024-01-31T10:00:00 Z", "2024-01-31T1000+05:00",
])
def test_the_shortcut_takes_nothing_the_general_path_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_dumps_json_writes_every_decimal_with_its_own_digits() -> None:
    """More significant digits than a double carries are written, not refused or rounded: a
    read-modify-write sends back what the server sent."""
    payload = {"exact": Decimal("12.345678901234567890123"), "plain": Decimal("0.1"), "whole": Decimal("360.00"),
               "text": '"0" and a marker-looking "ab0"', "many": [Decimal("1.00000000000000000001")] * 2}
    text = dumps_json(payload)
    assert text == (
        b'{"exact":12.345678901234567890123,"plain":0.1,"whole":360,"text":"\\"0\\" and a marker-looking \\"ab0\\"",'
        b'"many":[1.00000000000000000001,1.00000000000000000001]}'
    )
    assert json.loads(text, parse_float=Decimal)["exact"] == payload["exact"]
    with pytest.raises(InvalidRequestError):
        dumps_json({"nan": Decimal("NaN")})
