"""Request bodies as they go on the wire: JSON or XML, every value exactly as given.

What a format cannot carry is refused with :class:`InvalidRequestError` naming the field, before
anything is sent: lone surrogates (no UTF-8 form) in either format, and in XML the characters
XML 1.0 has no place for (NUL and most other C0 controls, U+FFFE, U+FFFF).

- JSON: the server reads a JSON body with Newtonsoft's default reader, which parses a fractional
  number as a double. A decimal that a double holds exactly goes as a number; any other (an
  exchange rate or price with more significant digits, as the server itself may store and send
  them, or one so small a double is printed with an exponent) goes as a string of plain digits,
  which the server binds to its decimal parameter digit for digit.
- XML: decimals in plain digits; a carriage return as the character reference ``&#13;`` (sent
  raw, an XML parser would read it as a line feed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import attrs

from ..errors import InvalidRequestError
from ..models import InvoiceChanges, InvoiceDraft

_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")

# Wire names of the body's fields -> the names a caller knows them by.
_FIELD_NAMES = {
    "number": "number", "issueDate": "issue_date", "dueDate": "due_date", "contactId": "contact.id",
    "currency": "currency", "exchangeRate": "exchange_rate", "terms": "terms", "language": "language",
    "purchaseOrderNumber": "purchase_order_number", "description": "description", "invoiceLines": "lines",
}
_LINE_FIELDS = {"invoiceItemID": "item_id", "invoiceTax1ID": "tax_ids", "invoiceTax2ID": "tax_ids",
                "quantity": "quantity", "price": "unit_price", "discount": "discount", "description": "description"}


def text_problem(text: str, *, xml: bool) -> str | None:
    """Why ``text`` cannot be sent in this format, or None when it can."""
    bad = (_NOT_XML if xml else _SURROGATE).search(text)
    if bad is None:
        return None
    code = f"U+{ord(bad[0]):04X}"
    if _SURROGATE.match(bad[0]):
        return f"contains a lone surrogate ({code}), which has no UTF-8 form"
    return f"contains {code}, a character XML 1.0 cannot carry (the ONLYOFFICE client is in XML mode)"


def field_name(path: tuple[str | int, ...]) -> str:
    """A body path (wire names, list indexes) as the field name a caller knows."""
    head = path[0]
    if head in _FIELD_NAMES:
        name = _FIELD_NAMES[str(head)]
        if name == "lines" and len(path) > 1:
            name = f"lines[{path[1]}]"
            if len(path) > 2:
                name += "." + _LINE_FIELDS.get(str(path[2]), str(path[2]))
        return name
    return "extra." + ".".join(str(part) for part in path)


def check_text(value: str, field: str, *, xml: bool) -> None:
    problem = text_problem(value, xml=xml)
    if problem is not None:
        raise InvalidRequestError(problem, field=field)


def _checked(value: Any, path: tuple[str | int, ...], xml: bool) -> Any:
    """``value`` with every text checked and, for JSON, each Decimal in its exact wire form."""
    if isinstance(value, str):
        check_text(value, field_name(path), xml=xml)
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            key_path = (*path, key)
            check_text(key, field_name(key_path), xml=xml)
            if xml and not _XML_NAME.match(key):
                raise InvalidRequestError(f"{key!r} is not a name an XML request body can carry",
                                          field=field_name(key_path))
            out[key] = _checked(item, key_path, xml)
        return out
    if isinstance(value, list | tuple):
        return [_checked(item, (*path, index), xml) for index, item in enumerate(value)]
    if isinstance(value, Decimal) and not xml:
        return _json_decimal(value)
    return value


def _json_decimal(value: Decimal) -> Decimal | str:
    if value == value.to_integral_value():
        return value  # an integer: JSON writes every digit
    shortest = repr(float(value))
    if "e" not in shortest and Decimal(shortest) == value.normalize():
        return value  # a JSON number the server's double reads back exactly, in plain digits
    # More digits than a double holds, or a magnitude a double prints with an exponent (which
    # .NET's decimal parsing refuses): plain digits in a string.
    return format(value, "f")


def check_texts(request: InvoiceDraft | InvoiceChanges, *, xml: bool) -> None:
    """Refuse, before anything is read or sent, the texts of a draft or changes that the body
    format cannot carry (the bodies are checked again as they are encoded)."""
    for attribute in attrs.fields(type(request)):
        value = getattr(request, attribute.name)
        if isinstance(value, str):
            check_text(value, attribute.name, xml=xml)
    for index, line in enumerate(request.lines or ()):
        for name in ("name", "description"):
            value = getattr(line, name, None)
            if isinstance(value, str):
                check_text(value, f"lines[{index}].{name}", xml=xml)
    for key, value in request.extra.items():
        _checked(value, (str(key),), xml)


def json_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` ready for ``Request(json=...)``: texts checked, decimals in their exact form."""
    return {key: _checked(value, (key,), False) for key, value in body.items()}


def _xml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # .NET parses decimals with the invariant culture and no exponent: plain digits only.
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _append(parent: Element, name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, list | tuple):
        for item in value:  # a list is repeated elements, exactly as Newtonsoft writes it
            _append(parent, name, item)
        return
    element = SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _append(element, key, item)
    else:
        element.text = _xml_scalar(value)


def xml_body(body: Mapping[str, Any]) -> bytes:
    """A request body as the XML the server flattens like the JSON form (children of the root,
    lists as repeated elements)."""
    root = Element("request")
    for key, value in body.items():
        _append(root, key, _checked(value, (key,), True))
    # ElementTree escapes &, < and > but writes a carriage return raw; names are checked above,
    # so every \r left is in text, where only a character reference keeps it a \r.
    return tostring(root, encoding="unicode").replace("\r", "&#13;").encode("utf-8")
