"""ONLYOFFICE wire shapes (InvoiceWrapper & co.) and their mapping to the neutral models.

The wire classes hold only what the adapter uses; everything else stays in ``Invoice.raw``.
One cattrs converter, with structure functions generated once at import, turns the camelCase
dicts of :mod:`.envelope` (JSON scalars or XML strings alike) into them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType, NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import cattrs
from attrs import fields, frozen
from cattrs.gen import make_dict_structure_fn, override

from .._serde import make_wire_converter, parse_bool, parse_date, parse_datetime, parse_decimal, parse_int
from ..models import (
    Contact,
    Invoice,
    InvoiceStatus,
    LineItem,
    _decoded_contact,
    _decoded_invoice,
    _decoded_line,
)

PROVIDER = "onlyoffice"
_ZERO = Decimal(0)


def is_optional(type_: Any) -> bool:
    """``X | None`` with exactly one other member."""
    if get_origin(type_) not in (Union, UnionType):
        return False
    args = get_args(type_)
    return len(args) == 2 and NoneType in args

# ONLYOFFICE InvoiceStatus ids (Core/Enums/InvoiceStatus.cs); 2 is labelled "Billed" in the UI.
DRAFT, SENT, REJECTED, PAID, ARCHIVED = 1, 2, 3, 4, 5
STATUS_FROM_WIRE: Mapping[int, InvoiceStatus] = {
    DRAFT: InvoiceStatus.DRAFT,
    SENT: InvoiceStatus.SENT,
    REJECTED: InvoiceStatus.REJECTED,
    PAID: InvoiceStatus.PAID,
    ARCHIVED: InvoiceStatus.ARCHIVED,
}
STATUS_TO_WIRE: Mapping[InvoiceStatus, int] = {v: k for k, v in STATUS_FROM_WIRE.items()}
STATUS_NAMES: Mapping[int, str] = {
    DRAFT: "Draft", SENT: "Sent", REJECTED: "Rejected", PAID: "Paid", ARCHIVED: "Archived",
}


@frozen
class WireStatus:
    id: int
    title: str | None = None


@frozen
class WireCurrency:
    abbreviation: str | None = None


@frozen
class WireContact:
    id: int
    display_name: str | None = None
    is_company: bool = False


@frozen
class WireEntity:
    entity_type: str | None = None
    entity_id: int = 0


@frozen
class WireLine:
    invoice_item_id: int = 0
    invoice_tax1_id: int = 0
    invoice_tax2_id: int = 0
    description: str | None = None
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    id: int = 0


@frozen
class WireInvoice:
    """InvoiceBaseWrapper / InvoiceWrapper (the latter adds ``invoiceLines``)."""

    id: int
    status: WireStatus
    number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    template_type: int = 0
    contact: WireContact | None = None
    consignee: WireContact | None = None
    entity: WireEntity | None = None
    language: str | None = None
    currency: WireCurrency | None = None
    exchange_rate: Decimal | None = None
    purchase_order_number: str | None = None
    terms: str | None = None
    description: str | None = None
    create_on: datetime | None = None
    cost: Decimal = Decimal(0)
    invoice_lines: list[WireLine] | None = None


# Python name -> wire name, where they differ (the wire is Newtonsoft camelCase of the C# names).
_RENAMES: dict[type, dict[str, str]] = {
    WireContact: {"display_name": "displayName", "is_company": "isCompany"},
    WireEntity: {"entity_type": "entityType", "entity_id": "entityId"},
    WireLine: {"invoice_item_id": "invoiceItemID", "invoice_tax1_id": "invoiceTax1ID",
               "invoice_tax2_id": "invoiceTax2ID"},
    WireInvoice: {"issue_date": "issueDate", "due_date": "dueDate", "template_type": "templateType",
                  "exchange_rate": "exchangeRate", "purchase_order_number": "purchaseOrderNumber",
                  "create_on": "createOn", "invoice_lines": "invoiceLines"},
}


def _structure_int(value: Any, _: type) -> int:
    # XML gives "42"; JSON gives 42. A bool is never an id; a huge Decimal is refused, not expanded.
    if type(value) is int:
        return value
    return parse_int(value)


def _structure_str(value: Any, _: type) -> str:
    if type(value) is str:
        return value
    if isinstance(value, dict | list):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return str(value)


def _optional_hook(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """``X | None`` without cattrs' generic union dispatch on every value (decode speed)."""

    def factory(type_: Any) -> Callable[[Any, Any], Any]:
        inner_type = next(t for t in get_args(type_) if t is not NoneType)
        if inner_type is str:  # the most common optional: one call, not two
            return lambda value, _: value if value is None or type(value) is str else _structure_str(value, str)
        inner = converter.get_structure_hook(inner_type)

        def structure(value: Any, _: Any) -> Any:
            return None if value is None else inner(value, inner_type)

        return structure

    return factory


