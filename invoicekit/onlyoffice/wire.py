"""ONLYOFFICE's invoice wire shapes: the parts of InvoiceWrapper & co. that an update must send
back although the neutral invoice does not carry them (the invoice itself is read straight into
the neutral models: :mod:`.decode`).

Each attribute's alias is its exact wire name (Newtonsoft's camelCase of the C# name); the
values are JSON scalars or, from XML answers, text (:mod:`.converter` reads them).

The shapes are transient (built and read once per decode), so they are plain slotted classes:
cheaper to build than frozen ones.
"""

from __future__ import annotations

from attrs import define, field

#: Names that are lists wherever they occur in invoice payloads (the XML form cannot say so).
INVOICE_LISTS = frozenset({"invoiceLines", "accessList"})
#: The status batch answer: ``{"key": [invoices], "value": [items]}``.
STATUS_BATCH_LISTS = INVOICE_LISTS | {"key", "value"}


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
