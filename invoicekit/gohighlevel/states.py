"""GoHighLevel's invoice state table (README "Invoice states"), checked before each write, and
the server's answers to a wrong-state request, which :mod:`.errors` maps to InvalidStateError.

The spec documents three refusals (400 examples): only drafts can be deleted, drafts cannot be
voided, an invoice paid through a payment provider cannot be voided until refunded. The rest of
the table is invoicekit's neutral rules on GoHighLevel's statuses: nothing is changed while a
payment is processing, a paid or void invoice is not edited, sent again or paid again, and an
explicit payment needs an amount due. ``update`` reads the invoice anyway (it sends the whole
invoice back); ``send``, ``void``, ``mark_paid`` and ``record_payment`` read it first because
the server's answer to a wrong status is undocumented (a bare 400 at best, a customer e-mailed
at worst); ``delete`` does not: its refusal is documented and mapped.
"""

from __future__ import annotations

from ..models import Capability, InvoiceStatus
from ..states import StateMachine, StateRule
from .settings import PROVIDER_NAME

_DRAFT, _SENT, _PROCESSING, _PARTIAL, _PAID, _VOID = (
    InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAYMENT_PROCESSING, InvoiceStatus.PARTIALLY_PAID,
    InvoiceStatus.PAID, InvoiceStatus.VOID,
)

STATE_MACHINE = StateMachine(
    provider=PROVIDER_NAME,
    statuses=(_DRAFT, _SENT, _PROCESSING, _PARTIAL, _PAID, _VOID),
    rules={
        Capability.UPDATE: StateRule(allowed={_DRAFT, _SENT}),
        Capability.DELETE: StateRule(allowed={_DRAFT}, note="void it instead"),
        # A sent or partly paid invoice is delivered again (GoHighLevel's resend, a reminder).
        Capability.SEND: StateRule(allowed={_DRAFT, _SENT, _PARTIAL}),
        Capability.VOID: StateRule(
            allowed={_SENT, _PARTIAL, _PAID}, no_op={_VOID}, note="a draft is deleted, not voided"
        ),
        Capability.MARK_PAID: StateRule(allowed={_DRAFT, _SENT, _PARTIAL}, no_op={_PAID}),
        Capability.RECORD_PAYMENT: StateRule(allowed={_DRAFT, _SENT, _PARTIAL}),
    },
)

#: Lower-case fragments of GoHighLevel's 400 messages for a request its invoice's status
#: forbids. The first four are the spec's examples; the others are the simulator's answers to
#: the undocumented cases, met only when the status changed between the read and the write.
WRONG_STATE_MESSAGES: tuple[str, ...] = (
    "need to be draft to delete",
    "can not void draft",
    "cannot void draft",
    "refunded first",
    "invoices can not be updated",
    "already void",
    "already paid",
    "can not send a void invoice",
    "can not record payment for a void invoice",
)
