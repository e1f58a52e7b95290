"""A timeout running out at each request of each operation, on every provider.

Operations are several requests (ONLYOFFICE's create looks up catalogue items and the next
number; an update reads before it writes; GoHighLevel's create may be a POST and a PUT). Here
the caller's ``asyncio.timeout`` runs out while the k-th of them is in flight, for every k. Each
time the cancellation comes out as the caller's TimeoutError (never swallowed, never another
error), the connection slot is given back (three calls then pass at ``max_concurrency=1``), no
task is left behind, and a GoHighLevel create cut between its two steps is undone, as README
"Provider rules" promises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from invoicekit import Contact, InvoiceChanges, InvoiceClient, InvoiceDraft, LineItem, Payment
from invoicekit.observe import Attempt
from invoicekit.testing import Simulator, simulator_types
from tests.transport.test_lifecycle import _client_tasks

pytestmark = [
    pytest.mark.invoicekit_onlyoffice(config={"max_concurrency": 1, "max_retries": 0}, invoices=2),
    pytest.mark.invoicekit_gohighlevel(config={"max_concurrency": 1, "max_retries": 0}, invoices=2),
]

#: More requests than any operation here makes: the loop ends when the operation outruns it.
MAX_STEPS = 12


def _draft(contact: Contact, name: str) -> InvoiceDraft:
    # A description and a new item name: the most requests a create makes on either provider.
    return InvoiceDraft(
        currency="EUR", contact=contact, description="Cut short", issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2), lines=[LineItem(name=name, quantity=Decimal(1), unit_price=Decimal(10))],
    )


async def _listed(client: InvoiceClient) -> list[Any]:
    return [invoice.id async for invoice in client.list(page_size=2, with_lines=True)]


Operation = Callable[[InvoiceClient, Any, int], Awaitable[object]]

OPERATIONS: dict[str, Operation] = {
    "get": lambda client, invoice_id, _: client.get(invoice_id),
    "list": lambda client, _, __: _listed(client),
    "create": lambda client, _, step: client.create(_draft(_contact(client), f"New item {step}")),
    "update": lambda client, invoice_id, step: client.update(
        invoice_id, InvoiceChanges(lines=[LineItem(name=f"Changed {step}", quantity=Decimal(2), unit_price=Decimal(5))])
    ),
    "delete": lambda client, invoice_id, _: client.delete(invoice_id),
    # ONLYOFFICE has no partial payments: its payment is mark_paid (two moves from a draft).
    "record_payment": lambda client, invoice_id, _: (
        client.mark_paid(invoice_id) if client.provider == "onlyoffice"
        else client.record_payment(invoice_id, Payment(amount=Decimal("1.00")))
    ),
}


def _contact(client: InvoiceClient) -> Contact:
    (simulator,) = [s for s in simulator_types() if s.provider == client.provider]
    return simulator.contacts[0]


def _acquired(client: InvoiceClient) -> int:
    session = client._transport._session  # type: ignore[attr-defined]
    return 0 if session is None or session.connector is None else len(session.connector._acquired)


async def _target(client: InvoiceClient, operation: str) -> Any:
    """The invoice the operation works on: a fresh one for those that change it."""
    if operation in ("get", "list", "create"):
        return (await _listed(client))[0]
    invoice = await client.create(_draft(_contact(client), "Existing item"))
    if operation == "record_payment" and client.provider == "gohighlevel":
        await client.send(invoice.id)
    return invoice.id


@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_a_timeout_at_every_request_of(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, operation: str
) -> None:
    client, simulator = invoicekit_client, invoicekit_simulator
    loop = asyncio.get_running_loop()
    cut: dict[str, Any] = {}

    @client.hooks.on_request
    def cut_at(attempt: Attempt) -> None:
        if not cut:
            return  # the test's own calls
        if cut["sent"] == cut["at"]:
            simulator.faults.delay(0.5, times=1)  # this request hangs; the budget ends meanwhile
            cut["budget"].reschedule(loop.time() + 0.05)
            cut["operation"] = attempt.operation
        cut["sent"] += 1

    # Once uncut first: what a client reads once (the location's or portal's terms) is read now,
    # so that every later run makes the same requests and step k is always the same one.
    await OPERATIONS[operation](client, await _target(client, operation), -1)
    for step in range(MAX_STEPS):
        invoice_id = await _target(client, operation)
        count = len(await _listed(client))
        before = _client_tasks()
        async with asyncio.timeout(5):
            try:
                async with asyncio.timeout(None) as budget:
                    cut.update(sent=0, at=step, operation=None, budget=budget)
                    await OPERATIONS[operation](client, invoice_id, step)
            except TimeoutError:
                assert cut["operation"] is not None  # the caller's own budget, nothing else
            else:
                assert cut["operation"] is None, f"step {step} was cut but the call went on"
                break  # fewer requests than `step`: every one has been cut
            finally:
                operation_cut, _ = cut.pop("operation"), cut.clear()
            simulator.faults.clear()
            if operation == "create" and operation_cut == "create":
                await asyncio.sleep(0.6)  # the POST cut in flight lands now, before the next count
            for _ in range(3):  # what the cancelled call scheduled runs now
                await asyncio.sleep(0)
            assert _acquired(client) == 0
            assert _client_tasks() - before == set()
            await asyncio.gather(*(client.get(i) for i in (await _listed(client))[:3]))
            if operation == "create" and operation_cut != "create":
                # Cut before its POST, or between GoHighLevel's POST and PUT (undone): nothing kept.
                assert len(await _listed(client)) == count, f"step {step} ({operation_cut}) left an invoice"
    else:
        raise AssertionError(f"{operation} still had requests after {MAX_STEPS} steps")
