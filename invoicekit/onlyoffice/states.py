"""ONLYOFFICE's invoice state table (README "Invoice states"), checked before each write.

From the server's rules (reference "Status state machine", ``InvoiceDao``): only Draft invoices
are editable (any other update is answered 404), any status may be deleted, and status moves
follow the graph in :mod:`.status`, through which ``send`` and ``mark_paid`` take their routes
(:func:`.status.plan`). There is no void and no partial payment.
"""

from __future__ import annotations

from ..models import Capability, InvoiceStatus
from ..states import StateMachine, StateRule
from .settings import PROVIDER_NAME

_DRAFT, _SENT, _REJECTED, _PAID, _ARCHIVED = (
    InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.REJECTED, InvoiceStatus.PAID, InvoiceStatus.ARCHIVED,
)

STATE_MACHINE = StateMachine(
    provider=PROVIDER_NAME,
    statuses=(_DRAFT, _SENT, _REJECTED, _PAID, _ARCHIVED),
    rules={
        Capability.UPDATE: StateRule(
            allowed={_DRAFT}, note="ONLYOFFICE only edits Draft invoices (the server would answer 404)"
        ),
        Capability.DELETE: StateRule(allowed={_DRAFT, _SENT, _REJECTED, _PAID, _ARCHIVED}),
        # Rejected goes back through Draft; a Paid invoice is never taken back to Sent by send.
        Capability.SEND: StateRule(allowed={_DRAFT, _REJECTED}, no_op={_SENT}),
        # Draft goes through Sent (the server has no Draft -> Paid).
        Capability.MARK_PAID: StateRule(allowed={_DRAFT, _SENT}, no_op={_PAID}),
    },
)
