"""Names a package re-exports but imports only when first asked for (PEP 562 ``__getattr__``):
what would pull in an optional dependency (pytest, cryptography) or a whole adapter."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any


def lazy_exports(package: str, source: str, names: Iterable[str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``source`` (absolute, or relative
    to ``package``) on the first access to one of ``names`` and returns its attribute."""
    lazy = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name in lazy:
            return getattr(importlib.import_module(source, package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
