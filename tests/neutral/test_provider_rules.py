"""Each provider's remaining rules are data (``client.rules``); README's table is made from
that data, and each rule is what the adapter really enforces before sending."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import invoicekit
from invoicekit import (
    Capability,
    Contact,
    InvalidRequestError,
    InvoiceClient,
    InvoiceDraft,
    LineItem,
    Payment,
    ProviderRules,
    UnsupportedOperationError,
)
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.onlyoffice import OnlyOfficeClient
from invoicekit.rules import rules_table
from invoicekit.testing import Simulator

README = Path(__file__).resolve().parents[2] / "README.md"
BUILT_IN: dict[str, tuple[str, ProviderRules]] = {
    "onlyoffice": ("ONLYOFFICE", OnlyOfficeClient.rules),
    "gohighlevel": ("GoHighLevel", GoHighLevelClient.rules),
}


def test_the_readme_table_is_the_rules_in_code() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- provider-rules:begin -->\n(.*?)<!-- provider-rules:end -->", text, re.S)
    assert found is not None, "README lost its provider-rules markers"
    titles, rules = zip(*BUILT_IN.values(), strict=True)
    assert found.group(1) == rules_table(rules, titles)


def test_each_client_class_names_its_own_rules() -> None:
    for provider, (_title, rules) in BUILT_IN.items():
        assert rules.provider == provider


@pytest.mark.parametrize(("provider", "text", "expected"), [
    ("onlyoffice", "42", 42),
    ("onlyoffice", " 42\n", 42),
    ("onlyoffice", "2147483647", 2147483647),
    ("gohighlevel", "6578278e879ad2646715ba9c", "6578278e879ad2646715ba9c"),
    ("gohighlevel", "AmuzcoPBpgKeccNsFlib", "AmuzcoPBpgKeccNsFlib"),
])
def test_parse_id_gives_the_providers_id_type(provider: str, text: str, expected: object) -> None:
    parsed = BUILT_IN[provider][1].parse_id(text)
    assert parsed == expected and type(parsed) is type(expected)


@pytest.mark.parametrize(("provider", "text"), [
    ("onlyoffice", "0"), ("onlyoffice", "-4"), ("onlyoffice", "4.2"), ("onlyoffice", "abc"),
    ("onlyoffice", "2147483648"), ("onlyoffice", ""), ("onlyoffice", "٤٢"), ("onlyoffice", 42),
    ("gohighlevel", ""), ("gohighlevel", "a/b"), ("gohighlevel", ".."), ("gohighlevel", "a b"),
    ("gohighlevel", "x" * 129), ("gohighlevel", "id?x=1"), ("gohighlevel", None),
])
def test_parse_id_refuses_what_is_not_an_id(provider: str, text: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        BUILT_IN[provider][1].parse_id(text)
    assert caught.value.field == "id"


async def test_client_parse_id_uses_its_providers_rule(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator
) -> None:
    invoice = await anext(aiter(invoicekit_client.list()))
    assert invoicekit_client.parse_id(str(invoice.id)) == invoice.id
    assert (await invoicekit_client.get(invoicekit_client.parse_id(str(invoice.id)))).id == invoice.id
    sent = len(invoicekit_simulator.requests)
    with pytest.raises(InvalidRequestError):
        invoicekit_client.parse_id("../invoices")
    assert len(invoicekit_simulator.requests) == sent


# -- each rule is enforced as declared, before sending ------------------------------------------


@pytest.fixture
async def bare_client(invoicekit_config: dict[str, Any]) -> AsyncIterator[InvoiceClient]:
    """A client without the defaults the simulator's config fills in (default name, terms)."""
    config = {k: v for k, v in invoicekit_config.items() if k not in ("default_name", "default_terms")}
    async with invoicekit.connect(config) as client:
        yield client


def full_draft(contact: Contact, **overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "EUR", "contact": contact, "terms": "Net 30", "issue_date": date(2026, 11, 21),
        "due_date": date(2026, 12, 21), "lines": [LineItem(name="Consulting", quantity=2, unit_price=50)],
    }
    values.update(overrides)
    return InvoiceDraft(**values)


def without(draft: InvoiceDraft, field: str) -> InvoiceDraft:
    if field.startswith("contact."):
        assert draft.contact is not None
        return attrs.evolve(draft, contact=attrs.evolve(draft.contact, **{field.removeprefix("contact."): None}))
    return attrs.evolve(draft, **{field: None})


async def refused_unsent(client: InvoiceClient, simulator: Simulator, call: Any, field: str) -> None:
    sent = len(simulator.requests)
    with pytest.raises(InvalidRequestError) as caught:
        await call()
    assert caught.value.field == field
    assert len(simulator.requests) == sent


async def test_required_fields_are_required(
    invoicekit_client: InvoiceClient, bare_client: InvoiceClient, invoicekit_simulator: Simulator,
    invoicekit_contact: Contact,
) -> None:
    """Each required field missing alone, on a client without the settings' defaults too."""
    rules = invoicekit_client.rules
    draft = full_draft(invoicekit_contact)
    for field in rules.required_on_create:
        for client in (invoicekit_client, bare_client):
            await refused_unsent(
                client, invoicekit_simulator, lambda c=client, f=field: c.create(without(draft, f)), field
            )


