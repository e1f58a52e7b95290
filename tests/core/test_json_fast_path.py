"""loads_json's msgspec fast path gives exactly what the stdlib reference gives, or the same error."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit._serde import _loads_json_stdlib, loads_json


def _outcome(parse: Any, body: bytes | str) -> tuple[str, Any]:
    try:
        return "ok", parse(body)
    except RecursionError:
        return "error", RecursionError
    except ValueError:
        return "error", ValueError


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (Decimal('1.00') keeps its exponent)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    return bool(a == b)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.decimals(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _encode(value: Any) -> str:
    """JSON text with Decimals written as number literals in their own digits (1.50, 1E+3)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    return json.dumps(value)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_valid_documents_parse_to_the_same_values(value: Any) -> None:
    body = _encode(value).encode()
    assert _same(loads_json(body), _loads_json_stdlib(body))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64))
def test_any_input_gets_the_stdlib_verdict(body: bytes | str) -> None:
    fast, reference = _outcome(loads_json, body), _outcome(_loads_json_stdlib, body)
    assert fast[0] == reference[0]
    assert _same(fast[1], reference[1]) if fast[0] == "ok" else fast[1] is reference[1]


@pytest.mark.parametrize("body", [
    b'{"amount": 1.00, "rate": 1.5e3, "tiny": 1E-7, "huge": 123456789012345678901234567890}',
    b'\xef\xbb\xbf{"a": 0.10}',  # UTF-8 BOM: msgspec refuses, json accepts
    '{"a": 0.10}'.encode("utf-16"),  # json detects UTF-16; msgspec does not
    b'{"s": "\\ud800"}',  # a lone surrogate escape
    b'{"a": 1, "a": 2.50}',
])
def test_edge_documents_parse_like_the_stdlib(body: bytes) -> None:
    assert _same(loads_json(body), _loads_json_stdlib(body))


@pytest.mark.parametrize("body", [b"NaN", b'{"a": Infinity}', b'{"a": -Infinity}', b"[1,]", b"", b"\xff", b'{"a":1} x'])
def test_what_the_stdlib_refuses_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        loads_json(body)


def test_money_keeps_the_wire_digits() -> None:
    data = loads_json(b'{"total": 1400.00, "price": 0.1}')
    assert str(data["total"]) == "1400.00" and data["price"] == Decimal("0.1")


def test_a_number_beyond_decimal_range_is_a_value_error_on_both_paths() -> None:
    for body in (b'{"cost": 1e999999999999999999999}', b'\xef\xbb\xbf{"cost": 1e999999999999999999999}'):
        with pytest.raises(ValueError, match="beyond Decimal's range"):
            loads_json(body)
