"""What both simulators share: the aiohttp plumbing, request recording and fault application.

A provider simulator subclasses :class:`Simulator` and implements :meth:`Simulator._dispatch`
(route and answer one request, body already read) plus the three renderers of injected
failures. Everything else (recording, delays, dropped connections, mangled answers, starting on
a free port, clean shutdown) lives here once.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode

import attrs
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from ..models import Contact
from .faults import Drop, Fail, Faults, Malformed, RateLimited, TerminalRule

REDACTED = "<redacted>"
_SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})
# Body fields recorded masked: credentials a test must never find in a saved request log.
_SECRET_FIELDS = frozenset(
    {"password", "client_secret", "refresh_token", "code", "access_token", "accesstoken", "codeoauth", "token",
     "clientsecret", "refreshtoken"}
)
_JSON_SECRET = re.compile(r'("(?:' + "|".join(sorted(_SECRET_FIELDS)) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)


def _redact_header(name: str, value: str) -> str:
    if name.lower() not in _SECRET_HEADERS:
        return value
    scheme, sep, _ = value.partition(" ")
    # Keep the scheme ("Bearer", "Basic") so a test can still check which one was used.
    return f"{scheme} {REDACTED}" if sep and scheme.isalpha() else REDACTED


def _redact_body(body: bytes, content_type: str) -> bytes:
    if not body:
        return body
    if "x-www-form-urlencoded" in content_type:
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        masked = [(k, REDACTED if k.lower() in _SECRET_FIELDS else v) for k, v in pairs]
        return urlencode(masked).encode()
    if "json" in content_type:
        text = body.decode("utf-8", "replace")
        return _JSON_SECRET.sub(lambda m: m.group(1) + json.dumps(REDACTED), text).encode()
    return body


@attrs.frozen
class RecordedRequest:
    """One request as the simulator received it (credentials masked).

    ``body`` is None when the connection was dropped before the body was read.
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: CIMultiDictProxy[str]
    body: bytes | None
    received_at: float

    @property
    def params(self) -> dict[str, str]:
        """The query string as a dict (last value wins)."""
        return dict(self.query)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        """The body parsed as a form (last value wins)."""
        return dict(parse_qsl((self.body or b"").decode(), keep_blank_values=True))


