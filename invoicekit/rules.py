"""What each provider allows beyond the neutral models' own rules, declared as data.

The models refuse what no provider takes (see :mod:`invoicekit._checks`); what remains differs
per provider (its id type, page size, taxes per line...) and is declared once, in a
:class:`ProviderRules` each adapter exposes as ``client.rules`` (the built-in ones in
``invoicekit/<provider>/rules.py``). The adapters check every one of these before sending;
README's "Provider rules" table is :func:`rules_table` of the built-in rules, and a test keeps
the two equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from attrs import frozen

from .errors import InvalidRequestError

__all__ = ["ProviderRules", "rules_table"]

IdCheck = Callable[[object, str], "int | str"]


@frozen(kw_only=True)
class ProviderRules:
    """One provider's rules. ``None`` for a limit means the provider has none the client knows.

    ``check_id(value, field)`` is the adapter's own id check (it returns the id in the
    provider's type or raises :class:`InvalidRequestError` naming ``field``); ``id_rule``
    says in words what it accepts.
    """

    provider: str
    check_id: IdCheck
    id_rule: str
    max_page_size: int | None
    max_taxes_per_line: int | None
    line_discount: bool
    exchange_rates: bool
    purchase_order_number: bool
    description_on_create: bool
    invoice_name: str
    partial_payments: bool
    required_on_create: tuple[str, ...]
    #: (field, setting): a required field the client fills from that setting when it is unset.
    defaults: tuple[tuple[str, str], ...]
    contact: str
    line_item: str

    def parse_id(self, text: object) -> int | str:
        """The provider's id from text (a URL segment, a CLI argument): ``"42"`` -> ``42`` on
        ONLYOFFICE; refused with :class:`InvalidRequestError` (field ``id``) when it is not one."""
        if not isinstance(text, str):
            raise InvalidRequestError(f"must be text, not {type(text).__name__}", field="id")
        return self.check_id(text.strip(), "id")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _required(rules: ProviderRules, name: str) -> str:
    setting = dict(rules.defaults).get(name)
    return f"`{name}`" if setting is None else f"`{name}` (or setting `{setting}`)"


def _limit(value: int | None) -> str:
    return "no limit" if value is None else str(value)


#: (README row label, how to show a rule's value): the table's rows, in order.
_ROWS: tuple[tuple[str, Callable[[ProviderRules], str]], ...] = (
    ("invoice id (`client.parse_id`)", lambda r: r.id_rule),
    ("required on create", lambda r: ", ".join(_required(r, name) for name in r.required_on_create)),
    ("contact", lambda r: r.contact),
    ("line item", lambda r: r.line_item),
    ("invoice name", lambda r: r.invoice_name),
    ("`list(page_size=)` at most", lambda r: _limit(r.max_page_size)),
    ("taxes per line at most", lambda r: _limit(r.max_taxes_per_line)),
    ("per-line `discount`", lambda r: _yes_no(r.line_discount)),
    ("`exchange_rate` other than 1", lambda r: "yes (> 0)" if r.exchange_rates else "no"),
    ("`purchase_order_number`", lambda r: _yes_no(r.purchase_order_number)),
    ("`description` on create", lambda r: _yes_no(r.description_on_create)),
    ("partial payments (`record_payment`)", lambda r: _yes_no(r.partial_payments)),
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
    return "\n".join(lines) + "\n"
