"""RetryPolicy and Retry-After parsing: pure, no I/O, random injected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicekit._http.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after, retry_after_from_headers
from invoicekit.errors import APIError, RateLimitError, ServerError, TransportError, error_class_for_status
from invoicekit.models import RateLimitInfo
from invoicekit.options import ClientOptions

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


def policy(**kwargs: object) -> RetryPolicy:
    return RetryPolicy(random=lambda: 1.0, **kwargs)  # type: ignore[arg-type]


def api_error(status: int, **kwargs: object) -> APIError:
    cls = error_class_for_status(status)
    return cls("x", status=status, provider="p", method="GET", url="https://h/x", **kwargs)  # type: ignore[arg-type]


def transport_error(*, sent: bool) -> TransportError:
    return TransportError("x", provider="p", operation="get", method="GET", url="https://h/x", request_sent=sent)


# -- Retry-After ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0.0), ("5", 5.0), (" 7 ", 7.0), ("1.5", 1.5), ("-3", 0.0), ("", None), (None, None),
     ("soon", None), ("nan", None), ("inf", float("inf"))],
)
def test_parse_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_parse_retry_after_http_date() -> None:
    assert parse_retry_after(format_datetime(NOW + timedelta(seconds=90), usegmt=True), now=NOW) == 90.0
    assert parse_retry_after("Sat, 21 Nov 2026 12:02:00 GMT", now=NOW) == 120.0
    assert parse_retry_after(format_datetime(NOW - timedelta(hours=1), usegmt=True), now=NOW) == 0.0


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert retry_after_from_headers({"retry-after-ms": "250", "Retry-After": "9"}) == 0.25
    assert retry_after_from_headers({"retry-after-ms": "junk", "Retry-After": "9"}) == 9.0
    assert retry_after_from_headers({}) is None


@given(st.text(max_size=60))
def test_parse_retry_after_never_raises(value: str) -> None:
    result = parse_retry_after(value, now=NOW)
    assert result is None or result >= 0


# -- backoff -------------------------------------------------------------------------------


def test_backoff_is_full_jitter_under_an_exponential_ceiling() -> None:
    p = policy(backoff_base=0.5, backoff_cap=8.0)
    assert [p.backoff(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert RetryPolicy(random=lambda: 0.0).backoff(3) == 0.0
    assert RetryPolicy(random=lambda: 0.25, backoff_base=1, backoff_cap=100).backoff(2) == 1.0


@given(st.integers(min_value=0, max_value=5000), st.floats(min_value=0, max_value=1))
def test_backoff_stays_within_bounds_for_any_attempt(attempt: int, r: float) -> None:
    p = RetryPolicy(random=lambda: r, backoff_base=0.5, backoff_cap=8.0)
    assert 0.0 <= p.backoff(attempt) <= 8.0  # and never overflows


def test_from_options_copies_the_knobs() -> None:
    options = ClientOptions(max_retries=5, backoff_base=0.1, backoff_cap=2, max_retry_after=30)
    p = RetryPolicy.from_options(options, random=lambda: 0.5)
    assert (p.max_retries, p.backoff_base, p.backoff_cap, p.max_retry_after) == (5, 0.1, 2.0, 30.0)
    assert p.max_attempts == 6 and p.backoff(0) == 0.05


# -- transport errors: idempotency gating ---------------------------------------------------


@pytest.mark.parametrize(("idempotent", "sent", "retried"), [
    (True, False, True), (True, True, True),  # reads and deletes retry either way
    (False, False, True),  # a create whose connection never opened: nothing reached the server
    (False, True, False),  # a create that may have arrived: never repeated
])
def test_transport_errors(idempotent: bool, sent: bool, retried: bool) -> None:
    delay = policy().delay_after_transport_error(transport_error(sent=sent), 0, idempotent)
    assert (delay is not None) == retried


def test_transport_retries_stop_at_the_budget() -> None:
    p = policy(max_retries=2)
    err = transport_error(sent=False)
    assert [p.delay_after_transport_error(err, n, True) is not None for n in range(4)] == [True, True, False, False]
    assert policy(max_retries=0).delay_after_transport_error(err, 0, True) is None


# -- API errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 422, 500, 501, 505, 302])
def test_non_retryable_statuses(status: int) -> None:
    assert policy().delay_after_api_error(api_error(status), 0, True) is None


@pytest.mark.parametrize("status", sorted(RETRYABLE_STATUSES))
def test_retryable_statuses_for_idempotent_calls_only(status: int) -> None:
    assert policy().delay_after_api_error(api_error(status), 0, True) == 0.5
    assert policy().delay_after_api_error(api_error(status), 0, False) is None
    assert policy().delay_after_api_error(api_error(status), 0, False, retry_after=1) is None


def test_retry_after_is_honoured_for_any_retryable_status() -> None:
    assert policy().delay_after_api_error(api_error(503), 0, True, retry_after=12) == 12
    # Never less than the backoff, though: "Retry-After: 0" on every answer must not turn into
    # a tight loop (random() = 1.0 here, so the backoff is its ceiling).
    assert policy().delay_after_api_error(api_error(429), 1, True, retry_after=0) == 1.0
    assert policy().delay_after_api_error(api_error(503), 3, True, retry_after=1) == 4.0
    # The error's own retry_after (the adapter knows best, e.g. a GHL interval header) wins.
    err = api_error(429, retry_after=3.0)
    assert policy().delay_after_api_error(err, 0, True, retry_after=12) == 3.0


def test_retry_after_beyond_the_cap_is_not_slept() -> None:
    p = policy(max_retry_after=60)
    assert p.delay_after_api_error(api_error(503), 0, True, retry_after=60) == 60
    assert p.delay_after_api_error(api_error(503), 0, True, retry_after=61) is None
    assert p.delay_after_api_error(api_error(429, retry_after=3600.0), 0, True) is None
    assert p.retry_after_too_long(61) and not p.retry_after_too_long(None) and not p.retry_after_too_long(60)


def test_retry_after_counts_against_the_budget() -> None:
    p = policy(max_retries=2)
    assert [p.delay_after_api_error(api_error(503), n, True, retry_after=1) for n in range(3)] == [1, 1, None]


def test_daily_quota_is_never_retried() -> None:
    spent = RateLimitError("q", daily_quota_exhausted=True, status=429, provider="p", method="GET", url="u")
    assert policy().delay_after_api_error(spent, 0, True, retry_after=1) is None
    by_headers = RateLimitError(
        "q", rate_limit=RateLimitInfo(daily_remaining=0), status=429, provider="p", method="GET", url="u"
    )
    assert policy().delay_after_api_error(by_headers, 0, True) is None
    burst = RateLimitError("q", rate_limit=RateLimitInfo(remaining=0, daily_remaining=5),
                           status=429, provider="p", method="GET", url="u")
    assert policy().delay_after_api_error(burst, 0, True) == 0.5


def test_a_503_server_error_with_retry_after_is_retried() -> None:
    assert policy().delay_after_api_error(ServerError("busy", status=503, provider="p", method="GET", url="u"), 0,
                                          True, retry_after=2) == 2


@given(
    status=st.integers(min_value=100, max_value=599),
    attempt=st.integers(min_value=0, max_value=20),
    max_retries=st.integers(min_value=0, max_value=10),
    idempotent=st.booleans(),
    retry_after=st.none() | st.floats(min_value=0, max_value=10_000),
)
def test_policy_invariants(status: int, attempt: int, max_retries: int, idempotent: bool,
                           retry_after: float | None) -> None:
    p = RetryPolicy(max_retries=max_retries, random=lambda: 0.7)
    delay = p.delay_after_api_error(api_error(status), attempt, idempotent, retry_after=retry_after)
    if delay is not None:
        assert idempotent and status in RETRYABLE_STATUSES and attempt < max_retries
        assert 0 <= delay <= max(p.backoff_cap, p.max_retry_after)
