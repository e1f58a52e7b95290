"""Provider-neutral invoice models.

All models are frozen attrs classes. Money, quantities, rates and percentages are
:class:`decimal.Decimal` (a float is refused: it cannot hold 0.10 exactly); dates are
:class:`datetime.date`, timestamps aware :class:`datetime.datetime`. Ids keep their provider's
type: ``int`` for ONLYOFFICE, ``str`` for GoHighLevel. Every decoded model keeps the provider's
payload in ``raw`` so that nothing the neutral shape drops is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs
from attrs import field, frozen

from ._trusted import trusted_constructor
from .errors import InvalidRequestError

InvoiceId = int | str
"""An invoice id in its provider's own type (``int`` for ONLYOFFICE, ``str`` for GoHighLevel)."""

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PAYMENT_PROCESSING = "payment_processing"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class Capability(StrEnum):
    """Operations a client may have; ``client.capabilities`` lists the ones it does."""

    GET = "get"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DELETE_MANY = "delete_many"
    SEND = "send"
    MARK_PAID = "mark_paid"
    VOID = "void"
    RECORD_PAYMENT = "record_payment"
    GENERATE_NUMBER = "generate_number"


class PaymentMode(StrEnum):
    CASH = "cash"
    CARD = "card"
    CHEQUE = "cheque"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


def to_decimal(value: object, name: str = "value") -> Decimal:
    """Exact conversion to Decimal: Decimal, int and numeric strings only.

    Floats are refused because they silently carry binary noise (0.1 + 0.2); booleans are
    refused because ``True`` is an ``int`` but never an amount.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidRequestError("must be a finite number", field=name)
        return value
    if isinstance(value, bool | float):
        raise InvalidRequestError(
            f"must be a Decimal, int or numeric string, not {type(value).__name__}", field=name
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidRequestError(f"{value[:40]!r} is not a number", field=name) from None
        if not result.is_finite():
            raise InvalidRequestError("must be a finite number", field=name)
        return result
    raise InvalidRequestError(
        f"must be a Decimal, int or numeric string, not {type(value).__name__}", field=name
    )


def _decimal_field(value: object, fld: attrs.Attribute[Any]) -> Decimal:
    # Decoded lines arrive with Decimals already: skip the general checks for them (hot path).
    if type(value) is Decimal and value.is_finite():
        return value
    return to_decimal(value, fld.name)


def _optional_decimal_field(value: object, fld: attrs.Attribute[Any]) -> Decimal | None:
    return None if value is None else to_decimal(value, fld.name)


def currency_code(value: object, field: str) -> str:
    """A three-letter currency code, upper-cased (models and list filters alike)."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 3 or not code.isalpha():
        raise InvalidRequestError("must be a three-letter currency code such as 'EUR'", field=field)
    return code


def _currency_field(value: object, fld: attrs.Attribute[Any]) -> str | None:
    return None if value is None else currency_code(value, fld.name)


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    # Decoders pass read-only views: the common case first. (mappingproxy cannot be subclassed,
    # so past this test no value is one.)
    if type(value) is MappingProxyType:
        return value if value else _EMPTY
    if not value:
        return _EMPTY
    return MappingProxyType(dict(value))


def _id_tuple(value: Iterable[InvoiceId]) -> tuple[InvoiceId, ...]:
    # A typed converter: mypy's attrs plugin cannot infer the item type through bare ``tuple``.
    return value if type(value) is tuple else tuple(value)


def _line_tuple(value: Iterable[LineItem]) -> tuple[LineItem, ...]:
    # Typed for the same reason: with bare ``tuple`` mypy refuses every list of lines.
    return tuple(value)


def _optional_line_tuple(value: Iterable[LineItem] | None) -> tuple[LineItem, ...] | None:
    return None if value is None else tuple(value)


# takes_field lets the error name the field that was wrong. mypy's attrs plugin cannot read
# attrs.Converter, hence the ignores on the fields that use these.
_DECIMAL = attrs.Converter(_decimal_field, takes_field=True)
_OPT_DECIMAL = attrs.Converter(_optional_decimal_field, takes_field=True)
_CURRENCY = attrs.Converter(_currency_field, takes_field=True)


