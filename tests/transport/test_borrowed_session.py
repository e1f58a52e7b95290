"""A session passed in keeps its owner's defaults for everything but what decides invoicekit's
behaviour: status handling, redirects, decompression and the timeout stay invoicekit's, and
default credential headers are refused."""

from __future__ import annotations

import gzip

import aiohttp
import pytest
from aiohttp import web

from invoicekit._http.auth import StaticAuth
from invoicekit._http.runner import RequestRunner
from invoicekit._http.transport import HttpTransport
from invoicekit.errors import ConfigError, NotFoundError, ServerError
from invoicekit.options import ClientOptions

from .conftest import PROVIDER, TOKEN, Harness, WebServer, decode_error, get, text

OPTS = ClientOptions(max_retries=2, timeout=5)


def runner_over(session: aiohttp.ClientSession, server: WebServer, options: ClientOptions = OPTS) -> RequestRunner:
    transport = HttpTransport(provider=PROVIDER, base_url=server.base_url, options=options, session=session)
    return RequestRunner(transport=transport, auth=StaticAuth({"Authorization": TOKEN}), decode_error=decode_error)


async def _missing(_request: web.Request) -> web.Response:
    return text('{"message": "no such item"}', status=404)


async def _failing(_request: web.Request) -> web.Response:
    return text('{"message": "boom"}', status=500)


@pytest.mark.parametrize("raise_for_status", [True, lambda response: response.raise_for_status()])
async def test_a_session_that_raises_for_status_still_gets_typed_errors(
    harness: Harness, raise_for_status: object
) -> None:
    server = await harness.web({("GET", "/api/items/1"): _missing, ("GET", "/api/items/2"): _failing})
    async with aiohttp.ClientSession(raise_for_status=raise_for_status) as session:  # type: ignore[arg-type]
        runner = runner_over(session, server)
        with pytest.raises(NotFoundError) as info:
            await runner(get("items/1"), OPTS)
        assert info.value.attempts == 1 and info.value.message == '{"message": "no such item"}'
        runner.sleep = _no_wait
        with pytest.raises(ServerError):
            await runner(get("items/2"), OPTS)
    assert server.hits["GET /api/items/1"] == 1  # not retried as a transport failure
    assert server.hits["GET /api/items/2"] == 1  # 500 is not retryable either


async def _no_wait(_delay: float) -> None:
    return None


async def test_a_session_without_auto_decompress_still_reads_gzip_answers(harness: Harness) -> None:
    async def gzipped(_request: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(b'{"ok": true}'), headers={"Content-Encoding": "gzip"},
                            content_type="application/json")

    server = await harness.web({("GET", "/api/items/1"): gzipped})
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        response = await runner_over(session, server)(get(), OPTS)
    assert response.body == b'{"ok": true}'


async def test_the_sessions_base_url_and_timeout_do_not_apply(harness: Harness) -> None:
    async def ok(_request: web.Request) -> web.Response:
        return text('{"ok": true}')

    server = await harness.web({("GET", "/api/items/1"): ok})
    elsewhere = await harness.web({("GET", "/api/items/1"): _missing})
    async with aiohttp.ClientSession(
        base_url=elsewhere.base_url.removesuffix("api/"), timeout=aiohttp.ClientTimeout(total=1e-9),
    ) as session:
        response = await runner_over(session, server)(get(), OPTS)
    assert response.status == 200 and elsewhere.hits.total() == 0


async def test_the_user_agent_is_the_sessions_unless_the_option_is_set(harness: Harness) -> None:
    async def echo(request: web.Request) -> web.Response:
        return text('"' + request.headers.get("User-Agent", "") + '"')

    server = await harness.web({("GET", "/api/items/1"): echo})
    async with aiohttp.ClientSession(headers={"User-Agent": "owner/1.0"}) as session:
        assert (await runner_over(session, server)(get(), OPTS)).body == b'"owner/1.0"'
        chosen = ClientOptions(user_agent="service/2.0")
        assert (await runner_over(session, server, chosen)(get(), chosen)).body == b'"service/2.0"'
    async with aiohttp.ClientSession() as session:
        assert (await runner_over(session, server)(get(), OPTS)).body.startswith(b'"invoicekit/')


@pytest.mark.parametrize("header", ["Authorization", "authorization", "Cookie"])
async def test_a_session_with_default_credentials_is_refused(harness: Harness, header: str) -> None:
    server = await harness.web({("GET", "/api/items/1"): _missing})
    async with aiohttp.ClientSession(headers={header: "Bearer stray-credential-123"}) as session:
        with pytest.raises(ConfigError) as info:
            runner_over(session, server)
        assert info.value.key == "session" and "stray-credential" not in str(info.value)
    async with aiohttp.ClientSession() as session:
        runner = runner_over(session, server)
        session.headers[header] = "Bearer stray-credential-123"  # added after connect()
        with pytest.raises(ConfigError):
            await runner(get(), OPTS)
    assert server.hits.total() == 0


async def test_a_base_url_session_that_cannot_take_absolute_urls_is_refused(harness: Harness) -> None:
    # aiohttp before 3.11 asserts that a session with a base_url gets relative URLs only.
    server = await harness.web({("GET", "/api/items/1"): _missing})
    async with aiohttp.ClientSession(base_url="http://127.0.0.1:9") as session:

        def old_build_url(url: object) -> object:
            raise AssertionError

        session._build_url = old_build_url  # type: ignore[method-assign]
        with pytest.raises(ConfigError, match="base_url") as info:
            runner_over(session, server)
        assert info.value.key == "session"
