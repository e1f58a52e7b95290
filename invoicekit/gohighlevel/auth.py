"""OAuth for GoHighLevel: the refresh-token grant, kept by the shared credential keeper.

GHL refresh tokens are single-use: each refresh returns a new one and the old one is dead. The
life cycle (one refresh in flight per location, rotated tokens saved before use, backoff after a
failure, ``invalid_grant`` checked against the store before the grant is declared dead) is
:class:`invoicekit.credentials.CredentialKeeper`'s; this module says how GoHighLevel refreshes,
how its tokens are stored, and what a dead grant means for the user.

The configured ``refresh_token`` seeds a chain, named in the store by a keyed hash of it
(``chain``). Stored tokens of that chain supersede the configuration once rotated; a different
refresh token in the configuration (the app was re-authorised) starts a new chain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from attrs import evolve, frozen

from .._http.messages import Request, Response
from .._http.runner import RequestRunner
from .._log import get_logger
from .._serde import loads_json, parse_decimal
from ..credentials import (
    DEFAULT_BACKOFF,
    Backoff,
    CredentialKeeper,
    CredentialPlace,
    CredentialRules,
    StoredCredential,
    StoredRecord,
    dump_record,
    fingerprint,
    header_safe,
    still_fresh,
)
from ..errors import MalformedResponseError
from ..options import ClientOptions
from ..secret import Secret
from ..state import StateStore, describe_store
from .agency import minted_location_tokens
from .bearer import KeptBearerAuth
from .errors import InvalidGrantError
from .settings import PROVIDER_NAME, GoHighLevelSettings

logger = get_logger("invoicekit.gohighlevel")

#: GHL access tokens live a day; used when an answer omits ``expires_in``.
DEFAULT_LIFETIME = timedelta(seconds=86399)
TOKEN_PATH = "oauth/token"
_RECORD_KIND = "gohighlevel-oauth"


@frozen(kw_only=True)
class OAuthTokens:
    """One location's OAuth tokens. ``repr`` never shows them.

    ``generation`` counts refreshes since the configured seed (0 = as configured) and ``chain``
    names that seed (a keyed hash of the configured refresh token, never the token).
    """

    refresh_token: Secret
    access_token: Secret | None = None
    expires_at: datetime | None = None
    obtained_at: datetime | None = None
    scope: str | None = None
    user_type: str | None = None
    location_id: str | None = None
    company_id: str | None = None
    user_id: str | None = None
    generation: int = 0
    chain: str = ""
    chain_started: datetime | None = None

    @property
    def renewal_secret(self) -> Secret:
        return self.refresh_token

    def usable(self, now: datetime) -> bool:
        """True when the access token is known and not within its refresh margin (a quarter of
        its lifetime, at most a minute)."""
        if self.access_token is None or not self.access_token:
            return False
        return still_fresh(self.expires_at, self.obtained_at, now)

    def positioned(self, *, generation: int, chain: str, chain_started: datetime | None = None) -> OAuthTokens:
        return evolve(self, generation=generation, chain=chain, chain_started=chain_started)

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
        if not header_safe(access):
            raise ValueError("the token answer's access_token holds characters a header cannot carry")
        refresh = pick("refresh_token", "refreshToken")
        if not isinstance(refresh, str) or not refresh:
            if previous is None:
                raise ValueError("the token answer has no refresh_token")
            refresh_secret = previous.refresh_token
        elif not header_safe(refresh):
            raise ValueError("the token answer's refresh_token holds characters a form cannot carry safely")
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
            obtained_at=now,
            scope=text("scope", "scope"),
            user_type=text("user_type", "userType"),
            location_id=text("location_id", "locationId"),
            company_id=text("company_id", "companyId"),
            user_id=text("user_id", "userId"),
        )

    def to_record(self) -> bytes:
        """The state-store record (JSON; the store keeps it private)."""
        return dump_record(
            _RECORD_KIND, chain=self.chain, generation=self.generation, chain_started=self.chain_started,
            fields={
                "refresh_token": self.refresh_token.reveal(),
                "access_token": None if self.access_token is None else self.access_token.reveal(),
                "expires_at": self.expires_at,
                "obtained_at": self.obtained_at,
                "scope": self.scope,
                "user_type": self.user_type,
                "location_id": self.location_id,
                "company_id": self.company_id,
                "user_id": self.user_id,
            },
        )

    @classmethod
    def from_record(cls, data: bytes) -> OAuthTokens:
        """Tokens from :meth:`to_record`'s bytes; ValueError when they are not such a record."""
        record = StoredRecord(data, kind=_RECORD_KIND)
        access = record.header_token("access_token", required=False)
        return cls(
            refresh_token=Secret(record.secret_text("refresh_token")),
            access_token=None if access is None else Secret(access),
            expires_at=record.instant("expires_at"),
            obtained_at=record.instant("obtained_at"),
            scope=record.text("scope"),
            user_type=record.text("user_type"),
            location_id=record.text("location_id"),
            company_id=record.text("company_id"),
            user_id=record.text("user_id"),
            generation=record.generation,
            chain=record.chain,
            chain_started=record.chain_started,
        )

    def __repr__(self) -> str:
        return f"OAuthTokens(<redacted>, expires_at={self.expires_at!r}, generation={self.generation})"


