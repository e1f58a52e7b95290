"""What an event stream yields: provider-neutral invoice events.

The same :class:`InvoiceEvent` comes out of a verified GoHighLevel webhook and out of the polling
watcher (:meth:`invoicekit.InvoiceClient.watch`), so a service handles "invoice paid" once,
whatever the provider and however the news arrived.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from .._copying import picklable_views
from ..models import Invoice, InvoiceId

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class EventKind(StrEnum):
    """What happened to an invoice."""

    CREATED = "created"
    UPDATED = "updated"
    SENT = "sent"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    VOIDED = "voided"
    DELETED = "deleted"


def _aware(instance: object, attribute: Any, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{attribute.name} must be an aware datetime, got {value!r}")


@picklable_views
@frozen(kw_only=True)
class InvoiceEvent:
    """One thing that happened to one invoice.

    ``invoice_id`` keeps its provider's type (``int`` for ONLYOFFICE, ``str`` for GoHighLevel).
    ``invoice`` is the invoice as the event carried it; None for ``deleted`` (GoHighLevel's
    delete payload says ``status: "delete"``, which is no invoice status; the payload stays in
    ``raw``) and whenever the source carried no invoice. ``occurred_at`` is when it happened as
    far as the source says (the webhook's ``timestamp``, the invoice's ``updatedAt``, or the poll
    that noticed it). ``delivery_id`` is unique per event: GoHighLevel's ``webhookId`` (or a
    digest of the signed body when the payload has none), a deterministic digest for polled
    events, so a consumer can drop a redelivery by it.
    """

    provider: str
    kind: EventKind
    invoice_id: InvoiceId
    occurred_at: datetime = field(validator=_aware)
    delivery_id: str
    invoice: Invoice | None = None
    raw: Mapping[str, Any] = field(default=_EMPTY, repr=False, eq=False)
