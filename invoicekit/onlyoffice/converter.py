"""The cattrs converter of ONLYOFFICE's wire shapes (:mod:`.wire`): what an update reads besides
the neutral invoice.

Each shape's structure hook is generated once, at import (``detailed_validation=False``: no
per-field try/except; a failure is reported as :class:`~invoicekit.MalformedResponseError` by the
caller anyway), reading every field as a required key of a copy whose absent keys read as the
shape's defaults (:mod:`invoicekit._structure`: values go to the constructor positionally).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import cattrs

from .._structure import defaulting_view, required_keys_hook, wire_defaults
from .scalars import OPTIONAL_SCALARS, SCALARS
from .wire import WireAddressIds, WireContact, WireContactInfo, WireEntity, WireLinks

T = TypeVar("T")

__all__ = ["structure"]


def _is_optional(type_: Any) -> bool:
    """``X | None`` with exactly one other member."""
    if get_origin(type_) not in (Union, UnionType):
        return False
    args = get_args(type_)
    return len(args) == 2 and NoneType in args


#: The wire shapes, innermost first: a generated hook looks up its fields' hooks when it is made.
_SHAPES = (WireContactInfo, WireContact, WireEntity, WireLinks, WireAddressIds)


def _shape_hook(
    shape: type[T], generated: Callable[[Any, Any], T], view: type[dict[str, Any]], *, optional: bool
) -> Callable[[Any, Any], T | None]:
    """The hook of ``shape`` (or of ``shape | None``): cattrs' generated code, reading a copy of
    the object whose absent keys read as the shape's defaults (:mod:`invoicekit._structure`)."""

    def structure(value: Any, _: Any) -> T | None:
        if type(value) is dict:  # what both parsers make
            return generated(view(value), shape)
        if value is None and optional:
            return None
        if not isinstance(value, Mapping):
            raise ValueError(f"expected an object, got {type(value).__name__}")
        return generated(view(value), shape)

    return structure


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    for type_, hook in SCALARS.items():
        converter.register_structure_hook(type_, hook)
    optional_shapes: dict[type[Any], Callable[[Any, Any], Any]] = {}

    def optional(type_: Any) -> Callable[[Any, Any], Any]:
        inner_type = next(t for t in get_args(type_) if t is not NoneType)
        direct = OPTIONAL_SCALARS.get(inner_type) or optional_shapes.get(inner_type)
        if direct is not None:
            return direct
        inner = converter.get_structure_hook(inner_type)
        return lambda value, _: None if value is None else inner(value, inner_type)

    converter.register_structure_hook_factory(_is_optional, optional)
    for shape in _SHAPES:
        generated = required_keys_hook(shape, converter, _cattrs_use_alias=True)
        view = defaulting_view(f"{shape.__name__}Fields", wire_defaults(shape))
        converter.register_structure_hook(shape, _shape_hook(shape, generated, view, optional=False))
        optional_shapes[shape] = _shape_hook(shape, generated, view, optional=True)
    return converter


_CONVERTER = _make_converter()


def structure(data: Any, shape: type[T]) -> T:
    """``data`` (a dict with the wire's keys) as the wire shape ``shape``."""
    result: T = _CONVERTER.structure(data, shape)
    return result