def oauth_key(client_id: str, location_id: str) -> str:
    """Where a location's tokens live in the state store: provider, app, location; no secret."""
    return f"gohighlevel/{client_id}/{location_id}/oauth"


def oauth_chain(refresh_token: Secret, client_secret: Secret) -> str:
    """The chain a configured refresh token seeds: a hash keyed by the client secret."""
    return fingerprint(refresh_token.reveal(), key=client_secret.reveal())


def credential_place(settings: GoHighLevelSettings) -> CredentialPlace | None:
    """Where an OAuth configuration's tokens are kept (the registry's ``credentials`` hook);
    None for a static token, which is never stored."""
    if not settings.uses_oauth:
        return None
    assert settings.client_id and settings.client_secret and settings.refresh_token
    chain = oauth_chain(settings.refresh_token, settings.client_secret)
    if settings.user_type == "Company" and settings.company_id:
        # An agency install: the configured refresh token is the company's, kept under its id
        # (as OAuthAuth keeps it).
        return CredentialPlace(
            subject=f"agency OAuth tokens of company {settings.company_id} (app {settings.client_id})",
            key=oauth_key(settings.client_id, settings.company_id),
            chain=chain,
            read=_stored_tokens,
            spends_seed=True,
            minted=minted_location_tokens(settings.client_id, settings.company_id, settings.location_id),
        )
    return CredentialPlace(
        subject=f"OAuth tokens of location {settings.location_id} (app {settings.client_id})",
        key=oauth_key(settings.client_id, settings.location_id),
        chain=chain,
        read=_stored_tokens,
        spends_seed=True,  # refresh tokens are single-use
    )


def _stored_tokens(data: bytes) -> StoredCredential:
    tokens = OAuthTokens.from_record(data)
    return StoredCredential(tokens.generation, tokens.chain, tokens.expires_at, tokens.obtained_at)


