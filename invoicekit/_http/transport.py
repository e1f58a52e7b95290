"""The only module that speaks aiohttp: sessions, bounded bodies, typed transport errors.

A session is created lazily inside the running loop (``connect()`` is synchronous), one per
event loop the client is used in, and closed by ``aclose()`` or by its loop's shutdown. A
session the user passes in is used (in its own loop only) and never closed by us; its defaults
never change how statuses, redirects, compression or timeouts are handled. Our sessions keep no
cookies: a header is the single source of authentication truth (ONLYOFFICE sets an auth cookie
on every answer, which would otherwise outlive a revoked token).
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import logging
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import nullcontext
from types import MappingProxyType
from typing import Any
from urllib.parse import SplitResult, urlsplit

import aiohttp
import attrs
from aiohttp import hdrs
from yarl import URL

from .._log import credential_values, get_logger, scrub, scrub_error
from .._serde import dumps_json
from .._trusted import trusted_constructor
from .._version import __version__
from ..errors import (
    ClientClosedError,
    ClientStateError,
    ConfigError,
    IncompleteResponseError,
    InvalidRequestError,
    MalformedResponseError,
    TransportError,
)
from ..observe import (
    CURRENT_ATTEMPT,
    Attempt,
    Hooks,
    attempt_span,
    end_attempt_span,
    path_template,
    request_id,
    tracing,
)
from ..options import ClientOptions
from .budget import RetryBudget
from .limiter import RateLimiter
from .messages import Request, Response
from .shared_limiter import SharedRateLimiter

logger = get_logger("invoicekit.http")

_SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})
#: Default headers a borrowed session may not carry: they would ride along on requests that
#: invoicekit sends without credentials (logins, token refreshes) or to another provider.
_SESSION_CREDENTIAL_HEADERS = ("Authorization", "Cookie")
#: Passed on every request, whatever the session's defaults: invoicekit maps statuses to typed
#: errors itself (a session's ``raise_for_status=True`` made a 404 a retried TransportError),
#: follows no redirect, and reads bodies decompressed (``auto_decompress``, where this aiohttp
#: takes it per request). The per-request timeout replaces the session's.
_REQUEST_OVERRIDES: dict[str, Any] = {"raise_for_status": False, "allow_redirects": False}
if "auto_decompress" in inspect.signature(aiohttp.ClientSession._request).parameters:
    _REQUEST_OVERRIDES["auto_decompress"] = True
_READ_CHUNK = 64 * 1024
#: A Content-Length of fewer digits than this is converted with int() on the hot path; a longer
#: one (absurd, or hostile) goes through _read_body's checks.
_SHORT_LENGTH_DIGITS = 16
#: What ``Request.path`` may hold: RFC 3986 path characters and %XX escapes, nothing else.
#: Checked as one character class (``%`` included) and, only for a path holding a ``%``, each
#: ``%`` followed by two hex digits: the same verdict as one alternation per character
#: (``(?:[...]|%XX)*``), at a fraction of its cost on every request (bench/README.md).
_PATH_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def is_encoded_path(path: str) -> bool:
    """Whether ``path`` holds only RFC 3986 path characters and well-formed %XX escapes."""
    if _PATH_CHARACTERS.fullmatch(path) is None:
        return False
    return "%" not in path or _BAD_ESCAPE.search(path) is None
#: Encoded query strings of recent ``params`` (GHL sends the same altId/altType on every call).
_QUERY_CACHE_SIZE = 256
#: Response built from values aiohttp already typed (no converters to skip, and attrs' keyword
#: __init__ is measurably slower on the per-request path).
_response = trusted_constructor(Response)


def _cancel_requested() -> bool:
    """Whether the running task was asked to stop (``task.cancel()``, a timeout running out)."""
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0


def _utf8_encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: credentials replaced by a mask."""
    return {k: ("<redacted>" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalise_base_url(base_url: str, *, key: str, allow_insecure_http: bool) -> str:
    """Check a configured base URL and return it with exactly one trailing slash.

    Credentials never go over plain http to anything but loopback unless the settings allow it.
    The value itself is never quoted in the error: a URL can carry a password.
    """
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in base_url.strip()):
        # urlsplit drops tabs and line breaks silently; the URL we send would keep them.
        raise ConfigError(f"{key} holds a line break or another control character", key=key)
    parts: SplitResult | None
    try:
        parts = urlsplit(base_url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except (ValueError, AttributeError):
        parts = None
    if parts is None:  # raised out of the except: the ValueError quotes the port, which may be a token
        raise ConfigError(f"{key} is not a valid URL", key=key)
    hostname = parts.hostname
    if parts.scheme not in ("http", "https") or not hostname:
        raise ConfigError(f"{key} must be an http(s) URL with a host (like https://example.com/)", key=key)
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            f"{key} must not carry a user name or password; credentials go in their own settings", key=key
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"{key} must not carry a query or fragment", key=key)
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(hostname):
        raise ConfigError(
            f"{key} uses plain http:// to {hostname}; credentials would travel unencrypted. "
            "Use https:// or set allow_insecure_http = true.",
            key=key,
        )
    return base_url.strip().rstrip("/") + "/"


def _check_borrowed_session(session: aiohttp.ClientSession) -> None:
    """ConfigError when a session passed in carries credentials as default headers."""
    for name in _SESSION_CREDENTIAL_HEADERS:
        if name in session.headers:
            raise ConfigError(
                f"the aiohttp session passed in sends a default {name} header; invoicekit sets "
                "credentials per request and sends some requests without any (logins, token "
                "refreshes): remove it from the session's headers",
                key="session",
            )


def _check_absolute_urls_pass(session: aiohttp.ClientSession, url: URL) -> None:
    """ConfigError when the session's ``base_url`` would refuse our absolute URLs (aiohttp
    before 3.11 asserts that a session with a ``base_url`` only gets relative ones)."""
    build = getattr(session, "_build_url", None)
    if build is None:
        return
    try:
        build(url)
    except AssertionError:
        raise ConfigError(
            "the aiohttp session passed in has a base_url, which this aiohttp version cannot combine "
            "with the absolute URLs invoicekit sends: pass a session without base_url",
            key="session",
        ) from None


class _LoopState:
    """What one event loop's requests go through."""

    __slots__ = ("keeper", "loop", "semaphore", "session")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        session: aiohttp.ClientSession,
        semaphore: asyncio.Semaphore | None,
        keeper: AsyncGenerator[None, None] | None,
    ) -> None:
        self.loop = loop
        self.session = session
        #: ``max_concurrency`` for a borrowed session; None for ours, whose connector has that
        #: limit already (a second gate would cost every call an await for nothing).
        self.semaphore = semaphore
        #: Closes an owned session; None for a borrowed one.
        self.keeper = keeper


