"""A rate limiter shared by every worker of one provider account, kept in Redis.

The in-process :class:`~invoicekit._http.limiter.RateLimiter` spaces one client's calls; N
workers each spacing theirs at the provider's rate send N times too much. This one runs the same
GCRA (a theoretical arrival time, advanced by ``1 / rate`` per call) in Redis: one Lua script per
request reserves the caller's slot on the server's clock and answers how long to wait for it. The
caller waits for its slot rather than failing.

The same script also reads the account's "daily quota spent" flag: once the provider has said the
day's quota is gone (GoHighLevel: a 429 with ``X-RateLimit-Daily-Remaining: 0``), every worker
fails fast with :class:`~invoicekit.errors.RateLimitError` (``daily_quota_exhausted=True``)
without a request, until the next UTC midnight but at most ``DAILY_RECHECK`` seconds (the
provider does not document when its day rolls over: after that, one call finds out again).

Cost: one round trip per request, no key beyond ``<prefix>rate:<scope>`` and
``<prefix>quota-spent:<scope>``, where ``scope`` names provider, app and location or portal.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .._log import get_logger
from ..errors import RateLimitError
from .limiter import RateLimiter

if TYPE_CHECKING:
    from ..state.redis import RedisStateStore
    from .messages import Response
    from .transport import HttpTransport

logger = get_logger("invoicekit.http")

#: The longest a "daily quota spent" flag holds before one call checks again (seconds).
DAILY_RECHECK = 3600.0

# KEYS[1]: theoretical arrival time (µs, server clock); KEYS[2]: the daily-quota flag.
# ARGV[1]: interval (µs); ARGV[2]: tolerance (µs, (burst - 1) * interval).
# Returns {1, ms the flag still holds} when the quota is spent, else {0, µs to wait for the slot}.
_GCRA = """
local spent = redis.call('PTTL', KEYS[2])
if spent > 0 then return {1, spent} end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local start = tat - tonumber(ARGV[2])
if start < now then start = now end
redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX', math.ceil((tat + interval - now) / 1000) + 1000)
return {0, start - now}
"""


# A waiter cancelled before its slot gives one slot back: the latest reserved slot, while it is
# still ahead (which slot goes back does not matter, only how many are reserved; the in-process
# limiter does the same). KEYS[1]: theoretical arrival time; ARGV[1]: interval (µs).
_GIVE_BACK = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local earlier = tat - tonumber(ARGV[1])
if earlier >= now then redis.call('SET', KEYS[1], string.format('%.0f', earlier), 'KEEPTTL') end
return 0
"""


class SharedRateLimiter:
    """``rate`` requests per second (``burst`` at once) for everyone using ``scope`` on ``store``'s
    server. ``daily_spent`` tells, for an answer, whether it says the day's quota is gone."""

    def __init__(
        self,
        store: RedisStateStore,
        scope: str,
        rate: float,
        *,
        burst: int = 1,
        provider: str,
        daily_spent: Callable[[Response], bool] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        self.rate = rate
        self.burst = burst
        self.scope = scope
        self._store = store
        self._provider = provider
        self._keys = [f"{store.prefix}rate:{scope}", f"{store.prefix}quota-spent:{scope}"]
        interval = round(1_000_000 / rate)
        self._args = [interval, interval * (burst - 1)]
        self._script = store.client.register_script(_GCRA)
        self._give_back = store.client.register_script(_GIVE_BACK)
        self._daily_spent = daily_spent
        self._sleep = sleep or asyncio.sleep
        #: This process's own limiter, used while Redis cannot be reached.
        self.fallback: RateLimiter | None = None

    async def acquire(self, method: str, url: str) -> None:
        """Wait for this caller's slot (the server's clock decides); raise at once when the day's
        quota is known to be spent. Redis failing, this process's own limiter (if any) spaces the
        call: an outage of the shared store does not stop the calls."""
        try:
            spent, value = await self._script(keys=self._keys, args=self._args)
        except self._store.redis_error as exc:
            logger.warning(
                "%s: shared rate limiter on %s failed (%s); spacing calls in this process only",
                self._provider, self._store.where, type(exc).__name__,
            )
            if self.fallback is not None:
                await self.fallback.acquire()
            return
        if spent:
            raise RateLimitError(
                f"the daily request quota for {self.scope} is spent (a worker was told so); no request sent, "
                f"checked again in {int(value) // 1000}s",
                retry_after=int(value) / 1000, daily_quota_exhausted=True,
                status=429, provider=self._provider, method=method, url=url,
            )
        if value > 0:
            try:
                await self._sleep(int(value) / 1_000_000)
            except asyncio.CancelledError:
                # Cancelled while waiting (a caller's timeout): the slot goes back, as in the
                # in-process limiter, or 60 cancelled waiters would delay the next call 6 s.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._give_back(keys=self._keys[:1], args=self._args[:1]), 1.0)
                raise

    async def observe(self, response: Response) -> None:
        """Raise the shared flag when ``response`` says the day's quota is spent."""
        if response.status == 429 and self._daily_spent is not None and self._daily_spent(response):
            await self.mark_daily_quota_spent()

    async def mark_daily_quota_spent(self, *, now: _dt.datetime | None = None) -> None:
        moment = now or _dt.datetime.now(_dt.UTC)
        midnight = _dt.datetime.combine(moment.date() + _dt.timedelta(days=1), _dt.time(), tzinfo=_dt.UTC)
        hold = min((midnight - moment).total_seconds(), DAILY_RECHECK)
        try:
            await self._store.client.set(self._keys[1], b"1", px=max(1, int(hold * 1000)))
        except self._store.redis_error as exc:
            logger.warning(
                "%s: could not tell other workers the daily quota of %s is spent (%s)",
                self._provider, self.scope, type(exc).__name__,
            )
        else:
            logger.warning("%s: daily request quota of %s spent; every worker stops calling for %ds",
                           self._provider, self.scope, int(hold))

    def __repr__(self) -> str:
        return f"SharedRateLimiter({self.scope!r}, rate={self.rate:g}, burst={self.burst}, on {self._store.where})"




def share_rate_limit(
    transport: HttpTransport,
    store: object,
    scope: str,
    rate: float | None,
    *,
    daily_spent: Callable[[Response], bool] | None = None,
) -> SharedRateLimiter | None:
    """With a Redis state store and a ``rate_limit``, make ``transport`` space its requests with a
    limiter shared by every worker of ``scope`` (provider, app, location or portal); else leave its
    own in-process limiter (if any) alone."""
    from ..state.redis import RedisStateStore

    if not isinstance(store, RedisStateStore) or not rate:
        return None
    limiter = SharedRateLimiter(store, scope, rate, provider=transport.provider, daily_spent=daily_spent)
    transport.share_rate_limit(limiter)
    return limiter


__all__ = ["DAILY_RECHECK", "SharedRateLimiter", "share_rate_limit"]
