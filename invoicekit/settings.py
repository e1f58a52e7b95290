"""Reading provider settings out of a plain mapping, with errors that name the key.

Config may come from code, TOML or environment variables, so scalar settings accept their string
spellings too (``"30"`` for a number, ``"true"`` for a flag). Unknown keys are refused, so a typo
(``tokn``) is an error instead of a silent default. Values are never echoed in messages: any of
them could be a secret.
"""

from __future__ import annotations

import contextlib
import math
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload

import attrs

from .errors import ConfigError
from .options import OPTION_KEYS, ClientOptions
from .secret import Secret

#: C0 controls and DEL: aiohttp refuses them in a header (CR/LF would split it), and no token,
#: version or user agent legitimately holds one.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
#: What a header value may not hold: anything but visible ASCII and the space. aiohttp would send
#: a non-ASCII character as UTF-8 bytes, which no provider's token holds: a 401 much later.
_NOT_HEADER_TEXT = re.compile(r"[^\x20-\x7e]")

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def refuse_control_characters(value: str | Secret | None, *, key: str, provider: str | None = None) -> None:
    """ConfigError naming ``key`` when a value sent in a request (a header, or a credential sent
    in a form, which may hold any other character) holds CR, LF or another control character.

    Refused, not stripped, even for a single trailing newline (the usual sign of a value pasted
    from a file): a credential is used exactly as given or not at all, and the message says what
    to fix. The value itself is never quoted.
    """
    _refuse(value, _CONTROL_CHARACTER, key=key, provider=provider, credential=False, carrier="an HTTP request")


def refuse_unsendable_header_value(
    value: str | Secret | None, *, key: str, provider: str | None = None, credential: bool = False
) -> None:
    """ConfigError naming ``key`` when a value bound for an HTTP header holds a character other
    than visible ASCII and the space: a control character, a no-break or zero-width space, an
    accented letter. With ``credential`` (a token), a space is refused too. Refused rather than
    stripped, even at either end, as :func:`refuse_control_characters` says why; the message
    names the position and the kind of character, never the value or any of it.
    """
    _refuse(value, _NOT_HEADER_TEXT, key=key, provider=provider, credential=credential, carrier="an HTTP header")


def _refuse(value: str | Secret | None, refused: re.Pattern[str], *, key: str, provider: str | None,
            credential: bool, carrier: str) -> None:
    text = value.reveal() if isinstance(value, Secret) else value
    if not isinstance(text, str):
        return  # None, or a wrong type that the setting's own check reports
    where = _problem(text, refused, credential=credential, carrier=carrier)
    if where is None:
        return
    prefix = f"{provider}: " if provider else ""
    raise ConfigError(f"{prefix}setting {key!r} {where}", key=key)


def _problem(text: str, refused: re.Pattern[str], *, credential: bool, carrier: str) -> str | None:
    """What keeps ``text`` out of ``carrier``, in words that quote none of it; None when nothing."""
    cannot_carry = f"it goes into {carrier}, which cannot carry it"
    body = text.rstrip("\r\n")
    inside = refused.search(body)
    if inside is not None:
        return f"holds {_kind(inside.group())} at position {inside.start()}; {cannot_carry}"
    if body != text:
        return f"ends with a line break; {cannot_carry} (a value read from a file often ends with a newline: strip it)"
    space = text.find(" ") if credential else -1
    if space >= 0:
        # No token holds a space ("Bearer a b" is two words); at either end it is a paste's
        # leftover, which HTTP would drop from the header's edge: the server would see another token.
        ends = {0: "starts with a space", len(text) - 1: "ends with a space"}
        where = ends.get(space, f"holds a space at position {space}")
        return f"{where}; a token never holds one (remove it)"
    return None


def _kind(character: str) -> str:
    """The kind of a refused character, never the character: it may be part of a secret. The
    invisible ones a paste brings (no-break space, zero-width space) are told apart, as they
    cannot be seen in the file."""
    if _CONTROL_CHARACTER.match(character):
        return f"a control character (U+{ord(character):04X})"
    category = unicodedata.category(character)
    if category == "Zs":
        return "a non-ASCII space"
    if category in ("Cf", "Zl", "Zp"):
        return "an invisible non-ASCII character"
    return "a non-ASCII character"


def refuse_control_characters_in(settings: object, keys: Iterable[str], *, provider: str) -> None:
    """:func:`refuse_control_characters` for each of ``keys``, read as attributes of ``settings``."""
    for key in keys:
        refuse_control_characters(getattr(settings, key), key=key, provider=provider)


