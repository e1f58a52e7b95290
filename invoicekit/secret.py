"""A wrapper that keeps credentials out of reprs, logs and tracebacks."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Final

import attrs

from ._log import register_secret
from .errors import ConfigTypeError


class Secret:
    """Holds a credential; ``repr``/``str``/``format`` never show it. Call :meth:`reveal` to use it.

    Every live Secret is also known to the logging filter and the error scrubber
    (:mod:`invoicekit._log`), so its value is masked even if it leaks into a text by another path.
    """

    __slots__ = ("__weakref__", "_value")
    _MASK: Final = "'**********'"

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            # The type only: the value may be the credential itself, mistyped.
            raise ConfigTypeError(f"a Secret holds text (a str), not {type(value).__name__}")
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


def _secret_setting(value: object, settings: object = None, field: attrs.Attribute[object] | None = None
                    ) -> Secret | None:
    """attrs converter for settings fields: a plain string given in code is wrapped at once.

    Anything else is refused here, the one place that sees it (converters run before the
    settings' own checks), with a ConfigError naming the key: attrs passes the field and the
    settings being built. Called alone (``to_secret(value)``) it names no key.
    """
    if value is None or isinstance(value, Secret):
        return value
    if isinstance(value, str):
        return Secret(value)
    if field is None:
        return Secret(value)  # type: ignore[arg-type]  # Secret's own ConfigTypeError
    provider = getattr(type(settings), "provider", None)
    prefix = f"{provider}: " if isinstance(provider, str) else ""
    # The type only: the value may be the credential itself, mistyped.
    raise ConfigTypeError(
        f"{prefix}setting {field.name!r} must be text (a str) or a Secret, not {type(value).__name__}", key=field.name
    )


if TYPE_CHECKING:
    # What the converter takes, as the type checker sees it: mypy's attrs plugin types a
    # parameter from a plain function's, and cannot read attrs.Converter.
    def to_secret(value: Secret | str | None) -> Secret | None: ...
else:
    to_secret = attrs.Converter(_secret_setting, takes_self=True, takes_field=True)
