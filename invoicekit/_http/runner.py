"""The request runner: authenticate, send, map errors, recover from a 401 once, retry per policy.

Adapters describe requests and decode answers; this loop is the one place where attempts are
counted, so retry behaviour is the same for every provider and is tested once. A retry happens
when the policy allows it (:mod:`.retry`), its wait ends within the call's ``retry_timeout``, and
the client's retry budget (:mod:`.budget`) can pay for it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from attrs import evolve

from .._log import credential_values, get_logger, scrub_error
from .._serde import excerpt
from ..errors import (
    APIError,
    IncompleteResponseError,
    MalformedResponseError,
    NotFoundError,
    RateLimitError,
    TransportError,
)
from ..observe import CURRENT_ATTEMPT, operation_span, path_template, tracing
from ..options import ClientOptions
from .auth import AuthStrategy, StaticAuth
from .messages import Request, Response
from .retry import RETRYABLE_STATUSES, RetryPolicy, retry_after_from_headers
from .transport import HttpTransport

logger = get_logger("invoicekit.http")

ErrorDecoder = Callable[[Request, Response], APIError]
"""Turns an error answer (status >= 400) into the typed error to raise."""

Sleep = Callable[[float], Awaitable[None]]


class RequestRunner:
    """Runs one :class:`Request` to completion: the only place where attempts are counted.

    Every error leaving :meth:`__call__` is an :class:`invoicekit.InvoiceKitError` carrying
    ``attempts`` (requests actually sent, the 401 re-login retry included), with the credentials
    that were sent scrubbed from its text and body.
    """

    def __init__(
        self,
        *,
        transport: HttpTransport,
        auth: AuthStrategy,
        decode_error: ErrorDecoder,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.auth = auth
        self.decode_error = decode_error
        self.sleep = sleep
        self.clock = clock
        self._random = random
        #: The last answer received (any status); adapters read rate-limit headers from it.
        self.last_response: Response | None = None
        self._policy: tuple[ClientOptions, RetryPolicy] | None = None

    def _policy_for(self, options: ClientOptions) -> RetryPolicy:
        # Options are frozen and the same object call after call: build the policy once per
        # options object, not on every request (a hot path under load).
        cached = self._policy
        if cached is not None and cached[0] is options:
            return cached[1]
        policy = RetryPolicy.from_options(options, random=self._random)
        self._policy = (options, policy)
        return policy

    async def __call__(self, request: Request, options: ClientOptions, *, traced: bool = False) -> Response:
        if not traced and tracing():
            with operation_span(self.transport.provider, request):
                return await self(request, options, traced=True)
        cached = self._policy
        policy = cached[1] if cached is not None and cached[0] is options else self._policy_for(options)
        budget = self.transport.retry_budget
        started = self.clock()
        retry_cost = 0  # what the last retry drew from the budget; refunded if the call succeeds
        attempt = 0  # retries made so far (the 401 re-login retry is not one: it has its own budget)
        sent = 0  # requests handed to the transport
        recovered = False
        # An attempt that may have reached the server and been applied, though its answer was
        # lost: a later "not found" from a retried DELETE may be that attempt's own doing.
        maybe_applied = False
        while True:
            auth = self.auth
            if not request.authenticated:
                auth_headers: Mapping[str, str] = {}
            elif type(auth) is StaticAuth:  # fixed headers: no coroutine to create and await per call
                auth_headers = auth.fixed_headers
            else:
                auth_headers = await auth.headers()
            sent += 1
            CURRENT_ATTEMPT.set(sent)
            try:
                response = await self.transport.send(request, headers=auth_headers, options=options)
            except (TransportError, IncompleteResponseError) as exc:
                # No usable answer: a dropped connection, or a body that broke off mid-transfer.
                if isinstance(exc, TransportError):
                    delay = policy.delay_after_transport_error(exc, attempt, request.idempotent)
                else:
                    delay = policy.delay_after_incomplete_answer(attempt, request.idempotent)
                cost = self._pay_for_retry(exc, policy, delay, started, timeout=getattr(exc, "timeout", False))
                if delay is None or cost is None:
                    exc.attempts = sent
                    raise
                retry_cost = cost
                maybe_applied = maybe_applied or not isinstance(exc, TransportError) or exc.request_sent
                self._log_retry(request, attempt, delay, str(exc))
                await self.sleep(delay)
                attempt += 1
                continue
            except APIError as exc:  # an answer the transport refused to read (too large)
                exc.attempts = sent
                raise
            self.last_response = response
            # A redirect is never followed (it could carry the Authorization header elsewhere), so
            # it is an answer we cannot use: the adapter's decoder turns it into an APIError.
            if response.status < 300:
                if budget is not None and budget.available < budget.capacity:  # a full bucket stays full
                    budget.on_success(retry_cost)
                if maybe_applied and request.method.upper() not in _READ_METHODS:
                    response = evolve(response, earlier_attempt_may_have_applied=True)
                return response
            if response.status == 401 and request.authenticated and not recovered:
                recovered = True
                if await self.auth.recover(auth_headers):
                    continue
            retry_after = retry_after_from_headers(response.headers)
            error = self._decode_error(request, response, auth_headers, retry_after, policy)
            delay = policy.delay_after_api_error(error, attempt, request.idempotent, retry_after=retry_after)
            cost = self._pay_for_retry(error, policy, delay, started, timeout=False)
            if delay is None or cost is None:
                error.attempts = sent
                if maybe_applied and request.method.upper() not in _READ_METHODS:
                    _note_earlier_attempt(error, request)
                raise error
            # A gateway's 502/504 (or a 503) may come after the origin applied the change.
            maybe_applied = maybe_applied or response.status >= 500
            retry_cost = cost
            self._log_retry(request, attempt, delay, f"HTTP {response.status}")
            await self.sleep(delay)
            attempt += 1

    def _pay_for_retry(
        self, error: BaseException, policy: RetryPolicy, delay: float | None, started: float, *, timeout: bool
    ) -> int | None:
        """What a retry after ``delay`` costs the budget (0 without one), taken; None when it may
        not happen: the policy said no, the wait ends past ``retry_timeout``, or the budget is spent.
        Why a retry was refused is added to the error's notes."""
        if delay is None:
            return None
        if not policy.fits(self.clock() - started, delay):
            error.add_note(
                f"not retried: waiting {delay:.2f}s more would pass retry_timeout ({policy.retry_timeout:g}s)"
            )
            return None
        budget = self.transport.retry_budget
        if budget is None:
            return 0
        cost = budget.withdraw(timeout=timeout)
        if cost is None:
            error.add_note("not retried: the client's retry budget is spent (too many failed calls lately)")
        return cost

    def _decode_error(
        self,
        request: Request,
        response: Response,
        auth_headers: Mapping[str, str],
        retry_after: float | None,
        policy: RetryPolicy,
    ) -> APIError:
        try:
            error = self.decode_error(request, response)
        except Exception as exc:  # an adapter bug must not let a KeyError escape the library
            logger.debug("%s: error decoder failed with %s", request.operation, type(exc).__name__)
            error = MalformedResponseError(
                f"undecodable error answer: {excerpt(response.body)!r}",
                status=response.status, provider=self.transport.provider, method=request.method,
                url=response.url, body=excerpt(response.body),
            )
        if isinstance(error, RateLimitError):
            if error.retry_after is None:
                error.retry_after = retry_after
        elif response.status in RETRYABLE_STATUSES and policy.retry_after_too_long(retry_after):
            # The server says "come back in N minutes": that is a rate limit whatever the body
            # says, and the caller needs ``retry_after`` to schedule the retry itself.
            error = _as_rate_limit(error, retry_after)
        scrub_error(error, extra=credential_values(auth_headers))
        return error

    def _log_retry(self, request: Request, attempt: int, delay: float, why: str) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s %s: retry %d in %.2fs after %s",
                request.operation, request.method, request.path, attempt + 1, delay, why,
                extra={
                    "provider": self.transport.provider, "operation": request.operation, "method": request.method,
                    "path_template": path_template(request.path), "attempt": CURRENT_ATTEMPT.get(),
                    "retry_in": delay,
                },
            )


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _note_earlier_attempt(error: APIError, request: Request) -> None:
    """Say that an earlier attempt of this write may have been applied (its answer was lost), so
    that a retried DELETE's "not found" is not read as "never existed"."""
    error.earlier_attempt_may_have_applied = True
    if isinstance(error, NotFoundError) and request.method.upper() == "DELETE":
        note = "an earlier attempt of this DELETE may have reached the server and deleted it (its answer was lost)"
    else:
        note = f"an earlier attempt of this {request.method.upper()} may have been applied (its answer was lost)"
    error.args = (f"{error.args[0]} [{note}]", *error.args[1:]) if error.args else (note,)
    error.add_note(note)


def _as_rate_limit(error: APIError, retry_after: float | None) -> RateLimitError:
    limited = RateLimitError(
        error.message, retry_after=retry_after, status=error.status, provider=error.provider,
        method=error.method, url=error.url, messages=error.messages, body=error.body, trace_id=error.trace_id,
    )
    limited.__cause__ = error
    return limited