def refuse_unsendable_header_values_in(
    settings: object, keys: Iterable[str], *, provider: str, credential: bool = False
) -> None:
    """:func:`refuse_unsendable_header_value` for each of ``keys``, read as attributes of ``settings``."""
    for key in keys:
        refuse_unsendable_header_value(getattr(settings, key), key=key, provider=provider, credential=credential)


_DECLARED: dict[type, tuple[tuple[str, Any], ...]] = {}


def check_setting_types(settings: object, *, provider: str) -> None:
    """ConfigError naming the first field of an attrs settings object whose value is not of its
    declared type. A mapping's values are checked as they are read (:class:`SettingsReader`);
    this is for settings built in code (``OnlyOfficeSettings(base_url=os.environ.get("URL"))``),
    which would otherwise fail later with a bare AttributeError, or not at all. A declared type
    that cannot be tested (a protocol) lets every value through to the class's own checks."""
    cls: Any = type(settings)  # an attrs class: attrs' stubs cannot say so of type(object)
    declared = _DECLARED.get(cls)
    if declared is None:
        hints = typing.get_type_hints(cls)  # the string annotations, resolved once per class
        declared = _DECLARED[cls] = tuple((a.name, hints.get(a.name, Any)) for a in attrs.fields(cls))
    for name, expected in declared:
        value = getattr(settings, name)
        if not _accepts(value, expected):
            raise ConfigError(
                f"{provider}: setting {name!r} must be {_spelt(expected)}, not {type(value).__name__}", key=name
            )


def _accepts(value: object, expected: Any) -> bool:
    origin = typing.get_origin(expected)
    if origin is typing.Union or origin is types.UnionType:
        return any(_accepts(value, member) for member in typing.get_args(expected))
    if origin is typing.Literal:
        return value in typing.get_args(expected)
    if expected is type(None):
        return value is None
    if not isinstance(expected, type):
        return True  # Any, or a form this check does not read
    if isinstance(value, bool) and expected is not bool:
        return False  # True is an int, but never a count or an id
    if expected is float:
        return isinstance(value, int | float)
    try:
        return isinstance(value, expected)
    except TypeError:  # a protocol that is not runtime-checkable
        return True


def _spelt(expected: Any) -> str:
    if typing.get_origin(expected) in (typing.Union, types.UnionType):
        return " or ".join(_spelt(member) for member in typing.get_args(expected))
    if typing.get_origin(expected) is typing.Literal:
        return " or ".join(repr(choice) for choice in typing.get_args(expected))
    return "None" if expected is type(None) else getattr(expected, "__name__", str(expected))


