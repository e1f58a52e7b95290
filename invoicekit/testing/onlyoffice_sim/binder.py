"""The ONLYOFFICE API's argument binding, reproduced (``ApiArgumentBuilder`` + ``Binder``).

The real server merges route values, the query string and the body into one collection whose
top-level names are case-insensitive, while nested names (invoice line fields) are matched only
as the C# name, its first-letter-lowercased form or all-lowercase. That asymmetry is why
``invoiceItemId`` (lowercase d) is silently ignored and the whole create then fails: the
simulator must get it exactly as wrong as the server does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

from defusedxml import ElementTree

GENERIC_ARGUMENT_MESSAGE = "Value does not fall within the expected range."
FORMAT_MESSAGE = "Input string was not in a correct format."


class ApiError(Exception):
    """An error the API answers in its error envelope."""

    def __init__(self, status: int, message: str, hresult: int) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.hresult = hresult


def argument_error(message: str = GENERIC_ARGUMENT_MESSAGE) -> ApiError:
    """ArgumentException: every validation failure of the invoice API (400)."""
    return ApiError(400, message, -2147024809)


def format_error() -> ApiError:
    """FormatException from a parameter conversion (400)."""
    return ApiError(400, FORMAT_MESSAGE, -2146233033)


def not_found() -> ApiError:
    """ItemNotFoundException (404), also used for "not editable" on update."""
    return ApiError(404, "Not found", -2146233088)


def server_error(message: str) -> ApiError:
    """Any other exception (500)."""
    return ApiError(500, message, -2146233088)


class Params:
    """The merged, case-insensitive top-level argument collection."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, Any]] = {}

    def update(self, items: Iterable[tuple[str, Any]]) -> None:
        for key, value in items:
            self._values[key.lower()] = (key, value)

    def get(self, name: str) -> Any:
        entry = self._values.get(name.lower())
        return None if entry is None else entry[1]

    def get_exact(self, *spellings: str) -> Any:
        """A value whose key is spelled exactly one of ``spellings`` (nested-style matching)."""
        for key, value in self._values.values():
            if key in spellings:
                return value
        return None

    def has(self, name: str) -> bool:
        return name.lower() in self._values


