"""The invoice state machine, provider-neutral: which operation applies to an invoice in which
status, which calls change nothing, and the one check that refuses the others.

Each adapter declares its provider's table as data (``<adapter>/states.py``) and calls
:meth:`StateMachine.check` with the status it has just read, before it sends the write; README's
"Invoice states" tables are :meth:`StateMachine.markdown` of those tables (a test compares them).

The neutral rules every table must keep:

- every wrong-state move is :class:`~invoicekit.InvalidStateError`, on every provider, raised
  before sending when the status is known;
- idempotent intents are idempotent everywhere (:data:`IDEMPOTENT`): sending a sent invoice,
  marking a paid invoice paid, voiding a void invoice succeed and return the invoice. Where the
  provider has nothing to do they send nothing (``no-op``); GoHighLevel delivers a sent invoice
  again, as its own resend does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from attrs import field, frozen

from .errors import InvalidStateError
from .models import Capability, Invoice, InvoiceId, InvoiceStatus

#: The operations whose outcome depends on the invoice's status, in README column order.
STATE_OPERATIONS: tuple[Capability, ...] = (
    Capability.UPDATE, Capability.DELETE, Capability.SEND, Capability.MARK_PAID, Capability.VOID,
    Capability.RECORD_PAYMENT,
)
#: Operation -> the status it leads to. Asked of an invoice already in that status, it succeeds
#: on every provider (allowed or no-op, never InvalidStateError).
IDEMPOTENT: Mapping[Capability, InvoiceStatus] = {
    Capability.SEND: InvoiceStatus.SENT,
    Capability.MARK_PAID: InvoiceStatus.PAID,
    Capability.VOID: InvoiceStatus.VOID,
}


class Outcome(StrEnum):
    """What an operation does to an invoice in one status (the README tables' cells)."""

    ALLOWED = "allowed"
    NO_OP = "no-op"
    REFUSED = "InvalidStateError"
    UNSUPPORTED = "unsupported"


def _statuses(values: Iterable[InvoiceStatus]) -> frozenset[InvoiceStatus]:
    return frozenset(InvoiceStatus(value) for value in values)


@frozen
class StateRule:
    """One operation on one provider: the statuses it is sent from (``allowed``), those where it
    succeeds without sending anything (``no_op``: the invoice is returned as read), and a
    ``note`` for the error message. Every other status is InvalidStateError."""

    allowed: frozenset[InvoiceStatus] = field(converter=_statuses)
    no_op: frozenset[InvoiceStatus] = field(converter=_statuses, default=frozenset())
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.allowed & self.no_op:
            raise ValueError(f"statuses both allowed and no-op: {sorted(self.allowed & self.no_op)}")


@frozen
class StateMachine:
    """A provider's table: its statuses (in README row order) and a rule per operation it has;
    an operation without a rule is unsupported there."""

    provider: str
    statuses: tuple[InvoiceStatus, ...]
    rules: Mapping[Capability, StateRule]

    def __attrs_post_init__(self) -> None:
        known = set(self.statuses)
        for operation, rule in self.rules.items():
            if operation not in STATE_OPERATIONS:
                raise ValueError(f"{operation} does not depend on the invoice's status")
            if not rule.allowed | rule.no_op <= known:
                raise ValueError(f"{operation}: statuses {self.provider} does not have")
            target = IDEMPOTENT.get(operation)
            if target in known and target not in rule.allowed | rule.no_op:
                raise ValueError(f"{operation} of a {target} invoice must succeed (idempotent intent)")

    def outcome(self, operation: Capability, status: InvoiceStatus) -> Outcome:
        rule = self.rules.get(operation)
        if rule is None:
            return Outcome.UNSUPPORTED
        if status in rule.allowed:
            return Outcome.ALLOWED
        return Outcome.NO_OP if status in rule.no_op else Outcome.REFUSED

    def applies_to(self, operation: Capability) -> tuple[InvoiceStatus, ...]:
        """The statuses where ``operation`` succeeds (sent or no-op), in table order."""
        rule = self.rules.get(operation)
        return () if rule is None else tuple(s for s in self.statuses if s in rule.allowed | rule.no_op)

    def check(self, operation: Capability, invoice: Invoice, *, method: str, url: str) -> bool:
        """Whether ``operation`` on ``invoice`` (as just read) is a no-op: True means send nothing
        and return the invoice. A status it does not apply to raises InvalidStateError naming
        the operation, the status and the statuses it applies to; ``method``/``url`` are the
        request that is then not sent."""
        outcome = self.outcome(operation, invoice.status)
        if outcome is Outcome.ALLOWED:
            return False
        if outcome is Outcome.NO_OP:
            return True
        raise self.refusal(operation, invoice.id, invoice.status, method=method, url=url)

    def refusal(
        self, operation: Capability, invoice_id: InvoiceId, status: InvoiceStatus, *, method: str, url: str
    ) -> InvalidStateError:
        allowed = self.applies_to(operation)
        rule = self.rules.get(operation)
        where = ", ".join(s.value for s in allowed) or "no"
        message = (
            f"invoice {invoice_id} is {status.value}; {operation.value} does not apply to it "
            f"(on {self.provider} it applies to {where} invoices)"
        )
        if rule is not None and rule.note:
            message += f"; {rule.note}"
        return InvalidStateError(
            message, operation=operation.value, invoice_id=invoice_id, current_status=status,
            allowed_statuses=allowed, request_sent=False, status=409, provider=self.provider,
            method=method, url=url,
        )

    def markdown(self) -> str:
        """The table README shows: one row per status, one column per operation."""
        header = ["status", *(f"`{op.value}`" for op in STATE_OPERATIONS)]
        rows = [header, ["---"] * len(header)]
        for status in self.statuses:
            rows.append([f"`{status.value}`", *(self.outcome(op, status).value for op in STATE_OPERATIONS)])
        return "\n".join("| " + " | ".join(row) + " |" for row in rows)


__all__ = ["IDEMPOTENT", "STATE_OPERATIONS", "Outcome", "StateMachine", "StateRule"]
