"""ONLYOFFICE authentication: a pre-issued token, or a password login kept by the credential keeper.

The header is the raw token (``Authorization: <token>``, no scheme), as the API documents.
Tokens can be revoked at any time (password change, "log out everywhere", another portal), so any
401 means "log in again once and retry". The login life cycle is
:class:`invoicekit.credentials.CredentialKeeper`'s: one login in flight per portal and user (across
processes too, with a file store), the token kept in the state store so that the next process
does not log in again, and a failed login remembered with a growing backoff: the portal blocks an
account after five failed logins within a minute.

Nothing derived from the password is stored: the record holds the token, keyed by portal and
user. A password changed on the portal revokes the user's tokens, so the stored one gets a 401
and the configured password logs in again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

from attrs import evolve, field, frozen

from ..credentials import (
    DEFAULT_BACKOFF,
    Backoff,
    CredentialKeeper,
    CredentialPlace,
    CredentialRules,
    KeptAuth,
    StoredCredential,
    StoredRecord,
    dump_record,
    still_fresh,
)
from ..errors import APIError, IncompleteResponseError
from ..secret import Secret
from ..state import MemoryStateStore, StateStore
from .settings import OnlyOfficeSettings

_RECORD_KIND = "onlyoffice-login"
#: What the portal answers (HTTP 500) when it refuses the credentials themselves: a wrong
#: password, and the brute-force guard's block (reference, section 8).
_REFUSAL_MESSAGES = ("user authentication failed", "too many attempts")


def is_login_refusal(error: Exception) -> bool:
    """True when a failed login says the credentials were refused, judged by the answer.

    Refused: a wrong password or a brute-force block (HTTP 500 with those reasons), an invalid
    request or an IP restriction (400, 401, 403), and a success answer without a token (two-factor
    authentication). Trying again soon cannot help and feeds the portal's block, so these wait
    the long backoff. Anything else (another 500, 502-504, a timeout) is an outage: a short one.
    """
    if not isinstance(error, APIError) or isinstance(error, IncompleteResponseError):
        return False  # an answer cut off mid-body says nothing about the credentials
    if error.status is not None and (error.status < 300 or error.status in (400, 401, 403)):
        return True
    message = (error.message or "").lower()
    return any(reason in message for reason in _REFUSAL_MESSAGES)


@frozen
class Token:
    """A login token and its expiry. ``generation`` counts logins since the configuration."""

    value: Secret
    expires: datetime | None = None
    obtained_at: datetime | None = field(default=None, kw_only=True)
    generation: int = field(default=0, kw_only=True)
    chain: str = field(default="", kw_only=True)
    chain_started: datetime | None = field(default=None, kw_only=True)

    @property
    def renewal_secret(self) -> None:
        return None  # a login spends nothing: the password stays valid

    def usable(self, now: datetime) -> bool:
        # A portal whose tokens never expire answers 0001-01-01 (DateTime.MaxValue does not fit).
        expires = self.expires if self.expires is None or self.expires.year > 1 else None
        return bool(self.value) and still_fresh(expires, self.obtained_at, now)

    def positioned(self, *, generation: int, chain: str, chain_started: datetime | None = None) -> Token:
        return evolve(self, generation=generation, chain=chain, chain_started=chain_started)

    def to_record(self) -> bytes:
        return dump_record(
            _RECORD_KIND, chain=self.chain, generation=self.generation, chain_started=self.chain_started,
            fields={"token": self.value.reveal(), "expires": self.expires, "obtained_at": self.obtained_at},
        )

    @classmethod
    def from_record(cls, data: bytes) -> Token:
        record = StoredRecord(data, kind=_RECORD_KIND)
        return cls(
            Secret(record.header_token("token")),
            record.instant("expires"),
            obtained_at=record.instant("obtained_at"),
            generation=record.generation,
            chain=record.chain,
            chain_started=record.chain_started,
        )

    def __repr__(self) -> str:
        return f"Token(<redacted>, expires={self.expires!r}, generation={self.generation})"


Login = Callable[[], Awaitable[Token]]


def login_key(portal_url: str, username: str) -> str:
    """Where a portal user's login token lives in the state store (no secret)."""
    host = urlsplit(portal_url).netloc.lower() or portal_url
    return f"onlyoffice/{host}/{username.lower()}/login"


#: The chain of every stored login token. A login spends nothing, so nothing needs to tell one
#: seed from another; and nothing derived from the password is ever stored (a password hash in a
#: file that only needs a revocable token would invite offline guessing). A changed password is
#: noticed by the portal instead: it revokes the user's tokens, the stored one gets a 401, and
#: the configured password logs in again.
LOGIN_CHAIN = "password-login"


def credential_place(settings: OnlyOfficeSettings) -> CredentialPlace | None:
    """Where a password configuration's login token is kept (the registry's ``credentials``
    hook); None for a pre-issued token, which is never stored."""
    if not (settings.username and settings.password):
        return None
    key = login_key(settings.api_base_url, settings.username)
    return CredentialPlace(
        subject=f"login token of {settings.username}",
        key=key,
        chain=LOGIN_CHAIN,
        read=_stored_login,
        spends_seed=False,  # a login spends nothing: the password stays valid
    )


def _stored_login(data: bytes) -> StoredCredential:
    token = Token.from_record(data)
    return StoredCredential(token.generation, token.chain, token.expires, token.obtained_at)


class LoginAuth(KeptAuth[Token]):
    """Logs in lazily on the first request (unless the store holds a usable token), and again
    (once, single-flight) after a 401 or shortly before ``expires``."""

    def __init__(
        self,
        login: Login,
        *,
        store: StateStore | None = None,
        key: str = "onlyoffice/login",
        label: str = "ONLYOFFICE login",
        chain: str = "",
        clock: Callable[[], datetime] | None = None,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        self._login = login
        self._clock = clock or (lambda: datetime.now(UTC))
        rules = CredentialRules(
            key=key, label=label, encode=Token.to_record, decode=Token.from_record, is_refusal=is_login_refusal
        )
        self.keeper = CredentialKeeper(
            rules, store=store if store is not None else MemoryStateStore(), initial=Token(Secret(""), chain=chain),
            renew=self._log_in, clock=self._clock, backoff=backoff,
        )

    @classmethod
    def for_portal(
        cls,
        login: Login,
        *,
        portal_url: str,
        username: str,
        store: StateStore,
        clock: Callable[[], datetime] | None = None,
    ) -> LoginAuth:
        key = login_key(portal_url, username)
        return cls(
            login, store=store, key=key, label=f"ONLYOFFICE login of {username} at {urlsplit(portal_url).netloc}",
            chain=LOGIN_CHAIN, clock=clock,
        )

    @property
    def token(self) -> Token:
        """The login token held now (for diagnostics; empty before the first login)."""
        return self.keeper.held

    @property
    def logins(self) -> int:
        """How many logins this client ran (observable for tests and diagnostics)."""
        return self.keeper.renewals

    async def _log_in(self, previous: Token) -> Token:
        token = await self._login()
        return token if token.obtained_at is not None else evolve(token, obtained_at=self._clock())

    def _headers_for(self, credential: Token) -> Mapping[str, str]:
        return {"Authorization": credential.value.reveal()}

    def __repr__(self) -> str:
        return f"LoginAuth(logged_in={bool(self.keeper.held.value)})"
