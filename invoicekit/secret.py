"""A wrapper that keeps credentials out of reprs, logs and tracebacks."""

from __future__ import annotations

import hmac
from typing import Final

from ._log import register_secret


class Secret:
    """Holds a credential; ``repr``/``str``/``format`` never show it. Call :meth:`reveal` to use it.

    Every live Secret is also known to the logging filter and the error scrubber
    (:mod:`invoicekit._log`), so its value is masked even if it leaks into a text by another path.
    """

    __slots__ = ("__weakref__", "_value")
    _MASK: Final = "'**********'"

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value
        register_secret(self)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self._MASK})"

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        # f"{secret:>40}" must not be a way around the mask either.
        return format(repr(self), format_spec)

    def __eq__(self, other: object) -> bool:
        # Constant time: comparing a guessed token must not leak how much of it was right.
        return isinstance(other, Secret) and hmac.compare_digest(other._value.encode(), self._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        # Pickling keeps the value (a settings object may cross a process boundary); it is the
        # text forms that must never show it.
        return (Secret, (self._value,))


def to_secret(value: Secret | str | None) -> Secret | None:
    """attrs converter for settings fields: a plain string given in code is wrapped at once."""
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value)
