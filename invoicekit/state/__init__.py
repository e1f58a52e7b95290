"""Where invoicekit keeps what must outlive a call or a process: rotated credentials, delivery
ids already seen, watcher checkpoints.

Every store speaks :class:`StateStore`: versioned records with compare-and-set (so an older
credential never overwrites a newer one) and add-if-absent with a time to live (so several
workers drop the same duplicate). Values are opaque bytes; callers encode them (JSON).
"""

from .base import MemoryStateStore, StateStore, Versioned

__all__ = ["MemoryStateStore", "StateStore", "Versioned"]
