"""Every operation of a closed client is a ClientClosedError and sends nothing, on every
provider and with every kind of credential (a token, a login, OAuth); closing again, or twice at
once, is harmless; an ``async with`` body's own error comes out as it is."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import ClientClosedError, InvoiceChanges, InvoiceClient, Payment
from invoicekit.testing import Simulator

pytestmark = [
    pytest.mark.invoicekit_onlyoffice(config={"max_retries": 0}, invoices=3),
    pytest.mark.invoicekit_gohighlevel(config={"max_retries": 0}, invoices=3),
]

Call = Callable[[InvoiceClient, Any], Awaitable[object]]


async def _listed(client: InvoiceClient, _: Any) -> object:
    return [invoice async for invoice in client.list()]


CALLS: dict[str, Call] = {
    "get": lambda client, invoice_id: client.get(invoice_id),
    "list": _listed,
    "update": lambda client, invoice_id: client.update(invoice_id, InvoiceChanges(terms="Net 15")),
    "delete": lambda client, invoice_id: client.delete(invoice_id),
    # One ClientClosedError, not a BatchError holding one per id (GoHighLevel deletes one by one).
    "delete_many": lambda client, invoice_id: client.delete_many([invoice_id]),
    "send": lambda client, invoice_id: client.send(invoice_id),
    "mark_paid": lambda client, invoice_id: client.mark_paid(invoice_id),
    "generate_number": lambda client, _: client.generate_number(),
    "view": lambda client, invoice_id: client.with_options(timeout=5).get(invoice_id),
}


async def _every_call_is_refused(config: dict[str, Any], simulator: Simulator) -> None:
    async with asyncio.timeout(5):
        client = invoicekit.connect(config)
        invoice_id = (await _listed(client, None))[0].id  # type: ignore[index]
        await client.aclose()
        received = len(simulator.requests)
        calls = dict(CALLS)
        if client.provider == "gohighlevel":
            calls["record_payment"] = lambda c, i: c.record_payment(i, Payment(amount=Decimal("1.00")))
        for name, call in calls.items():
            with pytest.raises(ClientClosedError, match=r"closed \(aclose\(\) was called\)"):
                await call(client, invoice_id)
            assert len(simulator.requests) == received, name
        await client.aclose()
        await asyncio.gather(client.aclose(), client.aclose())


async def test_every_call_of_a_closed_client_is_a_client_closed_error(
    invoicekit_config: dict[str, Any], invoicekit_simulator: Simulator
) -> None:
    await _every_call_is_refused(invoicekit_config, invoicekit_simulator)


@pytest.mark.invoicekit_onlyoffice(login=True, config={"max_retries": 0}, invoices=3)
@pytest.mark.invoicekit_gohighlevel(auth="oauth", config={"max_retries": 0}, invoices=3)
async def test_every_call_of_a_closed_client_is_a_client_closed_error_with_renewed_credentials(
    invoicekit_config: dict[str, Any], invoicekit_simulator: Simulator
) -> None:
    await _every_call_is_refused(invoicekit_config, invoicekit_simulator)


async def test_an_async_with_body_error_comes_out_as_it_is(
    invoicekit_config: dict[str, Any], invoicekit_simulator: Simulator
) -> None:
    async with asyncio.timeout(5):
        with pytest.raises(LookupError, match="the caller's own"):
            async with invoicekit.connect(invoicekit_config) as client:
                async for _ in client.list():
                    raise LookupError("the caller's own error")
        with pytest.raises(ClientClosedError):
            await _listed(client, None)
