"""ONLYOFFICE invoice payloads -> neutral models: the adapter's one decoder.

One cattrs converter reads every wire shape of :mod:`.wire` with structure hooks generated once,
at import, per shape (``detailed_validation=False``: no per-field try/except; a failure is
reported as :class:`~invoicekit.MalformedResponseError` by the caller anyway), each reading every
field as a required key of a copy whose absent keys read as the shape's defaults
(:mod:`invoicekit._structure`: values go to the constructor positionally). The neutral models
are then built through their public constructors, so whatever converters and validators they
have run on every read. Values are JSON scalars or XML text alike: the scalar hooks accept both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType, NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import cattrs

from .._serde import parse_bool, parse_date, parse_datetime, parse_decimal, parse_int, read_text
from .._structure import defaulting_view, required_keys_hook, wire_defaults
from ..models import Contact, Invoice, InvoiceStatus, LineItem
from ..money import CURRENCIES, quantize
from .settings import PROVIDER_NAME
from .status import neutral_status
from .wire import (
    CurrencyCode,
    StatusId,
    WireAddressIds,
    WireContact,
    WireContactInfo,
    WireEntity,
    WireInvoice,
    WireLine,
    WireLinks,
)

T = TypeVar("T")
_ZERO = Decimal(0)

#: What a failed decode can raise (no detailed validation: the plain exceptions).
DECODE_ERRORS: tuple[type[Exception], ...] = (
    ValueError, TypeError, KeyError, AttributeError, cattrs.BaseValidationError,
)

# -- scalar hooks: (value, type) -> value; JSON gives 42 where XML gives "42" -----------------


def _int(value: Any, _: Any) -> int:
    # A bool is never an id; a huge Decimal is refused, not expanded (parse_int).
    return value if type(value) is int else parse_int(value)


def _str(value: Any, _: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, dict | list):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return str(value)


def _optional_str(value: Any, _: Any) -> str | None:
    # JSON's "" is XML's empty element (None): both read as None (read_text), as on every provider.
    if value is None:
        return None
    if type(value) is str and value and "\r" not in value and not value.isspace():
        return value  # the common case, without read_text's call (this runs for every text field)
    return read_text(value if type(value) is str else _str(value, str))


def _decimal(value: Any, _: Any) -> Decimal:
    return value if type(value) is Decimal else parse_decimal(value)


def _optional_decimal(value: Any, _: Any) -> Decimal | None:
    return value if value is None or type(value) is Decimal else parse_decimal(value)


def _bool(value: Any, _: Any) -> bool:
    return value if type(value) is bool else parse_bool(value)


def _status_id(value: Any, _: Any) -> int:
    if type(value) is not dict and not isinstance(value, Mapping):
        raise ValueError(f"expected a status object, got {type(value).__name__}")
    status = value["id"]
    return status if type(status) is int else parse_int(status)


def _currency_code(value: Any, _: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not dict and not isinstance(value, Mapping):
        raise ValueError(f"expected a currency object, got {type(value).__name__}")
    code = value.get("abbreviation")
    if type(code) is str and code and "\r" not in code and not code.isspace():
        return code  # _optional_str's common case, without its call
    return _optional_str(code, str)


_SCALARS: dict[Any, Callable[[Any, Any], Any]] = {
    int: _int, str: _str, Decimal: _decimal, bool: _bool, date: parse_date, datetime: parse_datetime,
    StatusId: _status_id, CurrencyCode: _currency_code,
}
# ``X | None`` hooks that take None in their stride: one call per value, not two.
_OPTIONAL_SCALARS: dict[Any, Callable[[Any, Any], Any]] = {
    str: _optional_str, Decimal: _optional_decimal, date: parse_date, datetime: parse_datetime,
    CurrencyCode: _currency_code,
}


def _is_optional(type_: Any) -> bool:
    """``X | None`` with exactly one other member."""
    if get_origin(type_) not in (Union, UnionType):
        return False
    args = get_args(type_)
    return len(args) == 2 and NoneType in args


def _is_list(type_: Any) -> bool:
    return get_origin(type_) is list


#: The wire shapes, innermost first: a generated hook looks up its fields' hooks when it is made.
_SHAPES = (WireContactInfo, WireContact, WireEntity, WireLine, WireInvoice, WireLinks, WireAddressIds)


def _shape_hook(
    shape: type[T], generated: Callable[[Any, Any], T], view: type[dict[str, Any]], *, optional: bool
) -> Callable[[Any, Any], T | None]:
    """The hook of ``shape`` (or of ``shape | None``): cattrs' generated code, reading a copy of
    the object whose absent keys read as the shape's defaults (:mod:`invoicekit._structure`)."""

    def structure(value: Any, _: Any) -> T | None:
        if type(value) is dict:  # what both parsers make
            return generated(view(value), shape)
        if value is None and optional:
            return None
        if not isinstance(value, Mapping):
            raise ValueError(f"expected an object, got {type(value).__name__}")
        return generated(view(value), shape)

    return structure


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    for type_, hook in _SCALARS.items():
        converter.register_structure_hook(type_, hook)
    optional_shapes: dict[type[Any], Callable[[Any, Any], Any]] = {}

    def optional(type_: Any) -> Callable[[Any, Any], Any]:
        inner_type = next(t for t in get_args(type_) if t is not NoneType)
        direct = _OPTIONAL_SCALARS.get(inner_type) or optional_shapes.get(inner_type)
        if direct is not None:
            return direct
        inner = converter.get_structure_hook(inner_type)
        return lambda value, _: None if value is None else inner(value, inner_type)

    def list_of(type_: Any) -> Callable[[Any, Any], list[Any]]:
        item_type = get_args(type_)[0]
        item = converter.get_structure_hook(item_type)

        def structure(value: Any, _: Any) -> list[Any]:
            if type(value) is not list:  # XML lists are lists already (INVOICE_LISTS)
                raise ValueError(f"expected a list, got {type(value).__name__}")
            return [item(entry, item_type) for entry in value]

        return structure

    converter.register_structure_hook_factory(_is_optional, optional)
    converter.register_structure_hook_factory(_is_list, list_of)
    for shape in _SHAPES:
        generated = required_keys_hook(shape, converter, _cattrs_use_alias=True)
        view = defaulting_view(f"{shape.__name__}Fields", wire_defaults(shape))
        converter.register_structure_hook(shape, _shape_hook(shape, generated, view, optional=False))
        optional_shapes[shape] = _shape_hook(shape, generated, view, optional=True)
    return converter


