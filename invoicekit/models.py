"""Provider-neutral invoice models.

All models are frozen attrs classes. Money, quantities, rates and percentages are
:class:`decimal.Decimal` (a float is refused: it cannot hold 0.10 exactly); dates are
:class:`datetime.date`, timestamps aware :class:`datetime.datetime`. Ids keep their provider's
type: ``int`` for ONLYOFFICE, ``str`` for GoHighLevel. Every decoded model keeps the provider's
payload in ``raw`` so that nothing the neutral shape drops is lost.

Every field is checked once, at construction (:mod:`invoicekit._checks`, which says what is
checked where): a wrong value is an :class:`InvalidRequestError` naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs
from attrs import field, frozen

from . import _checks as _c
from ._checks import _EMPTY
from ._checks import to_decimal as to_decimal  # re-exported: the CLI imports it from here
from ._copying import picklable_views
from ._trusted import checked_init
from .money import _SMALLEST, quantize
from .money import currency_code as currency_code  # re-exported: adapters import it from here

_smallest_unit = _SMALLEST.get  # money.smallest_unit without its Python frame: this runs on every read

InvoiceId = int | str
"""An invoice id in its provider's own type (``int`` for ONLYOFFICE, ``str`` for GoHighLevel)."""

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


Money = Decimal | int | str
"""What a money, quantity or rate field takes: exact values only (a float is refused)."""

if TYPE_CHECKING:
    # What each converter takes, as the type checker sees it: mypy's attrs plugin types a
    # parameter from a converter that is a plain function, and cannot read attrs.Converter. So
    # ``LineItem(unit_price=1.5)`` is a type error, as it is an InvalidRequestError at run time.
    def _DECIMAL(value: Money) -> Decimal: ...
    def _OPT_DECIMAL(value: Money | None) -> Decimal | None: ...
    def _CURRENCY(value: str) -> str: ...
    def _OPT_CURRENCY(value: str | None) -> str | None: ...
    def _MAPPING(value: Mapping[str, Any] | None) -> Mapping[str, Any]: ...
    def _IDS(value: Iterable[InvoiceId]) -> tuple[InvoiceId, ...]: ...
    def _LINES(value: Iterable[LineItem]) -> tuple[LineItem, ...]: ...
    def _OPT_LINES(value: Iterable[LineItem] | None) -> tuple[LineItem, ...] | None: ...
    def _MODE(value: PaymentMode | str) -> PaymentMode: ...
else:
    # takes_field lets the error name the field that was wrong.
    _DECIMAL = attrs.Converter(_c.decimal_field, takes_field=True)
    _OPT_DECIMAL = attrs.Converter(_c.optional_decimal_field, takes_field=True)
    _CURRENCY = attrs.Converter(_c.currency_field, takes_field=True)
    _OPT_CURRENCY = attrs.Converter(_c.optional_currency_field, takes_field=True)
    _MAPPING = attrs.Converter(_c.frozen_mapping, takes_field=True)
    _IDS = attrs.Converter(_c.id_tuple, takes_field=True)
    _LINES = attrs.Converter(_c.line_tuple, takes_field=True)
    _OPT_LINES = attrs.Converter(_c.optional_line_tuple, takes_field=True)
    _MODE = attrs.Converter(_c.member_of(PaymentMode, "a payment mode"), takes_field=True)

_TEXT = _c.optional_text
_DAY = _c.optional_day
_TIMESTAMP = _c.optional_timestamp


@checked_init
@frozen(kw_only=True)
class Address:
    line1: str | None = field(default=None, validator=_TEXT)
    line2: str | None = field(default=None, validator=_TEXT)
    city: str | None = field(default=None, validator=_TEXT)
    state: str | None = field(default=None, validator=_TEXT)
    postal_code: str | None = field(default=None, validator=_TEXT)
    country_code: str | None = field(default=None, validator=_TEXT)


@checked_init
@frozen(kw_only=True)
class Contact:
    """Who the invoice is for. ``id`` is the provider's contact id, in its own type."""

    id: InvoiceId | None = field(default=None, validator=_c.optional_id)
    name: str | None = field(default=None, validator=_TEXT)
    email: str | None = field(default=None, validator=_TEXT)
    phone: str | None = field(default=None, validator=_TEXT)
    company_name: str | None = field(default=None, validator=_TEXT)
    address: Address | None = field(default=None, validator=_c.instance_of(Address, "an Address"))


