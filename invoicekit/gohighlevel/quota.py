"""What GoHighLevel's answers say about its quotas, for the limiter shared by many workers."""

from __future__ import annotations

from .._http.messages import Response

DAILY_REMAINING = "X-RateLimit-Daily-Remaining"


def daily_quota_spent(response: Response) -> bool:
    """True for an answer that says the location's daily quota is gone (``X-RateLimit-Daily-
    Remaining: 0``, as :attr:`RateLimitInfo.daily_exhausted` reads it): retrying is pointless for
    hours, so every worker should stop calling."""
    value = response.headers.get(DAILY_REMAINING)
    if value is None:
        return False
    try:
        return int(value.strip()) <= 0
    except ValueError:
        return False


__all__ = ["daily_quota_spent"]
