"""list() as a caller's loop ends it: a failing get while lines or a snapshot are loaded, a
``break``, an exception in the loop's body, with ``aclosing()`` and without. The caller gets the
typed error itself, and nothing is left running or holding a connection."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from datetime import date
from typing import Any

import pytest

from invoicekit import InvoiceClient, ServerError
from tests.transport.test_lifecycle import _client_tasks

from .conftest import Harness
from .test_listing_simulated import create

#: The path of one invoice's get (not of the listing) on each simulator.
GET_PATHS = {"onlyoffice": "/api/2.0/crm/invoice/[0-9]*", "gohighlevel": "/invoices/[0-9a-f]*"}


def _acquired(client: InvoiceClient) -> int:
    session = client._transport._session  # type: ignore[attr-defined]
    return 0 if session is None or session.connector is None else len(session.connector._acquired)


async def _settled() -> None:
    """Let the loop run what a closed generator scheduled (its finaliser) before counting tasks."""
    for _ in range(3):
        await asyncio.sleep(0)


@pytest.mark.parametrize("mode", ["with_lines", "snapshot"])
async def test_a_get_failing_while_invoices_load_raises_its_own_typed_error(harness: Harness, mode: str) -> None:
    await create(harness, [date(2026, 1, day) for day in range(1, 7)])
    client = harness.client.with_options(max_retries=0)
    harness.simulator.faults.fail_next(500, times=None, method="GET", path=GET_PATHS[client.provider])
    before = _client_tasks()
    async with asyncio.timeout(5):
        listing = client.list(page_size=2, **{mode: True})
        if mode == "with_lines" and client.provider == "gohighlevel":
            assert len([i async for i in listing]) == 6  # GoHighLevel lists lines: no get to fail
            return
        # Before, loading lines raised an ExceptionGroup that `except InvoiceKitError` missed.
        with pytest.raises(ServerError):
            async for _ in listing:
                pass
        await _settled()
    assert _client_tasks() - before == set()  # the other gets of the batch were cancelled
    assert _acquired(client) == 0


CALLS = [{}, {"with_lines": True}, {"snapshot": True}, {"status": ["draft", "sent"]}, {"limit": 3}]


@pytest.mark.parametrize("closing", [False, True], ids=["plain", "aclosing"])
@pytest.mark.parametrize("arguments", CALLS, ids=lambda a: ",".join(a) or "plain")
async def test_leaving_the_loop_early_releases_everything(
    harness: Harness, arguments: dict[str, Any], closing: bool
) -> None:
    created = await create(harness, [date(2026, 1, day) for day in range(1, 6)])
    await harness.client.send(created[0].id)
    before = _client_tasks()
    async with asyncio.timeout(5):
        for _ in range(3):
            listing = harness.client.list(page_size=2, **arguments)
            if closing:
                async with aclosing(listing) as invoices:  # type: ignore[type-var]
                    async for _ in invoices:
                        break
            else:
                async for _ in listing:
                    break
            with pytest.raises(LookupError):
                async for _ in harness.client.list(page_size=2, **arguments):
                    raise LookupError("the caller's own error")
            del listing
        await _settled()
        assert _acquired(harness.client) == 0
        assert _client_tasks() - before == set()
        # And every call after still goes through.
        assert len(await asyncio.gather(*(harness.client.get(i.id) for i in created))) == 5
