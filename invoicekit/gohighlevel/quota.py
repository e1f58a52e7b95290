"""What GoHighLevel's answers say about its quotas, for the limiter shared by many workers."""

from __future__ import annotations

from .._http.messages import Response
from .errors import parse_rate_limit


def daily_quota_spent(response: Response) -> bool:
    """True for an answer that says the location's daily quota is gone (``X-RateLimit-Daily-
    Remaining: 0``): retrying is pointless for hours, so every worker should stop calling."""
    info = parse_rate_limit(response.headers)
    return info is not None and info.daily_exhausted


__all__ = ["daily_quota_spent"]
