"""Constructors that skip attrs' converters (not its validators), for values the library built itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

_T = TypeVar("_T", bound=attrs.AttrsInstance)


def trusted_constructor(cls: type[_T]) -> Callable[..., _T]:
    """A keyword-only constructor for ``cls`` that stores the values as given: no converters,
    but the fields' validators and ``__attrs_post_init__`` run exactly as in ``__init__``, so a
    decoder cannot build a model that the public constructor would refuse.

    For internal messages on the per-call path whose values the library built itself (the
    transport's ``Response``). The models are never built this way: their decoders go through
    the public constructors. Only for frozen slots classes without factory defaults.
    """
    fields = attrs.fields(cls)
    setters = {f"_set_{a.name}": cls.__dict__[a.name].__set__ for a in fields}  # slot descriptors
    defaults = {f"_default_{a.name}": a.default for a in fields if a.default is not attrs.NOTHING}
    if any(isinstance(value, attrs.Factory) for value in defaults.values()):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__}: a factory default needs the real __init__")
    params = ", ".join(a.name if a.default is attrs.NOTHING else f"{a.name}=_default_{a.name}" for a in fields)
    body = "".join(f"    _set_{a.name}(self, {a.name})\n" for a in fields)
    checks: dict[str, Any] = {}
    for a in fields:
        if a.validator is None:
            continue
        checks[f"_check_{a.name}"], checks[f"_field_{a.name}"] = a.validator, a
        call = f"_check_{a.name}(self, _field_{a.name}, {a.name})"
        declared = getattr(a.validator, "fast_pass", None)  # see invoicekit._checks.fast_pass
        if declared is None:
            body += f"    {call}\n"
            continue
        guard, names = declared
        for name, value in names.items():
            checks[f"{name}_{a.name}"] = value
            guard = guard.replace(name, f"{name}_{a.name}")
        body += f"    if not ({guard.format(v=a.name)}):\n        {call}\n"
    post_init = getattr(cls, "__attrs_post_init__", None)
    if post_init is not None:
        body += "    _post_init(self)\n"
    source = f"def build(*, {params}):\n    self = _new(_cls)\n{body}    return self\n"
    namespace: dict[str, Any] = {
        "_new": object.__new__, "_cls": cls, "_post_init": post_init, **setters, **defaults, **checks,
    }
    exec(source, namespace)  # the same technique attrs uses to write __init__
    build: Callable[..., _T] = namespace["build"]
    build.__qualname__ = f"trusted_constructor({cls.__name__})"
    return build
