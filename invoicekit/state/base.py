"""The state-store protocol and the in-process store."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

from attrs import frozen


@frozen
class Versioned:
    """A stored value and its version; the version grows by one on every successful write."""

    value: bytes
    version: int

    def __repr__(self) -> str:  # values may hold credentials
        return f"Versioned(<{len(self.value)} bytes>, version={self.version})"


@runtime_checkable
class StateStore(Protocol):
    """A small key-value store shared by everything that uses one configuration.

    Keys are short, readable and never carry a secret (``"gohighlevel/<app>/<location>/oauth"``).
    A store may also have an ``identity`` string (the file store's path, a Redis URL without its
    password): clients whose stores share an identity share their in-process credential flights;
    and a ``describe()`` method saying where it keeps its records, for messages and
    ``invoicekit auth status`` (never a secret; without it, the class name is shown).
    """

    async def get(self, key: str) -> Versioned | None:
        """The record under ``key``, or None."""
        ...

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Versioned | None:
        """Write ``value`` if the record's version is still ``expected_version`` (None: the key
        must be absent). Returns the new record, or None when another writer got there first."""
        ...

    async def delete(self, key: str) -> None:
        """Drop ``key`` (nothing happens when it is absent)."""
        ...

    async def add_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        """Store ``value`` for ``ttl`` seconds unless ``key`` is already there (and not expired).
        True when this call added it: the first of several workers to see a delivery id wins."""
        ...

    async def aclose(self) -> None:
        """Release connections or locks this store holds."""
        ...


@runtime_checkable
class LeasingStateStore(StateStore, Protocol):
    """A store that can also hand out a lease: exclusive use of a key across processes.

    Credential refreshes take it behind the in-process single flight, so that two processes never
    spend the same single-use refresh token. A lease must end by itself when its holder dies (a
    file lock held by a process, a Redis key with a time to live).
    """

    def lease(self, key: str, *, ttl: float) -> AbstractAsyncContextManager[None]:
        """Hold ``key``'s lease for the body of the ``async with``: wait up to ``ttl`` seconds for
        it (then raise :class:`~invoicekit.state.StateStoreError`); a holder that dies frees it
        within ``ttl``."""
        ...


@runtime_checkable
class KeyListingStateStore(StateStore, Protocol):
    """A store that can also list its keys: an optional capability.

    ``invoicekit auth status`` uses it to find every credential minted from a configured one (a
    GoHighLevel agency's location tokens); with a store without it, it shows the ones the
    configuration names. (The method is not called ``keys``: a store built on a ``dict`` has a
    ``keys()`` of its own and would pass for one that lists keys.)
    """

    async def list_keys(self, prefix: str) -> list[str]:
        """Every key that starts with ``prefix`` and holds a live record, sorted (leases and
        other bookkeeping of the store are not records). A store may refuse to list an
        unreasonable number of them (:class:`~invoicekit.state.StateStoreError`)."""
        ...


class MemoryStateStore:
    """A :class:`StateStore` in this process's memory: nothing survives a restart."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._records: dict[str, Versioned] = {}
        self._expiring: dict[str, float] = {}
        self._clock = clock

    async def get(self, key: str) -> Versioned | None:
        self._expire(key)
        return self._records.get(key)

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Versioned | None:
        self._expire(key)
        current = self._records.get(key)
        if (current.version if current is not None else None) != expected_version:
            return None
        record = Versioned(bytes(value), (current.version if current is not None else 0) + 1)
        self._records[key] = record
        self._expiring.pop(key, None)
        return record

    async def delete(self, key: str) -> None:
        self._records.pop(key, None)
        self._expiring.pop(key, None)

    async def add_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        self._expire(key)
        if key in self._records:
            return False
        self._records[key] = Versioned(bytes(value), 1)
        self._expiring[key] = self._clock() + ttl
        return True

    async def list_keys(self, prefix: str) -> list[str]:
        for key in [key for key in self._expiring if key.startswith(prefix)]:
            self._expire(key)
        return sorted(key for key in self._records if key.startswith(prefix))

    async def aclose(self) -> None:
        return None

    def describe(self) -> str:
        return "this process's memory (gone when the client closes)"

    def _expire(self, key: str) -> None:
        deadline = self._expiring.get(key)
        if deadline is not None and self._clock() >= deadline:
            del self._records[key]
            del self._expiring[key]

    def __repr__(self) -> str:
        return f"<MemoryStateStore keys={len(self._records)}>"
