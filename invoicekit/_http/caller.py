"""The call loop: authenticate, send, map errors, recover from a 401 once, retry per policy.

Adapters describe requests and decode answers; this loop is the one place where attempts are
counted, so retry behaviour is the same for every provider and is tested once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from ..errors import APIError, TransportError
from ..options import ClientOptions
from .messages import Request, Response
from .retry import RetryPolicy
from .transport import HttpTransport

logger = logging.getLogger("invoicekit.http")

ErrorDecoder = Callable[[Request, Response], APIError]
"""Turns an error answer (status >= 400) into the typed error to raise."""

Sleep = Callable[[float], Awaitable[None]]


class AuthStrategy(Protocol):
    """Supplies credentials and recovers from a rejected one."""

    async def headers(self) -> Mapping[str, str]:
        """Headers that authenticate the next request (may log in or refresh first)."""
        ...

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        """Called after a 401 for a request sent with ``rejected``; True when fresh credentials
        are ready and one more attempt makes sense. Must be single-flight."""
        ...


class StaticAuth:
    """A fixed header; a 401 is final."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    async def headers(self) -> Mapping[str, str]:
        return self._headers

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"


class Caller:
    def __init__(
        self,
        *,
        transport: HttpTransport,
        auth: AuthStrategy,
        decode_error: ErrorDecoder,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.transport = transport
        self.auth = auth
        self.decode_error = decode_error
        self.sleep = sleep
        #: The last answer received (any status); adapters read rate-limit headers from it.
        self.last_response: Response | None = None

    async def __call__(self, request: Request, options: ClientOptions) -> Response:
        policy = RetryPolicy.from_options(options)
        attempt = 0
        recovered = False
        while True:
            auth_headers = await self.auth.headers() if request.authenticated else {}
            try:
                response = await self.transport.send(request, headers=auth_headers, options=options)
            except TransportError as exc:
                delay = policy.delay_after_transport_error(exc, attempt, request.idempotent)
                if delay is None:
                    exc.attempts = attempt + 1
                    raise
                self._log_retry(request, attempt, delay, str(exc))
                await self.sleep(delay)
                attempt += 1
                continue
            self.last_response = response
            if response.status < 400:
                return response
            if response.status == 401 and request.authenticated and not recovered:
                recovered = True
                if await self.auth.recover(auth_headers):
                    continue
            error = self.decode_error(request, response)
            delay = policy.delay_after_api_error(error, attempt, request.idempotent)
            if delay is None:
                error.attempts = attempt + 1
                raise error
            self._log_retry(request, attempt, delay, f"HTTP {response.status}")
            await self.sleep(delay)
            attempt += 1

    def _log_retry(self, request: Request, attempt: int, delay: float, why: str) -> None:
        logger.debug(
            "%s %s %s: retry %d in %.2fs after %s",
            request.operation, request.method, request.path, attempt + 1, delay, why,
        )
