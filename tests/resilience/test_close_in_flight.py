"""``aclose()`` while calls are in flight, on every provider.

Closing the client closes its session under the calls still running. Each of them ends with a
:class:`ClientClosedError` that says whether its request may have reached the server: before,
the one holding the connection got a TransportError (a network fault, as far as its caller
could tell) and those queued for a connection got a bare ``CancelledError`` nobody had asked
for, which a ``TaskGroup`` or ``gather`` takes for a cancellation of the caller itself.
"""

from __future__ import annotations

import asyncio
import fnmatch
from typing import Any

import aiohttp
import pytest

import invoicekit
from invoicekit import ClientClosedError, Contact, InvoiceClient, InvoiceDraft
from invoicekit.testing import Simulator
from tests.neutral.test_both_providers import draft_values

pytestmark = [
    pytest.mark.invoicekit_onlyoffice(config={"max_concurrency": 1, "max_retries": 0}, invoices=4),
    pytest.mark.invoicekit_gohighlevel(config={"max_concurrency": 1, "max_retries": 0}, invoices=4),
]


async def _listed_ids(client: InvoiceClient) -> list[Any]:
    return [invoice.id async for invoice in client.list(page_size=10)]


async def _until_received(simulator: Simulator, count: int) -> None:
    for _ in range(500):
        if len(simulator.requests) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the simulator did not receive {count} requests")


async def _slow_gets(client: InvoiceClient, simulator: Simulator, count: int) -> tuple[list[asyncio.Task[Any]], int]:
    """``count`` gets of answers that take 2 s, once the first has reached the simulator (at
    max_concurrency=1 it holds the connection, the others wait for it); and the requests the
    simulator had received before them."""
    ids = (await _listed_ids(client))[:count]
    received = len(simulator.requests)
    simulator.faults.delay(2.0, times=None, method="GET")
    calls = [asyncio.create_task(client.get(invoice_id)) for invoice_id in ids]
    await _until_received(simulator, received + 1)
    return calls, received


async def test_calls_in_flight_end_with_client_closed_error(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator
) -> None:
    async with asyncio.timeout(5):
        calls, received = await _slow_gets(invoicekit_client, invoicekit_simulator, 3)
        await invoicekit_client.aclose()
        results = await asyncio.gather(*calls, return_exceptions=True)

    assert [type(result) for result in results] == [ClientClosedError] * 3, results
    in_flight, *queued = results
    assert "while it was in flight: it may or may not have reached the server" in str(in_flight)
    for error in queued:
        assert "before it was sent: nothing was sent" in str(error)
    for error in results:
        assert isinstance(error, BaseException)
        assert error.__cause__ is None and error.__context__ is None  # aiohttp's error holds the headers
    assert len(invoicekit_simulator.requests) == received + 1  # the queued calls sent nothing


async def test_a_real_cancellation_during_aclose_stays_a_cancellation(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator
) -> None:
    async with asyncio.timeout(5):
        calls, _ = await _slow_gets(invoicekit_client, invoicekit_simulator, 2)
        for call in calls:
            call.cancel()
        await invoicekit_client.aclose()
        results = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(result, asyncio.CancelledError) for result in results), results


async def test_calls_waiting_on_a_borrowed_session_send_nothing_after_aclose(
    invoicekit_config: dict[str, Any], invoicekit_simulator: Simulator
) -> None:
    async with aiohttp.ClientSession() as session:
        client = invoicekit.connect(invoicekit_config, session=session)
        ids = (await _listed_ids(client))[:3]
        for invoice_id in ids:  # ONLYOFFICE names lines after catalogue items: looked up now, once
            await client.get(invoice_id)
        received = len(invoicekit_simulator.requests)
        invoicekit_simulator.faults.delay(0.3, times=1, method="GET")
        async with asyncio.timeout(5):
            calls = [asyncio.create_task(client.get(invoice_id)) for invoice_id in ids]
            await _until_received(invoicekit_simulator, received + 1)
            await client.aclose()
            results = await asyncio.gather(*calls, return_exceptions=True)
        # The session is the caller's: the call holding it finishes; those queued behind
        # max_concurrency send nothing.
        assert results[0].id == ids[0]  # type: ignore[union-attr]
        assert [type(result) for result in results[1:]] == [ClientClosedError] * 2, results
        assert len(invoicekit_simulator.requests) == received + 1
        assert not session.closed


async def test_a_create_cut_in_flight_by_aclose_says_how_to_check_whether_it_happened(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact
) -> None:
    """Creates are never retried once sent: a dropped connection's error tells how to find out
    whether the invoice was made before creating it again. A create whose POST was in flight
    when aclose() closed the connection is in the same place, and now says the same."""
    draft = InvoiceDraft(**draft_values(invoicekit_contact))
    # The invoice's own POST (ONLYOFFICE may first POST a new catalogue item for a line).
    path = "/invoices/" if invoicekit_client.provider == "gohighlevel" else "/api/2.0/crm/invoice.*"
    async with asyncio.timeout(5):
        invoicekit_simulator.faults.delay(2.0, times=None, method="POST", path=path)
        received = len(invoicekit_simulator.requests)
        create = asyncio.create_task(invoicekit_client.create(draft))
        for _ in range(500):  # until that POST has reached the simulator
            if any(r.method == "POST" and fnmatch.fnmatchcase(r.path, path)
                   for r in invoicekit_simulator.requests[received:]):
                break
            await asyncio.sleep(0.01)
        await invoicekit_client.aclose()
        with pytest.raises(ClientClosedError) as caught:
            await create

    assert caught.value.request_sent
    assert "may or may not have reached the server" in str(caught.value)
    assert any("may have been created anyway" in note for note in getattr(caught.value, "__notes__", []))


async def test_a_create_closed_before_sending_has_no_such_note(invoicekit_client: InvoiceClient,
                                                               invoicekit_contact: Contact) -> None:
    await invoicekit_client.aclose()
    with pytest.raises(ClientClosedError) as caught:
        await invoicekit_client.create(InvoiceDraft(**draft_values(invoicekit_contact)))
    assert not caught.value.request_sent
    assert not getattr(caught.value, "__notes__", [])
