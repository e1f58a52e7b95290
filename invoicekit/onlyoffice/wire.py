"""ONLYOFFICE's invoice wire shapes: the parts of InvoiceWrapper & co. that the adapter reads.

Each attribute's alias is its exact wire name (Newtonsoft's camelCase of the C# name); the
values are JSON scalars or, from XML answers, text. Everything a shape leaves out stays in the
models' ``raw``. :mod:`.decode` turns these shapes into the neutral models.

The shapes are transient (built and read once per decode), so they are plain slotted classes:
cheaper to build than frozen ones.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import NewType

from attrs import define, field

#: A status object ``{id, title}``, read as its id (``title`` is a localised label).
StatusId = NewType("StatusId", int)
#: A currency object ``{title, symbol, abbreviation, ...}``, read as its abbreviation.
CurrencyCode = NewType("CurrencyCode", str)

#: Names that are lists wherever they occur in invoice payloads (the XML form cannot say so).
INVOICE_LISTS = frozenset({"invoiceLines", "accessList"})
#: The status batch answer: ``{"key": [invoices], "value": [items]}``.
STATUS_BATCH_LISTS = INVOICE_LISTS | {"key", "value"}

_ZERO = Decimal(0)


@define
class WireContactInfo:
    """ContactInfoWrapper (``id``, ``infoType``, ``category``, ``data``, ...): one of a contact's
    infos, of which only the text is read."""

    data: str | None = None


@define
class WireContact:
    """ContactBaseWithEmailWrapper, as embedded in invoices (``contact``, ``consignee``): the
    contact with its primary e-mail, an ``email`` member that is absent when it has none
    (``EmitDefaultValue = false``). It carries no phone."""

    id: int
    display_name: str | None = field(default=None, alias="displayName")
    is_company: bool = field(default=False, alias="isCompany")
    email: WireContactInfo | None = None


@define
class WireEntity:
    """The linked deal or case (``entity``)."""

    entity_type: str | None = field(default=None, alias="entityType")
    entity_id: int = field(default=0, alias="entityId")


@define
class WireLine:
    """InvoiceLineWrapper."""

    id: int = 0
    invoice_item_id: int = field(default=0, alias="invoiceItemID")
    invoice_tax1_id: int = field(default=0, alias="invoiceTax1ID")
    invoice_tax2_id: int = field(default=0, alias="invoiceTax2ID")
    description: str | None = None
    quantity: Decimal = _ZERO
    price: Decimal = _ZERO
    discount: Decimal = _ZERO


@define
class WireInvoice:
    """InvoiceBaseWrapper / InvoiceWrapper (the latter adds ``invoiceLines``): what the neutral
    :class:`~invoicekit.models.Invoice` is made of."""

    id: int
    status: StatusId
    number: str | None = None
    issue_date: date | None = field(default=None, alias="issueDate")
    due_date: date | None = field(default=None, alias="dueDate")
    contact: WireContact | None = None
    language: str | None = None
    currency: CurrencyCode | None = None
    exchange_rate: Decimal | None = field(default=None, alias="exchangeRate")
    purchase_order_number: str | None = field(default=None, alias="purchaseOrderNumber")
    terms: str | None = None
    description: str | None = None
    create_on: datetime | None = field(default=None, alias="createOn")
    cost: Decimal = _ZERO
    invoice_lines: list[WireLine] | None = field(default=None, alias="invoiceLines")


@define
class WireLinks:
    """What an update must send back that the neutral invoice does not carry (the server
    replaces every field on PUT): the PDF template and the linked consignee and deal."""

    template_type: int = field(default=0, alias="templateType")
    consignee: WireContact | None = None
    entity: WireEntity | None = None


@define
class WireAddressIds:
    """The address ids of the PDF render model (``crm/invoice/jsondata/{id}``, PascalCase): the
    only place the server gives them back. 0 means none."""

    billing_address_id: int = field(default=0, alias="BillingAddressID")
    delivery_address_id: int = field(default=0, alias="DeliveryAddressID")
