"""The error a state store raises when it cannot do its job."""

from __future__ import annotations

from ..errors import InvoiceKitError


class StateStoreError(InvoiceKitError):
    """The state store could not be read or written (file unreadable, disk full, lock not had).

    Messages name the store (a path, never a secret) and what to do; nothing stored is quoted.
    """


__all__ = ["StateStoreError"]
