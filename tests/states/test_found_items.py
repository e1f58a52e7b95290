"""Issue #11's wrong-state findings, end to end on every simulator configuration (ONLYOFFICE JSON
and XML, GoHighLevel). Public API only, so that each test also runs, and fails, on the code
before the fix."""

from __future__ import annotations

import pytest

from invoicekit import (
    InvalidStateError,
    InvoiceChanges,
    InvoiceStatus,
    UnsupportedOperationError,
)

from .conftest import Case


async def test_marking_a_paid_invoice_paid_again_succeeds_and_sends_nothing(case: Case) -> None:
    created = await case.client.create(case.draft)
    first = await case.client.mark_paid(created.id)
    mark = case.mark()
    again = await case.client.mark_paid(created.id)
    assert (first.status, again.status) == (InvoiceStatus.PAID, InvoiceStatus.PAID)
    assert again.id == created.id and again.total == first.total
    assert case.writes_since(mark) == []


async def test_updating_a_paid_invoice_is_invalid_state_and_sends_nothing(case: Case) -> None:
    created = await case.client.create(case.draft)
    await case.client.mark_paid(created.id)
    mark = case.mark()
    with pytest.raises(InvalidStateError) as caught:
        await case.client.update(created.id, InvoiceChanges(terms="Changed."))
    assert caught.value.provider == case.client.provider
    assert case.writes_since(mark) == []
    assert (await case.client.get(created.id)).terms == "Payable within 30 days."


async def test_sending_a_paid_invoice_is_invalid_state_and_sends_nothing(case: Case) -> None:
    created = await case.client.create(case.draft)
    await case.client.mark_paid(created.id)
    mark = case.mark()
    with pytest.raises(InvalidStateError):
        await case.client.send(created.id)
    assert case.writes_since(mark) == []
    assert (await case.client.get(created.id)).status is InvoiceStatus.PAID


async def test_a_refusal_before_sending_does_not_claim_a_request_was_sent(case: Case) -> None:
    # ONLYOFFICE used to say "PUT .../crm/invoice/1.json -> HTTP 200" for an update it never sent.
    created = await case.client.create(case.draft)
    await case.client.mark_paid(created.id)
    with pytest.raises(InvalidStateError) as caught:
        await case.client.update(created.id, InvoiceChanges(terms="Changed."))
    text = str(caught.value)
    assert "HTTP 200" not in text and "->" not in text
    assert "not sent" in text and "paid" in text and "update" in text


async def test_updating_or_deleting_a_sent_invoice_is_invalid_state_wherever_refused(case: Case) -> None:
    # ONLYOFFICE edits only drafts and deletes in any status; GoHighLevel edits sent invoices
    # and deletes only drafts: where either refuses, it is the same error class.
    created = await case.client.create(case.draft)
    await case.client.send(created.id)
    refused = (
        ("update", lambda: case.client.update(created.id, InvoiceChanges(terms="Changed.")))
        if case.client.provider == "onlyoffice"
        else ("delete", lambda: case.client.delete(created.id))
    )
    with pytest.raises(InvalidStateError) as caught:
        await refused[1]()
    assert caught.value.operation == refused[0]
    if not caught.value.request_sent:  # refused on the status just read: it names it
        assert caught.value.current_status is InvoiceStatus.SENT
    assert (await case.client.get(created.id)).status is InvoiceStatus.SENT


async def test_voiding_a_draft_is_refused_before_sending(case: Case) -> None:
    created = await case.client.create(case.draft)
    mark = case.mark()
    with pytest.raises(InvalidStateError if "void" in case.client.capabilities else UnsupportedOperationError):
        await case.client.void(created.id)
    assert case.writes_since(mark) == []
    assert (await case.client.get(created.id)).status is InvoiceStatus.DRAFT


async def test_voiding_a_void_invoice_succeeds_and_sends_nothing(case: Case) -> None:
    created = await case.client.create(case.draft)
    await case.client.send(created.id)
    mark = case.mark()
    if "void" not in case.client.capabilities:  # ONLYOFFICE has no void state
        with pytest.raises(UnsupportedOperationError):
            await case.client.void(created.id)
        assert case.writes_since(mark) == []
        return
    await case.client.void(created.id)
    mark = case.mark()
    assert (await case.client.void(created.id)).status is InvoiceStatus.VOID
    assert case.writes_since(mark) == []
