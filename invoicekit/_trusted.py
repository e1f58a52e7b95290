"""Constructors written for the frozen models the way attrs writes ``__init__``, minus its
per-field call overhead: the models' own ``__init__`` (:func:`checked_init`) and, for internal
messages the library built itself, a constructor without converters (:func:`trusted_constructor`).

Both run every validator a field has. A validator that declares a fast pass
(:func:`invoicekit._checks.fast_pass`) is evaluated inline as that expression and called only
when the expression is false, so the validator still decides, and words the error, for every
value it would refuse; a validator without one is called as attrs calls it. A converter's fast
pass names values it would return unchanged: those are kept without the call. A model that gains
a converter or validator later gets it here too: the code is generated from ``attrs.fields``.

Fields are stored the cheapest way a frozen class allows. A frozen class refuses attribute
stores, so attrs writes each slot through its descriptor's ``__set__``, a call per field (in
instructions about three times a plain store, see ``bench/README.md``). Here the instance is, while
its fields are stored, an instance of the class's unfrozen twin: a subclass that adds no slot and
keeps ``object``'s attribute stores, so that ``self.name = value`` is the interpreter's plain slot
store. It is its own class again before any validator, ``__attrs_post_init__`` or anything else
sees it, and nothing between the two class switches can fail. An instance of a subclass (whose
layout may differ) is stored through the descriptors, as attrs does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

_T = TypeVar("_T", bound=attrs.AttrsInstance)
_C = TypeVar("_C", bound=type)


def _guard(declared: tuple[str, dict[str, object]], a: attrs.Attribute[Any], namespace: dict[str, Any]) -> str:
    """A declared fast pass (:func:`invoicekit._checks.fast_pass`) as an inline expression on
    parameter ``a.name``, its globals bound per field."""
    guard, names = declared
    for name, value in names.items():
        namespace[f"{name}_{a.name}"] = value
        guard = guard.replace(name, f"{name}_{a.name}")
    return guard.format(v=a.name)


def _converter_call(a: attrs.Attribute[Any], namespace: dict[str, Any]) -> str:
    """The expression converting parameter ``a.name`` (attrs' own calling convention); a
    converter's declared fast pass names the values it returns unchanged."""
    converter: Any = a.converter  # attrs.Converter's attributes are not in its stubs
    name = f"_convert_{a.name}"
    if isinstance(converter, attrs.Converter):
        converter = a.converter  # as Any again: its attributes are not in attrs' stubs
        function = converter.converter
        args = [a.name]
        if converter.takes_self:  # it would see no field stored yet (_source converts them all first)
            raise TypeError(f"{a.name}: a converter that takes self needs attrs' own __init__")
        if converter.takes_field:
            namespace[f"_field_{a.name}"] = a
            args.append(f"_field_{a.name}")
    elif callable(converter):
        function, args = converter, [a.name]
    else:
        raise TypeError(f"{a.name}: unsupported converter {converter!r}")
    namespace[name] = function
    call = f"{name}({', '.join(args)})"
    declared = getattr(function, "fast_pass", None)
    if declared is None:
        return call
    return f"{a.name} if ({_guard(declared, a, namespace)}) else {call}"


def _source(cls: type, *, convert: bool, namespace: dict[str, Any], built: bool = False) -> str:
    """The body that sets and checks every field of ``cls``. ``self`` exists already, an instance
    of ``cls`` or of a subclass, unless ``built``: then the body makes it, of ``cls`` exactly."""
    fields = attrs.fields(cls)
    body = ""
    for a in fields:
        if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            raise TypeError(f"{cls.__name__}.{a.name}: a factory default needs attrs' own __init__")
        if a.default is not attrs.NOTHING:
            namespace[f"_default_{a.name}"] = a.default
        if convert and a.converter is not None:
            body += f"    {a.name} = {_converter_call(a, namespace)}\n"  # every field converted before any is stored
    namespace.update(_new=object.__new__, _cls=cls, _twin=_unfrozen_twin(cls), _setattr=object.__setattr__)
    if built:
        body += "    self = _new(_twin)\n" + _plain_stores(fields, "    ") + "    _setattr(self, '__class__', _cls)\n"
    else:
        body += (
            "    if type(self) is _cls:\n"
            "        _setattr(self, '__class__', _twin)\n"
            + _plain_stores(fields, "        ")
            + "        _setattr(self, '__class__', _cls)\n"
            "    else:  # a subclass's instance: its layout may differ from the twin's\n"
        )
        for a in fields:
            slot = next(k.__dict__[a.name] for k in cls.__mro__ if a.name in k.__dict__)  # the slot's descriptor
            namespace[f"_set_{a.name}"] = slot.__set__
            body += f"        _set_{a.name}(self, {a.name})\n"
    for a in fields:
        if a.validator is None:
            continue
        namespace[f"_check_{a.name}"], namespace[f"_field_{a.name}"] = a.validator, a
        call = f"_check_{a.name}(self, _field_{a.name}, {a.name})"
        declared = getattr(a.validator, "fast_pass", None)
        if declared is None:
            body += f"    {call}\n"
            continue
        body += f"    if not ({_guard(declared, a, namespace)}):\n        {call}\n"
    post_init = getattr(cls, "__attrs_post_init__", None)
    if post_init is not None:
        namespace["_post_init"] = post_init
        body += "    _post_init(self)\n"
    return body


def _plain_stores(fields: tuple[attrs.Attribute[Any], ...], indent: str) -> str:
    return "".join(f"{indent}self.{a.name} = {a.name}\n" for a in fields)


def _unfrozen_twin(cls: type) -> type:
    """``cls`` with attribute stores allowed: a subclass that adds no slot (so an instance can
    switch between the two) and takes ``object``'s ``__setattr__`` and ``__delattr__`` back from
    attrs' frozen ones. (Both: the interpreter has one slot for the two, and specialises
    ``self.name = value`` into a plain slot store only when that slot is ``object``'s.) A subclass
    and not a sibling with the same slots: the interpreter takes two classes for one layout only
    when one derives from the other and adds nothing, if they have a ``__weakref__`` slot. So it is
    listed in ``cls.__subclasses__()``; no instance of it outlives ``__init__``."""
    return type(f"{cls.__name__}Unfrozen", (cls,), {
        "__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__,
        "__module__": cls.__module__, "__qualname__": f"{cls.__qualname__}.Unfrozen",
    })


def _params(cls: type) -> str:
    return ", ".join(
        a.name if a.default is attrs.NOTHING else f"{a.name}=_default_{a.name}" for a in attrs.fields(cls)
    )


def checked_init(cls: _C) -> _C:
    """Give the frozen, slotted, keyword-only attrs class ``cls`` a generated ``__init__`` that
    converts, validates and post-initialises exactly as attrs' would (same signature, same
    errors), with the validators' fast passes inline. Applied above ``@frozen``."""
    checked: type = cls  # attrs.has narrows what it is given; the decorator returns cls as it came
    if "__slots__" not in checked.__dict__ or not attrs.has(checked):
        raise TypeError(f"{cls.__name__}: checked_init is for slotted attrs classes")
    namespace: dict[str, Any] = {}
    body = _source(cls, convert=True, namespace=namespace)
    source = f"def __init__(self, *, {_params(cls)}):\n{body}"
    exec(source, namespace)  # the same technique attrs uses to write __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = checked.__dict__["__init__"].__doc__
    setattr(cls, "__init__", init)  # noqa: B010  (mypy refuses assigning a method)
    return cls


def trusted_constructor(cls: type[_T]) -> Callable[..., _T]:
    """A keyword-only constructor for ``cls`` that stores the values as given: no converters,
    but the fields' validators and ``__attrs_post_init__`` run exactly as in ``__init__``.

    For internal messages on the per-call path whose values the library built itself (the
    transport's ``Response``). The models are never built this way: they have one constructor,
    their own (see :func:`checked_init`). Only for frozen slots classes without factory defaults.
    """
    namespace: dict[str, Any] = {}
    body = _source(cls, convert=False, namespace=namespace, built=True)
    source = f"def build(*, {_params(cls)}):\n{body}    return self\n"
    exec(source, namespace)
    build: Callable[..., _T] = namespace["build"]
    build.__qualname__ = f"trusted_constructor({cls.__name__})"
    return build