def parse_body(body: bytes, content_type: str) -> list[tuple[str, Any]]:
    """The body's top-level name/value pairs, per the request's content type."""
    if not body.strip():
        return []
    if content_type == "application/json":
        try:
            document = json.loads(body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise argument_error(_newtonsoft_message(exc)) from None
        if isinstance(document, Mapping):
            return list(document.items())
        raise argument_error("Unexpected JSON token when reading the request body: the body must be a JSON object.")
    if content_type in ("text/xml", "application/xml"):
        try:
            root = ElementTree.fromstring(body)
        except Exception as exc:  # defusedxml raises several types; all mean "not acceptable XML"
            raise argument_error(str(exc)) from None
        return [(name, value) for name, value in _xml_children(root).items()]
    return parse_form(body.decode("utf-8", "replace"))


def _newtonsoft_message(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return (
            f"Unexpected character encountered while parsing value: {exc.doc[exc.pos : exc.pos + 1] or 'EOF'}. "
            f"Path '', line {exc.lineno}, position {exc.colno}."
        )
    return "Unexpected end when reading JSON."


def _xml_children(element: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for child in element:
        value: Any = _xml_children(child) if len(child) else (child.text or "")
        if child.tag in result:
            existing = result[child.tag]
            if isinstance(existing, list):
                existing.append(value)
            else:
                result[child.tag] = [existing, value]
        else:
            result[child.tag] = value
    return result


_BRACKETS = re.compile(r"\[([^\]]*)\]")


def parse_form(text: str) -> list[tuple[str, Any]]:
    """Form fields with jQuery-style keys (``ids[]=1``, ``invoiceLines[0][price]=2``) nested."""
    return parse_query(parse_qsl(text, keep_blank_values=True))


def parse_query(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, Any]]:
    """Name/value pairs nested by their bracket keys; a repeated name (or ``name[]``) is a list."""
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        head, _, rest = raw_key.partition("[")
        path = [head] + (_BRACKETS.findall("[" + rest) if rest else [])
        _insert(root, path, value)
    return [(key, _listify(value)) for key, value in root.items()]


def _insert(node: dict[str, Any], path: list[str], value: str) -> None:
    key = path[0]
    if len(path) == 1:
        if key in node:
            existing = node[key]
            node[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            node[key] = value
        return
    if path[1] == "":  # name[] : append
        existing = node.get(key)
        items = existing if isinstance(existing, list) else ([] if existing is None else [existing])
        items.append(value)
        node[key] = items
        return
    child = node.get(key)
    if not isinstance(child, dict):
        child = {}
        node[key] = child
    _insert(child, path[1:], value)


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {k: _listify(v) for k, v in value.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return value


# -- conversions (.NET invariant culture) ------------------------------------------------------


def to_int(value: Any) -> int:
    """An int parameter: null/empty/absent are 0, anything not an integer is a FormatException."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise format_error()
    if isinstance(value, int):
        return value
    text = format(value, "f") if isinstance(value, Decimal) else str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise format_error()
    return int(text)


def to_decimal(value: Any) -> Decimal:
    """A decimal parameter: null/empty/absent are 0."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise format_error()
    if isinstance(value, Decimal | int):
        return Decimal(value)
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise format_error() from None
    if not result.is_finite():
        raise format_error()
    return result


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def to_int_list(value: Any) -> list[int]:
    """An ``IEnumerable<int>`` parameter (a JSON array, repeated keys or one value)."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    return [to_int(item) for item in items]


_API_DATETIME = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2})[:-](?P<mi>\d{2})(?:[:-](?P<s>\d{2})(?:\.(?P<f>\d{1,7}))?)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)


def to_datetime(value: Any, portal_zone: timezone) -> datetime | None:
    """An ApiDateTime parameter; None when absent (null and empty count as absent).

    A value with ``Z`` or an offset is exact; a value without one is portal-local time.
    """
    if value is None or value == "":
        return None
    text = str(value).strip()
    # Query strings decode an unencoded "+" of an offset into a space.
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
    match = _API_DATETIME.fullmatch(text)
    if len(text) < 7 or match is None:
        raise argument_error()
    fraction = (match["f"] or "0").ljust(6, "0")[:6]
    zone: timezone = portal_zone
    if match["tz"] == "Z":
        zone = UTC
    elif match["tz"]:
        sign = 1 if match["tz"][0] == "+" else -1
        digits = match["tz"][1:].replace(":", "")
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"] or 0),
            int(match["mi"] or 0),
            int(match["s"] or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:
        raise argument_error() from None


# -- invoice lines ------------------------------------------------------------------------------

_LINE_FIELDS = (
    "InvoiceItemID",
    "InvoiceTax1ID",
    "InvoiceTax2ID",
    "SortOrder",
    "Description",
    "Quantity",
    "Price",
    "Discount",
)


def _spellings(csharp_name: str) -> tuple[str, str, str]:
    return (csharp_name, csharp_name[0].lower() + csharp_name[1:], csharp_name.lower())


def bind_lines(params: Params) -> list[dict[str, Any]] | None:
    """The ``invoiceLines`` parameter as line dicts keyed by C# name; None when absent.

    Only the three spellings the binder knows bind a field; any other key (``invoiceItemId``)
    is dropped, leaving the field at its default (0 for ids, so the line then fails).
    """
    raw = params.get_exact(*_spellings("InvoiceLines"))
    if raw is None or raw == "":
        return None
    items = raw if isinstance(raw, list) else [raw]
    lines: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise argument_error()
        line: dict[str, Any] = {}
        for field in _LINE_FIELDS:
            for spelling in _spellings(field):
                if spelling in item:
                    line[field] = item[spelling]
                    break
        lines.append(line)
    return lines
