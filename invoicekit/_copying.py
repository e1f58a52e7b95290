"""Pickling and deep copies of the frozen classes that hold read-only mapping views.

A model's ``raw`` (and a draft's ``extra``) is a :class:`types.MappingProxyType`: the model is
frozen, and so is what it shows of the wire. Neither :mod:`pickle` nor :func:`copy.deepcopy` takes
a mappingproxy, so without this an invoice could not cross a process boundary (a process pool, a
job queue that pickles results) nor be deep-copied. attrs' own ``__getstate__`` and
``__setstate__`` still do the work; the state they exchange holds each view as a plain dict (a
copy), and loading makes it a read-only view again, so a loaded model is what was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any, TypeVar

_C = TypeVar("_C", bound=type)

# The state's key listing the fields that were views: no attribute can have this name.
_VIEWS = "\0views"


def picklable_views(cls: _C) -> _C:
    """Make the attrs slots class ``cls`` pickle and deep-copy the mapping views it holds.
    Applied above ``@frozen`` (whose ``__getstate__``/``__setstate__`` it wraps), on every
    concrete class: attrs writes those two methods again for each subclass."""
    # attrs' own, in the class's namespace (a KeyError here: not an attrs slots class).
    state_of: Callable[[Any], dict[str, Any]] = cls.__dict__["__getstate__"]
    load: Callable[[Any, dict[str, Any]], None] = cls.__dict__["__setstate__"]

    def __getstate__(self: Any) -> dict[str, Any]:
        state = state_of(self)
        views = tuple(name for name, value in state.items() if type(value) is MappingProxyType)
        for name in views:
            state[name] = dict(state[name])
        if views:
            state[_VIEWS] = views
        return state

    def __setstate__(self: Any, state: dict[str, Any]) -> None:
        views = state.get(_VIEWS, ())
        if views:
            state = {
                name: MappingProxyType(value) if name in views else value
                for name, value in state.items() if name != _VIEWS
            }
        load(self, state)

    __getstate__.__qualname__ = f"{cls.__qualname__}.__getstate__"
    __setstate__.__qualname__ = f"{cls.__qualname__}.__setstate__"
    setattr(cls, "__getstate__", __getstate__)  # noqa: B010  (mypy refuses assigning a method)
    setattr(cls, "__setstate__", __setstate__)  # noqa: B010
    return cls