@picklable_views
@checked_init
@frozen(kw_only=True)
class LineItem:
    """One invoice line. ``discount`` is a percentage (0..100) of the line amount;
    ``tax_ids`` reference the provider's tax records.

    A line on its own is checked for types only (a line read back may carry quantity 0); the
    draft or changes it goes into check quantity > 0 and the unit price."""

    name: str | None = field(default=None, validator=_TEXT)
    description: str | None = field(default=None, validator=_TEXT)
    quantity: Decimal = field(default=Decimal(1), converter=_DECIMAL, validator=_c.decimal)
    unit_price: Decimal = field(default=Decimal(0), converter=_DECIMAL, validator=_c.decimal)
    discount: Decimal = field(default=Decimal(0), converter=_DECIMAL, validator=_c.percentage)
    item_id: InvoiceId | None = field(default=None, validator=_c.optional_id)
    tax_ids: tuple[InvoiceId, ...] = field(default=(), converter=_IDS, validator=_c.id_items)
    raw: Mapping[str, Any] = field(default=_EMPTY, converter=_MAPPING, repr=False, eq=False)


@picklable_views
@checked_init
@frozen(kw_only=True)
class Invoice:
    """An invoice as read from a provider.

    Checked for types only (a stored invoice may be past due or carry a zero-quantity line).
    Amounts (``total``, ``amount_due``, ``amount_paid``, each line's ``unit_price``) come in one
    canonical form whatever the provider wrote: the currency's minor units (``360.00`` EUR,
    ``360`` JPY), see :func:`invoicekit.money.quantize`.
    """

    id: InvoiceId = field(validator=_c.invoice_id)
    provider: str = field(validator=_c.text)
    status: InvoiceStatus = field(validator=_c.instance_of(InvoiceStatus, "an InvoiceStatus"))
    number: str | None = field(default=None, validator=_TEXT)
    name: str | None = field(default=None, validator=_TEXT)
    currency: str | None = field(default=None, validator=_TEXT)
    issue_date: date | None = field(default=None, validator=_DAY)
    due_date: date | None = field(default=None, validator=_DAY)
    contact: Contact | None = field(default=None, validator=_c.instance_of(Contact, "a Contact"))
    #: None when the provider listed the invoice without its lines (``list(with_lines=True)``
    #: or ``get`` loads them); an empty tuple is an invoice with no lines.
    lines: tuple[LineItem, ...] | None = field(
        default=(), converter=_OPT_LINES, validator=_c.items_of(LineItem, "a LineItem")
    )
    # Money takes a Decimal, int or numeric string, as on every model; the converters' fast pass
    # is the check the validators made (a finite Decimal), so a decoded invoice costs the same.
    total: Decimal = field(default=Decimal(0), converter=_DECIMAL)
    amount_due: Decimal | None = field(default=None, converter=_OPT_DECIMAL)
    amount_paid: Decimal | None = field(default=None, converter=_OPT_DECIMAL)
    terms: str | None = field(default=None, validator=_TEXT)
    description: str | None = field(default=None, validator=_TEXT)
    purchase_order_number: str | None = field(default=None, validator=_TEXT)
    exchange_rate: Decimal | None = field(default=None, converter=_OPT_DECIMAL)
    language: str | None = field(default=None, validator=_TEXT)
    created_at: datetime | None = field(default=None, validator=_TIMESTAMP)
    updated_at: datetime | None = field(default=None, validator=_TIMESTAMP)
    raw: Mapping[str, Any] = field(default=_EMPTY, repr=False, eq=False, validator=_c.mapping)

    def __attrs_post_init__(self) -> None:
        # The canonical form of amounts, here rather than in each decoder: every provider's
        # invoice passes through this one place (the trusted constructor runs it too).
        unit = _smallest_unit(self.currency)  # None for None and for a currency not in the table
        if unit is None:
            return
        if not self.total.same_quantum(unit):
            _set(self, "total", quantize(self.total, self.currency))
        if self.amount_due is not None and not self.amount_due.same_quantum(unit):
            _set(self, "amount_due", quantize(self.amount_due, self.currency))
        if self.amount_paid is not None and not self.amount_paid.same_quantum(unit):
            _set(self, "amount_paid", quantize(self.amount_paid, self.currency))
        for line in self.lines or ():
            if not line.unit_price.same_quantum(unit):
                _set(self, "lines", tuple([_canonical_line(each, self.currency) for each in self.lines or ()]))
                break


_set = object.__setattr__  # frozen: the one sanctioned write, during construction


_LINE_FIELDS = tuple(a.name for a in attrs.fields(LineItem))


