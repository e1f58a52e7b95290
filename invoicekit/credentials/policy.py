"""The small rules of the credential life cycle: when to renew, how long to wait after a failure,
and how a configured refresh token is recognised again without being stored."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from attrs import frozen

from ..errors import AuthenticationError

#: The most a credential is renewed ahead of its expiry (requests in flight need some margin).
MAX_MARGIN = timedelta(seconds=60)


def refresh_margin(lifetime: timedelta | None) -> timedelta:
    """How long before expiry a credential counts as stale: a quarter of its lifetime, at most a
    minute. A 30 s token is renewed after 22.5 s, not on every call; a day-long one a minute early."""
    if lifetime is None or lifetime <= timedelta(0):
        return MAX_MARGIN
    return min(MAX_MARGIN, lifetime / 4)


def still_fresh(expires_at: datetime | None, obtained_at: datetime | None, now: datetime) -> bool:
    """True when a credential expiring at ``expires_at`` is not within its refresh margin."""
    if expires_at is None:
        return True
    lifetime = expires_at - obtained_at if obtained_at is not None else None
    return expires_at - now > refresh_margin(lifetime)


def fingerprint(secret: str, *, key: str) -> str:
    """A keyed hash naming a configured secret (a refresh token) in the state store.

    Refresh tokens are long random strings: a keyed SHA-256 cannot be turned back into one.
    """
    return hmac.new(key.encode(), secret.encode(), hashlib.sha256).hexdigest()[:24]


def header_safe(token: str) -> bool:
    """True when ``token`` can go into an ``Authorization`` header as it is: visible ASCII only.

    A token answer is checked with this before the token is stored or used: one with a CR, LF or
    another control character would make every later request fail (and be saved for the next
    process too)."""
    return bool(token) and token.isascii() and token.isprintable() and " " not in token


def to_iso(value: datetime | None) -> str | None:
    """A stored instant (ISO 8601 with its offset)."""
    return None if value is None else value.isoformat()


def from_iso(value: object) -> datetime | None:
    """An instant read back from a record (naive ones taken as UTC); None when absent."""
    if not isinstance(value, str):
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@frozen
class Backoff:
    """How long callers get the remembered failure before the next attempt is allowed.

    Transient failures (5xx, timeouts, an unavailable store) wait ``base`` seconds, doubling per
    consecutive failure up to ``cap``. Refusals of the credentials themselves (wrong password,
    refused client secret, dead grant) wait ``refused_base`` doubling to ``refused_cap``: the
    ONLYOFFICE portal blocks an account after five failed logins within a minute.
    """

    base: float = 1.0
    cap: float = 60.0
    refused_base: float = 30.0
    refused_cap: float = 900.0

    def delay(self, failures: int, error: BaseException, *, refused: bool | None = None) -> float:
        """Seconds to wait after ``failures`` consecutive failures, the last being ``error``.

        ``refused`` says whether the credentials themselves were refused; the keeper judges that
        by the provider's answer (:attr:`CredentialRules.is_refusal`). Unset: an
        :class:`~invoicekit.AuthenticationError` counts as refused."""
        if refused is None:
            refused = isinstance(error, AuthenticationError)
        base, cap = (self.refused_base, self.refused_cap) if refused else (self.base, self.cap)
        delay: float = min(cap, base * 2 ** max(failures - 1, 0))
        retry_after = getattr(error, "retry_after", None)
        if isinstance(retry_after, int | float):
            delay = max(delay, float(retry_after))
        return delay


#: The backoff used unless a caller passes its own.
DEFAULT_BACKOFF = Backoff()
