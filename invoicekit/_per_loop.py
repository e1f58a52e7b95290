"""One object per event loop, for asyncio primitives a client keeps for its whole life.

An asyncio lock (or event, or semaphore) belongs to the loop it first waits in. A client may
serve several loops: a module-level client used by two ``asyncio.run`` calls, or one client
shared by threads that each run a loop. Each loop gets its own, made on first use there, and
forgotten when the loop is.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    """``make()``'s object for the running loop: ``async with self._numbering.get(): ...``
    (a client's ``PerLoop(asyncio.Lock)``)."""

    __slots__ = ("_made", "_make")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        made = self._made.get(loop)
        if made is None:
            made = self._made.setdefault(loop, self._make())
        return made