async def _close_with_the_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Parked at its ``yield`` once started; closes ``session`` when closed itself.

    An async generator started in a loop is closed by that loop's shutdown (``asyncio.run`` calls
    ``loop.shutdown_asyncgens()`` before closing the loop): the one moment, and the one loop, in
    which a session left open by a finished ``asyncio.run`` can still be closed without warnings.
    """
    try:
        yield
    finally:
        await session.close()


async def _finish(keeper: AsyncGenerator[None, None]) -> None:
    await keeper.aclose()


class HttpTransport:
    """Sends :class:`Request`s to one base URL and returns whole :class:`Response`s."""

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        options: ClientOptions,
        session: aiohttp.ClientSession | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.provider = provider
        self.base_url = base_url
        # ``Request.path`` is percent-encoded by contract, so the URL of a request is this
        # (encoded) base + path + query, handed to aiohttp as an encoded yarl URL, which spares
        # yarl's parse-and-requote of a plain string and aiohttp's ``params=`` handling on every
        # request.
        base = URL(base_url)
        self._url_prefix = str(base)
        self._scheme, self._authority, self._base_path = base.scheme, base.raw_authority, base.raw_path
        self._host, self._port = base.host, base.port
        #: Request/response hooks (``client.hooks``; see invoicekit.observe).
        self.hooks = Hooks()
        self._queries: dict[tuple[tuple[str, str], ...], str] = {}
        self._last_query: tuple[Mapping[str, str], str] | None = None
        #: The session passed in (used as is, never closed by us), or None: we own one per loop.
        self._borrowed = session
        #: Per event loop: its session and concurrency gate. A module-level client used by two
        #: ``asyncio.run`` calls gets a session in each (an aiohttp session works in one loop).
        self._loops: dict[asyncio.AbstractEventLoop, _LoopState] = {}
        self._current: _LoopState | None = None
        self._closed = False
        self._max_concurrency = options.max_concurrency
        self._limiter = RateLimiter(options.rate_limit, sleep=sleep) if options.rate_limit else None
        #: Set by :meth:`share_rate_limit` (a Redis state store): replaces ``_limiter``.
        self._shared_limiter: SharedRateLimiter | None = None
        #: The client-wide retry budget, here because everything per client is: every request
        #: runner of the client (token refreshes included) and every ``with_options`` view share it.
        self.retry_budget = RetryBudget(options.retry_budget) if options.retry_budget is not None else None
        self._user_agent = options.user_agent or f"invoicekit/{__version__}"
        self._base_headers = {"Accept": "application/json"}
        if session is not None:
            _check_borrowed_session(session)
            _check_absolute_urls_pass(session, base)
            # Our session sends the User-Agent by default; a borrowed one keeps its own unless
            # ``user_agent`` is set.
            if options.user_agent or "User-Agent" not in session.headers:
                self._base_headers["User-Agent"] = self._user_agent
        self._timeout: tuple[ClientOptions, aiohttp.ClientTimeout] | None = None

    @property
    def _session(self) -> aiohttp.ClientSession | None:
        """The session the last request went through (None before the first and after aclose)."""
        return self._current.session if self._current is not None else None

    def check_open(self) -> None:
        """ClientClosedError once ``aclose()`` was called: for an operation of several requests
        that would otherwise report it once per request (a batch)."""
        if self._closed:
            raise ClientClosedError(
                f"this {self.provider} client is closed (aclose() was called); connect() a new one"
            )

    async def _enter(self, loop: asyncio.AbstractEventLoop) -> _LoopState:
        """This loop's session and gate, created on the first request made in it."""
        self.check_open()
        state = self._loops.get(loop)
        if state is None:
            state = await (self._enter_borrowed(loop) if self._borrowed is not None else self._enter_owned(loop))
            self._loops[loop] = state
        self._current = state
        return state

    async def _enter_borrowed(self, loop: asyncio.AbstractEventLoop) -> _LoopState:
        session = self._borrowed
        assert session is not None
        if getattr(session, "_loop", loop) is not loop:
            raise ClientStateError(
                f"the aiohttp session passed to this {self.provider} client belongs to another event loop; "
                "use the client in the loop that created the session, or let the client own its session "
                "(then each event loop gets its own)"
            )
        return _LoopState(loop, session, asyncio.Semaphore(self._max_concurrency), keeper=None)

    async def _enter_owned(self, loop: asyncio.AbstractEventLoop) -> _LoopState:
        # Sessions of loops that have ended were closed there (see _close_with_the_loop). A copy
        # of the keys, popped: another thread may be registering or forgetting a loop meanwhile.
        for ended in [other for other in list(self._loops) if other.is_closed()]:
            self._loops.pop(ended, None)
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._max_concurrency, limit_per_host=self._max_concurrency),
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": self._user_agent},
            # Per-request timeouts are always passed; this is only the backstop.
            timeout=aiohttp.ClientTimeout(total=300),
        )
        # aiohttp silently resends an idempotent request once when a connection drops
        # (RFC 9112 9.3.1). Our retry policy already does that, with backoff, and counts it:
        # leaving both on would let one GET reach the server more often than ``attempts`` says.
        # (Private flag; aiohttp's own test client sets it the same way. A session passed in by
        # the user keeps its own behaviour.)
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        keeper = _close_with_the_loop(session)
        await anext(keeper)  # started here, so this loop closes it when it shuts down
        return _LoopState(loop, session, None, keeper=keeper)

    async def aclose(self) -> None:
        """Close the sessions we own. The one of the running loop is closed now; one of another
        loop still running (in another thread) is closed there; one of a loop that is not running
        is closed by that loop's ``asyncio.run`` cleanup, which is the only place it can be."""
        self._closed = True
        states, self._current = list(self._loops.values()), None
        self._loops.clear()
        running = asyncio.get_running_loop()
        for state in states:
            if state.keeper is None:
                continue
            if state.loop is running:
                await state.keeper.aclose()
            elif state.loop.is_running() and not state.loop.is_closed():
                asyncio.run_coroutine_threadsafe(_finish(state.keeper), state.loop)

    async def send(
        self, request: Request, *, headers: Mapping[str, str], options: ClientOptions, observed: bool = False
    ) -> Response:
        if not observed and (self.hooks or tracing()):
            return await self._observed_send(request, headers, options)
        state = self._current
        loop = asyncio.get_running_loop()
        if state is None or state.loop is not loop or self._closed:
            state = await self._enter(loop)
        session = state.session
        if self._borrowed is not None:
            if session.closed:
                raise ClientStateError(
                    f"the aiohttp session passed to this {self.provider} client was closed by its owner"
                )
            _check_borrowed_session(session)
        if not is_encoded_path(request.path):
            # The URL is handed to aiohttp as already encoded: a path that breaks the contract
            # (a space, a raw non-ASCII letter, "%zz", "?" or "#") would go out as it stands.
            raise InvalidRequestError(f"{request.operation}: the request path is not percent-encoded", field="path")
        query = self._query_string(request.params) if request.params else ""
        url = self._url_prefix + request.path + ("?" + query if query else "")
        # Built from parts rather than parsed from ``url``: cheaper, and more so when yarl's
        # caches are cold under load.
        target = URL.build(
            scheme=self._scheme, authority=self._authority, path=self._base_path + request.path,
            query_string=query, encoded=True,
        )
        all_headers = {**self._base_headers, **request.headers, **headers}
        data: bytes | Mapping[str, str] | None = None
        if request.json is not None:
            data = dumps_json(request.json)
            all_headers.setdefault("Content-Type", "application/json")
        elif request.form is not None:
            data = dict(request.form)
        elif request.content is not None:
            data = request.content
        cached_timeout = self._timeout
        timeout = cached_timeout[1] if cached_timeout is not None and cached_timeout[0] is options else (
            self._timeout_for(options)
        )
        # acquire/release rather than ``async with``: spares the two extra coroutine frames of
        # the context-manager protocol on the hot path.
        semaphore = state.semaphore
        closed_before_sending = False
        if semaphore is not None:
            await semaphore.acquire()
        try:
            if self._shared_limiter is not None:
                await self._shared_limiter.acquire(request.method, url)
            elif self._limiter is not None:
                await self._limiter.acquire()
            if self._closed:  # aclose() ran while this call waited for its turn: send nothing
                raise self._closed_error(request, url, sent=False)
            # Asked once: the level is the same for both records of this request.
            debug = logger.isEnabledFor(logging.DEBUG)
            if debug:
                logger.debug(
                    "%s %s %s params=%s headers=%s",
                    request.operation, request.method, url, dict(request.params or {}), redact_headers(all_headers),
                    extra=self._log_fields(request),
                )
                started = time.perf_counter()
            status: int | None = None
            failure: TransportError | IncompleteResponseError | None = None
            unsendable: str | None = None
            try:
                async with session.request(
                    request.method, target, data=data, headers=all_headers, timeout=timeout, **_REQUEST_OVERRIDES,
                ) as resp:
                    status = resp.status
                    # The common answer declares a length within the limit and is not compressed:
                    # read whole, without _read_body's coroutine.
                    length = resp.headers.get(hdrs.CONTENT_LENGTH)
                    if (
                        length is not None and len(length) < _SHORT_LENGTH_DIGITS
                        and int(length) <= options.max_response_bytes and hdrs.CONTENT_ENCODING not in resp.headers
                    ):
                        body = await resp.read()
                    else:
                        body = await self._read_body(resp, request, url, options.max_response_bytes)
                    # No redirects are followed, so the answer's URL is the one we built.
                    response = _response(
                        status=resp.status, headers=resp.headers, body=body, method=request.method, url=url,
                    )
            except aiohttp.ClientConnectorError as exc:
                failure = self._transport_error(request, url, f"cannot connect: {exc.os_error or exc}", sent=False)
            except aiohttp.ConnectionTimeoutError:
                message = f"no connection within {options.connect_timeout:g}s"
                failure = self._transport_error(request, url, message, sent=False, timeout=True)
            except aiohttp.SocketTimeoutError:
                message = f"no data from the server for {options.read_timeout or options.timeout:g}s (read timeout)"
                failure = self._transport_error(request, url, message, sent=True, timeout=True, status=status)
            except TimeoutError:
                message = f"timed out after {options.timeout:g}s (total timeout)"
                failure = self._transport_error(request, url, message, sent=True, timeout=True, status=status)
            except aiohttp.ClientPayloadError as exc:
                if status is None:
                    failure = self._transport_error(request, url, f"answer broken off: {exc}", sent=True)
                else:
                    failure = IncompleteResponseError(
                        f"{request.operation}: the HTTP {status} answer broke off before its end ({exc})",
                        status=status, provider=self.provider, method=request.method, url=url,
                    )
            except aiohttp.ClientError as exc:
                failure = self._transport_error(request, url, f"{type(exc).__name__}: {exc}", sent=True, status=status)
            except ValueError as exc:
                if status is not None:
                    raise
                # aiohttp refused to build the request (a control character in a header value,
                # say a token): nothing left. Raised out here, typed and unchained.
                unsendable = f"{type(exc).__name__}: {scrub(str(exc), credential_values(headers))[:160]}"
        except (asyncio.CancelledError, RuntimeError) as exc:
            # aclose() closed the session before this call's request went out: aiohttp cancels the
            # calls waiting for one of its connections (a cancellation their task never asked
            # for) and refuses new requests ("Session is closed"). A real cancellation goes on.
            if isinstance(exc, ClientStateError) or not self._closed or _cancel_requested():
                raise
            closed_before_sending = True
        finally:
            if semaphore is not None:
                semaphore.release()
        if closed_before_sending:  # raised out here: neither aiohttp's error nor the cancel is its context
            raise self._closed_error(request, url, sent=False)
        if unsendable is not None:
            raise InvalidRequestError(
                f"{request.operation}: the request could not be built and was not sent ({unsendable})"
            )
        if failure is not None:
            if self._closed:  # the dropped connection was aclose() closing the session
                sent = not isinstance(failure, TransportError) or failure.request_sent
                raise self._closed_error(request, url, sent=sent)
            # Raised out here, unchained: aiohttp's exception holds the request it failed on
            # (``request_info`` with every header, Authorization included), so it may be neither
            # the ``__cause__`` nor the ``__context__`` of what we raise. Its text is kept, scrubbed.
            scrub_error(failure, extra=credential_values(headers))
            raise failure
        if response.status == 429 and self._shared_limiter is not None:
            await self._shared_limiter.observe(response)
        if debug:
            elapsed = time.perf_counter() - started
            logger.debug(
                "%s %s %s -> %d (%d bytes, %.1f ms)", request.operation, request.method, url,
                response.status, len(response.body), elapsed * 1000,
                extra=self._log_fields(request, response, elapsed),
            )
        return response

    def _log_fields(
        self, request: Request, response: Response | None = None, elapsed: float | None = None
    ) -> dict[str, object]:
        """The structured ``extra=`` fields of a request's log records (see invoicekit.observe)."""
        return Attempt(
            provider=self.provider, operation=request.operation, method=request.method,
            path_template=path_template(request.path), url=self._url_prefix + request.path,
            attempt=CURRENT_ATTEMPT.get(), status=None if response is None else response.status, elapsed=elapsed,
            request_id=None if response is None else request_id(response),
        ).log_fields()

    async def _observed_send(self, request: Request, headers: Mapping[str, str], options: ClientOptions) -> Response:
        """:meth:`send` with the client's hooks and an OpenTelemetry span around it."""
        attempt = Attempt(
            provider=self.provider, operation=request.operation, method=request.method,
            path_template=path_template(request.path), url=self._url_prefix + request.path,
            attempt=CURRENT_ATTEMPT.get(),
        )
        hooks = self.hooks
        if hooks.request:
            await hooks.run(hooks.request, attempt)
        started = time.perf_counter()
        span_context = attempt_span(attempt, host=self._host, port=self._port) if tracing() else nullcontext()
        with span_context as span:
            try:
                response = await self.send(request, headers=headers, options=options, observed=True)
            except (Exception, asyncio.CancelledError) as exc:  # a cancelled attempt ended too: say so
                done = attrs.evolve(attempt, elapsed=time.perf_counter() - started, error=type(exc).__name__)
                if span is not None:
                    end_attempt_span(span, done)
                if hooks.response:
                    await hooks.run(hooks.response, done)
                raise
            done = attrs.evolve(
                attempt, status=response.status, elapsed=time.perf_counter() - started, request_id=request_id(response)
            )
            if span is not None:
                end_attempt_span(span, done)
        if hooks.response:
            await hooks.run(hooks.response, done)
        return response

    def share_rate_limit(self, limiter: SharedRateLimiter) -> None:
        """Space this client's requests with ``limiter`` (shared with other workers) instead of
        its own ``rate_limit``; this process's limiter stays the fallback when Redis fails."""
        limiter.fallback = self._limiter
        self._shared_limiter = limiter

    def _query_string(self, params: Mapping[str, str]) -> str:
        last = self._last_query
        if last is not None and last[0] is params:  # the same (read-only) mapping as last time
            return last[1]
        key = tuple(params.items())
        query = self._queries.get(key)
        if query is None:
            for name, value in key:  # checked once per distinct query, not per call
                if isinstance(value, str) and not _utf8_encodable(value):
                    raise InvalidRequestError(
                        "holds a lone surrogate (half of a UTF-16 pair), which no URL can carry", field=name
                    )
            query = URL.build(query=params).raw_query_string  # yarl's quoting, as aiohttp's params=
            if len(self._queries) >= _QUERY_CACHE_SIZE:
                self._queries.clear()
            self._queries[key] = query
        if isinstance(params, MappingProxyType):  # how an adapter marks a query that never changes
            self._last_query = (params, query)
        return query

    def _timeout_for(self, options: ClientOptions) -> aiohttp.ClientTimeout:
        # Built once per (frozen) options object rather than on every request.
        cached = self._timeout
        if cached is not None and cached[0] is options:
            return cached[1]
        timeout = aiohttp.ClientTimeout(
            total=options.timeout, connect=options.connect_timeout, sock_read=options.read_timeout
        )
        self._timeout = (options, timeout)
        return timeout

    async def _read_body(self, resp: aiohttp.ClientResponse, request: Request, url: str, limit: int) -> bytes:
        """The body of an answer :meth:`send` cannot read whole at once: one declared larger than
        ``limit`` (refused unread), compressed, or of unknown length."""
        length = resp.headers.get(hdrs.CONTENT_LENGTH)
        if length is not None and int(length) > limit:  # aiohttp's parser has checked it is a number
            raise self._oversized(resp, request, url, limit)
        # Unknown or compressed length: count what arrives, so a gzip bomb stops at the limit too.
        chunks: list[bytes] = []
        size = 0
        while chunk := await resp.content.read(_READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise self._oversized(resp, request, url, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _oversized(
        self, resp: aiohttp.ClientResponse, request: Request, url: str, limit: int
    ) -> MalformedResponseError:
        return MalformedResponseError(
            f"answer larger than max_response_bytes ({limit} bytes); refused",
            status=resp.status, provider=self.provider, method=request.method, url=url,
        )

    def _closed_error(self, request: Request, url: str, *, sent: bool) -> ClientClosedError:
        if not sent:
            where = "before it was sent: nothing was sent"
        else:
            # Like a dropped connection: the server may have received (and applied) the request.
            where = "while it was in flight: it may or may not have reached the server"
        error = ClientClosedError(
            f"{request.operation} ({request.method} {url}): this {self.provider} client was closed "
            f"(aclose()) {where}"
        )
        error.request_sent = sent
        return error

    def _transport_error(
        self, request: Request, url: str, message: str, *, sent: bool, timeout: bool = False, status: int | None = None
    ) -> TransportError:
        return TransportError(
            message, provider=self.provider, operation=request.operation, method=request.method,
            url=url, request_sent=sent, timeout=timeout, status=status,
        )
