"""cattrs' generated structure hooks, in the form that is cheapest to run on wire objects.

cattrs generates a hook per attrs class. For a field with a default it tests whether the key is
present, collects the present ones into a dict and passes that as ``**kwargs``: per field a test,
a store and a keyword to match. The hooks made here read every field as a required key of a
shallow copy of the object (:func:`defaulting_view`) in which an absent key reads as the field's
default, so the generated code passes each value straight to the constructor, positionally.
The same generated code, converters and per-field hooks run: only the dict work goes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn_from_attrs

T = TypeVar("T")

__all__ = ["defaulting_view", "required_keys_hook", "wire_defaults"]


def defaulting_view(name: str, defaults: Mapping[str, Any]) -> type[dict[str, Any]]:
    """A dict class for shallow copies of one wire shape's objects: a key that is absent reads as
    its entry in ``defaults``, and one without an entry raises ``KeyError`` as a plain dict
    would (the shape's required fields)."""
    table = dict(defaults)
    # dict calls __missing__ for an absent key. A builtin method is not a descriptor, so this is
    # table.__getitem__ itself: no Python frame per absent key.
    return type(name, (dict,), {"__slots__": (), "__missing__": table.__getitem__})


def wire_defaults(cls: type[Any], *, use_alias: bool = True) -> dict[str, Any]:
    """Each attribute's wire key (its alias, or its name) -> its default, for the attributes of
    the attrs class ``cls`` that have a plain default (factories are left out: required)."""
    defaults: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if a.default is attrs.NOTHING or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            continue
        defaults[a.alias if use_alias and a.alias else a.name] = a.default
    return defaults


def required_keys_hook(
    cls: type[T], converter: cattrs.Converter, *, as_is: Collection[str] = (), **options: Any
) -> Callable[[Mapping[str, Any], Any], T]:
    """cattrs' generated hook for the attrs class ``cls`` with every attribute read as a required
    key (``detailed_validation=False``). It is given a view whose absent keys read as the
    defaults (:func:`defaulting_view`); ``options`` go to cattrs (overrides, ``_cattrs_*``).
    The attributes named in ``as_is`` get their key's value as it is, with no hook call: values
    the caller has made already. (With ``as_is``, give every other attribute that has an attrs
    converter its hook in an override: cattrs would leave it to the converter.)"""
    shape: Any = cls  # an attrs class: attrs' stubs cannot say so of a type variable
    required = [
        # cattrs passes the value of an attribute with a converter straight on when asked to
        # prefer attrs' converters: a stand-in converter here (the class's own are untouched)
        # makes it do so for these.
        a.evolve(default=attrs.NOTHING, converter=_as_is) if a.name in as_is else a.evolve(default=attrs.NOTHING)
        for a in attrs.fields(attrs.resolve_types(shape))
    ]
    if as_is:
        options["_cattrs_prefer_attrib_converters"] = True
    hook: Callable[[Mapping[str, Any], Any], T] = make_dict_structure_fn_from_attrs(
        required, cls, converter, _cattrs_detailed_validation=False, **options
    )
    return hook


def _as_is(value: Any) -> Any:
    return value
