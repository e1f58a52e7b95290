"""OAuth for GoHighLevel: refresh-token grant, single-flight, rotated tokens persisted first.

GHL refresh tokens are single-use: each refresh returns a new one and the old one is dead. Two
refreshes racing with the same refresh token lock the install out, and a new refresh token that
is not persisted is lost with the process. Hence:

- one :class:`asyncio.Lock` per (token store, location), shared by every client of that location
  in this process: however many requests need a fresh token, one ``POST /oauth/token`` is in flight;
- after taking the lock, the store is read again: another client (or process) may have refreshed;
- the rotated tokens are saved to the :class:`TokenStore` before the new access token is used.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from attrs import evolve, frozen

from .._http.messages import Request, Response
from .._http.runner import RequestRunner
from .._log import get_logger
from .._serde import loads_json, parse_decimal
from ..errors import MalformedResponseError
from ..options import ClientOptions
from ..secret import Secret
from .errors import InvalidGrantError
from .settings import PROVIDER_NAME as PROVIDER

logger = get_logger("invoicekit.gohighlevel")

#: Refresh when the access token has less than this left (requests in flight need some margin).
REFRESH_MARGIN = timedelta(seconds=60)
#: GHL access tokens live a day; used when an answer omits ``expires_in``.
DEFAULT_LIFETIME = timedelta(seconds=86399)
TOKEN_PATH = "oauth/token"


@frozen(kw_only=True)
class OAuthTokens:
    """One location's OAuth tokens. ``repr`` never shows them."""

    refresh_token: Secret
    access_token: Secret | None = None
    expires_at: datetime | None = None
    scope: str | None = None
    user_type: str | None = None
    location_id: str | None = None
    company_id: str | None = None
    user_id: str | None = None

    def fresh(self, now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
        """True when the access token is known and not about to expire."""
        if self.access_token is None or not self.access_token:
            return False
        return self.expires_at is None or self.expires_at - now > margin

    @classmethod
    def from_response(
        cls, data: Mapping[str, Any], *, now: datetime, previous: OAuthTokens | None = None
    ) -> OAuthTokens:
        """Tokens from a ``/oauth/token`` answer; v2 answers are snake_case, v3 camelCase."""

        def pick(snake: str, camel: str) -> Any:
            value = data.get(snake)
            return data.get(camel) if value is None else value

        access = pick("access_token", "accessToken")
        if not isinstance(access, str) or not access:
            raise ValueError("the token answer has no access_token")
        refresh = pick("refresh_token", "refreshToken")
        if not isinstance(refresh, str) or not refresh:
            if previous is None:
                raise ValueError("the token answer has no refresh_token")
            refresh_secret = previous.refresh_token
        else:
            refresh_secret = Secret(refresh)
        expires_in = pick("expires_in", "expiresIn")
        lifetime = DEFAULT_LIFETIME if expires_in is None else timedelta(seconds=float(parse_decimal(expires_in)))

        def text(snake: str, camel: str) -> str | None:
            value = pick(snake, camel)
            return value if isinstance(value, str) else None

        return cls(
            access_token=Secret(access),
            refresh_token=refresh_secret,
            expires_at=now + lifetime,
            scope=text("scope", "scope"),
            user_type=text("user_type", "userType"),
            location_id=text("location_id", "locationId"),
            company_id=text("company_id", "companyId"),
            user_id=text("user_id", "userId"),
        )


@runtime_checkable
class TokenStore(Protocol):
    """Where rotated OAuth tokens go so that a restart (or another process) can use them.

    ``save`` is awaited before the new access token is used; if it raises, the call that needed
    the refresh fails with that error (the tokens are still kept in memory for this client).
    """

    async def load(self, location_id: str) -> OAuthTokens | None: ...

    async def save(self, location_id: str, tokens: OAuthTokens) -> None: ...


class MemoryTokenStore:
    """The default store: a dict, gone with the process. Fine for tests and PIT-less scripts."""

    def __init__(self, initial: Mapping[str, OAuthTokens] | None = None) -> None:
        self._tokens: dict[str, OAuthTokens] = dict(initial or {})

    async def load(self, location_id: str) -> OAuthTokens | None:
        return self._tokens.get(location_id)

    async def save(self, location_id: str, tokens: OAuthTokens) -> None:
        self._tokens[location_id] = tokens

    def __repr__(self) -> str:
        return f"MemoryTokenStore(locations={sorted(self._tokens)!r})"


# One lock per (store, location) for the whole process; falls back to one per client when the
# store cannot be weakly referenced.
_LOCKS: weakref.WeakKeyDictionary[object, dict[str, asyncio.Lock]] = weakref.WeakKeyDictionary()


def _lock_for(store: object, location_id: str) -> asyncio.Lock:
    try:
        locks = _LOCKS.setdefault(store, {})
    except TypeError:
        return asyncio.Lock()
    return locks.setdefault(location_id, asyncio.Lock())


def _bearer(token: Secret | None) -> str:
    return f"Bearer {token.reveal() if token is not None else ''}"


class OAuthAuth:
    """The :class:`~invoicekit._http.auth.AuthStrategy` for OAuth location tokens."""

    def __init__(
        self,
        *,
        location_id: str,
        client_id: str,
        client_secret: Secret,
        initial: OAuthTokens,
        store: TokenStore,
        token_runner: RequestRunner,
        options: Callable[[], ClientOptions],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.location_id = location_id
        self._client_id = client_id
        self._client_secret = client_secret
        self._tokens = initial
        self._store = store
        self._runner = token_runner
        self._options = options
        self._clock = clock
        self._lock = _lock_for(store, location_id)
        self._loaded = False
        # A refused refresh token stays refused: requests queued behind the failed refresh
        # get the same error instead of each sending the dead token again.
        self._dead: tuple[Secret, InvalidGrantError] | None = None
        #: How many refreshes this client made (tests and metrics read it).
        self.refresh_count = 0

    @property
    def tokens(self) -> OAuthTokens:
        return self._tokens

    async def headers(self) -> Mapping[str, str]:
        if not self._loaded or not self._tokens.fresh(self._clock()):
            async with self._lock:
                await self._load_once()
                if not self._tokens.fresh(self._clock()):
                    await self._refresh_locked()
        return {"Authorization": _bearer(self._tokens.access_token)}

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        async with self._lock:
            if rejected.get("Authorization") != _bearer(self._tokens.access_token):
                return True  # somebody refreshed while that request was out
            await self._refresh_locked()
        return True

    async def _load_once(self) -> None:
        # Stored tokens win over the settings': they may have been rotated since the config
        # was written (the settings' refresh token may already be used up).
        if self._loaded:
            return
        stored = await self._store.load(self.location_id)
        if stored is not None:
            self._tokens = stored
        self._loaded = True

    async def _refresh_locked(self) -> None:
        stored = await self._store.load(self.location_id)
        if stored is not None and stored.refresh_token != self._tokens.refresh_token:
            # Another client or process rotated the tokens; ours are spent.
            self._tokens = stored
            if stored.fresh(self._clock()):
                return
        if self._dead is not None and self._dead[0] == self._tokens.refresh_token:
            raise self._dead[1]
        request = Request(
            operation="refresh_token",
            method="POST",
            path=TOKEN_PATH,
            form={
                "client_id": self._client_id,
                "client_secret": self._client_secret.reveal(),
                "grant_type": "refresh_token",
                "refresh_token": self._tokens.refresh_token.reveal(),
                "user_type": "Location",
            },
            authenticated=False,
        )
        try:
            response = await self._runner(request, self._options())
        except InvalidGrantError as exc:
            self._dead = (self._tokens.refresh_token, exc)
            raise
        tokens = tokens_from_answer(request, response, now=self._clock(), previous=self._tokens)
        if tokens.location_id is None:
            tokens = evolve(tokens, location_id=self.location_id)
        self.refresh_count += 1
        logger.info("gohighlevel: refreshed the OAuth access token of location %s", self.location_id)
        try:
            await self._store.save(self.location_id, tokens)
        finally:
            # The old refresh token is spent whatever the store did: keep the new ones in memory.
            self._tokens = tokens

    def __repr__(self) -> str:
        return f"OAuthAuth(location_id={self.location_id!r}, tokens=<redacted>)"


def tokens_from_answer(
    request: Request, response: Response, *, now: datetime, previous: OAuthTokens | None
) -> OAuthTokens:
    """The tokens of a successful ``/oauth/token`` answer, or MalformedResponseError.

    The error carries no body excerpt: a half-readable token answer still holds live tokens.
    """
    try:
        data = loads_json(response.body)
        if not isinstance(data, Mapping):
            raise ValueError("not a JSON object")
        return OAuthTokens.from_response(data, now=now, previous=previous)
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        # ArithmeticError: an expires_in too large for a datetime (OverflowError).
        raise MalformedResponseError(
            f"token refresh answer unusable: {type(exc).__name__}: {str(exc)[:120]}", status=response.status,
            provider=PROVIDER, method=request.method, url=response.url,
        ) from None


__all__ = ["MemoryTokenStore", "OAuthAuth", "OAuthTokens", "TokenStore"]
