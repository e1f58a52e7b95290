"""Wire-level (de)serialisation shared by the adapters.

One place decides how money, dates and JSON cross the wire:

- JSON is parsed with every number that has a fraction or exponent as an exact Decimal (made
  from the literal's own digits), so money never passes through a binary float. msgspec does the
  parsing (faster than :mod:`json`, same values); whatever msgspec refuses is handed to
  :mod:`json`, which decides: same acceptance, same errors.
- JSON is written with Decimals as numbers: integral ones as ints, others through ``float`` only
  when the float's shortest repr gives back the same digits (true for up to 15 significant
  digits); anything that would change on the way out is refused, not rounded.
- Timestamps come back aware (UTC when the wire names no zone); ONLYOFFICE's seven fractional
  digits are trimmed to microseconds; the .NET "unset" date ``0001-01-01`` means None.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

import cattrs
import msgspec

from .errors import InvalidRequestError


def _refuse_constant(name: str) -> Any:
    # json.loads accepts NaN and Infinity by default (as floats); neither is JSON, and either
    # would slip a non-finite number past parse_decimal into a model.
    raise ValueError(f"{name} is not a JSON number")


#: The reference parser: stdlib json, Decimal floats, NaN/Infinity refused, BOMs and UTF-16/32
#: bodies detected. Its verdict is final wherever the fast parser says no.
_loads_json_stdlib: Callable[[bytes | str], Any] = partial(
    json.loads, parse_float=Decimal, parse_constant=_refuse_constant
)
# float_hook gets the literal's text, so Decimal sees the wire digits ("1.00" stays 1.00).
_fast_decoder = msgspec.json.Decoder(float_hook=Decimal)


#: How deep invoicekit walks a decoded body (error bodies scrubbed of secrets, messages looked
#: up). Real answers nest fewer than ten levels; anything deeper is cut off, never recursed into.
MAX_WALK_DEPTH = 32


def loads_json(body: bytes | str) -> Any:
    """Parse a JSON document; numbers with a fraction or exponent come back as Decimal.

    Raises ValueError where ``json.loads`` would, for a number beyond Decimal's range
    (``json.loads`` lets decimal's InvalidOperation escape), and for a document nested deeper
    than the parsers go (both raise RecursionError there, at about 1,000 levels, or earlier when
    called from a deep stack): a hostile body is a bad body, not a crash.
    """
    try:
        try:
            return _fast_decoder.decode(body)
        except (msgspec.DecodeError, ValueError):
            # msgspec accepts a subset of what json.loads does (no BOM, UTF-16/32 bodies, lone
            # surrogates); json either parses the rest or raises the error callers expect.
            return _loads_json_stdlib(body)
    except ArithmeticError:  # Decimal refused a literal: an exponent beyond its range
        raise ValueError("a number is beyond Decimal's range") from None
    except RecursionError:
        raise ValueError("the document is nested too deeply") from None


def _encode_scalar(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):  # a read-only view (a model's raw, say) nested in a body
        return dict(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON; Decimals become numbers with exactly their own digits.

    A Decimal a double holds exactly goes through ``json`` as an int or float; any other (more
    significant digits than a double carries, as a stored price the server itself sent may
    have) is written as its own digits: the stdlib writer has no raw-number hook, so it stands in
    as a placeholder string unique to this call, then replaced by those digits. Nothing is
    rounded on the way out, so a read-modify-write sends back what it read.
    """
    exact: list[str] = []
    marker = secrets.token_hex(8)

    def encode(value: object) -> object:
        if not isinstance(value, Decimal):
            return _encode_scalar(value)
        if not value.is_finite():
            raise InvalidRequestError(f"{value} is not a finite number")
        if value == value.to_integral_value() and value.adjusted() < 30:
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) == value.normalize():
            return as_float
        exact.append(str(value))
        return f"{marker}{len(exact) - 1}"

    text = json.dumps(payload, default=encode, separators=(",", ":"), ensure_ascii=False)
    for index, digits in enumerate(exact):
        text = text.replace(f'"{marker}{index}"', digits, 1)
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 body can carry it
        raise InvalidRequestError(
            "holds a lone surrogate (half of a UTF-16 pair), which no UTF-8 body can carry",
            field=_surrogate_path(payload),
        ) from None


