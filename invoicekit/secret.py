"""A wrapper that keeps credentials out of reprs, logs and tracebacks."""

from __future__ import annotations

from typing import Final


class Secret:
    """Holds a credential; ``repr``/``str`` never show it. Call :meth:`reveal` to use it."""

    __slots__ = ("_value",)
    _MASK: Final = "'**********'"

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self._MASK})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        # Pickling keeps the value (a settings object may cross a process boundary); it is the
        # text forms that must never show it.
        return (Secret, (self._value,))
