"""``connect()`` and where configs come from (code, TOML files, environment variables).

Providers are found by name in the registry (:mod:`invoicekit.registry`), so swapping one
provider for another is a change of ``provider`` and its settings, never of code.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

from .client import InvoiceClient
from .errors import ConfigError

# ProviderEntry and register_provider were defined here before the registry had its own module;
# importing them from here keeps working.
from .registry import ProviderEntry, ProviderSettings, get_provider, provider_names, register_provider


def parse_settings(config: Mapping[str, Any]) -> Any:
    """The provider settings object that a config mapping describes."""
    if not isinstance(config, Mapping):
        raise ConfigError("config must be a mapping with a 'provider' key or a settings object")
    name = config.get("provider")
    if name is not None and not isinstance(name, str):
        raise ConfigError(
            f"setting 'provider' must be a provider's name, not {type(name).__name__} ({', '.join(provider_names())})",
            key="provider",
        )
    if name is None or not name.strip():
        raise ConfigError(f"config needs a 'provider' key ({', '.join(provider_names())})", key="provider")
    return get_provider(name).settings_type.from_mapping(config)


def connect(config: Mapping[str, Any] | Any, *, session: aiohttp.ClientSession | None = None) -> InvoiceClient:
    """A client for the provider that ``config`` names.

    ``config`` is a mapping (``{"provider": "onlyoffice", "base_url": ..., "token": ...}``) or a
    provider settings object. ``session``, when given, is used and left open for its owner.
    """
    settings = config if not isinstance(config, Mapping) else parse_settings(config)
    provider = getattr(settings, "provider", None)
    if not isinstance(provider, str):
        raise ConfigError(f"{type(settings).__name__} is neither a config mapping nor provider settings")
    entry = get_provider(provider)
    if not isinstance(settings, entry.settings_type):
        raise ConfigError(f"settings for {provider!r} must be {entry.settings_type.__name__}")
    return entry.open_client(settings, session)


def load_config(path: str | os.PathLike[str], profile: str | None = None) -> dict[str, Any]:
    """A config mapping from a TOML file.

    The file is either one config (a top-level ``provider`` key) or one table per named profile
    (``[billing-eu]``, ``[crm]``...); choose with ``profile``, else the file's ``default_profile``
    key, else the only profile there is.
    """
    file = Path(path)
    data = _read_toml(file)
    if "provider" in data and profile is None:
        return data
    profiles = {k: v for k, v in data.items() if isinstance(v, dict) and k != "default_profile"}
    if "provider" not in data:
        # A file of profiles: a setting above the first table would belong to no profile (TOML
        # puts it there, not in each profile), and dropping it would run with its default.
        stray = sorted(k for k in data if k not in profiles and k != "default_profile")
        if stray:
            raise ConfigError(
                f"{str(file)!r}: setting {stray[0]!r} is outside every profile; put it in each profile's table",
                key=stray[0],
            )
    if "profiles" in profiles and all(isinstance(v, dict) for v in profiles["profiles"].values()):
        profiles = profiles["profiles"]
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise ConfigError(f"{str(file)!r}: 'default_profile' must be a string (a profile's name)",
                          key="default_profile")
    chosen = profile or default
    if chosen is None:
        if len(profiles) != 1:
            raise ConfigError(
                f"{str(file)!r} has profiles {', '.join(sorted(profiles)) or '(none)'}; choose one", key="profile"
            )
        chosen = next(iter(profiles))
    if chosen not in profiles:
        raise ConfigError(
            f"profile {chosen!r} not found in {str(file)!r} (profiles: {', '.join(sorted(profiles)) or '(none)'})",
            key="profile" if profile else "default_profile",
        )
    return dict(profiles[chosen])


def _read_toml(file: Path) -> dict[str, Any]:
    """The TOML document in ``file``, or a ConfigError raised outside the ``except`` blocks.

    ``from None`` would only hide the caught error from tracebacks: it stays the ConfigError's
    ``__context__``, and Python's errors keep the file's text (``UnicodeDecodeError.object`` is
    every byte of it; ``TOMLDecodeError.doc``, from Python 3.14, the whole document), tokens and
    all.
    """
    raw = b""
    try:
        raw = file.read_bytes()
        # "utf-8-sig": Windows Notepad starts a UTF-8 file with a byte-order mark, which TOML
        # does not allow; it says only that the file is UTF-8, so it is dropped, not refused.
        return tomllib.loads(raw.decode("utf-8-sig"))
    except FileNotFoundError:
        problem = f"config file {str(file)!r} does not exist"
    except OSError as exc:
        problem = f"cannot read config file {str(file)!r}: {exc.__class__.__name__}"
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problem = f"config file {str(file)!r} is not UTF-8 (line {line}); save it as UTF-8"
    except tomllib.TOMLDecodeError as exc:
        problem = f"{str(file)!r} is not valid TOML: {exc}"
    raise ConfigError(problem)


def config_from_env(prefix: str = "INVOICEKIT_", environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A config mapping from environment variables.

    ``INVOICEKIT_PROVIDER=onlyoffice`` and ``INVOICEKIT_BASE_URL=...`` become ``provider`` and
    ``base_url``; a double underscore nests (``INVOICEKIT_BUSINESS__NAME`` -> ``business.name``).
    Values stay strings; the provider's settings parser converts numbers and flags.
    """
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(prefix) or name == prefix:
            continue
        path = name[len(prefix):].lower().split("__")
        target = config
        for depth, part in enumerate(path[:-1], 1):
            node = target.setdefault(part, {})
            if not isinstance(node, dict):
                key = ".".join(path[:depth])
                raise ConfigError(f"{name} nests under {key!r}, which is also set as a value", key=key)
            target = node
        if isinstance(target.get(path[-1]), dict):  # the table came first: the same clash
            raise ConfigError(f"{name} is set as a value, and also nests settings under it", key=".".join(path))
        target[path[-1]] = value
    if "provider" not in config:
        raise ConfigError(f"{prefix}PROVIDER is not set", key="provider")
    return config


__all__ = [
    "ProviderEntry",
    "ProviderSettings",
    "config_from_env",
    "connect",
    "get_provider",
    "load_config",
    "parse_settings",
    "register_provider",
]
