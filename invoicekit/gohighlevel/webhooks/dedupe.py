"""Delivery ids already accepted, so a redelivered or replayed webhook is dropped.

In memory by default (bounded: the ids closest to expiring go first once ``max_entries`` is
reached, and every id expires after its own time to live); in a
:class:`~invoicekit.state.StateStore` when one is given, so that several workers behind one URL
drop the same duplicates (``add_if_absent`` is atomic in the store). A claim is released when
the delivery's processing failed, so that GoHighLevel's retry of it is accepted rather than
dropped as a duplicate.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable

from ...state import StateStore

KEY_PREFIX = "invoicekit/webhooks/"


class MemoryDeliveryLog:
    """Accepted delivery ids in this process: at most ``max_entries``, each for its own ``ttl``.

    Time to live differs per delivery (it is what is left of the payload's replay window, or
    the dedupe TTL when there is no timestamp), so claim order says nothing about expiry: a heap
    keyed by deadline finds the expired ids, and a lookup checks the id's own deadline.
    """

    def __init__(self, *, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._deadlines: dict[str, float] = {}
        # (deadline, id); an entry whose id was released or claimed again is stale and skipped.
        self._heap: list[tuple[float, str]] = []
        self._max_entries = max_entries
        self._clock = clock

    async def claim(self, key: str, *, ttl: float) -> bool:
        now = self._clock()
        self._sweep(now)
        deadline = self._deadlines.get(key)
        if deadline is not None and deadline > now:
            return False
        self._deadlines[key] = now + ttl
        heapq.heappush(self._heap, (now + ttl, key))
        while len(self._deadlines) > self._max_entries:
            self._pop_soonest()  # full: the id closest to expiring goes first
        return True

    async def release(self, key: str) -> None:
        self._deadlines.pop(key, None)

    def _sweep(self, now: float) -> None:
        while self._heap and self._heap[0][0] <= now:
            deadline, key = heapq.heappop(self._heap)
            if self._deadlines.get(key) == deadline:
                del self._deadlines[key]
        if len(self._heap) > 2 * len(self._deadlines) + 64:
            # Released and re-claimed ids leave stale heap entries: rebuild once they dominate.
            self._heap = [(deadline, key) for key, deadline in self._deadlines.items()]
            heapq.heapify(self._heap)

    def _pop_soonest(self) -> None:
        while self._heap:
            deadline, key = heapq.heappop(self._heap)
            if self._deadlines.get(key) == deadline:
                del self._deadlines[key]
                return

    def __len__(self) -> int:
        return len(self._deadlines)


class StoreDeliveryLog:
    """Accepted delivery ids in a shared :class:`StateStore` (one record per id, with a TTL)."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    async def claim(self, key: str, *, ttl: float) -> bool:
        return await self._store.add_if_absent(KEY_PREFIX + key, b"1", ttl=ttl)

    async def release(self, key: str) -> None:
        await self._store.delete(KEY_PREFIX + key)


DeliveryLog = MemoryDeliveryLog | StoreDeliveryLog
