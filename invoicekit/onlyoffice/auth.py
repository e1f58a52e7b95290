"""ONLYOFFICE authentication: a pre-issued token, or a password login kept fresh.

The header is the raw token (``Authorization: <token>``, no scheme), as the API documents.
Tokens can be revoked at any time (password change, "log out everywhere", another portal), so any
401 means "log in again once and retry". Logins are single-flight: however many requests hit the
401 together, one login runs and the others reuse its token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from attrs import frozen

from ..secret import Secret

# Renew this long before the server's ``expires`` instead of waiting for the 401.
_EXPIRY_MARGIN = timedelta(minutes=1)


@frozen
class Token:
    value: Secret
    expires: datetime | None = None


Login = Callable[[], Awaitable[Token]]


class TokenAuth:
    """A pre-issued token: a 401 is final (there is nothing to renew it with)."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    async def headers(self) -> Mapping[str, str]:
        return {"Authorization": self._token.reveal()}

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        return False

    def __repr__(self) -> str:
        return "TokenAuth(<redacted>)"


class LoginAuth:
    """Logs in lazily on the first request, and again (once, single-flight) after a 401 or
    shortly before ``expires``."""

    def __init__(self, login: Login, *, clock: Callable[[], datetime] | None = None) -> None:
        self._login = login
        self._token: Token | None = None
        self._lock = asyncio.Lock()
        self._clock = clock or (lambda: datetime.now(UTC))
        #: How many logins ran (observable for tests and diagnostics).
        self.logins = 0

    def _usable(self, token: Token | None) -> bool:
        if token is None:
            return False
        return token.expires is None or self._clock() < token.expires - _EXPIRY_MARGIN

    async def _fresh(self) -> Token:
        self.logins += 1
        self._token = None
        self._token = await self._login()
        return self._token

    async def headers(self) -> Mapping[str, str]:
        token = self._token
        if not self._usable(token):
            async with self._lock:
                token = self._token if self._usable(self._token) else await self._fresh()
        assert token is not None
        return {"Authorization": token.value.reveal()}

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        async with self._lock:
            current = self._token
            # Someone else already logged in again since this request went out: just retry.
            if current is not None and current.value.reveal() != rejected.get("Authorization"):
                return True
            await self._fresh()
            return True

    def __repr__(self) -> str:
        return f"LoginAuth(logged_in={self._token is not None})"
