"""A retried write whose earlier attempt may have been applied says so.

The first DELETE reaches the server and deletes the invoice, then the answer is lost; the retry
gets "not found". Reported as a bare NotFoundError, that reads as "there never was such an
invoice". The error now carries ``earlier_attempt_may_have_applied`` and says it in its text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

import invoicekit
from invoicekit import InvoiceClient, InvoiceId, InvoiceStatus
from invoicekit.errors import APIError, NotFoundError, ValidationError
from invoicekit.options import ClientOptions
from invoicekit.testing import (
    GoHighLevelSimulator,
    OnlyOfficeSimulator,
    gohighlevel_simulator_config,
    onlyoffice_simulator_config,
)

from .conftest import Harness, Request, get, text

OPTS = ClientOptions(max_retries=3, timeout=5)
FAST = {"backoff_base": 0}


async def first_draft(client: InvoiceClient) -> InvoiceId:
    async for invoice in client.list():
        if invoice.status is InvoiceStatus.DRAFT:  # GoHighLevel deletes drafts only
            return invoice.id
    raise AssertionError("the simulator holds no draft")


@pytest.fixture(params=["onlyoffice", "gohighlevel"])
async def simulated(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, InvoiceClient, InvoiceId]]:
    """A simulator, a client connected to it, and the id of one of its drafts."""
    simulator, config = {
        "onlyoffice": (OnlyOfficeSimulator, onlyoffice_simulator_config),
        "gohighlevel": (GoHighLevelSimulator, gohighlevel_simulator_config),
    }[request.param]
    sim = simulator(invoices=8)
    async with sim.run() as url, invoicekit.connect(config(sim, url, **FAST)) as client:
        yield sim, client, await first_draft(client)


async def test_a_delete_whose_answer_was_lost_says_it_may_have_deleted(
    simulated: tuple[Any, InvoiceClient, InvoiceId],
) -> None:
    sim, client, invoice_id = simulated
    sim.faults.drop_connection(when="after_processing", method="DELETE")
    with pytest.raises(NotFoundError) as info:
        await client.delete(invoice_id)
    error = info.value
    assert error.earlier_attempt_may_have_applied is True
    assert "earlier attempt of this DELETE may have reached the server and deleted it" in str(error)
    assert error.attempts == 2
    with pytest.raises(NotFoundError) as again:  # it is gone indeed
        await client.get(invoice_id)
    assert again.value.earlier_attempt_may_have_applied is False


async def test_a_plain_not_found_carries_no_such_note(simulated: tuple[Any, InvoiceClient, InvoiceId]) -> None:
    sim, client, invoice_id = simulated
    await client.delete(invoice_id)
    sim.faults.drop_connection(when="after_read", method="DELETE")  # not processed, as far as we can tell
    with pytest.raises(NotFoundError) as info:
        await client.delete(invoice_id)
    # The dropped attempt's request was sent: the client cannot know it was not applied.
    assert info.value.earlier_attempt_may_have_applied is True
    with pytest.raises(NotFoundError) as plain:
        await client.delete(invoice_id)
    assert plain.value.earlier_attempt_may_have_applied is False
    assert "earlier attempt" not in str(plain.value)


def answers(*replies: Callable[[], web.Response]) -> Callable[[web.Request], Awaitable[web.Response]]:
    queue = list(replies)

    async def handler(_request: web.Request) -> web.Response:
        return queue.pop(0)() if len(queue) > 1 else queue[0]()

    return handler


def _gateway_timeout() -> web.Response:
    return text('{"message": "upstream timed out"}', status=504)


def _not_found() -> web.Response:
    return text('{"message": "no such item"}', status=404)


def _conflict() -> web.Response:
    return text('{"message": "already sent"}', status=400)


@pytest.mark.parametrize(
    ("method", "final", "expected"),
    [("DELETE", _not_found, NotFoundError), ("PUT", _conflict, ValidationError), ("PUT", _not_found, NotFoundError)],
)
async def test_a_gateway_error_before_the_final_answer_counts_too(
    harness: Harness, method: str, final: Callable[[], web.Response], expected: type[APIError]
) -> None:
    server = await harness.web({(method, "/api/items/1"): answers(_gateway_timeout, final)})
    caller, _ = harness.caller(server.base_url, OPTS)
    with pytest.raises(expected) as info:
        await caller(Request(operation="write_item", method=method, path="items/1", json={}), OPTS)
    assert info.value.earlier_attempt_may_have_applied is True
    assert f"earlier attempt of this {method}" in str(info.value)
    assert "no such item" in info.value.message or "already sent" in info.value.message  # kept


async def test_reads_are_never_annotated(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/1"): answers(_gateway_timeout, _not_found)})
    caller, _ = harness.caller(server.base_url, OPTS)
    with pytest.raises(NotFoundError) as info:
        await caller(get(), OPTS)
    assert info.value.earlier_attempt_may_have_applied is False
    assert info.value.attempts == 2


async def test_a_write_that_succeeds_on_retry_is_flagged_for_the_adapter(harness: Harness) -> None:
    def _ok() -> web.Response:
        return text('{"deleted": []}')

    server = await harness.web({("DELETE", "/api/items"): answers(_gateway_timeout, _ok)})
    caller, _ = harness.caller(server.base_url, OPTS)
    response = await caller(Request(operation="delete_many", method="DELETE", path="items", json={"ids": [1]}), OPTS)
    # The first attempt may have deleted item 1; the adapter can say so instead of "not found".
    assert response.status == 200 and response.earlier_attempt_may_have_applied is True
    plain = await caller(Request(operation="delete_many", method="DELETE", path="items", json={"ids": [2]}), OPTS)
    assert plain.earlier_attempt_may_have_applied is False
