"""Fault injection against the HTTP core (RequestRunner + HttpTransport) over real local sockets.

Each test states the fault, the number of attempts made, the final result or typed error, and,
for creates, that the server saw the create exactly once.
"""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from invoicekit._http.messages import Request
from invoicekit.errors import (
    APIError,
    AuthenticationError,
    IncompleteResponseError,
    MalformedResponseError,
    RateLimitError,
    ServerError,
    TransportError,
)
from invoicekit.options import ClientOptions

from .conftest import TOKEN, Harness, SleepRecorder, create, free_port, get, text

OPTS = ClientOptions(max_retries=2, timeout=5, connect_timeout=2)
OK = b'{"ok": true}'


# -- connection refused: nothing was sent, so even a create is retried -----------------------


async def test_connection_refused_get_uses_the_whole_budget(harness: Harness) -> None:
    caller, sleep = harness.caller(f"http://127.0.0.1:{free_port()}/api/", OPTS)
    with pytest.raises(TransportError) as info:
        await caller(get(), OPTS)
    err = info.value
    assert err.attempts == 3
    assert err.request_sent is False and err.timeout is False
    assert "get_item" in str(err) and "cannot connect" in str(err)
    assert sleep.delays == [0.5 * 0.5, 0.5 * 1.0]  # full jitter with random() = 0.5: 0.5*base*2**n


async def test_connection_refused_create_is_retried_and_created_once(harness: Harness) -> None:
    port = free_port()
    holder: dict[str, object] = {}

    async def create_handler(request: web.Request) -> web.Response:
        return text('{"id": 7}', status=201)

    async def bring_server_up(_delay: float) -> None:
        # The first attempt was refused; the server comes up while we back off.
        if "server" not in holder:
            holder["server"] = await harness.web({("POST", "/api/items"): create_handler}, port=port)

    caller, sleep = harness.caller(f"http://127.0.0.1:{port}/api/", OPTS, sleep=SleepRecorder(bring_server_up))
    response = await caller(create(), OPTS)
    assert response.status == 201 and response.body == b'{"id": 7}'
    assert len(sleep.delays) == 1  # two attempts: refused, then created
    server = holder["server"]
    assert server.hits["POST /api/items"] == 1  # type: ignore[attr-defined]


async def test_max_retries_zero_means_one_attempt(harness: Harness) -> None:
    options = ClientOptions(max_retries=0)
    caller, sleep = harness.caller(f"http://127.0.0.1:{free_port()}/api/", options)
    with pytest.raises(TransportError) as info:
        await caller(get(), options)
    assert info.value.attempts == 1 and sleep.delays == []


# -- connection dropped after the server read the request -----------------------------------


async def _drop_first(n: int, _request: bytes, writer: asyncio.StreamWriter) -> None:
    if n > 1:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n" + OK)
        await writer.drain()
    # n == 1: close without answering: the request arrived, the answer never comes


async def test_dropped_connection_create_is_not_retried(harness: Harness) -> None:
    server = await harness.raw(_drop_first)
    caller, sleep = harness.caller(server.base_url, OPTS)
    with pytest.raises(TransportError) as info:
        await caller(create(), OPTS)
    err = info.value
    assert err.request_sent is True and err.attempts == 1 and sleep.delays == []
    assert "create_item" in str(err) and "POST" in str(err)
    assert server.count == 1  # the create reached the server once and was never repeated


async def test_dropped_connection_get_is_retried(harness: Harness) -> None:
    server = await harness.raw(_drop_first)
    caller, sleep = harness.caller(server.base_url, OPTS)
    response = await caller(get(), OPTS)
    assert response.status == 200 and response.body == OK
    assert server.count == 2 and len(sleep.delays) == 1


async def test_delete_is_retried_after_a_drop(harness: Harness) -> None:
    server = await harness.raw(_drop_first)
    caller, _ = harness.caller(server.base_url, OPTS)
    response = await caller(Request(operation="delete_item", method="DELETE", path="items/1"), OPTS)
    assert response.status == 200 and server.count == 2


# -- truncated body (Content-Length says more than arrives) ----------------------------------


async def _truncate(_n: int, _request: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": 7")
    await writer.drain()


async def test_truncated_create_answer_keeps_the_status_and_is_not_retried(harness: Harness) -> None:
    server = await harness.raw(_truncate)
    caller, _ = harness.caller(server.base_url, OPTS)
    with pytest.raises(IncompleteResponseError) as info:
        await caller(create(), OPTS)
    err = info.value
    # The status line said 201: the invoice may well exist, and the error says so.
    assert isinstance(err, MalformedResponseError) and isinstance(err, APIError)
    assert err.status == 201 and err.attempts == 1
    assert "broke off" in str(err) and "create_item" in str(err)
    assert server.count == 1


