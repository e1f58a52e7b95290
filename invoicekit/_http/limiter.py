"""Client-side smoothing of request rate (GCRA, a token bucket without a refill task).

A burst of 1,000 awaited calls is spread out at ``rate`` per second, in arrival order, instead of
hitting the provider's limit and coming back as 429s.

``burst`` (default 1) is how many calls may go at once after a quiet spell. The default is 1
because the providers count fixed windows: with burst ``b`` any window of ``T`` seconds sees up to
``rate * T + b - 1`` requests, so only ``b = 1`` keeps ``rate_limit = 10`` inside GoHighLevel's
"100 per 10 s" (and ``rate_limit = 50`` inside ONLYOFFICE cloud's "500 per 10 s"). The price is
at most ``1 / rate`` seconds of extra latency for a call that arrives right after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class RateLimiter:
    def __init__(
        self,
        rate: float,
        *,
        burst: int | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        if burst is not None and burst < 1:
            raise ValueError("burst must be >= 1")
        self.rate = rate
        self.burst = burst if burst is not None else 1
        self._interval = 1.0 / rate
        self._tolerance = self._interval * (self.burst - 1)
        self._theoretical_arrival: float | None = None
        self._clock = clock
        self._sleep = sleep or asyncio.sleep

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def reserve(self) -> float:
        """Take the next slot; returns how long the caller must wait for it."""
        now = self._now()
        tat = now if self._theoretical_arrival is None else max(self._theoretical_arrival, now)
        wait = max(0.0, tat - self._tolerance - now)
        self._theoretical_arrival = tat + self._interval
        return wait

    async def acquire(self) -> None:
        """Wait for this caller's slot. A cancelled waiter's slot is not given back (conservative:
        the limiter may run slightly under ``rate``, never over)."""
        wait = self.reserve()
        if wait > 0:
            await self._sleep(wait)