class SettingsReader:
    """Typed, key-naming access to one provider's settings mapping."""

    def __init__(self, mapping: Mapping[str, Any], *, provider: str, prefix: str = "") -> None:
        if not isinstance(mapping, Mapping):
            raise ConfigError(f"{prefix.rstrip('.') or 'config'} must be a mapping", key=prefix.rstrip(".") or None)
        self._mapping = mapping
        self._provider = provider
        self._prefix = prefix
        self._used: set[str] = {"provider"} if not prefix else set()

    def _key(self, key: str) -> str:
        return self._prefix + key

    def _raw(self, key: str, required: bool) -> Any:
        self._used.add(key)
        value = self._mapping.get(key)
        if value is None or value == "":
            if required:
                raise ConfigError(f"{self._provider}: missing required setting {self._key(key)!r}", key=self._key(key))
            return None
        return value

    def _wrong(self, key: str, expected: str, value: object) -> ConfigError:
        return ConfigError(
            f"{self._provider}: setting {self._key(key)!r} must be {expected}, not {type(value).__name__}",
            key=self._key(key),
        )

    def value(self, key: str, *, required: bool = False) -> Any:
        """The raw value (None when unset), for settings that accept several types."""
        return self._raw(key, required)

    def has(self, key: str) -> bool:
        return self._mapping.get(key) not in (None, "")

    @overload
    def text(
        self, key: str, *, required: Literal[True], default: str | None = None, header: bool = False
    ) -> str: ...
    @overload
    def text(
        self, key: str, *, required: bool = False, default: str | None = None, header: bool = False
    ) -> str | None: ...
    def text(
        self, key: str, *, required: bool = False, default: str | None = None, header: bool = False
    ) -> str | None:
        """A string; with ``header``, one that goes into an HTTP header (visible ASCII and spaces)."""
        value = self._raw(key, required)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
        if header:
            refuse_unsendable_header_value(value, key=self._key(key), provider=self._provider)
        return value

    @overload
    def secret(self, key: str, *, required: Literal[True], header: bool = False) -> Secret: ...
    @overload
    def secret(self, key: str, *, required: bool = False, header: bool = False) -> Secret | None: ...
    def secret(self, key: str, *, required: bool = False, header: bool = False) -> Secret | None:
        """A credential, wrapped; with ``header``, one that goes into an HTTP header (visible ASCII,
        no space)."""
        value = self._raw(key, required)
        if value is None:
            return None
        if not isinstance(value, str | Secret):
            raise self._wrong(key, "a string", value)
        if header:
            refuse_unsendable_header_value(value, key=self._key(key), provider=self._provider, credential=True)
        return value if isinstance(value, Secret) else Secret(value)

    def number(self, key: str, *, default: float | None = None, optional: bool = True) -> float | None:
        """A finite number; with ``optional``, ``"off"``/``"none"`` mean None (no limit)."""
        value = self._raw(key, False)
        if value is None:
            return default
        if optional and isinstance(value, str) and value.strip().lower() in ("off", "none"):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self._wrong(key, "a number", value)
        try:
            number: float | None = float(value)
        except ValueError:
            number = None
        except OverflowError:  # an integer past a float's range: no finite limit either
            number = math.inf
        # Raised here, not in an except block: float()'s error quotes the value, and a caught
        # error stays reachable as the context of the one raised there.
        if number is None:
            raise self._wrong(key, "a number", value)
        if not math.isfinite(number):  # inf would be no limit at all, nan compares false with every bound
            where = self._key(key)
            raise ConfigError(f"{self._provider}: setting {where!r} must be a finite number", key=where)
        return number

    def integer(self, key: str, *, default: int | None = None, optional: bool = False) -> int | None:
        """An integer; with ``optional``, ``"off"``/``"none"`` mean None (no limit)."""
        value = self._raw(key, False)
        if value is None:
            return default
        if optional and isinstance(value, str) and value.strip().lower() in ("off", "none"):
            return None
        if not isinstance(value, bool) and isinstance(value, int | str):
            with contextlib.suppress(ValueError):
                return int(value)
        raise self._wrong(key, "an integer", value)  # outside the except: see number()

    def flag(self, key: str, *, default: bool = False) -> bool:
        value = self._raw(key, False)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise self._wrong(key, "true or false", value)

    def choice(self, key: str, choices: tuple[str, ...], *, default: str) -> str:
        value = self.text(key, default=default)
        assert value is not None
        if value.lower() not in choices:
            raise ConfigError(
                f"{self._provider}: setting {self._key(key)!r} must be one of {', '.join(choices)}",
                key=self._key(key),
            )
        return value.lower()

    def nested(self, key: str) -> SettingsReader | None:
        value = self._raw(key, False)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self._wrong(key, "a table of settings", value)
        return SettingsReader(value, provider=self._provider, prefix=self._key(key) + ".")

    def options(self) -> ClientOptions:
        """The transport knobs (``timeout``, ``max_retries``...) every provider accepts."""
        values: dict[str, Any] = {}
        for attribute in attrs.fields(ClientOptions):
            name = attribute.name
            if not self.has(name):
                self._used.add(name)
                continue
            if attribute.type in ("bool", bool):
                values[name] = self.flag(name)
            elif attribute.type in ("int", int):
                values[name] = self.integer(name)
            elif attribute.type == "int | None":
                values[name] = self.integer(name, optional=True)
            elif attribute.type in ("str | None",):
                values[name] = self.text(name)
            else:
                values[name] = self.number(name, optional=attribute.type == "float | None")
        try:
            return ClientOptions(**values)
        except (TypeError, ValueError) as exc:
            problem = str(exc)
        # Raised out here, not in the except block, where the validator's error (which quotes the
        # value) would stay reachable as its context.
        bad = next((n for n in values if n in problem), None)
        # attrs validators end their message with ": <value>"; a config error never echoes one.
        message = problem.removesuffix(f": {values[bad]!r}") if bad else problem
        raise ConfigError(f"{self._provider}: {message}", key=bad)

    def finish(self) -> None:
        """Refuse keys nobody read: they are typos or settings of another provider."""
        unknown = sorted(set(self._mapping) - self._used)
        if unknown:
            known = sorted(self._used - {"provider"})
            raise ConfigError(
                f"{self._provider}: unknown setting {self._key(unknown[0])!r} (known: {', '.join(known)})",
                key=self._key(unknown[0]),
            )


__all__ = [
    "OPTION_KEYS",
    "SettingsReader",
    "check_setting_types",
    "refuse_control_characters",
    "refuse_control_characters_in",
    "refuse_unsendable_header_value",
    "refuse_unsendable_header_values_in",
]