def _surrogate_path(value: Any, path: str = "", depth: int = 0) -> str | None:
    """Where the first text that UTF-8 cannot encode sits in ``value`` (``items[0].name``)."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return path or None
        return None
    if depth > _MAX_WALK_DEPTH:
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list | tuple) else ()
    for key, item in items:
        if isinstance(key, str) and _surrogate_path(key, path, depth) is not None:
            return f"{path}.{key}".lstrip(".") if path else key
        where = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
        found = _surrogate_path(item, where, depth + 1)
        if found is not None:
            return found
    return None


#: How deep the search for an unencodable text walks a request body (bodies are the library's own).
_MAX_WALK_DEPTH = 64

_INF = float("inf")


def parse_decimal(value: object) -> Decimal:
    """A wire number (int, Decimal from JSON, text from XML) as Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (_INF, -_INF):
            raise ValueError(f"{value!r} is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value[:40]!r} is not a number") from None
        if not result.is_finite():
            raise ValueError(f"{value[:40]!r} is not a finite number")
        return result
    raise ValueError(f"expected a number, got {type(value).__name__}")


#: Wire integers (ids, counts) wider than this are refused: ``int(Decimal("1E+99999999"))`` would
#: build a hundred-million-digit number, so a hostile answer could stall the decoder.
_MAX_INT_DIGITS = 20


def parse_int(value: object) -> int:
    """A wire integer (int, integral Decimal from JSON, digits from XML) of at most 20 digits."""
    if type(value) is int:
        return value
    if isinstance(value, bool):
        raise ValueError("expected an integer, got a boolean")
    if isinstance(value, Decimal):
        if not value.is_finite() or value.adjusted() >= _MAX_INT_DIGITS or value != value.to_integral_value():
            raise ValueError(f"{str(value)[:40]!r} is not an integer in range")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isascii() or not digits.isdigit() or len(digits) > _MAX_INT_DIGITS:
            raise ValueError(f"{value[:40]!r} is not an integer")
        return int(text)
    if isinstance(value, int):  # an int subclass (IntEnum)
        return int(value)
    raise ValueError(f"expected an integer, got {type(value).__name__}")


# 2020-12-14T22:13:41.5378233Z, 2008-04-10T06:30:00.0000000-07:00, 2024-01-31, 2024-01-31T10:00:00.123Z
_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<frac>\d+))?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)


#: How the wire's form goes on after the seconds (a fraction's first digit, or the zone), and the
#: marks of its zone (``[-6]`` and ``[-3]`` of ``+HH:MM``).
_AFTER_SECONDS = frozenset({"Z", *(f".{d}" for d in "0123456789"), *(f"{s}{h}" for s in "+-" for h in "012")})
_OFFSET_MARKS = frozenset({"+:", "-:"})


