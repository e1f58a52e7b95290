"""The transport builds request URLs itself (encoded path + cached query): what reaches a real
server must be exactly what aiohttp's own ``params=`` would have sent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from invoicekit._http.messages import Request
from invoicekit._http.transport import HttpTransport
from invoicekit.options import ClientOptions

OPTIONS = ClientOptions()


@pytest.fixture
async def server() -> AsyncIterator[tuple[TestServer, list[str]]]:
    seen: list[str] = []

    async def record(request: web.Request) -> web.Response:
        seen.append(request.raw_path)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    async with TestServer(app, host="127.0.0.1") as test_server:
        yield test_server, seen


async def _send(transport: HttpTransport, path: str, params: dict[str, str] | None = None) -> str:
    response = await transport.send(
        Request(operation="get", method="GET", path=path, params=params), headers={}, options=OPTIONS
    )
    assert response.status == 200
    return response.url


@pytest.mark.parametrize("params", [
    {"altId": "ve9EPM428h8vShlRW1KT", "altType": "location"},
    {"search": "Müller & Söhne = 100% + tax", "limit": "5", "offset": "0"},
    {"q": "a/b?c#d", "empty": ""},
])
async def test_the_query_is_what_aiohttp_params_would_send(
    server: tuple[TestServer, list[str]], params: dict[str, str]
) -> None:
    test_server, seen = server
    base = str(test_server.make_url("/api/2.0/"))
    async with aiohttp.ClientSession() as plain, plain.get(base + "crm/invoice/7.json", params=params) as resp:
        await resp.read()
    transport = HttpTransport(provider="test", base_url=base, options=OPTIONS)
    try:
        url = await _send(transport, "crm/invoice/7.json", params)
        again = await _send(transport, "crm/invoice/7.json", params)  # from the query cache
    finally:
        await transport.aclose()
    assert seen[1] == seen[2] == seen[0]
    assert url == again == base + seen[0].removeprefix("/api/2.0/")  # Response.url names what was sent


async def test_an_encoded_path_is_sent_as_is(server: tuple[TestServer, list[str]]) -> None:
    test_server, seen = server
    transport = HttpTransport(provider="test", base_url=str(test_server.make_url("/")), options=OPTIONS)
    try:
        await _send(transport, "invoices/a%2Fb%20c")
    finally:
        await transport.aclose()
    assert seen == ["/invoices/a%2Fb%20c"]  # neither decoded nor encoded twice


async def test_the_query_cache_stays_bounded_and_correct(server: tuple[TestServer, list[str]]) -> None:
    test_server, seen = server
    transport = HttpTransport(provider="test", base_url=str(test_server.make_url("/")), options=OPTIONS)
    try:
        for offset in range(600):
            await _send(transport, "invoices/", {"offset": str(offset), "limit": "100"})
        assert len(transport._queries) <= 256
    finally:
        await transport.aclose()
    assert seen == [f"/invoices/?offset={offset}&limit=100" for offset in range(600)]


@pytest.mark.parametrize(
    "path", ["invoices/a b", "invoices/é", "invoices/%zz", "invoices/a?b=1", "invoices/a#b", "a\r\nb"]
)
async def test_a_path_that_is_not_percent_encoded_is_refused_before_sending(
    server: tuple[TestServer, list[str]], path: str
) -> None:
    from invoicekit.errors import InvalidRequestError

    test_server, seen = server
    transport = HttpTransport(provider="test", base_url=str(test_server.make_url("/")), options=OPTIONS)
    try:
        with pytest.raises(InvalidRequestError, match="not percent-encoded"):
            await _send(transport, path)
    finally:
        await transport.aclose()
    assert seen == []
