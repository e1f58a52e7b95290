"""What each provider allows beyond the neutral models' own rules, declared as data.

The models refuse what no provider takes (see :mod:`invoicekit._checks`); what remains differs
per provider (its id type, page size, taxes per line, the draft fields it has a place for...) and
is declared once, in a :class:`ProviderRules` each adapter exposes as ``client.rules`` (the
built-in ones in ``invoicekit/<provider>/rules.py``). The adapters check every one of these before
sending: a draft field the provider has no place for is refused by :meth:`ProviderRules.check_fields`,
which :meth:`InvoiceClient.create <invoicekit.InvoiceClient.create>` runs before the adapter builds
anything. README's "Provider rules" table is :func:`rules_table` of the built-in rules, and a test
keeps the two equal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

import attrs
from attrs import frozen

from .errors import InvalidRequestError
from .models import Address, Contact, InvoiceDraft, LineItem

__all__ = ["FieldRule", "ProviderRules", "rules_table"]

IdCheck = Callable[[object, str], "int | str"]


@frozen(kw_only=True)
class FieldRule:
    """What a provider does with one field of a draft on create.

    ``path`` names the field as errors do, ``[]`` standing for every line (``lines[].discount``);
    several fields that behave alike share a row (``contact.phone, contact.company_name``).
    ``note`` says what becomes of the value (README's cell). ``refused``: the provider has no
    place for it, so a draft (or an update's changes) that sets it is refused before sending,
    unless ``unless(value, values)`` says the value is what the provider means anyway (an
    exchange rate of 1, a name equal to the number); ``values`` is the draft or changes.
    """

    path: str
    note: str
    refused: bool = False
    unless: Callable[[object, object], bool] | None = None


@frozen(kw_only=True)
class ProviderRules:
    """One provider's rules. ``None`` for a limit means the provider has none the client knows.

    ``check_id(value, field)`` is the adapter's own id check (it returns the id in the
    provider's type or raises :class:`InvalidRequestError` naming ``field``); ``id_rule``
    says in words what it accepts. ``fields`` covers every field of
    :class:`~invoicekit.InvoiceDraft` (and of its lines and contact), in the same order on every
    provider.
    """

    provider: str
    title: str
    check_id: IdCheck
    id_rule: str
    max_page_size: int | None
    max_taxes_per_line: int | None
    #: The largest unit price or payment amount the provider can store as given, and the largest
    #: quantity: larger ones are refused by :meth:`check_amounts` before sending.
    max_amount: Decimal | None
    max_quantity: Decimal | None
    partial_payments: bool
    required_on_create: tuple[str, ...]
    #: (field, setting): a field the client fills from that setting when the draft leaves it unset
    #: (and from the provider's own default when the setting is unset too: see ``fields``).
    defaults: tuple[tuple[str, str], ...]
    fields: tuple[FieldRule, ...]

    def parse_id(self, text: object) -> int | str:
        """The provider's id from text (a URL segment, a CLI argument): ``"42"`` -> ``42`` on
        ONLYOFFICE; refused with :class:`InvalidRequestError` (field ``id``) when it is not one."""
        if not isinstance(text, str):
            raise InvalidRequestError(f"must be text, not {type(text).__name__}", field="id")
        return self.check_id(text.strip(), "id")

    def holds(self, path: str) -> bool:
        """Whether the provider has a place for the field ``path`` (``"lines[].discount"``); a
        name that is no draft field (a typo) is an :class:`InvalidRequestError`, not an answer."""
        if path not in _draft_paths():
            raise InvalidRequestError(
                f"{path!r} is not a draft field (a field of InvoiceDraft, 'contact.<field>' or 'lines[].<field>')",
                field="path",
            )
        return not any(path in _paths(rule) and rule.refused for rule in self.fields)

    def check_fields(self, values: object) -> None:
        """Refuse a draft or changes that set a field the provider has no place for, naming it
        (``lines[1].discount``). Unset means None, blank text (as a draft reads it), or 0 for a
        line's discount."""
        for rule in self.fields:
            if not rule.refused:
                continue
            for path in _paths(rule):
                for where, value in _values(values, path):
                    if _unset(value) or (path == "lines[].discount" and value == 0):
                        continue
                    if rule.unless is not None and rule.unless(value, values):
                        continue
                    raise InvalidRequestError(f"{rule.note}; leave it unset", field=where)

    def check_amounts(self, values: object) -> None:
        """Refuse a draft, changes or payment carrying an amount (a line's ``unit_price``, a
        payment's ``amount``) above :attr:`max_amount` or a quantity above :attr:`max_quantity`,
        naming it (``lines[0].unit_price``)."""
        for path, limit in (
            ("lines[].unit_price", self.max_amount), ("lines[].quantity", self.max_quantity),
            ("amount", self.max_amount),
        ):
            if limit is None:
                continue
            for where, value in _values(values, path):
                if isinstance(value, Decimal) and abs(value) > limit:  # the models admit finite ones only
                    raise InvalidRequestError(f"must be at most {limit:,} on {self.title}", field=where)


def _unset(value: object) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


@functools.cache
def _draft_paths() -> frozenset[str]:
    """Every field a draft holds, as :meth:`ProviderRules.holds` names them."""
    return frozenset({
        *(a.name for a in attrs.fields(InvoiceDraft)),
        *(f"contact.{a.name}" for a in attrs.fields(Contact)),
        *(f"contact.address.{a.name}" for a in attrs.fields(Address)),
        *(f"lines[].{a.name}" for a in attrs.fields(LineItem)),
    })


def _paths(rule: FieldRule) -> list[str]:
    return [part.strip() for part in rule.path.split(",")]


def _values(obj: object, path: str) -> Iterator[tuple[str, object]]:
    """``(field, value)`` for each value ``path`` reaches in ``obj``; ``[]`` walks a sequence."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        name = head[:-2]
        for index, item in enumerate(getattr(obj, name, None) or ()):
            for where, value in _values(item, rest):
                yield f"{name}[{index}].{where}", value
        return
    value = getattr(obj, head, None)
    if not rest:
        yield head, value
    elif value is not None:
        for where, inner in _values(value, rest):
            yield f"{head}.{where}", inner


def _limit(value: int | None) -> str:
    return "no limit" if value is None else str(value)


def _bound(value: Decimal | None) -> str:
    return "no limit" if value is None else f"{value:,}"


def _field(rules: ProviderRules, path: str) -> str:
    rule = next((r for r in rules.fields if r.path == path), None)
    if rule is None:
        return "?"
    return f"refused: {rule.note}" if rule.refused else rule.note


#: (README row label, how to show a rule's value): the table's first rows, in order; a row per
#: field follows (:attr:`ProviderRules.fields`).
_ROWS: tuple[tuple[str, Callable[[ProviderRules], str]], ...] = (
    ("invoice id (`client.parse_id`)", lambda r: r.id_rule),
    ("required on create", lambda r: ", ".join(f"`{name}`" for name in r.required_on_create)),
    ("`list(page_size=)` at most", lambda r: _limit(r.max_page_size)),
    ("taxes per line at most", lambda r: _limit(r.max_taxes_per_line)),
    ("unit price, payment amount at most", lambda r: _bound(r.max_amount)),
    ("quantity at most", lambda r: _bound(r.max_quantity)),
    ("partial payments (`record_payment`)", lambda r: "yes" if r.partial_payments else "no"),
)


def rules_table(rules: Iterable[ProviderRules], titles: Iterable[str]) -> str:
    """The Markdown table README shows: one row per rule, one column per provider."""
    chosen = list(rules)
    lines = [
        "| rule | " + " | ".join(titles) + " |",
        "| --- |" + " --- |" * len(chosen),
    ]
    for label, show in _ROWS:
        lines.append(f"| {label} | " + " | ".join(show(r) for r in chosen) + " |")
    paths = list(dict.fromkeys(rule.path for r in chosen for rule in r.fields))
    for path in paths:
        label = ", ".join(f"`{part.strip()}`" for part in path.split(","))
        lines.append(f"| {label} | " + " | ".join(_field(r, path) for r in chosen) + " |")
    return "\n".join(lines) + "\n"
