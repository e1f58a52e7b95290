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
import heapq
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
        #: Start times given back by cancelled waiters, earliest first. Each was handed to exactly
        #: one caller, so a later caller may take it over without two requests sharing a slot.
        self._returned: list[float] = []

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def reserve(self) -> float:
        """Take the next slot; returns how long the caller must wait for it."""
        now = self._now()
        return self._take(now) - now

    def _take(self, now: float) -> float:
        """The start time of the next free slot, taken."""
        returned = self._returned
        while returned:
            start = heapq.heappop(returned)
            if start >= now:  # a slot in the past is gone: using it now could double up
                return start
        tat = now if self._theoretical_arrival is None else max(self._theoretical_arrival, now)
        self._theoretical_arrival = tat + self._interval
        return max(now, tat - self._tolerance)

    async def acquire(self) -> None:
        """Wait for this caller's slot. A waiter cancelled before its slot gives it back, so that
        60 abandoned calls do not make the next one wait six seconds for nothing."""
        now = self._now()
        start = self._take(now)
        wait = start - now
        if wait > 0:
            try:
                await self._sleep(wait)
            except asyncio.CancelledError:
                if start > self._now():
                    heapq.heappush(self._returned, start)
                raise
