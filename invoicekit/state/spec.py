"""The ``state_store`` setting: which store a spelling names, and the default place on disk.

Spellings: ``memory:`` (this client's memory, gone when it closes), ``file:/path/to/state.json``
(``~`` expanded; a relative path is taken from the working directory), ``redis://host:port/db``
and ``rediss://`` (a Redis server shared by every worker: :mod:`invoicekit.state.redis`, needs
``pip install 'invoicekit[redis]'``; query parameters ``prefix`` and ``lease_hold`` are ours).
Unset, configurations that log in or refresh tokens keep their state in
``$XDG_STATE_HOME/invoicekit/state.json`` (else ``~/.local/state/invoicekit/state.json``);
static tokens need no store.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConfigError
from .base import MemoryStateStore, StateStore
from .file import FileStateStore

STATE_FILE_NAME = "state.json"
REDIS_EXTRA_HINT = "pip install 'invoicekit[redis]'"
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

StateStoreSetting = StateStore | str | None
"""What the ``state_store`` setting holds: a store object given in code, a spelling, or unset."""


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/invoicekit/state.json``, else ``~/.local/state/invoicekit/state.json``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME", "")
    # The XDG spec says to ignore a relative value.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "invoicekit" / STATE_FILE_NAME


def check_state_store(value: object, *, provider: str, key: str = "state_store") -> StateStoreSetting:
    """The setting's value, checked now so that a bad spelling fails at configuration time.

    Messages never quote the value: a Redis URL may carry a password.
    """
    if value is None or value == "":
        return None
    if isinstance(value, StateStore):
        return value
    if not isinstance(value, str):
        raise ConfigError(
            f"{provider}: setting {key!r} must be 'memory:', 'file:PATH', 'redis://HOST:PORT/DB' or a StateStore "
            "object, "
            f"not {type(value).__name__}",
            key=key,
        )
    spelling = value.strip()
    if spelling == "memory:":
        return spelling
    if spelling.startswith("file:"):
        if not _file_path(spelling):
            raise ConfigError(f"{provider}: setting {key!r} needs a path after 'file:'", key=key)
        if "\x00" in spelling:  # else a bare ValueError ("embedded null byte") on first use
            raise ConfigError(f"{provider}: setting {key!r} holds a NUL character, which no file path can", key=key)
        return spelling
    if spelling.lower().startswith(_REDIS_SCHEMES):
        if importlib.util.find_spec("redis") is None:
            raise ConfigError(
                f"{provider}: setting {key!r} names a Redis server, which needs redis-py: {REDIS_EXTRA_HINT}",
                key=key,
            )
        from .redis import url_problem  # checks with redis-py's own parser, imported only now

        problem = url_problem(spelling)
        if problem is not None:
            raise ConfigError(f"{provider}: setting {key!r} is not a usable Redis URL: {problem}", key=key)
        return spelling
    scheme = spelling.partition(":")[0][:20] if ":" in spelling else "(none)"
    raise ConfigError(
        f"{provider}: setting {key!r} has an unknown kind {scheme!r}; use 'memory:', 'file:PATH' or "
        "'redis://HOST:PORT/DB'",
        key=key,
    )


def open_state_store(setting: StateStoreSetting, *, needs_state: bool) -> tuple[StateStore | None, bool]:
    """The store a checked setting names and whether the caller owns it (and must close it).

    A store object given in code stays its owner's. Unset: the default file when ``needs_state``
    (logins and token refreshes), else no store at all.
    """
    if isinstance(setting, StateStore):
        return setting, False
    if setting is None:
        return (FileStateStore(default_state_path()), True) if needs_state else (None, False)
    if setting.strip() == "memory:":
        return MemoryStateStore(), True
    if setting.strip().lower().startswith(_REDIS_SCHEMES):
        from .redis import RedisStateStore  # redis-py loads only for a Redis store

        return RedisStateStore(setting.strip()), True
    return FileStateStore(_file_path(setting.strip())), True


def describe_store(store: StateStore | None) -> str:
    """Where a store keeps its records, for messages and ``invoicekit auth status``: the store's
    own ``describe()`` when it has one (it must name no secret), else its class name."""
    if store is None:
        return "nowhere (static token)"
    describe = getattr(store, "describe", None)
    if callable(describe):
        description = describe()
        if isinstance(description, str) and description:
            return description
    return f"{type(store).__name__} (passed in code)"


def _file_path(spelling: str) -> str:
    path = spelling[len("file:"):]
    if path.startswith("//"):  # file:///abs/path
        path = path[2:]
    return os.path.expanduser(path)


__all__ = ["StateStoreSetting", "check_state_store", "default_state_path", "describe_store", "open_state_store"]
