"""Reading ``create --file`` drafts and ``update --file`` changes.

The file is one JSON object with the fields of :class:`invoicekit.InvoiceDraft` (or
:class:`invoicekit.InvoiceChanges`) under their Python names::

    {"currency": "USD", "issue_date": "2025-03-01", "due_date": "2025-03-31",
     "contact": {"id": 2, "name": "Jane Cooper", "email": "jane@example.com"},
     "lines": [{"name": "Retainer", "quantity": 1, "unit_price": "1200.00"}]}

Amounts may be JSON numbers or strings; numbers are read as Decimal (never through a float), so
``19.99`` stays exactly 19.99. Dates are ISO ``YYYY-MM-DD``. Unknown keys are refused, so a typo
is an error rather than a silently dropped field. ``extra`` carries provider wire fields as is.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, TypeVar, get_args

import cattrs

from .._serde import loads_json
from ..errors import InvalidRequestError
from ..models import Address, Contact, InvoiceChanges, InvoiceDraft, InvoiceId, LineItem, to_decimal

T = TypeVar("T", InvoiceDraft, InvoiceChanges)


class InputFileError(Exception):
    """The file could not be read at all (missing, unreadable): a usage error, not bad content."""


def _is_id_type(type_: Any) -> bool:
    # InvoiceId (int | str), possibly optional: cattrs cannot pick a member of such a union.
    return isinstance(type_, UnionType) and set(get_args(type_)) in ({int, str}, {int, str, NoneType})


def _invoice_id(value: Any, type_: Any) -> InvoiceId | None:
    if value is None and NoneType in get_args(type_):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"must be a number or a string id, not {type(value).__name__}")
    return value


def _date(value: Any, _: Any) -> date:
    if not isinstance(value, str):
        raise ValueError(f"must be an ISO date string (YYYY-MM-DD), not {type(value).__name__}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:20]!r} is not an ISO date (YYYY-MM-DD)") from None


def _text(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return value


def _mapping(value: Any, _: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"must be an object, not {type(value).__name__}")
    return value


def _only(converter: cattrs.Converter, type_: Any, json_type: type, label: str) -> None:
    """Structure ``type_`` from a JSON value of ``json_type`` only. cattrs reads any iterable
    as a tuple (a string as its characters, an object as its keys) and fails on a string where
    an object belongs with an AttributeError; a file of the wrong shape is refused instead."""
    structure = converter.get_structure_hook(type_)

    def checked(value: Any, target: Any) -> Any:
        if not isinstance(value, json_type):
            raise ValueError(f"must be {label}, not {type(value).__name__}")
        return structure(value, target)

    converter.register_structure_hook_func(lambda t: t == type_, checked)


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Decimal, lambda v, _: to_decimal(v))
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook(str, _text)
    converter.register_structure_hook_func(lambda t: t == Mapping[str, Any], _mapping)
    converter.register_structure_hook_func(_is_id_type, _invoice_id)
    # Innermost first: each hook generated here looks up the hooks of its fields' types as they
    # are registered at that moment.
    _only(converter, tuple[InvoiceId, ...], list, "a list")
    for model in (Address, Contact, LineItem):
        _only(converter, model, dict, "an object")
    _only(converter, tuple[LineItem, ...], list, "a list")
    return converter


_CONVERTER = _make_converter()


# Between a model's own field name and its reason in what _describe returns: the model names
# the field within itself (``discount``), cattrs the place of the model (``$.lines[0]``).
_FIELD_MARK = "\0"


def _reorder(problem: str) -> str:
    # cattrs says "<what> @ $.lines[0].quantity"; errors elsewhere name the field first.
    what, _, path = problem.rpartition(" @ ")
    field = path.removeprefix("$").removeprefix(".")
    inner, marked, what = what.rpartition(_FIELD_MARK) if _FIELD_MARK in what else ("", "", what)
    if marked:
        field = f"{field}.{inner}" if field and not inner.startswith("[") else field + inner
    return f"{field}: {what}" if what and field else what or problem


def read_model(source: str, model: type[T]) -> T:
    """Parse ``source`` (a path, or ``-`` for stdin) into ``model``.

    Raises :class:`InputFileError` when the file cannot be read and
    :class:`InvalidRequestError` (naming the field) when its content is wrong.
    """
    name = "stdin" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"{name!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read {name!r}: {type(exc).__name__}") from None
    try:
        data = loads_json(text)
    except ValueError as exc:
        raise InvalidRequestError(f"{name} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidRequestError(f"{name} must hold one JSON object, not {type(data).__name__}")
    try:
        return _CONVERTER.structure(data, model)
    except InvalidRequestError as exc:
        raise InvalidRequestError(f"{name}: {exc}") from None
    except cattrs.BaseValidationError as exc:
        problems = [_reorder(p) for p in cattrs.transform_error(exc, format_exception=_describe)]
        raise InvalidRequestError(f"{name}: {'; '.join(problems[:3])}") from None


def _describe(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown field(s) {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, InvalidRequestError):
        # The field the model named (its draft rules name lines[1].quantity); "value" is what
        # the Decimal hook above names, whose place cattrs gives.
        return exc.reason if exc.field in (None, "value") else f"{exc.field}{_FIELD_MARK}{exc.reason}"
    if isinstance(exc, ValueError | TypeError):
        return str(exc)
    return f"invalid value ({type(exc).__name__})"
