"""Cancellation, per-call options (``with_options``) and session ownership."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterable
from typing import Any, ClassVar

import aiohttp
import pytest
from aiohttp import web

from invoicekit._http.auth import StaticAuth
from invoicekit._http.runner import RequestRunner
from invoicekit._http.transport import HttpTransport
from invoicekit.client import InvoiceClient
from invoicekit.errors import ConfigError, TransportError
from invoicekit.models import Capability, Invoice, InvoiceChanges, InvoiceDraft, InvoiceId
from invoicekit.options import ClientOptions

from .conftest import PROVIDER, TOKEN, Harness, decode_error, get, text


def _client_tasks() -> set[asyncio.Task[Any]]:
    """Running tasks, minus the local test server's own per-connection handlers."""
    def server_side(task: asyncio.Task[Any]) -> bool:
        code = getattr(task.get_coro(), "cr_code", None)
        return code is not None and "web_protocol" in code.co_filename

    return {t for t in asyncio.all_tasks() if not server_side(t)}


def _acquired(transport: HttpTransport) -> int:
    session = transport._session
    assert session is not None and session.connector is not None
    return len(session.connector._acquired)  # type: ignore[attr-defined]


async def test_cancelling_a_slow_call_releases_its_connection(harness: Harness) -> None:
    entered = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        if request.match_info["id"] == "slow":
            entered.set()
            await server.release.wait()
        return text("{}")

    server = await harness.web({("GET", "/api/items/{id}"): slow})
    options = ClientOptions(max_concurrency=1)
    caller, _ = harness.caller(server.base_url, options)
    before = _client_tasks()

    task = asyncio.create_task(caller(get("items/slow"), options))
    await asyncio.wait_for(entered.wait(), 5)
    assert _acquired(caller.transport) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert _acquired(caller.transport) == 0
    assert _client_tasks() <= before  # nothing left running in the background
    # The concurrency slot came back too: with max_concurrency=1 the next call goes through.
    response = await asyncio.wait_for(caller(get("items/fast"), options), 5)
    assert response.status == 200


async def test_cancelling_during_backoff_leaves_nothing_behind(harness: Harness) -> None:
    async def busy(_request: web.Request) -> web.Response:
        return text("{}", status=503, headers={"Retry-After": "30"})

    server = await harness.web({("GET", "/api/items/1"): busy})
    options = ClientOptions()
    transport = harness.transport(server.base_url, options)
    caller = RequestRunner(
            transport=transport, auth=StaticAuth({"Authorization": TOKEN}), decode_error=decode_error
        )
    before = _client_tasks()
    task = asyncio.create_task(caller(get(), options))  # real asyncio.sleep(30) between attempts
    await asyncio.sleep(0.2)
    assert server.hits["GET /api/items/1"] == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _acquired(transport) == 0 and _client_tasks() <= before


async def test_closing_after_a_cancel_leaves_no_warning(recwarn: pytest.WarningsRecorder) -> None:
    async def slow(_request: web.Request) -> web.Response:
        await server.release.wait()
        return text("{}")

    from .conftest import WebServer

    server = WebServer()
    server.route("GET", "/api/items/1", slow)
    await server.start()
    try:
        options = ClientOptions()
        transport = HttpTransport(provider=PROVIDER, base_url=server.base_url, options=options)
        caller = RequestRunner(
            transport=transport, auth=StaticAuth({"Authorization": TOKEN}), decode_error=decode_error
        )
        task = asyncio.create_task(caller(get(), options))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await transport.aclose()
        with pytest.raises(RuntimeError, match="closed"):
            await caller(get(), options)
    finally:
        await server.close()
    gc.collect()
    assert not [w for w in recwarn if issubclass(w.category, ResourceWarning)]


# -- with_options ----------------------------------------------------------------------------


class ProbeClient(InvoiceClient):
    """The smallest InvoiceClient over the core: ``get`` is one GET through the request runner."""

    provider: ClassVar[str] = PROVIDER
    capabilities: ClassVar[frozenset[Capability]] = frozenset()

    def __init__(self, base_url: str, options: ClientOptions, session: aiohttp.ClientSession | None = None) -> None:
        super().__init__(options=options)
        self._transport = HttpTransport(provider=PROVIDER, base_url=base_url, options=options, session=session)
        self._runner = RequestRunner(
            transport=self._transport, auth=StaticAuth({"Authorization": TOKEN}), decode_error=decode_error
        )

    async def _close(self) -> None:
        await self._transport.aclose()

    async def get(self, invoice_id: InvoiceId) -> Invoice:  # type: ignore[override]
        response = await self._runner(get(f"items/{invoice_id}"), self.options)
        return response.body  # type: ignore[return-value]

    def list(self, **_: Any) -> AsyncIterator[Invoice]:
        raise NotImplementedError

    async def _create(self, draft: InvoiceDraft) -> Invoice:
        raise NotImplementedError

    async def _update(self, invoice_id: InvoiceId, changes: InvoiceChanges) -> Invoice:
        raise NotImplementedError

    async def delete(self, invoice_id: InvoiceId) -> Invoice:
        raise NotImplementedError

    async def delete_many(self, invoice_ids: Iterable[InvoiceId]) -> list[Invoice]:
        raise NotImplementedError


async def test_with_options_timeout_applies_per_call_and_shares_the_session(harness: Harness) -> None:
    async def slowish(_request: web.Request) -> web.Response:
        await asyncio.sleep(0.4)
        return text('"slow"')

    server = await harness.web({("GET", "/api/items/{id}"): slowish})
    async with ProbeClient(server.base_url, ClientOptions(timeout=5, max_retries=0)) as client:
        assert await client.get(1) == b'"slow"'  # type: ignore[comparison-overlap]
        hurried = client.with_options(timeout=0.1, max_retries=1)
        with pytest.raises(TransportError) as info:
            await hurried.get(2)
        assert info.value.timeout is True and info.value.attempts == 2
        assert hurried._transport is client._transport  # one pool, one limiter
        assert client.options.timeout == 5  # the original is untouched
        await hurried.aclose()  # a view owns nothing: the shared session stays open
        assert await client.get(3) == b'"slow"'  # type: ignore[comparison-overlap]
    assert client._transport._session is None


def test_with_options_refuses_pool_shaping_and_invalid_values() -> None:
    client = ProbeClient("http://127.0.0.1:1/api/", ClientOptions())
    with pytest.raises(ConfigError) as info:
        client.with_options(max_concurrency=3)
    assert info.value.key == "max_concurrency"
    with pytest.raises(ConfigError) as info:
        client.with_options(timeout=-1)
    assert info.value.key == "timeout"
    with pytest.raises(ConfigError) as info:
        client.with_options(max_retries="many")
    assert info.value.key == "max_retries"


async def test_a_borrowed_session_is_never_closed(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/{id}"): lambda _r: _ok()})
    async with aiohttp.ClientSession() as session:
        async with ProbeClient(server.base_url, ClientOptions(), session=session) as client:
            await client.get(1)
        assert not session.closed


async def _ok() -> web.Response:
    return text("{}")