async def test_truncated_get_answer_is_retried_then_raised(harness: Harness) -> None:
    server = await harness.raw(_truncate)
    caller, sleep = harness.caller(server.base_url, OPTS)
    with pytest.raises(IncompleteResponseError) as info:
        await caller(get(), OPTS)
    assert info.value.attempts == 3 and server.count == 3 and len(sleep.delays) == 2
    assert info.value.status == 201


# -- timeouts ------------------------------------------------------------------------------


async def test_read_timeout_names_the_operation_and_is_retried_for_reads(harness: Harness) -> None:
    async def slow_body(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"ok":')
        await asyncio.wait_for(server.release.wait(), 10)  # stalls until teardown
        return response

    server = await harness.web({("GET", "/api/items/1"): slow_body})
    options = ClientOptions(max_retries=1, timeout=5, read_timeout=0.2)
    caller, sleep = harness.caller(server.base_url, options)
    with pytest.raises(TransportError) as info:
        await caller(get(), options)
    err = info.value
    assert err.timeout is True and err.attempts == 2 and len(sleep.delays) == 1
    assert "get_item" in str(err) and "read timeout" in str(err)
    assert server.hits["GET /api/items/1"] == 2


async def test_total_timeout_on_a_create_is_raised_after_one_attempt(harness: Harness) -> None:
    async def stall(request: web.Request) -> web.Response:
        await asyncio.wait_for(server.release.wait(), 10)
        return text("{}")

    server = await harness.web({("POST", "/api/items"): stall})
    options = ClientOptions(max_retries=2, timeout=0.3)
    caller, sleep = harness.caller(server.base_url, options)
    with pytest.raises(TransportError) as info:
        await caller(create(), options)
    err = info.value
    assert err.timeout is True and err.request_sent is True and err.attempts == 1 and sleep.delays == []
    assert "create_item" in str(err) and "0.3s" in str(err)
    assert server.hits["POST /api/items"] == 1


# -- 5xx, 429 and Retry-After ----------------------------------------------------------------


def _flaky(failures: int, status: int, headers: dict[str, str] | None = None) -> web.RequestHandler:  # type: ignore[name-defined]
    seen = {"n": 0}

    async def handler(_request: web.Request) -> web.Response:
        seen["n"] += 1
        if seen["n"] <= failures:
            return text('{"message": "try later"}', status=status, headers=headers)
        return text('{"ok": true}')

    return handler


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_retryable_statuses_are_retried_for_reads(harness: Harness, status: int) -> None:
    server = await harness.web({("GET", "/api/items/1"): _flaky(2, status)})
    caller, sleep = harness.caller(server.base_url, OPTS)
    response = await caller(get(), OPTS)
    assert response.status == 200 and server.hits["GET /api/items/1"] == 3 and len(sleep.delays) == 2


@pytest.mark.parametrize("status", [429, 503])
async def test_retryable_statuses_are_not_retried_for_creates(harness: Harness, status: int) -> None:
    server = await harness.web({("POST", "/api/items"): _flaky(1, status, {"Retry-After": "1"})})
    caller, sleep = harness.caller(server.base_url, OPTS)
    with pytest.raises(APIError) as info:
        await caller(create(), OPTS)
    assert info.value.status == status and info.value.attempts == 1 and sleep.delays == []
    assert server.hits["POST /api/items"] == 1
    if status == 429:  # the caller gets what it needs to retry safely itself
        assert isinstance(info.value, RateLimitError) and info.value.retry_after == 1.0


async def test_500_is_not_retried(harness: Harness) -> None:
    # GoHighLevel answers 500 for bad ids and bad tokens: retrying would only triple the wait.
    server = await harness.web({("GET", "/api/items/1"): _flaky(5, 500)})
    caller, sleep = harness.caller(server.base_url, OPTS)
    with pytest.raises(ServerError) as info:
        await caller(get(), OPTS)
    assert info.value.attempts == 1 and sleep.delays == [] and server.hits["GET /api/items/1"] == 1


async def test_503_retry_after_seconds_is_honoured(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/1"): _flaky(2, 503, {"Retry-After": "3"})})
    caller, sleep = harness.caller(server.base_url, OPTS)
    response = await caller(get(), OPTS)
    assert response.status == 200 and sleep.delays == [3.0, 3.0]


async def test_503_retry_after_http_date_is_honoured(harness: Harness) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    server = await harness.web({("GET", "/api/items/1"): _flaky(1, 503, {"Retry-After": when})})
    caller, sleep = harness.caller(server.base_url, OPTS)
    await caller(get(), OPTS)
    assert len(sleep.delays) == 1 and 17 <= sleep.delays[0] <= 20


async def test_retry_after_beyond_the_cap_is_raised_at_once_as_rate_limit(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/1"): _flaky(5, 503, {"Retry-After": "3600"})})
    caller, sleep = harness.caller(server.base_url, OPTS)
    with pytest.raises(RateLimitError) as info:
        await caller(get(), OPTS)
    err = info.value
    # The decoder said ServerError (503); a one-hour Retry-After makes it a rate limit to schedule.
    assert err.retry_after == 3600.0 and err.status == 503 and err.attempts == 1
    assert isinstance(err.__cause__, ServerError)
    assert sleep.delays == [] and server.hits["GET /api/items/1"] == 1


async def test_retry_after_cap_is_per_call(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/1"): _flaky(1, 429, {"Retry-After": "90"})})
    options = ClientOptions(max_retry_after=120, retry_timeout=120)  # the wait must fit both
    caller, sleep = harness.caller(server.base_url, options)
    await caller(get(), options)
    assert sleep.delays == [90.0]


async def test_daily_quota_429_is_not_retried(harness: Harness) -> None:
    headers = {"X-RateLimit-Daily-Remaining": "0"}
    server = await harness.web({("GET", "/api/items/1"): _flaky(5, 429, headers)})

    def ghl_like_decoder(request: Request, response: object) -> APIError:
        from invoicekit._http.messages import Response

        assert isinstance(response, Response)
        spent = response.headers.get("X-RateLimit-Daily-Remaining") == "0"
        return RateLimitError(
            "daily quota", daily_quota_exhausted=spent, status=429, provider="testapi",
            method=request.method, url=response.url,
        )

    caller, sleep = harness.caller(server.base_url, OPTS)
    caller.decode_error = ghl_like_decoder
    with pytest.raises(RateLimitError) as info:
        await caller(get(), OPTS)
    assert info.value.daily_quota_exhausted and info.value.attempts == 1 and sleep.delays == []


async def test_retries_stop_at_the_budget(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/1"): _flaky(99, 503, {"Retry-After": "0"})})
    caller, sleep = harness.caller(server.base_url, OPTS)
    with pytest.raises(ServerError) as info:
        await caller(get(), OPTS)
    assert info.value.attempts == 3 and server.hits["GET /api/items/1"] == 3
    assert sleep.delays == [0.25, 0.5]  # "Retry-After: 0", but never less than the backoff


# -- redirects are answers, never followed -----------------------------------------------------


async def test_redirect_is_not_followed(harness: Harness) -> None:
    async def redirect(_request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "http://127.0.0.1:9/elsewhere"})

    server = await harness.web({("GET", "/api/items/1"): redirect})
    caller, _ = harness.caller(server.base_url, OPTS)
    with pytest.raises(APIError) as info:
        await caller(get(), OPTS)
    assert info.value.status == 302 and info.value.attempts == 1


# -- oversized bodies -----------------------------------------------------------------------


async def _assert_refused(harness: Harness, server_url: str) -> None:
    options = ClientOptions(max_response_bytes=64 * 1024)
    caller, sleep = harness.caller(server_url, options)
    with pytest.raises(MalformedResponseError) as info:
        await caller(get(), options)
    err = info.value
    assert err.status == 200 and "max_response_bytes" in str(err) and err.attempts == 1 and sleep.delays == []


async def test_oversized_body_with_content_length_is_refused(harness: Harness) -> None:
    async def big(_request: web.Request) -> web.Response:
        return web.Response(body=b"x" * (200 * 1024), content_type="application/json")

    server = await harness.web({("GET", "/api/items/1"): big})
    await _assert_refused(harness, server.base_url)


async def test_oversized_chunked_body_is_refused(harness: Harness) -> None:
    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for _ in range(50):
                await response.write(b"y" * 16 * 1024)
        except ConnectionError:  # the client hung up at the limit, as it should
            pass
        return response

    server = await harness.web({("GET", "/api/items/1"): big})
    await _assert_refused(harness, server.base_url)


async def test_gzip_bomb_is_refused_at_the_decompressed_size(harness: Harness) -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))  # ~64 KB on the wire, 64 MB inflated

    async def big(_request: web.Request) -> web.Response:
        return web.Response(
            body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
        )

    server = await harness.web({("GET", "/api/items/1"): big})
    await _assert_refused(harness, server.base_url)


async def test_body_at_the_limit_is_accepted(harness: Harness) -> None:
    async def exact(_request: web.Request) -> web.Response:
        return web.Response(body=b"z" * 1000, content_type="application/json")

    server = await harness.web({("GET", "/api/items/1"): exact})
    options = ClientOptions(max_response_bytes=1000)
    caller, _ = harness.caller(server.base_url, options)
    assert len((await caller(get(), options)).body) == 1000


# -- 401: recover once --------------------------------------------------------------------


class RotatingAuth:
    """A fake AuthStrategy: starts with a stale token; ``recover`` logs in again."""

    def __init__(self, *, recover_ok: bool = True) -> None:
        self.token = "stale-token-0000000000"
        self.recoveries = 0
        self.recover_ok = recover_ok

    async def headers(self) -> dict[str, str]:
        return {"Authorization": self.token}

    async def recover(self, rejected: object) -> bool:
        self.recoveries += 1
        if not self.recover_ok:
            return False
        self.token = TOKEN
        return True


def _needs_fresh_token() -> web.RequestHandler:  # type: ignore[name-defined]
    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != TOKEN:
            return web.Response(status=401, text="Unauthorized")
        return text('{"id": 7}', status=201 if request.method == "POST" else 200)

    return handler


async def test_401_recovers_once_and_retries(harness: Harness) -> None:
    server = await harness.web({("POST", "/api/items"): _needs_fresh_token()})
    auth = RotatingAuth()
    caller, sleep = harness.caller(server.base_url, OPTS, auth=auth)
    response = await caller(create(), OPTS)
    # A 401 means the create was not processed: sending it again cannot duplicate it.
    assert response.status == 201 and auth.recoveries == 1 and sleep.delays == []
    assert [r.headers["Authorization"] for r in server.requests] == ["stale-token-0000000000", TOKEN]


async def test_401_after_recovery_is_final(harness: Harness) -> None:
    async def always_401(_request: web.Request) -> web.Response:
        return web.Response(status=401, text="Unauthorized")

    server = await harness.web({("GET", "/api/items/1"): always_401})
    auth = RotatingAuth()
    caller, _ = harness.caller(server.base_url, OPTS, auth=auth)
    with pytest.raises(AuthenticationError) as info:
        await caller(get(), OPTS)
    assert auth.recoveries == 1 and info.value.attempts == 2 and server.hits["GET /api/items/1"] == 2


async def test_401_without_recovery_is_raised_after_one_attempt(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/1"): _needs_fresh_token()})
    auth = RotatingAuth(recover_ok=False)
    caller, _ = harness.caller(server.base_url, OPTS, auth=auth)
    with pytest.raises(AuthenticationError) as info:
        await caller(get(), OPTS)
    assert auth.recoveries == 1 and info.value.attempts == 1


# -- a broken error decoder never lets a bare exception escape ---------------------------------


async def test_decoder_crash_becomes_malformed_response(harness: Harness) -> None:
    server = await harness.web({("GET", "/api/items/1"): _flaky(5, 400)})
    caller, _ = harness.caller(server.base_url, OPTS)

    def broken(_request: object, _response: object) -> APIError:
        return {}["message"]  # type: ignore[no-any-return]

    caller.decode_error = broken  # type: ignore[assignment]
    with pytest.raises(MalformedResponseError) as info:
        await caller(get(), OPTS)
    assert info.value.status == 400 and "try later" in str(info.value.body)


# -- connect timeout (here: no free connection in a borrowed, tiny pool) ---------------------


async def test_connect_timeout_is_not_sent_so_a_create_may_retry(harness: Harness) -> None:
    import aiohttp

    from invoicekit._http.auth import StaticAuth
    from invoicekit._http.runner import RequestRunner

    from .conftest import decode_error

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.5 if request.method == "GET" else 0)
        return text("{}", status=201 if request.method == "POST" else 200)

    server = await harness.web({("GET", "/api/items/1"): slow, ("POST", "/api/items"): slow})
    options = ClientOptions(connect_timeout=0.1, max_retries=1)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        transport = harness.transport(server.base_url, options, session=session)
        sleep = SleepRecorder()
        caller = RequestRunner(
            transport=transport, auth=StaticAuth({"Authorization": TOKEN}), decode_error=decode_error, sleep=sleep
        )
        reader = asyncio.create_task(caller(get(), options))  # holds the only connection for 0.5 s
        await asyncio.sleep(0.05)
        with pytest.raises(TransportError) as info:
            await caller(create(), options)
        err = info.value
        assert err.timeout is True and err.request_sent is False and "0.1s" in str(err)
        assert err.attempts == 2 and len(sleep.delays) == 1  # retried: nothing had left
        assert server.hits["POST /api/items"] == 0
        await reader