def _canonical_line(line: LineItem, currency: str | None) -> LineItem:
    price = quantize(line.unit_price, currency)
    if price is line.unit_price:
        return line
    # Through the public constructor, like every model. Decoders pad their prices as they read
    # them (they know the currency), so on reads this runs only for a line built by hand.
    values = {name: getattr(line, name) for name in _LINE_FIELDS}
    values["unit_price"] = price
    return LineItem(**values)


@frozen(kw_only=True)
class _InvoiceFields:
    """The fields drafts and changes share, with their checks (a private base: subclasses list
    their own fields after these)."""

    contact: Contact | None = field(default=None, validator=_c.instance_of(Contact, "a Contact"))
    name: str | None = field(default=None, validator=_TEXT)
    issue_date: date | None = field(default=None, validator=_DAY)
    due_date: date | None = field(default=None, validator=[_DAY, _c.due_after_issue])
    terms: str | None = field(default=None, validator=_TEXT)
    description: str | None = field(default=None, validator=_TEXT)
    purchase_order_number: str | None = field(default=None, validator=_TEXT)
    exchange_rate: Decimal | None = field(
        default=None, converter=_OPT_DECIMAL, validator=_c.positive_rate
    )
    language: str | None = field(default=None, validator=_TEXT)
    # Compared, but not hashed: a mapping has no hash, and equal drafts still hash alike.
    extra: Mapping[str, Any] = field(
        default=_EMPTY, converter=_MAPPING, validator=_c.wire_values, hash=False
    )


@picklable_views
@checked_init
@frozen(kw_only=True)
class InvoiceDraft(_InvoiceFields):
    """What ``create`` takes. Provider-specific fields go in ``extra`` (wire names).

    Checked in full at construction, the same for every provider: an ISO 4217 currency, at
    least one line, each with quantity > 0 and a unit price >= 0, ``due_date`` on or after
    ``issue_date``, ``exchange_rate`` > 0, and every field's type. Blank text (``""``, spaces)
    is the same as leaving the field out, as it reads back on every provider: ``terms=""`` takes
    the provider's default terms like ``terms=None`` (to clear a stored text, use ``update``).
    """

    currency: str = field(converter=_CURRENCY)
    lines: tuple[LineItem, ...] = field(
        converter=_LINES, validator=[_c.items_of(LineItem, "a LineItem"), _c.outgoing_lines]
    )
    number: str | None = field(default=None, validator=_TEXT)

    def __attrs_post_init__(self) -> None:
        for name in _DRAFT_TEXT:
            value = getattr(self, name)
            if value is not None and (not value or value.isspace()):
                _set(self, name, None)


_DRAFT_TEXT = ("name", "terms", "description", "purchase_order_number", "language", "number")


@picklable_views
@checked_init
@frozen(kw_only=True)
class InvoiceChanges(_InvoiceFields):
    """What ``update`` takes: every field optional; ``None`` means "keep the current value".

    ``lines``, when given, replaces all lines. To clear a text field pass ``""``. Checked like
    :class:`InvoiceDraft` for what it carries. Blank ``terms`` are the exception: they put back
    the provider's default terms, as a draft without terms gets them (README "Provider rules").
    """

    currency: str | None = field(default=None, converter=_OPT_CURRENCY)
    lines: tuple[LineItem, ...] | None = field(
        default=None, converter=_OPT_LINES, validator=[_c.items_of(LineItem, "a LineItem"), _c.outgoing_lines]
    )


@checked_init
@frozen(kw_only=True)
class Payment:
    """A manual payment to record (``record_payment``). ``amount=None`` pays what is due.

    ``mode`` takes a :class:`PaymentMode` or its value (``"cash"``). ``currency``, when given,
    must be the invoice's: it lets the amount be checked against the currency's minor units
    here (0.001 EUR is refused instead of being recorded as nothing).
    """

    mode: PaymentMode = field(default=PaymentMode.OTHER, converter=_MODE)
    amount: Decimal | None = field(
        default=None, converter=_OPT_DECIMAL, validator=_c.payment_amount
    )
    currency: str | None = field(default=None, converter=_OPT_CURRENCY)
    notes: str | None = field(default=None, validator=_TEXT)
    card_brand: str | None = field(default=None, validator=_TEXT)
    card_last4: str | None = field(default=None, validator=[_TEXT, _c.card_last4])
    cheque_number: str | None = field(default=None, validator=_TEXT)
    paid_at: datetime | None = field(default=None, validator=_TIMESTAMP)


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

