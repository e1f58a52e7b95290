"""Cancellation through the real adapter clients against slow simulator answers: a cancelled
``get`` and a ``list()`` cancelled mid-iteration leave no connection acquired, no task behind,
and ``aclose()`` finishes cleanly."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

import invoicekit
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator
from tests.transport.test_lifecycle import _client_tasks

from .adapters import ghl_config, ghl_invoice_id, oo_config


def _acquired(client: Any) -> int:
    session = client._transport._session
    if session is None or session.connector is None:
        return 0
    return len(session.connector._acquired)


async def _until(predicate: Any, limit: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not predicate():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


def _setup(provider: str) -> tuple[Any, Any, Any, str]:
    if provider == "onlyoffice":
        sim: Any = OnlyOfficeSimulator(invoices=12)
        return sim, oo_config, 1, "/api/2.0/crm/invoice/filter.json"
    sim = GoHighLevelSimulator(invoices=12)
    return sim, ghl_config, ghl_invoice_id(sim), "/invoices/"


@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
async def test_cancelling_a_slow_get(provider: str, recwarn: pytest.WarningsRecorder) -> None:
    sim, config, invoice_id, _ = _setup(provider)
    sim.faults.delay(5.0, method="GET")
    async with sim.run() as url:
        client = invoicekit.connect(config(sim, url))
        async with client:
            before = _client_tasks()
            task = asyncio.create_task(client.get(invoice_id))
            await _until(lambda: _acquired(client) == 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert _acquired(client) == 0
            assert _client_tasks() - before == set()
            assert (await client.get(invoice_id)).id == invoice_id  # the client is still usable
        assert client._transport._session is None  # closed by aclose()
    gc.collect()
    assert not [w for w in recwarn if issubclass(w.category, ResourceWarning)]


@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
async def test_cancelling_a_list_mid_iteration(provider: str, recwarn: pytest.WarningsRecorder) -> None:
    sim, config, _, list_path = _setup(provider)
    received: list[Any] = []
    async with sim.run() as url:
        client = invoicekit.connect(config(sim, url))
        async with client:
            before = _client_tasks()

            async def consume() -> None:
                async for invoice in client.list(page_size=5):
                    received.append(invoice)
                    if len(received) == 5:  # first page done: the next one will hang
                        sim.faults.delay(5.0, path=list_path)

            task = asyncio.create_task(consume())
            await _until(lambda: len(received) == 5 and _acquired(client) == 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert len(received) == 5
            assert _acquired(client) == 0
            assert _client_tasks() - before == set()
            sim.faults.clear()
            assert len([i async for i in client.list(page_size=5)]) == 12
    gc.collect()
    assert not [w for w in recwarn if issubclass(w.category, ResourceWarning)]