class OAuthAuth(KeptBearerAuth[OAuthTokens]):
    """The :class:`~invoicekit._http.auth.AuthStrategy` for OAuth location tokens."""

    def __init__(
        self,
        *,
        location_id: str,
        client_id: str,
        client_secret: Secret,
        initial: OAuthTokens,
        store: StateStore,
        token_runner: RequestRunner,
        options: Callable[[], ClientOptions],
        api_version: str = "2021-07-28",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        backoff: Backoff = DEFAULT_BACKOFF,
        user_type: str = "Location",
        company_id: str | None = None,
    ) -> None:
        self.location_id = location_id
        #: "Company" for an agency's tokens (kept under the company's id), else "Location".
        self.user_type = user_type
        company = user_type == "Company" and company_id is not None
        self._subject = f"company {company_id}" if company else f"location {location_id}"
        self._client_id = client_id
        self._client_secret = client_secret
        self._store = store
        self._runner = token_runner
        self._options = options
        self._clock = clock
        self._v3 = api_version.strip().lower() == "v3"
        seed = initial.positioned(
            generation=0, chain=oauth_chain(initial.refresh_token, client_secret), chain_started=None
        )
        if seed.location_id is None and not company:
            seed = evolve(seed, location_id=location_id)
        rules = CredentialRules(
            key=oauth_key(client_id, company_id if company and company_id else location_id),
            label=f"GoHighLevel OAuth tokens of {self._subject}",
            encode=OAuthTokens.to_record,
            decode=OAuthTokens.from_record,
            is_dead=lambda error: isinstance(error, InvalidGrantError),
            explain_dead=self._explain_dead,
        )
        self.keeper = CredentialKeeper(
            rules, store=store, initial=seed, renew=self._refresh, clock=clock, backoff=backoff,
            lease_ttl=max(60.0, 2 * (options().timeout or 30.0)),
        )

    @property
    def tokens(self) -> OAuthTokens:
        """The tokens held now (for diagnostics; may be stale)."""
        return self.keeper.held

    @property
    def refresh_count(self) -> int:
        """How many refresh requests this client sent."""
        return self.keeper.renewals

    def refresh_request(self, tokens: OAuthTokens) -> Request:
        """``POST /oauth/token`` with the refresh-token grant, in the form ``api_version`` selects:
        v2 snake_case fields and no ``Version`` header; v3 camelCase fields and ``Version: v3``."""
        if self._v3:
            form = {
                "clientId": self._client_id,
                "clientSecret": self._client_secret.reveal(),
                "grantType": "refresh_token",
                "refreshToken": tokens.refresh_token.reveal(),
                "userType": self.user_type,
            }
            headers: Mapping[str, str] = {"Version": "v3", "Accept": "application/json"}
        else:
            form = {
                "client_id": self._client_id,
                "client_secret": self._client_secret.reveal(),
                "grant_type": "refresh_token",
                "refresh_token": tokens.refresh_token.reveal(),
                "user_type": self.user_type,
            }
            headers = {}
        return Request(
            operation="refresh_token", method="POST", path=TOKEN_PATH, form=form, headers=headers,
            authenticated=False,
        )

    async def _refresh(self, tokens: OAuthTokens) -> OAuthTokens:
        request = self.refresh_request(tokens)
        response = await self._runner(request, self._options())
        fresh = tokens_from_answer(request, response, now=self._clock(), previous=tokens)
        if fresh.location_id is None and self.user_type != "Company":
            fresh = evolve(fresh, location_id=self.location_id)
        logger.info("gohighlevel: refreshed the OAuth access token of %s", self._subject)
        return fresh

    def _explain_dead(self, error: Exception) -> Exception:
        if not isinstance(error, InvalidGrantError):
            return error
        explained = InvalidGrantError(
            f"gohighlevel: the refresh token of {self._subject} (app {self._client_id}) was refused "
            f"(invalid, revoked or already used) and {describe_store(self._store)} holds no newer one. "
            f"Re-authorise the app for this {self._subject.split()[0]} and put the new refresh token in the "
            "configuration ('refresh_token'): it starts a new chain. Provider said: " + error.message,
            status=error.status, provider=error.provider, method=error.method, url=error.url,
            messages=error.messages, body=error.body, trace_id=error.trace_id,
        )
        explained.attempts = error.attempts
        return explained

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
            provider=PROVIDER_NAME, method=request.method, url=response.url,
        ) from None




__all__ = ["OAuthAuth", "OAuthTokens", "credential_place", "oauth_chain", "oauth_key", "tokens_from_answer"]
