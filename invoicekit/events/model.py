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
from typing import TYPE_CHECKING, Any

import attrs
from attrs import field, frozen

from .. import _checks as _c
from .._copying import picklable_views
from .._trusted import checked_init
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


if TYPE_CHECKING:
    # What the converter takes, as the type checker sees it (mypy's attrs plugin cannot read an
    # attrs.Converter: see invoicekit.models).
    def _KIND(value: EventKind | str) -> EventKind: ...
else:
    # takes_field lets the error name the field.
    _KIND = attrs.Converter(_c.member_of(EventKind, "an event kind"), takes_field=True)


@picklable_views
@checked_init
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

    provider: str = field(validator=_c.text)
    kind: EventKind = field(converter=_KIND)
    invoice_id: InvoiceId = field(validator=_c.invoice_id)
    occurred_at: datetime = field(validator=_c.timestamp)
    delivery_id: str = field(validator=_c.text)
    invoice: Invoice | None = field(default=None, validator=_c.instance_of(Invoice, "an Invoice"))
    raw: Mapping[str, Any] = field(default=_EMPTY, repr=False, eq=False, validator=_c.mapping)