class Simulator(ABC):
    """Base of the provider simulators: in-memory server with fault injection and a request log.

    Each simulator also says how a client reaches it, so that the demo, the pytest plugin, the
    conformance harnesses and ``invoicekit simulate`` loop over :func:`invoicekit.testing.simulators`
    instead of naming providers.
    """

    #: The provider name its config uses (``invoicekit.connect({"provider": ...})``).
    provider: ClassVar[str]
    #: What it simulates, for help texts (``"ONLYOFFICE CRM (API 2.0)"``).
    name: ClassVar[str]
    #: The ways a client can be configured against it: variant name -> keyword arguments of
    #: :meth:`client_config`. The first is the default.
    variants: ClassVar[Mapping[str, Mapping[str, Any]]]
    #: The variants ``invoicekit demo`` runs (one column each).
    tour: ClassVar[tuple[str, ...]]
    #: Two different customers it accepts on invoices, as the neutral model spells them.
    contacts: ClassVar[tuple[Contact, Contact]]
    #: Constructor keywords ``invoicekit simulate`` offers as options (besides ``token`` and
    #: ``invoices``), with their help.
    cli_options: ClassVar[Mapping[str, str]] = {}
    #: pytest ini options of the fixtures: ini name -> (client_config keyword, help).
    pytest_ini: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self) -> None:
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        #: The base URL while :meth:`run` serves (what it yields), else None.
        self.url: str | None = None

    # -- provider hooks -------------------------------------------------------------------
    @abstractmethod
    async def _dispatch(self, request: web.Request, body: bytes) -> web.Response:
        """Route and answer one request."""

    @abstractmethod
    def _render_failure(self, request: web.Request, fault: Fail) -> web.Response:
        """The provider's answer for an injected ``fail_next``."""

    @abstractmethod
    def _render_rate_limited(self, request: web.Request, fault: RateLimited) -> web.Response:
        """The provider's answer when a rate limit is hit (injected or counted)."""

    def _decorate(self, request: web.Request, response: web.StreamResponse) -> None:  # noqa: B027 (optional hook)
        """Last touch on every answer (GoHighLevel adds its rate-limit headers here)."""

    def base_url(self, host: str, port: int) -> str:
        """The URL ``run()`` yields: what a client is configured with."""
        return f"http://{host}:{port}"

    @abstractmethod
    def client_config(self, *, url: str | None = None, **overrides: Any) -> dict[str, Any]:
        """A config mapping for :func:`invoicekit.connect` that reaches this simulator at ``url``
        (default: where it runs now). Subclasses add keyword choices (see :attr:`variants`);
        ``overrides`` are merged last."""

    def connection_hints(self) -> list[str]:
        """Lines ``invoicekit simulate`` prints under the URL (what a client needs to connect)."""
        return []

    def _served_url(self, url: str | None) -> str:
        if url is not None:
            return url
        if self.url is None:
            raise RuntimeError(f"the {self.provider} simulator is not running: pass url= or call inside run()")
        return self.url

    # -- public ---------------------------------------------------------------------------
    def count(self, method: str | None = None, path: str | None = None) -> int:
        """How many recorded requests match ``method`` and a ``path`` glob."""
        probe = Faults()
        rule = probe.fail_next(500, times=None, method=method, path=path)
        return sum(1 for r in self.requests if rule.matches(r.method, r.path))

    def make_app(self) -> web.Application:
        """A fresh aiohttp application serving this simulator's state."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    @asynccontextmanager
    async def run(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Serve on ``host``:``port`` (0 = a free port) and yield the base URL; stop on exit."""
        # A short shutdown timeout: a request parked in an injected delay must not hold the
        # test's teardown for aiohttp's default minute.
        runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            bound_port = int(runner.addresses[0][1])
            self.url = self.base_url(host, bound_port)
            yield self.url
        finally:
            self.url = None
            await runner.cleanup()

    # -- the pipeline -----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        delay, fault = self.faults.take(request.method, request.path)
        # Recorded on arrival, before any injected delay, so that a request whose client gave up
        # during the delay is still counted; its body is filled in once read.
        headers = CIMultiDictProxy(CIMultiDict((k, _redact_header(k, v)) for k, v in request.headers.items()))
        query = tuple((k, v) for k, v in request.query.items())
        index = self._record(request, headers, query, None)
        if delay:
            await asyncio.sleep(delay)
        if isinstance(fault, Drop) and fault.when == "before_read":
            return self._drop(request)
        body = await request.read()
        self.requests[index] = attrs.evolve(self.requests[index], body=_redact_body(body, request.content_type))
        if isinstance(fault, Drop) and fault.when == "after_read":
            return self._drop(request)
        if isinstance(fault, Fail) and not fault.processed:
            return self._finish(request, self._render_failure(request, fault))
        if isinstance(fault, RateLimited):
            return self._finish(request, self._render_rate_limited(request, fault))
        response = await self._dispatch(request, body)
        return await self._after_processing(request, response, fault)

    async def _after_processing(
        self, request: web.Request, response: web.Response, fault: TerminalRule | None
    ) -> web.StreamResponse:
        if isinstance(fault, Fail):
            return self._finish(request, self._render_failure(request, fault))
        if isinstance(fault, Drop):
            return self._drop(request)
        if isinstance(fault, Malformed):
            return await self._mangle(request, response, fault)
        return self._finish(request, response)

    def _finish(self, request: web.Request, response: web.Response) -> web.Response:
        self._decorate(request, response)
        return response

    def _record(
        self,
        request: web.Request,
        headers: CIMultiDictProxy[str],
        query: tuple[tuple[str, str], ...],
        body: bytes | None,
    ) -> int:
        """Append the request to the log; its index there."""
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=query,
                headers=headers,
                body=body,
                received_at=time.time(),
            )
        )
        return len(self.requests) - 1

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        if request.transport is not None:
            request.transport.close()
        # Never written: the transport is gone. aiohttp just needs a response object back.
        return web.Response(status=500)

    async def _mangle(self, request: web.Request, response: web.Response, fault: Malformed) -> web.StreamResponse:
        real = response.body if isinstance(response.body, bytes) else b""
        if fault.kind == "truncated":
            stream = web.StreamResponse(status=response.status, headers=_plain_headers(response))
            stream.content_length = len(real)
            self._decorate(request, stream)
            await stream.prepare(request)
            await stream.write(real[: max(1, len(real) // 2)])
            if request.transport is not None:
                request.transport.close()
            return stream
        if fault.kind == "html":
            page = (
                b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
            )
            return self._finish(request, web.Response(status=fault.status, body=page, content_type="text/html"))
        if fault.kind == "bad_json":
            garbage = b'{"status": 0, "response": {"id": 1,, "number": '
            return self._finish(
                request, web.Response(status=fault.status, body=garbage, content_type="application/json")
            )
        mislabelled = web.Response(status=response.status, body=real, content_type="text/html", charset="utf-8")
        return self._finish(request, mislabelled)


def _plain_headers(response: web.Response) -> Mapping[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "transfer-encoding")}
