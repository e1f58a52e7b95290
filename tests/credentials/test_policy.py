"""The small rules: refresh margin by lifetime, backoff by kind of failure, fingerprints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from invoicekit import AuthenticationError, RateLimitError, Secret, ServerError
from invoicekit.credentials import Backoff, fingerprint, refresh_margin, still_fresh
from invoicekit.onlyoffice.auth import Token

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def api_error(cls: type[ServerError] | type[AuthenticationError] | type[RateLimitError], **extra: object) -> object:
    return cls("x", status=500, provider="p", method="POST", url="u", **extra)  # type: ignore[arg-type]


def test_margin_scales_with_the_lifetime() -> None:
    assert refresh_margin(timedelta(seconds=1)) == timedelta(seconds=0.25)
    assert refresh_margin(timedelta(seconds=30)) == timedelta(seconds=7.5)
    assert refresh_margin(timedelta(days=1)) == timedelta(seconds=60)
    assert refresh_margin(None) == timedelta(seconds=60)
    thirty = NOW + timedelta(seconds=30)
    assert still_fresh(thirty, NOW, NOW + timedelta(seconds=22))
    assert not still_fresh(thirty, NOW, NOW + timedelta(seconds=23))
    assert still_fresh(None, None, NOW)


def test_backoff_grows_and_refusals_wait_longer() -> None:
    backoff = Backoff()
    transient = api_error(ServerError)
    assert [backoff.delay(n, transient) for n in (1, 2, 3, 10)] == [1.0, 2.0, 4.0, 60.0]  # type: ignore[arg-type]
    refused = api_error(AuthenticationError)
    assert backoff.delay(1, refused) == 30.0 and backoff.delay(2, refused) == 60.0  # type: ignore[arg-type]
    limited = api_error(RateLimitError, retry_after=12.0)
    assert backoff.delay(1, limited) == 12.0  # type: ignore[arg-type]


def test_fingerprints_are_keyed_and_never_the_secret() -> None:
    one = fingerprint("refresh-token-abc", key="secret-1")
    assert one == fingerprint("refresh-token-abc", key="secret-1")
    assert one != fingerprint("refresh-token-abc", key="secret-2")
    assert "refresh" not in one and len(one) == 24


def test_an_onlyoffice_token_that_never_expires_stays_usable() -> None:
    never = Token(Secret("login-token-123"), datetime(1, 1, 1, tzinfo=UTC), obtained_at=NOW)
    assert never.usable(NOW + timedelta(days=400))
    assert not Token(Secret(""), None).usable(NOW)  # nothing logged in yet
