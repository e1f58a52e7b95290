"""The retry policy: which failures are retried, and how long to wait. Pure; no I/O.

- Idempotent calls (GET, PUT, DELETE) retry on transport failures and on 429, 502, 503, 504.
- Non-idempotent calls (POST: create, send, payments) retry only when the connection failed
  before the request was sent: neither provider offers idempotency keys, so anything else could
  create an invoice twice.
- A 429 whose daily quota is spent is never retried.
- How long: a call keeps retrying while the next wait ends within ``retry_timeout`` of its start
  (and, if set, for at most ``max_retries`` retries); the client-wide retry budget
  (:mod:`invoicekit._http.budget`) stops retry storms across calls.
- The wait: exponential backoff with full jitter, ``random() * min(cap, base * 2**attempt)``,
  and never less than the answer's ``Retry-After``. A ``Retry-After`` above ``max_retry_after``
  is raised at once as a :class:`RateLimitError` carrying ``retry_after`` rather than parking
  the caller for minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from attrs import evolve, field, frozen

from ..errors import APIError, RateLimitError, TransportError
from ..options import ClientOptions

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def retry_after_from_headers(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` (or ``retry-after-ms``) from response headers, in seconds."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    return parse_retry_after(headers.get("Retry-After"))


@frozen(kw_only=True)
class RetryPolicy:
    max_retries: int | None = None
    retry_timeout: float = 60.0
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0
    random: Callable[[], float] = field(default=random.random, eq=False, repr=False)

    @classmethod
    def from_options(cls, options: ClientOptions, *, random: Callable[[], float] | None = None) -> RetryPolicy:
        policy = cls(
            max_retries=options.max_retries,
            retry_timeout=options.retry_timeout,
            backoff_base=options.backoff_base,
            backoff_cap=options.backoff_cap,
            max_retry_after=options.max_retry_after,
        )
        return policy if random is None else evolve(policy, random=random)

    @property
    def max_attempts(self) -> int | None:
        """The first try plus the retries: the most requests one call can send (None: no cap)."""
        return None if self.max_retries is None else self.max_retries + 1

    def _capped(self, attempt: int) -> bool:
        return self.max_retries is not None and attempt >= self.max_retries

    def fits(self, elapsed: float, delay: float) -> bool:
        """True when a wait of ``delay`` after ``elapsed`` seconds ends within ``retry_timeout``."""
        return elapsed + delay <= self.retry_timeout

    def backoff(self, attempt: int) -> float:
        """Full-jitter delay before retry number ``attempt + 1`` (attempt counts from 0)."""
        # The exponent is clamped: 2.0**1100 overflows, and the cap is reached long before.
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0 ** min(attempt, 64))
        return float(self.random()) * ceiling

    def retry_after_too_long(self, retry_after: float | None) -> bool:
        """True when the server asks for a longer wait than we are willing to sleep."""
        return retry_after is not None and retry_after > self.max_retry_after

    def delay_after_transport_error(self, error: TransportError, attempt: int, idempotent: bool) -> float | None:
        """Seconds to wait before retrying, or None to give up and raise ``error``."""
        if self._capped(attempt):
            return None
        if not idempotent and error.request_sent:
            return None
        return self.backoff(attempt)

    def delay_after_incomplete_answer(self, attempt: int, idempotent: bool) -> float | None:
        """A body that broke off mid-transfer: the request did reach the server, so only an
        idempotent call may be repeated (as after a dropped connection)."""
        if self._capped(attempt) or not idempotent:
            return None
        return self.backoff(attempt)

    def delay_after_api_error(
        self, error: APIError, attempt: int, idempotent: bool, *, retry_after: float | None = None
    ) -> float | None:
        """Seconds to wait before retrying, or None to give up and raise ``error``.

        ``retry_after`` is the answer's ``Retry-After`` in seconds (see
        :func:`retry_after_from_headers`); a :class:`RateLimitError`'s own ``retry_after`` wins.
        """
        if error.status not in RETRYABLE_STATUSES or not idempotent:
            return None
        if self._capped(attempt):
            return None
        if isinstance(error, RateLimitError):
            if error.daily_quota_exhausted or (error.rate_limit is not None and error.rate_limit.daily_exhausted):
                return None
            if error.retry_after is not None:
                retry_after = error.retry_after
        if retry_after is not None and self.retry_after_too_long(retry_after):
            return None
        # At least what the server asked for; the backoff keeps a server that keeps saying
        # "Retry-After: 0" from being hammered in a tight loop.
        return max(retry_after or 0.0, self.backoff(attempt))
