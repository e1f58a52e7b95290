"""ONLYOFFICE's wire values as Python values: the structure hooks ``(value, type) -> value`` that
every decode of this adapter reads its scalars with.

A value is a JSON scalar or, from an XML answer, text (JSON gives 42 where XML gives "42"), so
each hook takes both; XML lists are lists already (``INVOICE_LISTS``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .._serde import parse_bool, parse_date, parse_datetime, parse_decimal, parse_int, read_text
from ..models import InvoiceStatus
from .status import STATUS_FROM_WIRE, neutral_status


def read_int(value: Any, _: Any = None) -> int:
    # A bool is never an id; a huge Decimal is refused, not expanded (parse_int).
    return value if type(value) is int else parse_int(value)


def read_str(value: Any, _: Any = None) -> str:
    if type(value) is str:
        return value
    if isinstance(value, dict | list):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return str(value)


def read_optional_str(value: Any, _: Any = None) -> str | None:
    # JSON's "" is XML's empty element (None): both read as None (read_text), as on every provider.
    if value is None:
        return None
    if type(value) is str and value and "\r" not in value and not value.isspace():
        return value  # the common case, without read_text's call (this runs for every text field)
    return read_text(value if type(value) is str else read_str(value))


def read_decimal(value: Any, _: Any = None) -> Decimal:
    return value if type(value) is Decimal else parse_decimal(value)


def read_optional_decimal(value: Any, _: Any = None) -> Decimal | None:
    return value if value is None or type(value) is Decimal else parse_decimal(value)


def read_bool(value: Any, _: Any = None) -> bool:
    return value if type(value) is bool else parse_bool(value)


def read_status(value: Any, _: Any = None) -> InvoiceStatus:
    """A status object ``{id, title}`` as the neutral status its id stands for (:mod:`.status`;
    ``title`` is a localised label)."""
    if type(value) is not dict and not isinstance(value, Mapping):
        raise ValueError(f"expected a status object, got {type(value).__name__}")
    status = value["id"]
    found = STATUS_FROM_WIRE.get(status) if type(status) is int else None  # the common case, without calls
    return neutral_status(parse_int(status)) if found is None else found


def read_currency_code(value: Any, _: Any = None) -> str | None:
    """A currency object ``{title, symbol, abbreviation, ...}`` as its abbreviation."""
    if value is None:
        return None
    if type(value) is not dict and not isinstance(value, Mapping):
        raise ValueError(f"expected a currency object, got {type(value).__name__}")
    code = value.get("abbreviation")
    if type(code) is str and code and "\r" not in code and not code.isspace():
        return code  # read_optional_str's common case, without its call
    return read_optional_str(code)


#: The hooks of the wire shapes' field types (:mod:`.wire`).
SCALARS: dict[Any, Callable[[Any, Any], Any]] = {
    int: read_int, str: read_str, Decimal: read_decimal, bool: read_bool, date: parse_date, datetime: parse_datetime,
}
#: ``X | None`` hooks that take None in their stride: one call per value, not two.
OPTIONAL_SCALARS: dict[Any, Callable[[Any, Any], Any]] = {
    str: read_optional_str, Decimal: read_optional_decimal, date: parse_date, datetime: parse_datetime,
}
