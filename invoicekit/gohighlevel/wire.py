"""GHL invoice payloads as attrs classes, and the cattrs converter that reads them.

The classes mirror what the API really returns, which is looser than the spec says:

- the id is ``_id`` (some answers also or only carry ``id``);
- ``invoiceNumber`` is typed number but sent as a string; both become ``str``;
- ``invoiceItems`` is typed "array of string" but holds objects (a bare string is kept as an id);
- ``businessDetails.address`` / ``contactDetails.address`` are objects or plain strings.

Attribute names are snake_case; one hook factory renames them to the wire's camelCase, so each
class needs no per-field boilerplate. Hooks are generated once per class (cattrs compiles them),
and unknown keys are ignored here: they stay reachable in the models' ``raw``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import cattrs
from attrs import frozen
from cattrs.gen import make_dict_structure_fn, override

from .._serde import make_wire_converter, parse_bool, parse_date, parse_datetime, parse_decimal


@frozen
class WireAddress:
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    country_code: str | None = None
    postal_code: str | None = None


@frozen
class WireTax:
    oid: str | None = None
    name: str | None = None
    rate: Decimal | None = None


@frozen
class WireItem:
    name: str | None = None
    description: str | None = None
    qty: Decimal | None = None
    amount: Decimal | None = None
    product_id: str | None = None
    price_id: str | None = None
    currency: str | None = None
    taxes: list[WireTax] = attrs.field(factory=list)


@frozen
class WireContact:
    id: str | None = None
    name: str | None = None
    email: str | None = None
    phone_no: str | None = None
    company_name: str | None = None
    address: WireAddress | None = None


@frozen
class WireInvoice:
    oid: str | None = None
    id: str | None = None
    status: str | None = None
    name: str | None = None
    title: str | None = None
    description: str | None = None
    invoice_number: str | None = None
    currency: str | None = None
    contact_details: WireContact | None = None
    issue_date: date | None = None
    due_date: date | None = None
    invoice_items: list[WireItem | str] = attrs.field(factory=list)
    total: Decimal | None = None
    amount_due: Decimal | None = None
    amount_paid: Decimal | None = None
    terms_notes: str | None = None
    live_mode: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


def _camel(name: str) -> str:
    if name == "oid":
        return "_id"
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_text(value: Any, _: Any) -> str | None:
    # invoiceNumber and friends: a number on some answers, text on others; never a Decimal repr
    # with an exponent, and None stays None.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value)


def make_converter() -> cattrs.Converter:
    converter = make_wire_converter()
    # Decoding is a hot path (a list page holds up to 100 invoices): plain list hooks without
    # per-element error bookkeeping, and direct hooks for the optional scalars instead of
    # cattrs' generic Optional dispatch. Errors still surface, as one MalformedResponseError.
    converter.detailed_validation = False
    converter.register_structure_hook(str | None, wire_text)
    converter.register_structure_hook(Decimal | None, lambda v, _: None if v is None else parse_decimal(v))
    converter.register_structure_hook(date | None, lambda v, _: parse_date(v))
    converter.register_structure_hook(datetime | None, lambda v, _: parse_datetime(v))
    converter.register_structure_hook(bool | None, lambda v, _: None if v is None else parse_bool(v))
    converter.register_structure_hook(str, lambda v, _: wire_text(v, None) or "")

    def address(value: Any, _: Any) -> WireAddress | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):  # webhook-style plain string address
            return WireAddress(address_line1=value)
        result: WireAddress = structure_address(value, WireAddress)
        return result

    def item(value: Any, _: Any) -> WireItem | str:
        if isinstance(value, str):
            return value
        result: WireItem = structure_item(value, WireItem)
        return result

    def class_hook(cls: type[Any]) -> Any:
        renames: dict[str, Any] = {
            a.name: override(rename=_camel(a.name)) for a in attrs.fields(cls) if _camel(a.name) != a.name
        }
        return make_dict_structure_fn(cls, converter, _cattrs_detailed_validation=False, **renames)

    converter.register_structure_hook_factory(attrs.has, class_hook)
    structure_address = converter.get_structure_hook(WireAddress)
    structure_item = converter.get_structure_hook(WireItem)
    converter.register_structure_hook(WireAddress | None, address)
    converter.register_structure_hook(WireItem | str, item)

    def contact(value: Any, _: Any) -> WireContact | None:
        if value is None:
            return None
        result: WireContact = structure_contact(value, WireContact)
        return result

    structure_contact = converter.get_structure_hook(WireContact)
    converter.register_structure_hook(WireContact | None, contact)
    return converter


CONVERTER = make_converter()
structure_invoice = CONVERTER.get_structure_hook(WireInvoice)
