"""Real local servers (127.0.0.1, port 0) and a tiny test-only adapter around the HTTP core.

Nothing here talks to the internet: every server is started inside a test and stopped by its
fixture. ``WebServer`` is an aiohttp.web app for well-formed answers; ``RawServer`` speaks raw
bytes for what a well-behaved server cannot do (drop the connection after reading the request,
cut a body short).
"""

from __future__ import annotations

import asyncio
import collections
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import invoicekit
from invoicekit._http.auth import AuthStrategy, StaticAuth
from invoicekit._http.messages import Request, Response
from invoicekit._http.runner import RequestRunner
from invoicekit._http.transport import HttpTransport
from invoicekit._serde import excerpt
from invoicekit.errors import APIError, InvoiceKitError, error_class_for_status
from invoicekit.options import ClientOptions

TOKEN = "tok-5f1c9e0b7a4d4e2c9b8a7f6e5d4c3b2a"  # a fake credential that tests look for in every text
PROVIDER = "testapi"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def decode_error(request: Request, response: Response) -> APIError:
    """What an adapter's decoder does at its simplest: status class, first 200 chars as message."""
    cls = error_class_for_status(response.status)
    text = excerpt(response.body)
    return cls(
        text or "(empty body)", status=response.status, provider=PROVIDER, method=request.method,
        url=response.url, body=text,
    )


def get(path: str = "items/1", **kwargs: object) -> Request:
    return Request(operation="get_item", method="GET", path=path, **kwargs)  # type: ignore[arg-type]


def create(path: str = "items", **kwargs: object) -> Request:
    return Request(operation="create_item", method="POST", path=path, json={"name": "x"}, **kwargs)  # type: ignore[arg-type]


class SleepRecorder:
    """Injected as the request runner's sleep: records the delays and yields without waiting."""

    def __init__(self, hook: Callable[[float], Awaitable[None]] | None = None) -> None:
        self.delays: list[float] = []
        self._hook = hook

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self._hook is not None:
            await self._hook(delay)
        await asyncio.sleep(0)


class WebServer:
    """An aiohttp.web app on 127.0.0.1 that counts requests and concurrent handlers."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.hits: collections.Counter[str] = collections.Counter()
        self.requests: list[web.Request] = []
        self.bodies: list[bytes] = []
        self.in_flight = 0
        self.max_in_flight = 0
        #: Set at teardown so that handlers parked on it finish and the server can stop.
        self.release = asyncio.Event()
        self._server: TestServer | None = None

    def route(self, method: str, path: str, handler: Handler) -> None:
        async def counted(request: web.Request) -> web.StreamResponse:
            self.hits[f"{request.method} {request.path}"] += 1
            self.requests.append(request)
            self.bodies.append(await request.read())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                return await handler(request)
            finally:
                self.in_flight -= 1

        self.app.router.add_route(method, path, counted)

    async def start(self, port: int = 0) -> None:
        self._server = TestServer(self.app, host="127.0.0.1", port=port)
        await self._server.start_server()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}/api/"

    async def close(self) -> None:
        self.release.set()
        if self._server is not None:
            await self._server.close()


RawHandler = Callable[[int, bytes, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """A byte-level HTTP/1.1 server: reads a whole request, then lets ``handler`` misbehave.

    ``handler(n, request_bytes, writer)`` gets the 1-based request number; the connection is
    closed after it returns.
    """

    def __init__(self, handler: RawHandler) -> None:
        self.handler = handler
        self.count = 0
        self.requests: list[bytes] = []
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            self.count += 1
            self.requests.append(head + body)
            await self.handler(self.count, head + body, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            self._writers.discard(writer)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/api/"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()


def free_port() -> int:
    """A port nothing listens on (bound and released): connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class Harness:
    """Builds transports and callers that are all closed at teardown."""

    def __init__(self, stack: AsyncExitStack) -> None:
        self._stack = stack

    async def web(self, routes: Mapping[tuple[str, str], Handler] | None = None, *, port: int = 0) -> WebServer:
        server = WebServer()
        for (method, path), handler in (routes or {}).items():
            server.route(method, path, handler)
        await server.start(port)
        self._stack.push_async_callback(server.close)
        return server

    async def raw(self, handler: RawHandler) -> RawServer:
        server = RawServer(handler)
        await server.start()
        self._stack.push_async_callback(server.close)
        return server

    def transport(self, base_url: str, options: ClientOptions, **kwargs: object) -> HttpTransport:
        transport = HttpTransport(provider=PROVIDER, base_url=base_url, options=options, **kwargs)  # type: ignore[arg-type]
        self._stack.push_async_callback(transport.aclose)
        return transport

    def caller(
        self,
        base_url: str,
        options: ClientOptions,
        *,
        auth: AuthStrategy | None = None,
        sleep: SleepRecorder | None = None,
    ) -> tuple[RequestRunner, SleepRecorder]:
        sleep = sleep or SleepRecorder()
        caller = RequestRunner(
            transport=self.transport(base_url, options),
            auth=auth or StaticAuth({"Authorization": TOKEN}),
            decode_error=decode_error,
            sleep=sleep,
            random=lambda: 0.5,
        )
        return caller, sleep


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    async with AsyncExitStack() as stack:
        yield Harness(stack)


def text(body: str, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(text=body, status=status, headers=headers, content_type="application/json")


async def adapter_get_error(provider: str, server_base_url: str) -> InvoiceKitError:
    """What ``get`` raises on a real adapter (``onlyoffice`` or ``gohighlevel``, static token
    ``TOKEN``, no retries) pointed at a test server; fails the test if nothing is raised."""
    config: dict[str, object] = {
        "provider": provider, "token": TOKEN, "base_url": server_base_url.removesuffix("api/"), "max_retries": 0,
    }
    if provider == "gohighlevel":
        config["location_id"] = "loc123"
    async with invoicekit.connect(config) as client:
        with pytest.raises(InvoiceKitError) as info:
            await client.get(1 if provider == "onlyoffice" else "inv1")
    return info.value