def make_converter() -> cattrs.Converter:
    converter = make_wire_converter()
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook_factory(is_optional, _optional_hook(converter))
    for cls in (WireStatus, WireCurrency, WireContact, WireEntity, WireLine, WireInvoice):
        renames = _RENAMES.get(cls, {})
        overrides: dict[str, Any] = {
            a.name: override(rename=renames[a.name]) for a in fields(cls) if a.name in renames
        }
        # No detailed validation: it wraps every field in try/except, and decode speed matters.
        # Any failure is reported as MalformedResponseError by the caller anyway.
        converter.register_structure_hook(
            cls, make_dict_structure_fn(cls, converter, _cattrs_detailed_validation=False, **overrides)
        )
    return converter


CONVERTER = make_converter()
_structure_invoice = CONVERTER.get_structure_hook(WireInvoice)

#: What a failed decode can raise (no detailed validation: the plain exceptions).
DECODE_ERRORS: tuple[type[Exception], ...] = (
    ValueError, TypeError, KeyError, AttributeError, cattrs.BaseValidationError,
)


def structure_invoice(data: Any) -> WireInvoice:
    if not isinstance(data, Mapping):
        raise ValueError(f"expected an invoice object, got {type(data).__name__}")
    return _structure_invoice(data, WireInvoice)  # type: ignore[no-any-return]


def line_from_wire(line: WireLine, raw: Any = None) -> LineItem:
    """The neutral line; ``raw`` is its wire dict (kept as ``LineItem.raw``) when there is one."""
    return LineItem(
        description=line.description,
        quantity=line.quantity,
        unit_price=line.price,
        discount=line.discount,
        item_id=line.invoice_item_id or None,
        tax_ids=tuple(t for t in (line.invoice_tax1_id, line.invoice_tax2_id) if t),
        # A read-only view, not a copy: LineItem keeps MappingProxyType values as they are.
        raw=MappingProxyType(raw) if isinstance(raw, dict) else {},
    )


def neutral_status(wire_id: int) -> InvoiceStatus:
    try:
        return STATUS_FROM_WIRE[wire_id]
    except KeyError:
        raise ValueError(f"unknown ONLYOFFICE invoice status id {wire_id}") from None


def to_invoice(wire: WireInvoice, raw: Mapping[str, Any]) -> Invoice:
    """The neutral invoice. ONLYOFFICE has no partial payments: a Paid invoice owes nothing."""
    status = neutral_status(wire.status.id)
    contact = None
    if wire.contact is not None:
        name = wire.contact.display_name
        contact = Contact(id=wire.contact.id, name=name, company_name=name if wire.contact.is_company else None)
    lines: tuple[LineItem, ...] = ()
    if wire.invoice_lines:
        raw_lines = raw.get("invoiceLines") or ()
        if not isinstance(raw_lines, list):
            raw_lines = [raw_lines]
        lines = tuple(line_from_wire(line, r) for line, r in zip(wire.invoice_lines, raw_lines, strict=False))
    paid = status is InvoiceStatus.PAID
    return Invoice(
        id=wire.id,
        provider=PROVIDER,
        status=status,
        number=wire.number,
        name=wire.number,
        currency=wire.currency.abbreviation if wire.currency is not None else None,
        issue_date=wire.issue_date,
        due_date=wire.due_date,
        contact=contact,
        lines=lines,
        total=wire.cost,
        amount_paid=wire.cost if paid else Decimal(0),
        amount_due=Decimal(0) if paid else wire.cost,
        terms=wire.terms,
        description=wire.description,
        purchase_order_number=wire.purchase_order_number,
        exchange_rate=wire.exchange_rate,
        language=wire.language,
        created_at=wire.create_on,
        updated_at=None,
        raw=raw,
    )


