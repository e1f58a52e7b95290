"""Delivery ids already accepted, so a redelivered or replayed webhook is dropped.

In memory by default (bounded: oldest ids go first once ``max_entries`` is reached, and every id
expires after its time to live); in a :class:`~invoicekit.state.StateStore` when one is given,
so that several workers behind one URL drop the same duplicates (``add_if_absent`` is atomic in
the store). A claim is released when the delivery's processing failed, so that GoHighLevel's
retry of it is accepted rather than dropped as a duplicate.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from ...state import StateStore

KEY_PREFIX = "invoicekit/webhooks/"


class MemoryDeliveryLog:
    """Accepted delivery ids in this process: at most ``max_entries``, each for ``ttl`` seconds."""

    def __init__(self, *, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._max_entries = max_entries
        self._clock = clock

    async def claim(self, key: str, *, ttl: float) -> bool:
        now = self._clock()
        # Entries are kept in claim order; with one ttl per log they also expire in that order,
        # so the expired ones are always at the front.
        while self._expiry:
            oldest, deadline = next(iter(self._expiry.items()))
            if deadline > now:
                break
            del self._expiry[oldest]
        if key in self._expiry:
            return False
        self._expiry[key] = now + ttl
        while len(self._expiry) > self._max_entries:
            self._expiry.popitem(last=False)
        return True

    async def release(self, key: str) -> None:
        self._expiry.pop(key, None)

    def __len__(self) -> int:
        return len(self._expiry)


class StoreDeliveryLog:
    """Accepted delivery ids in a shared :class:`StateStore` (one record per id, with a TTL)."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    async def claim(self, key: str, *, ttl: float) -> bool:
        return await self._store.add_if_absent(KEY_PREFIX + key, b"1", ttl=ttl)

    async def release(self, key: str) -> None:
        await self._store.delete(KEY_PREFIX + key)


DeliveryLog = MemoryDeliveryLog | StoreDeliveryLog
