"""The same incomplete or blank draft gets the same answer on every provider, before anything is
sent: a missing due date is refused on both (ONLYOFFICE cannot store an invoice without one), and
blank text in a draft is the same as leaving the field out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses

import invoicekit
from invoicekit import Contact, InvalidRequestError, InvoiceDraft, LineItem
from invoicekit.testing.registry import SimulatorVariant, simulators

CONFIGS: dict[str, dict[str, Any]] = {
    "onlyoffice": {"provider": "onlyoffice", "base_url": "https://portal.example.com", "token": "t",
                   "default_terms": "Net 30"},
    "gohighlevel": {"provider": "gohighlevel", "location_id": "ve9EPM428h8vShlRW1KT", "token": "pit-x"},
}
CONTACT_IDS: dict[str, int | str] = {"onlyoffice": 118, "gohighlevel": "AmuzcoPBpgKeccNsFlib"}


def _draft(provider: str, **fields: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "EUR", "issue_date": date(2026, 11, 21), "due_date": date(2026, 12, 21),
        "contact": Contact(id=CONTACT_IDS[provider], name="Jane Cooper", email="jane@example.com"),
        "lines": [LineItem(name="Consulting", quantity=Decimal(3), unit_price=Decimal("120.00"))],
    }
    values.update(fields)
    return InvoiceDraft(**values)


@pytest.mark.parametrize("provider", sorted(CONFIGS))
@pytest.mark.parametrize("missing", ["due_date", "issue_date"])
async def test_a_draft_without_its_dates_is_refused_the_same_way_before_sending(provider: str, missing: str) -> None:
    with aioresponses() as wire:  # nothing registered: any request would fail differently
        async with invoicekit.connect(CONFIGS[provider]) as client:
            with pytest.raises(InvalidRequestError) as refused:
                await client.create(_draft(provider, **{missing: None}))
        assert not wire.requests
    assert refused.value.field == missing
    assert "required on every provider" in str(refused.value)


def test_blank_text_in_a_draft_is_left_out() -> None:
    draft = _draft("gohighlevel", terms="", description="  ", name="\n", purchase_order_number="", number=" ")
    assert (draft.terms, draft.description, draft.name, draft.purchase_order_number, draft.number) == (None,) * 5
    assert _draft("gohighlevel", terms=" Net 30 ").terms == " Net 30 "  # text is kept as written


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_blank_terms_read_back_as_the_provider_default_for_unset_terms(variant: SimulatorVariant) -> None:
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        customer = await client.contacts.ensure(Contact(name="Jane Cooper", email="jane@example.com"))
        made = [
            await client.create(_draft(variant.provider, contact=customer, **terms))
            for terms in ({"terms": ""}, {"terms": "   "}, {})
        ]
        read = {(await client.get(invoice.id)).terms for invoice in made}
    assert len(read) == 1
