"""The neutral state machine (invoicekit.states) and each adapter's table against what its
provider really does: ONLYOFFICE's move graph, GoHighLevel's wrong-state answers."""

from __future__ import annotations

import itertools
import json

import pytest
from aioresponses import aioresponses

import invoicekit
from invoicekit import Capability, InvalidStateError, Invoice, InvoiceStatus
from invoicekit.gohighlevel.states import STATE_MACHINE as GHL
from invoicekit.gohighlevel.states import WRONG_STATE_MESSAGES
from invoicekit.onlyoffice.states import STATE_MACHINE as ONLYOFFICE
from invoicekit.onlyoffice.status import PAID, SENT, STATUS_TO_WIRE, TRANSITIONS, plan
from invoicekit.states import IDEMPOTENT, Outcome, StateMachine, StateRule
from invoicekit.testing.gohighlevel_sim import store as ghl_store

BASE = "https://services.leadconnectorhq.com/"
INVOICE_ID = "6578278e879ad2646715ba9c"
ALT = "altId=ve9EPM428h8vShlRW1KT&altType=location"
D, S, P = InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAID


def test_an_idempotent_intent_must_succeed_in_its_own_status() -> None:
    with pytest.raises(ValueError, match="idempotent"):
        StateMachine("acme", (D, S, P), {Capability.MARK_PAID: StateRule(allowed={S})})
    with pytest.raises(ValueError, match="idempotent"):
        StateMachine("acme", (D, S, P), {Capability.SEND: StateRule(allowed={D})})
    StateMachine("acme", (D, S, P), {Capability.MARK_PAID: StateRule(allowed={S}, no_op={P})})
    assert IDEMPOTENT[Capability.MARK_PAID] is P


def test_tables_are_checked_when_declared() -> None:
    with pytest.raises(ValueError, match="both allowed and no-op"):
        StateRule(allowed={D, S}, no_op={S})
    with pytest.raises(ValueError, match="does not have"):
        StateMachine("acme", (D, S), {Capability.UPDATE: StateRule(allowed={InvoiceStatus.VOID})})
    with pytest.raises(ValueError, match="does not depend"):
        StateMachine("acme", (D,), {Capability.GET: StateRule(allowed={D})})


def test_the_check_names_the_operation_the_status_and_where_it_applies() -> None:
    invoice = Invoice(id=7, provider="acme", status=P)
    machine = StateMachine("acme", (D, S, P), {Capability.UPDATE: StateRule(allowed={D, S}, note="ask Acme")})
    with pytest.raises(InvalidStateError) as caught:
        machine.check(Capability.UPDATE, invoice, method="PUT", url="https://acme.example/invoices/7")
    error = caught.value
    assert (error.operation, error.invoice_id, error.current_status, error.allowed_statuses) == ("update", 7, P, (D, S))
    assert (error.request_sent, error.status, error.method, error.provider) == (False, 409, "PUT", "acme")
    assert str(error) == ("acme update (PUT https://acme.example/invoices/7) not sent: invoice 7 is paid; update "
                          "does not apply to it (on acme it applies to draft, sent invoices); ask Acme")
    assert machine.outcome(Capability.VOID, D) is Outcome.UNSUPPORTED


def test_onlyoffice_routes_agree_with_its_table_and_the_server_graph() -> None:
    for operation, target in ((Capability.SEND, SENT), (Capability.MARK_PAID, PAID)):
        for status in ONLYOFFICE.statuses:
            source = STATUS_TO_WIRE[status]
            outcome = ONLYOFFICE.outcome(operation, status)
            route = plan(source, target)
            if outcome is Outcome.ALLOWED:
                assert route, f"{operation} from {status}: the table allows it but there is no route"
                steps = (source, *route)
                assert all(b in TRANSITIONS.get(a, frozenset()) for a, b in itertools.pairwise(steps))
            else:
                assert route is None, f"{operation} from {status}: a route the table does not allow"
            assert (outcome is Outcome.NO_OP) == (source == target)


def test_onlyoffice_update_follows_the_server_which_edits_only_drafts() -> None:
    assert ONLYOFFICE.applies_to(Capability.UPDATE) == (D,)
    assert ONLYOFFICE.applies_to(Capability.DELETE) == ONLYOFFICE.statuses  # any status may be deleted


def test_gohighlevel_table_keeps_the_documented_refusals() -> None:
    assert GHL.applies_to(Capability.DELETE) == (D,)  # "Invoice status need to be draft to delete"
    assert GHL.outcome(Capability.VOID, D) is Outcome.REFUSED  # "Can not void draft invoice"


@pytest.mark.parametrize("message", [
    ghl_store.NOT_DRAFT_DELETE, ghl_store.DRAFT_VOID,
    "To void an invoice which has received payment through the payment provider, the corresponding transaction "
    "needs to be refunded first",
    "Invoice is already void", "Invoice is already paid", "Can not send a void invoice",
    "Can not record payment for a void invoice", "Paid, partially paid or void invoices can not be updated",
])
async def test_gohighlevel_wrong_state_answers_are_invalid_state(message: str) -> None:
    # The race the read cannot close: the invoice read as sent, then changed before the write.
    assert any(fragment in message.lower() for fragment in WRONG_STATE_MESSAGES)
    sent = {"_id": INVOICE_ID, "status": "sent", "currency": "USD", "total": 10, "amountDue": 10, "amountPaid": 0,
            "invoiceItems": []}
    config = {"provider": "gohighlevel", "location_id": "ve9EPM428h8vShlRW1KT", "token": "pit-test-not-a-secret",
              "max_retries": 0}
    with aioresponses() as mocked:
        mocked.get(f"{BASE}invoices/{INVOICE_ID}?{ALT}", payload=sent)
        mocked.post(f"{BASE}invoices/{INVOICE_ID}/void", status=400,
                    body=json.dumps({"statusCode": 400, "message": message}), content_type="application/json")
        async with invoicekit.connect(config) as client:
            with pytest.raises(InvalidStateError) as caught:
                await client.void(INVOICE_ID)
        assert [(method, u.path) for method, u in mocked.requests] == [
            ("GET", f"/invoices/{INVOICE_ID}"), ("POST", f"/invoices/{INVOICE_ID}/void")]
    assert caught.value.request_sent and caught.value.status == 400
    assert caught.value.operation == "void" and caught.value.message == message
