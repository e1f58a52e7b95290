"""Where invoicekit keeps what must outlive a call or a process: rotated credentials, delivery
ids already seen, watcher checkpoints.

Every store speaks :class:`StateStore`: versioned records with compare-and-set (so an older
credential never overwrites a newer one) and add-if-absent with a time to live (so several
workers drop the same duplicate). Values are opaque bytes; callers encode them (JSON). Stores
shared by several processes also speak :class:`LeasingStateStore` (an exclusive lease per key);
the built-in ones also :class:`KeyListingStateStore` (list the keys under a prefix), an optional
capability.

The ``state_store`` setting names one: ``memory:``, ``file:/path/to/state.json``,
``redis://host:port/db`` (:class:`RedisStateStore`, shared by many workers); unset, logins
and OAuth refreshes use :func:`default_state_path` (see :mod:`invoicekit.state.spec`).
"""

from .base import KeyListingStateStore, LeasingStateStore, MemoryStateStore, StateStore, Versioned
from .errors import StateStoreError
from .file import FileStateStore
from .redis import RedisStateStore
from .spec import StateStoreSetting, check_state_store, default_state_path, describe_store, open_state_store

__all__ = [
    "FileStateStore",
    "KeyListingStateStore",
    "LeasingStateStore",
    "MemoryStateStore",
    "RedisStateStore",
    "StateStore",
    "StateStoreError",
    "StateStoreSetting",
    "Versioned",
    "check_state_store",
    "default_state_path",
    "describe_store",
    "open_state_store",
]