_CONVERTER = _make_converter()
_structure_invoice = _CONVERTER.get_structure_hook(WireInvoice)


def structure(data: Any, shape: type[T]) -> T:
    """``data`` (a dict with the wire's keys) as the wire shape ``shape``."""
    result: T = _CONVERTER.structure(data, shape)
    return result


# -- wire shapes -> neutral models ------------------------------------------------------------


def _line(
    line: WireLine, raw: Mapping[str, Any], titles: Mapping[int, str | None], currency: str | None
) -> LineItem:
    # ``name`` is the catalogue item's title, which the line does not carry: the client looks the
    # titles up first (items.py).
    return LineItem(
        name=titles.get(line.invoice_item_id),
        description=line.description,
        quantity=line.quantity,
        unit_price=quantize(line.price, currency),  # padded here: the invoice would copy the line
        discount=line.discount,
        item_id=line.invoice_item_id or None,
        tax_ids=_tax_ids(line.invoice_tax1_id, line.invoice_tax2_id),
        # A read-only view, not a copy: LineItem keeps MappingProxyType values as they are.
        raw=MappingProxyType(raw),
    )


def _tax_ids(tax1: int, tax2: int) -> tuple[int, ...]:
    # Most lines have no tax: a generator for two ids would cost more than the tests.
    if tax1:
        return (tax1, tax2) if tax2 else (tax1,)
    return (tax2,) if tax2 else ()


def _contact(contact: WireContact | None) -> Contact | None:
    if contact is None:
        return None
    name = contact.display_name
    # The embedded contact carries its primary e-mail (blank reads as None, as all text) but no
    # phone: that is the contact's own (``client.contacts.get``).
    email = contact.email.data if contact.email is not None else None
    return Contact(id=contact.id, name=name, company_name=name if contact.is_company else None, email=email)


#: Zero in each currency's minor units (``0.00`` EUR), as the invoice keeps its amounts.
_ZEROS: dict[str | None, Decimal] = {code: quantize(_ZERO, code) for code in CURRENCIES}

_NO_TITLES: Mapping[int, str | None] = MappingProxyType({})


def decode_wire(data: Any) -> WireInvoice:
    """One invoice dict (camelCase, JSON or XML values) in its wire shape."""
    wire: WireInvoice = _structure_invoice(data, WireInvoice)
    return wire


def item_ids(wire: WireInvoice) -> set[int]:
    """The catalogue items the invoice's lines name (their titles are the lines' names)."""
    return {line.invoice_item_id for line in wire.invoice_lines or () if line.invoice_item_id}


def decode_invoice(data: Any, titles: Mapping[int, str | None] = _NO_TITLES) -> Invoice:
    """One invoice dict (camelCase, JSON or XML values) as a neutral :class:`Invoice`, its lines
    named from ``titles`` (catalogue item id -> title).

    ONLYOFFICE has no partial payments: a Paid invoice owes nothing, any other owes its cost.
    """
    return to_invoice(_structure_invoice(data, WireInvoice), data, titles)  # decode_wire, one call less


def to_invoice(wire: WireInvoice, data: Mapping[str, Any], titles: Mapping[int, str | None]) -> Invoice:
    """The neutral :class:`Invoice` of a decoded wire invoice (``data``: its dict, kept as raw)."""
    status = neutral_status(wire.status)
    # Lists, deletes and status answers (InvoiceBaseWrapper) carry no lines: not loaded, not none.
    lines: tuple[LineItem, ...] | None = None
    if wire.invoice_lines is not None:
        currency = wire.currency
        lines = tuple([_line(line, raw, titles, currency)
                       for line, raw in zip(wire.invoice_lines, data["invoiceLines"], strict=True)])
    cost = wire.cost
    paid = status is InvoiceStatus.PAID
    zero = _ZEROS.get(wire.currency, _ZERO)  # in the currency's minor units: nothing to pad later
    return Invoice(
        id=wire.id,
        provider=PROVIDER_NAME,
        status=status,
        number=wire.number,
        name=wire.number,
        currency=wire.currency,
        issue_date=wire.issue_date,
        due_date=wire.due_date,
        contact=_contact(wire.contact),
        lines=lines,
        total=cost,
        amount_paid=cost if paid else zero,
        amount_due=zero if paid else cost,
        terms=wire.terms,
        description=wire.description,
        purchase_order_number=wire.purchase_order_number,
        exchange_rate=wire.exchange_rate,
        language=wire.language,
        created_at=wire.create_on,
        updated_at=None,
        raw=data,
    )
