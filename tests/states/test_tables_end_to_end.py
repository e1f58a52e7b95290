"""Every cell of each provider's state table, end to end on its simulator: the invoice is put in
the status directly in the simulator's store, the operation is called through the client, and
what happened must be what the table says (README shows the same tables)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from invoicekit import (
    APIError,
    Capability,
    InvalidStateError,
    InvoiceChanges,
    InvoiceStatus,
    Payment,
    UnsupportedOperationError,
)
from invoicekit.states import STATE_OPERATIONS, Outcome

from .conftest import Case


def _call(case: Case, operation: Capability, invoice_id: Any) -> Any:
    method: Any = getattr(case.client, operation.value)
    if operation is Capability.UPDATE:
        return method(invoice_id, InvoiceChanges(terms="Changed."))
    if operation is Capability.RECORD_PAYMENT:
        return method(invoice_id, Payment(amount=Decimal("1.00")))
    return method(invoice_id)


async def test_every_operation_in_every_status_does_what_the_table_says(case: Case) -> None:
    machine = case.client.state_machine
    assert machine is not None and machine.provider == case.client.provider
    failures: list[str] = []
    for status in machine.statuses:
        for operation in STATE_OPERATIONS:
            expected = machine.outcome(operation, status)
            invoice_id = await case.invoice_in(status)
            mark = case.mark()
            try:
                result = await _call(case, operation, invoice_id)
            except UnsupportedOperationError:
                got, sent = Outcome.UNSUPPORTED, bool(case.writes_since(mark))
            except InvalidStateError as exc:
                got, sent = Outcome.REFUSED, bool(case.writes_since(mark))
                assert exc.operation == operation.value and exc.provider == case.client.provider
                if not exc.request_sent:
                    assert exc.current_status is status and exc.status == 409
                    assert set(exc.allowed_statuses) == set(machine.applies_to(operation))
            except APIError as exc:
                failures.append(f"{operation} on {status}: {type(exc).__name__}: {exc}")
                continue
            else:
                sent = bool(case.writes_since(mark))
                got = Outcome.ALLOWED if sent else Outcome.NO_OP
                if got is Outcome.NO_OP:
                    assert result.id == invoice_id and result.status is status
            if got is not expected:
                failures.append(f"{operation} on {status}: {got}, the table says {expected}")
            # Nothing is sent for what is refused, except where no read comes first (a
            # GoHighLevel delete: its server refuses it, as documented).
            reads_first = not (case.client.provider == "gohighlevel" and operation is Capability.DELETE)
            if got in (Outcome.REFUSED, Outcome.UNSUPPORTED) and reads_first and sent:
                failures.append(f"{operation} on {status}: refused after a write was sent")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("status", [InvoiceStatus.SENT, InvoiceStatus.PAID])
async def test_a_refused_move_leaves_the_invoice_as_it_was(case: Case, status: InvoiceStatus) -> None:
    invoice_id = await case.invoice_in(status)
    before = await case.client.get(invoice_id)
    for operation in STATE_OPERATIONS:
        if case.client.state_machine is not None and case.client.state_machine.outcome(operation, status) in (
            Outcome.REFUSED, Outcome.UNSUPPORTED
        ):
            with pytest.raises((InvalidStateError, UnsupportedOperationError)):
                await _call(case, operation, invoice_id)
    after = await case.client.get(invoice_id)
    assert (after.status, after.total, after.terms, after.lines) == (before.status, before.total, before.terms,
                                                                      before.lines)
