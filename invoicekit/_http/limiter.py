"""Client-side smoothing of request rate (GCRA, a token bucket without a refill task).

A burst of 1,000 awaited calls is spread out at ``rate`` per second, in arrival order, instead of
hitting the provider's limit and coming back as 429s. ``burst`` calls may go at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class RateLimiter:
    def __init__(self, rate: float, *, burst: int | None = None, clock: Callable[[], float] | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        self.rate = rate
        self._interval = 1.0 / rate
        self._tolerance = self._interval * (max(1, burst if burst is not None else int(rate)) - 1)
        self._theoretical_arrival = 0.0
        self._clock = clock

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def reserve(self) -> float:
        """Take the next slot; returns how long the caller must wait for it."""
        now = self._now()
        arrival = max(self._theoretical_arrival, now)
        self._theoretical_arrival = arrival + self._interval
        return max(0.0, arrival - self._tolerance - now)

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)
