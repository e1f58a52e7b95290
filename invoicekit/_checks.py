"""The models' converters and validators: every value is checked once, where it is built.

attrs runs them in ``__init__`` and the decoders' trusted constructors run the same validators
(see :mod:`invoicekit._trusted`), so no model exists with a value of the wrong type. Each
failure is an :class:`InvalidRequestError` naming the field (``lines[2].quantity``), never a
bare ``TypeError`` or ``AttributeError`` from deep inside an adapter.

Two levels, because a provider may store what a new draft must not carry:

- every model (read or write) checks types and the invariants both providers guarantee
  (finite Decimals, ``date`` not ``datetime``, aware timestamps, a line discount within 0..100);
- drafts, changes and payments (what goes out) also check the business rules: ISO 4217 codes,
  at least one line, quantities > 0, unit prices >= 0, due date on or after the issue date,
  exchange rate > 0, payments > 0 within the currency's minor units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .errors import InvalidRequestError
from .money import check_precision, currency_code

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_V = TypeVar("_V")
_HUNDRED = Decimal(100)

if TYPE_CHECKING:
    Field = attrs.Attribute[Any]


def type_error(field: str, expected: str, value: object) -> InvalidRequestError:
    return InvalidRequestError(f"must be {expected}, not {type(value).__name__}", field=field)


def fast_pass(guard: str, **names: object) -> Callable[[_V], _V]:
    """Declare an expression (``{v}`` is the value) that is true only for values the validator
    accepts: the trusted constructors evaluate it inline and call the validator only when it is
    false, so the validator still decides (and words the error) for every value it would refuse.
    ``names`` are the globals the expression uses."""

    def declare(validator: _V) -> _V:
        validator.fast_pass = (guard, names)  # type: ignore[attr-defined]
        return validator

    return declare


# -- converters ------------------------------------------------------------------------------


def to_decimal(value: object, name: str = "value") -> Decimal:
    """Exact conversion to Decimal: Decimal, int and numeric strings only.

    Floats are refused because they silently carry binary noise (0.1 + 0.2); booleans are
    refused because ``True`` is an ``int`` but never an amount.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidRequestError("must be a finite number", field=name)
        return value
    if isinstance(value, bool | float):
        raise type_error(name, "a Decimal, int or numeric string", value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidRequestError(f"{value[:40]!r} is not a number", field=name) from None
        if not result.is_finite():
            raise InvalidRequestError("must be a finite number", field=name)
        return result
    raise type_error(name, "a Decimal, int or numeric string", value)


def decimal_field(value: object, fld: Field) -> Decimal:
    if type(value) is Decimal and value.is_finite():  # the common case first
        return value
    return to_decimal(value, fld.name)


def optional_decimal_field(value: object, fld: Field) -> Decimal | None:
    return None if value is None else to_decimal(value, fld.name)


def currency_field(value: object, fld: Field) -> str:
    return currency_code(value, fld.name)


def optional_currency_field(value: object, fld: Field) -> str | None:
    return None if value is None else currency_code(value, fld.name)


def frozen_mapping(value: Mapping[str, Any] | None, fld: Field) -> Mapping[str, Any]:
    # Decoders pass read-only views: the common case first. (mappingproxy cannot be subclassed,
    # so past this test no value is one.)
    if type(value) is MappingProxyType:
        return value if value else _EMPTY
    if not value:
        return _EMPTY
    if not isinstance(value, Mapping):
        raise type_error(fld.name, "a mapping", value)
    return MappingProxyType(dict(value))


def _sequence(value: object, name: str) -> tuple[Any, ...]:
    if type(value) is tuple:
        return value
    # A string or a mapping is iterable but never a list of lines or ids: "abc" would be
    # three lines, a dict its keys.
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise type_error(name, "a list", value)
    return tuple(value)


def id_tuple(value: object, fld: Field) -> tuple[int | str, ...]:
    return _sequence(value, fld.name)


def line_tuple(value: object, fld: Field) -> tuple[Any, ...]:
    return _sequence(value, fld.name)


def optional_line_tuple(value: object, fld: Field) -> tuple[Any, ...] | None:
    return None if value is None else _sequence(value, fld.name)


# -- validators every model runs (types and provider-guaranteed invariants) ------------------


@fast_pass("type({v}) is str or {v} is None")
def optional_text(_: object, fld: Field, value: object) -> None:
    if type(value) is str or value is None:  # the common cases first: this runs for every field
        return
    if not isinstance(value, str):
        raise type_error(fld.name, "text", value)


@fast_pass("type({v}) is str")
def text(_: object, fld: Field, value: object) -> None:
    if not isinstance(value, str):
        raise type_error(fld.name, "text", value)


def _is_id(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


@fast_pass("type({v}) is int or type({v}) is str")
def invoice_id(_: object, fld: Field, value: object) -> None:
    if not _is_id(value):
        raise type_error(fld.name, "an int or str id", value)


@fast_pass("{v} is None or type({v}) is int or type({v}) is str")
def optional_id(_: object, fld: Field, value: object) -> None:
    if value is not None and not _is_id(value):
        raise type_error(fld.name, "an int or str id", value)


@fast_pass("not {v}")
def id_items(_: object, fld: Field, value: tuple[object, ...]) -> None:
    for index, item in enumerate(value):
        if not _is_id(item):
            raise type_error(f"{fld.name}[{index}]", "an int or str id", item)


@fast_pass("{v} is None or type({v}) is _date", _date=date)
def optional_day(_: object, fld: Field, value: object) -> None:
    """A calendar day. A ``datetime`` is a ``date`` subclass but is refused: which day it means
    depends on a time zone, and the library will not guess it."""
    if value is None or type(value) is date:
        return
    if isinstance(value, datetime):
        raise InvalidRequestError("must be a date, not a datetime: pass .date() of the day you mean", field=fld.name)
    if not isinstance(value, date):
        raise type_error(fld.name, "a date", value)


@fast_pass("{v} is None")
def optional_timestamp(_: object, fld: Field, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, datetime):
        raise type_error(fld.name, "a timezone-aware datetime", value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequestError("must be timezone-aware", field=fld.name)


@fast_pass("{v} is None or type({v}) is _Decimal and {v}.is_finite()", _Decimal=Decimal)
def optional_decimal(_: object, fld: Field, value: object) -> None:
    if value is not None and not (type(value) is Decimal and value.is_finite()):
        raise type_error(fld.name, "a finite Decimal", value)


@fast_pass("type({v}) is _Decimal and {v}.is_finite()", _Decimal=Decimal)
def decimal(_: object, fld: Field, value: object) -> None:
    if not (type(value) is Decimal and value.is_finite()):
        raise type_error(fld.name, "a finite Decimal", value)


@fast_pass("type({v}) is _Decimal and 0 <= {v} <= 100", _Decimal=Decimal)
def percentage(_: object, fld: Field, value: Decimal) -> None:
    if not (type(value) is Decimal and 0 <= value <= _HUNDRED):
        raise InvalidRequestError("is a percentage and must be within 0..100", field=fld.name)


def instance_of(kind: type, label: str) -> Any:
    """``value`` is None or a ``kind``: a nested model (``contact="Jane"`` is refused)."""

    @fast_pass("{v} is None or type({v}) is _kind", _kind=kind)
    def check(_: object, fld: Field, value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise type_error(fld.name, label, value)

    return check


def items_of(kind: type, label: str) -> Any:
    """Every item of a tuple (or of an optional one) is a ``kind``: a list of dicts is refused."""

    def check(_: object, fld: Field, value: tuple[object, ...] | None) -> None:
        for index, item in enumerate(value or ()):
            if not isinstance(item, kind):
                raise type_error(f"{fld.name}[{index}]", label, item)

    return check


def mapping_keys(_: object, fld: Field, value: Mapping[Any, Any]) -> None:
    for key in value:
        if not isinstance(key, str) or not key:
            raise InvalidRequestError("keys must be non-empty wire names (str)", field=fld.name)


# -- rules of what goes out (drafts, changes, payments) --------------------------------------


def outgoing_lines(_: object, fld: Field, value: tuple[Any, ...] | None) -> None:
    """At least one line; each with a quantity > 0 and a unit price >= 0.

    A unit price is a rate, like a quantity: it may be finer than the currency's smallest unit
    (0.0035 USD per call); the provider rounds each line's amount. Amounts that change hands
    (payments) are held to the minor units."""
    if value is None:
        return
    if not value:
        raise InvalidRequestError("an invoice needs at least one line", field=fld.name)
    for index, line in enumerate(value):
        where = f"{fld.name}[{index}]"
        if line.quantity <= 0:
            raise InvalidRequestError("must be greater than 0", field=f"{where}.quantity")
        if line.unit_price < 0:
            raise InvalidRequestError(
                "must be >= 0 (ONLYOFFICE refuses negative prices; give a reduction as a line discount)",
                field=f"{where}.unit_price",
            )


def due_after_issue(instance: Any, fld: Field, value: date | None) -> None:
    issued = instance.issue_date
    if value is not None and issued is not None and value < issued:
        raise InvalidRequestError(f"{value} is before issue_date {issued}", field=fld.name)


def positive_rate(_: object, fld: Field, value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise InvalidRequestError("must be > 0 (1 for the account's base currency)", field=fld.name)


def payment_amount(instance: Any, fld: Field, value: Decimal | None) -> None:
    if value is None:
        return
    if value <= 0:
        raise InvalidRequestError("must be greater than 0", field=fld.name)
    if instance.currency is not None:
        check_precision(value, instance.currency, fld.name)


def card_last4(_: object, fld: Field, value: str | None) -> None:
    if value is not None and not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise InvalidRequestError("must be the card number's last four digits", field=fld.name)