def parse_datetime(value: object, _: object = None) -> datetime | None:
    """An aware datetime from ISO-8601 text, or None for empty and .NET-unset values; the ignored
    second parameter lets a cattrs converter call it as a structure hook."""
    if (
        type(value) is str
        # Laid out as YYYY-MM-DDTHH:MM:SS (the separators at 4, 7, 10, 13, 16), then a fraction
        # or the zone, which is Z or +HH:MM. fromisoformat checks the digits; the layout rules
        # out what it reads but the general path below refuses (week dates, basic-format
        # times, "," or empty fractions, offsets with seconds).
        and value[4:19:3] == "--T::"
        and value[19:21] in _AFTER_SECONDS
        and (value[-1] == "Z" or value[-6::3] in _OFFSET_MARKS)
        and not value.startswith("0001-01-01")
    ):
        # The wire's everyday form in one C call after slices instead of a regex; the general
        # path reads it the same way (a property test holds the two to the same results).
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError(f"expected a date-time string, got {type(value).__name__}")
    text = value.strip()
    match = _DATETIME.match(text)
    if match is None:
        raise ValueError(f"{value[:40]!r} is not an ISO date-time")
    if match["date"].startswith("0001-01-01"):
        return None
    if match.end("time") == 19 and match["tz"]:
        # The common wire form (YYYY-MM-DDTHH:MM:SS, fraction, zone): the regex has checked it,
        # and Python 3.11's fromisoformat reads it as the general path below would (a fraction
        # over six digits truncated to microseconds, Z as UTC), in one call instead of six.
        return datetime.fromisoformat(text)
    text = match["date"] + "T" + (match["time"] or "00:00")
    if match["frac"]:
        text += "." + match["frac"][:6].ljust(6, "0")
    tz = match["tz"]
    text += "+00:00" if tz in (None, "Z") else tz
    return datetime.fromisoformat(text)


_DATE_CACHE: dict[str, date | None] = {}
_DATE_CACHE_SIZE = 4096


def parse_date(value: object, _: object = None) -> date | None:
    """The calendar date of a date or date-time string, as written (no zone shift); the ignored
    second parameter lets a cattrs converter call it as a structure hook."""
    if type(value) is str:
        # Invoices share few distinct dates (issue and due dates fall on the same days): a page
        # of them parses each text once. Bounded: cleared when full, never grows past the limit.
        try:
            return _DATE_CACHE[value]
        except KeyError:
            pass
        parsed = _parse_date(value)
        if len(_DATE_CACHE) >= _DATE_CACHE_SIZE:
            _DATE_CACHE.clear()
        _DATE_CACHE[value] = parsed
        return parsed
    return _parse_date(value)


def _parse_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {type(value).__name__}")
    text = value.strip()
    if text.startswith("0001-01-01"):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an ISO date") from None


def parse_bool(value: object) -> bool:
    """JSON booleans and their XML/.NET spellings (``true``, ``True``, ``1``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0", ""):
            return False
    if isinstance(value, int):
        return value != 0
    raise ValueError(f"{str(value)[:40]!r} is not a boolean")


def read_text(value: str) -> str | None:
    """Optional text as every adapter reads it: blank (empty or whitespace only) is None, and line
    breaks are ``\\n``.

    One rule for every provider and format: ONLYOFFICE writes an unset field as ``""`` in JSON and
    as an empty element (null) in XML, GoHighLevel writes ``""`` where nothing was set, and an XML
    parser reads ``\\r\\n`` as ``\\n`` (XML's end-of-line rule), so the same stored text reads the
    same whatever carried it.
    """
    if not value or value.isspace():
        return None
    if "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def make_wire_converter() -> cattrs.Converter:
    """A cattrs converter with invoicekit's wire rules for scalars; adapters add their renames."""
    converter = cattrs.Converter()
    converter.register_structure_hook(Decimal, lambda v, _: parse_decimal(v))
    converter.register_structure_hook(datetime, lambda v, _: parse_datetime(v))
    converter.register_structure_hook(date, lambda v, _: parse_date(v))
    converter.register_structure_hook(bool, lambda v, _: parse_bool(v))
    converter.register_unstructure_hook(Decimal, lambda v: v)  # dumps_json writes it exactly
    converter.register_unstructure_hook(date, lambda v: v.isoformat())
    return converter


def excerpt(body: bytes | str, limit: int = 200) -> str:
    """A short, printable start of a body for error messages.

    Only the start of the body is looked at (a few times ``limit``), so the cost does not grow
    with a 32 MB answer.
    """
    window = body[: limit * 8]
    text = window.decode("utf-8", "replace") if isinstance(window, bytes) else window
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
