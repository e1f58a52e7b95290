"""The provider registry: which adapter answers to which ``provider`` name.

This is the one place that names the built-in providers. Their packages are imported the first
time a config asks for them, so ``import invoicekit`` loads neither adapter, and a broken or
missing adapter cannot break the others. A third-party adapter registers its
:class:`ProviderEntry` with :func:`register_provider` (see README, "Writing an adapter").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, Self

import aiohttp
from attrs import frozen

from .client import InvoiceClient
from .errors import ConfigError

if TYPE_CHECKING:
    from .credentials.place import CredentialPlace


class ProviderSettings(Protocol):
    """What a provider's settings class offers: built from a mapping, naming the provider."""

    provider: str

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Self: ...


@frozen
class ProviderEntry:
    """A provider as the registry knows it.

    ``settings_type`` is the provider's settings class (with ``provider`` and
    ``from_mapping``); ``open_client(settings, session)`` returns a client, using ``session``
    when it is not None and leaving it open; ``aliases`` are other names configs may use.
    ``credentials(settings)`` says where a configuration's renewable credential (an OAuth
    refresh chain, a login token) is kept, or None when it has none (a static token); leave it
    unset for a provider that keeps nothing. ``invoicekit auth`` goes through it.
    """

    name: str
    settings_type: type[Any]
    open_client: Callable[[Any, aiohttp.ClientSession | None], InvoiceClient]
    aliases: tuple[str, ...] = ()
    credentials: Callable[[Any], CredentialPlace | None] | None = None


#: The built-in providers: name -> the module whose ``PROVIDER`` is its entry.
_BUILTIN: dict[str, str] = {
    "onlyoffice": "invoicekit.onlyoffice",
    "gohighlevel": "invoicekit.gohighlevel",
}
#: Their aliases, known before the adapter is imported: alias -> name.
_BUILTIN_ALIASES: dict[str, str] = {"ghl": "gohighlevel"}
_REGISTRY: dict[str, ProviderEntry] = {}


def register_provider(entry: ProviderEntry) -> None:
    """Make a provider available to :func:`invoicekit.connect` under its name and aliases.

    A name registered again (a built-in one included) now means the new entry.
    """
    for name in (entry.name, *entry.aliases):
        _REGISTRY[name.strip().lower()] = entry


def get_provider(name: str) -> ProviderEntry:
    """The entry for ``name`` (case and surrounding space ignored), importing a built-in
    adapter on first use. :class:`invoicekit.ConfigError` when no provider has that name."""
    key = name.strip().lower()
    builtin = _BUILTIN_ALIASES.get(key, key)
    if key not in _REGISTRY and builtin in _BUILTIN:
        entry = importlib.import_module(_BUILTIN[builtin]).PROVIDER
        if not isinstance(entry, ProviderEntry):
            raise TypeError(f"{_BUILTIN[builtin]}.PROVIDER is not a ProviderEntry")
        # setdefault: a name the user registered first keeps meaning their entry.
        for alias in (entry.name, *entry.aliases):
            _REGISTRY.setdefault(alias.strip().lower(), entry)
    if key not in _REGISTRY:
        raise ConfigError(f"unknown provider {name!r} (known: {', '.join(provider_names())})", key="provider")
    return _REGISTRY[key]


def provider_names() -> list[str]:
    """Every name a config may use, aliases included, without importing any adapter."""
    return sorted(set(_REGISTRY) | set(_BUILTIN) | set(_BUILTIN_ALIASES))


def provider_aliases(name: str) -> tuple[str, ...]:
    """The other names of provider ``name``, without importing a built-in adapter."""
    key = name.strip().lower()
    if key in _REGISTRY:
        entry = _REGISTRY[key]
        return tuple(alias for alias in (entry.name, *entry.aliases) if alias.lower() != key)
    return tuple(alias for alias, target in _BUILTIN_ALIASES.items() if target == key)


def builtin_providers() -> tuple[str, ...]:
    """The built-in providers' own names (no aliases), without importing them."""
    return tuple(_BUILTIN)


__all__ = [
    "ProviderEntry",
    "ProviderSettings",
    "builtin_providers",
    "get_provider",
    "provider_aliases",
    "provider_names",
    "register_provider",
]