async def test_page_size_limit(invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator) -> None:
    limit = invoicekit_client.rules.max_page_size
    if limit is None:  # no limit: a large page is asked for as it is
        assert [i async for i in invoicekit_client.list(page_size=5000)]
        return
    await refused_unsent(invoicekit_client, invoicekit_simulator,
                         lambda: anext(aiter(invoicekit_client.list(page_size=limit + 1))), "page_size")
    assert [i async for i in invoicekit_client.list(page_size=limit)]


async def test_taxes_per_line_limit(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact
) -> None:
    limit = invoicekit_client.rules.max_taxes_per_line
    if limit is None:  # then taxes are not counted, whatever else the provider needs of them
        return
    line = LineItem(name="Consulting", unit_price=50, tax_ids=tuple(range(1, limit + 2)))
    await refused_unsent(invoicekit_client, invoicekit_simulator,
                         lambda: invoicekit_client.create(full_draft(invoicekit_contact, lines=[line])),
                         "lines[0].tax_ids")


#: A value for each field some provider has no place for, and the field an error names.
SET_FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("lines[].discount", {"lines": [LineItem(name="Consulting", unit_price=50, discount=10)]}, "lines[0].discount"),
    ("exchange_rate", {"exchange_rate": Decimal("1.1")}, "exchange_rate"),
    ("purchase_order_number", {"purchase_order_number": "PO-7"}, "purchase_order_number"),
    ("name", {"name": "Website redesign"}, "name"),
    ("language", {"language": "de-DE"}, "language"),
    ("description", {"description": "November work"}, "description"),
]


@pytest.mark.parametrize(("path", "overrides", "field"), SET_FIELDS)
async def test_optional_fields_are_taken_or_refused_as_declared(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact,
    path: str, overrides: dict[str, Any], field: str,
) -> None:
    draft = full_draft(invoicekit_contact, **overrides)
    if invoicekit_client.rules.holds(path):
        created = await invoicekit_client.create(draft)
        assert created.id is not None
    else:
        await refused_unsent(invoicekit_client, invoicekit_simulator, lambda: invoicekit_client.create(draft), field)


def test_every_provider_declares_every_draft_field_in_the_same_order() -> None:
    """One README row per field, each provider saying what it does with it."""
    paths = [[rule.path for rule in rules.fields] for _title, rules in BUILT_IN.values()]
    assert all(p == paths[0] for p in paths)
    declared = {part.strip() for path in paths[0] for part in path.split(",")}
    draft_fields = {a.name for a in attrs.fields(InvoiceDraft)} - {"currency", "lines", "issue_date", "contact"}
    contact_fields = {f"contact.{a.name}" for a in attrs.fields(Contact)}
    line_fields = {f"lines[].{a.name}" for a in attrs.fields(LineItem)} - {
        "lines[].quantity", "lines[].unit_price", "lines[].raw"}
    assert draft_fields | contact_fields | line_fields <= declared


def test_each_setting_default_is_named_in_its_fields_row() -> None:
    for _title, rules in BUILT_IN.values():
        notes = {rule.path: rule.note for rule in rules.fields}
        for field, setting in rules.defaults:
            assert f"`{setting}`" in notes[field]


async def test_partial_payments_as_declared(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact
) -> None:
    allowed = invoicekit_client.rules.partial_payments
    assert (Capability.RECORD_PAYMENT in invoicekit_client.capabilities) is allowed
    created = await invoicekit_client.create(full_draft(invoicekit_contact))
    await invoicekit_client.send(created.id)
    payment = Payment(mode="cash", amount=Decimal("10.00"), currency="EUR")  # type: ignore[arg-type]
    if allowed:
        paid = await invoicekit_client.record_payment(created.id, payment)
        assert paid.amount_paid == Decimal("10.00")
    else:
        sent = len(invoicekit_simulator.requests)
        with pytest.raises(UnsupportedOperationError):
            await invoicekit_client.record_payment(created.id, payment)
        assert len(invoicekit_simulator.requests) == sent


async def test_an_exchange_rate_of_one_is_taken_everywhere_and_reads_back_as_one(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact
) -> None:
    """1 is "no conversion", which every provider means: GoHighLevel, which has no rate, takes it
    (and reads its invoices back with 1) instead of refusing it."""
    for rate in (Decimal(1), None):
        created = await invoicekit_client.create(full_draft(invoicekit_contact, exchange_rate=rate))
        read = await invoicekit_client.get(created.id)
        assert created.exchange_rate == read.exchange_rate == 1


def test_blank_text_in_changes_is_unset_for_the_field_rules_as_in_drafts() -> None:
    from invoicekit import InvoiceChanges

    rules = BUILT_IN["gohighlevel"][1]
    rules.check_fields(InvoiceChanges(purchase_order_number="  ", language=""))  # unset: nothing refused
    with pytest.raises(InvalidRequestError) as refused:
        rules.check_fields(InvoiceChanges(purchase_order_number="PO-7"))
    assert refused.value.field == "purchase_order_number"


@pytest.mark.parametrize("provider", sorted(BUILT_IN))
def test_holds_answers_for_draft_fields_and_refuses_other_names(provider: str) -> None:
    """``rules.holds("langauge")`` (a typo) answered True, as for any name that is no field."""
    _title, rules = BUILT_IN[provider]
    for path in ("currency", "lines", "issue_date", "contact", "lines[].quantity", "contact.address", "language"):
        assert isinstance(rules.holds(path), bool)
    for wrong in ("langauge", "lines.discount", "lines[].bogus", "contact.fax", ""):
        with pytest.raises(InvalidRequestError) as caught:
            rules.holds(wrong)
        assert caught.value.field == "path" and repr(wrong) in str(caught.value)
