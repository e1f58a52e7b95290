"""GoHighLevel's rate-limit headers (``X-RateLimit-*``, sent on every answer) as a
:class:`~invoicekit.RateLimitInfo`."""

from __future__ import annotations

from collections.abc import Mapping

from ..models import RateLimitInfo

_RATE_HEADERS = {
    "remaining": "X-RateLimit-Remaining",
    "limit": "X-RateLimit-Max",
    "interval_ms": "X-RateLimit-Interval-Milliseconds",
    "daily_remaining": "X-RateLimit-Daily-Remaining",
    "daily_limit": "X-RateLimit-Limit-Daily",
}


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    digits = value.strip().split(".", 1)[0]
    if len(digits) > 15:  # nonsense (and 10**400 / 1000 overflows a float): as if absent
        return None
    try:
        return int(digits)
    except ValueError:
        return None


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """The ``X-RateLimit-*`` headers of an answer; None when it carries none."""
    values = {key: _int_header(headers, name) for key, name in _RATE_HEADERS.items()}
    if all(v is None for v in values.values()):
        return None
    return RateLimitInfo(**values)