# -- the read fast path ---------------------------------------------------------------------
#
# Reading is the hot path (a list page holds up to 1,000 invoices, and a ``get`` is mostly
# decode). Going wire shape -> WireInvoice -> Invoice builds every object twice and calls one hook
# per field; the function below reads the dict once and builds the neutral models directly, with
# the same scalar parsers the converter's hooks use. It handles the shapes the server writes (JSON
# scalars or XML text, objects as dicts, lines as a list) and raises on anything else; then the
# cattrs path above, which stays the reference, decides: it returns the same value or raises the
# error a malformed answer deserves. tests/onlyoffice/test_decode_fast.py checks that both agree.


class _Unusual(Exception):
    """A shape the fast path leaves to the cattrs path."""


def _int(value: Any) -> int:
    return value if type(value) is int else parse_int(value)


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    raise _Unusual


def _decimal(value: Any) -> Decimal:
    return value if type(value) is Decimal else parse_decimal(value)


def _flag(value: Any) -> bool:
    return value if type(value) is bool else parse_bool(value)


def _object(value: Any) -> dict[str, Any] | None:
    if value is None or type(value) is dict:
        return value
    raise _Unusual


def _party(value: Any) -> tuple[int, str | None, bool] | None:
    """contact / consignee: (id, displayName, isCompany)."""
    obj = _object(value)
    if obj is None:
        return None
    return _int(obj["id"]), _text(obj.get("displayName")), _flag(obj.get("isCompany", False))


def _fast_line(raw: Any) -> LineItem:
    if type(raw) is not dict:
        raise _Unusual
    get = raw.get
    item_id = _int(get("invoiceItemID", 0))
    tax1 = _int(get("invoiceTax1ID", 0))
    tax2 = _int(get("invoiceTax2ID", 0))
    _int(get("id", 0))  # not kept, but checked as the wire shape checks it
    return _decoded_line(
        description=_text(get("description")),
        quantity=_decimal(get("quantity", _ZERO)),
        unit_price=_decimal(get("price", _ZERO)),
        discount=_decimal(get("discount", _ZERO)),
        item_id=item_id or None,
        tax_ids=(tax1, tax2) if tax1 and tax2 else (tax1,) if tax1 else (tax2,) if tax2 else (),
        raw=MappingProxyType(raw),
    )


def _fast_invoice(data: dict[str, Any]) -> Invoice:
    get = data.get
    invoice_id = _int(data["id"])
    status_obj = data["status"]
    if type(status_obj) is not dict:
        raise _Unusual
    status = STATUS_FROM_WIRE[_int(status_obj["id"])]
    _text(status_obj.get("title"))
    number = _text(get("number"))
    _int(get("templateType", 0))
    party = _party(get("contact"))
    contact = None
    if party is not None:
        contact = _decoded_contact(id=party[0], name=party[1], company_name=party[1] if party[2] else None)
    _party(get("consignee"))
    entity = _object(get("entity"))
    if entity is not None:
        _text(entity.get("entityType"))
        _int(entity.get("entityId", 0))
    currency_obj = _object(get("currency"))
    currency = None if currency_obj is None else _text(currency_obj.get("abbreviation"))
    rate = get("exchangeRate")
    cost = _decimal(get("cost", _ZERO))
    raw_lines = get("invoiceLines")
    lines: tuple[LineItem, ...] = ()
    if raw_lines is not None:
        if type(raw_lines) is not list:
            raise _Unusual
        lines = tuple([_fast_line(line) for line in raw_lines])
    paid = status is InvoiceStatus.PAID
    return _decoded_invoice(
        id=invoice_id,
        provider=PROVIDER,
        status=status,
        number=number,
        name=number,
        currency=currency,
        issue_date=parse_date(get("issueDate")),
        due_date=parse_date(get("dueDate")),
        contact=contact,
        lines=lines,
        total=cost,
        amount_paid=cost if paid else _ZERO,
        amount_due=_ZERO if paid else cost,
        terms=_text(get("terms")),
        description=_text(get("description")),
        purchase_order_number=_text(get("purchaseOrderNumber")),
        exchange_rate=None if rate is None else _decimal(rate),
        language=_text(get("language")),
        created_at=parse_datetime(get("createOn")),
        updated_at=None,
        raw=data,
    )


def decode_invoice(data: Any) -> Invoice:
    """One invoice dict (camelCase, JSON or XML values) as a neutral :class:`Invoice`."""
    if type(data) is dict:
        try:
            return _fast_invoice(data)
        except Exception:  # an unusual shape: the reference path decides
            pass
    return to_invoice(structure_invoice(data), data)