@frozen(kw_only=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


@frozen(kw_only=True)
class Contact:
    """Who the invoice is for. ``id`` is the provider's contact id, in its own type."""

    id: InvoiceId | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    company_name: str | None = None
    address: Address | None = None


@frozen(kw_only=True)
class LineItem:
    """One invoice line. ``discount`` is a percentage (0..100) of the line amount;
    ``tax_ids`` reference the provider's tax records."""

    name: str | None = None
    description: str | None = None
    quantity: Decimal = field(default=Decimal(1), converter=_DECIMAL)  # type: ignore[misc]
    unit_price: Decimal = field(default=Decimal(0), converter=_DECIMAL)  # type: ignore[misc]
    discount: Decimal = field(default=Decimal(0), converter=_DECIMAL)  # type: ignore[misc]
    item_id: InvoiceId | None = None
    tax_ids: tuple[InvoiceId, ...] = field(default=(), converter=_id_tuple)
    raw: Mapping[str, Any] = field(default=_EMPTY, converter=_frozen_mapping, repr=False, eq=False)


@frozen(kw_only=True)
class Invoice:
    """An invoice as read from a provider."""

    id: InvoiceId
    provider: str
    status: InvoiceStatus
    number: str | None = None
    name: str | None = None
    currency: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    contact: Contact | None = None
    #: None when the provider listed the invoice without its lines (``list(with_lines=True)``
    #: or ``get`` loads them); an empty tuple is an invoice with no lines.
    lines: tuple[LineItem, ...] | None = ()
    total: Decimal = Decimal(0)
    amount_due: Decimal | None = None
    amount_paid: Decimal | None = None
    terms: str | None = None
    description: str | None = None
    purchase_order_number: str | None = None
    exchange_rate: Decimal | None = None
    language: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    raw: Mapping[str, Any] = field(default=_EMPTY, repr=False, eq=False)


@frozen(kw_only=True)
class InvoiceDraft:
    """What ``create`` takes. Provider-specific fields go in ``extra`` (wire names)."""

    currency: str = field(converter=_CURRENCY)  # type: ignore[misc]
    lines: tuple[LineItem, ...] = field(converter=_line_tuple)
    contact: Contact | None = None
    number: str | None = None
    name: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    terms: str | None = None
    description: str | None = None
    purchase_order_number: str | None = None
    exchange_rate: Decimal | None = field(default=None, converter=_OPT_DECIMAL)  # type: ignore[misc]
    language: str | None = None
    extra: Mapping[str, Any] = field(default=_EMPTY, converter=_frozen_mapping)


@frozen(kw_only=True)
class InvoiceChanges:
    """What ``update`` takes: every field optional; ``None`` means "keep the current value".

    ``lines``, when given, replaces all lines. To clear a text field pass ``""``.
    """

    currency: str | None = field(default=None, converter=_CURRENCY)  # type: ignore[misc]
    lines: tuple[LineItem, ...] | None = field(default=None, converter=_optional_line_tuple)
    contact: Contact | None = None
    name: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    terms: str | None = None
    description: str | None = None
    purchase_order_number: str | None = None
    exchange_rate: Decimal | None = field(default=None, converter=_OPT_DECIMAL)  # type: ignore[misc]
    language: str | None = None
    extra: Mapping[str, Any] = field(default=_EMPTY, converter=_frozen_mapping)


@frozen(kw_only=True)
class Payment:
    """A manual payment to record (``record_payment``). ``amount=None`` pays what is due."""

    mode: PaymentMode = PaymentMode.OTHER
    amount: Decimal | None = field(default=None, converter=_OPT_DECIMAL)  # type: ignore[misc]
    notes: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None
    cheque_number: str | None = None
    paid_at: datetime | None = None


@frozen(kw_only=True)
class RateLimitInfo:
    """The rate-limit headers of one response (GoHighLevel sends them on every answer)."""

    remaining: int | None = None
    limit: int | None = None
    interval_ms: int | None = None
    daily_remaining: int | None = None
    daily_limit: int | None = None

    @property
    def daily_exhausted(self) -> bool:
        return self.daily_remaining is not None and self.daily_remaining <= 0


# Used only by the decoders; see invoicekit._trusted.
_decoded_address = trusted_constructor(Address)
_decoded_contact = trusted_constructor(Contact)
_decoded_line = trusted_constructor(LineItem)
_decoded_invoice = trusted_constructor(Invoice)
