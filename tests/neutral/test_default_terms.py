"""Terms a draft leaves out, and blank terms in an update, behave the same on every provider (#11).

A draft without terms gets the provider's default: setting ``default_terms``, else the
provider's own invoice terms (ONLYOFFICE: the portal's, ``GET crm/invoice/settings``;
GoHighLevel: the location's, ``GET /invoices/settings``). ``update(id, InvoiceChanges(terms=""))``
puts that default back: the invoice reads back as a fresh draft without terms does, on every
simulator configuration (ONLYOFFICE refuses blank terms, so "clear" cannot mean "none" anywhere).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import Contact, Invoice, InvoiceChanges, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.testing import GoHighLevelSimulator, SimulatorVariant, simulators

VARIANTS = [v for v in simulators() if v.name in ("onlyoffice-json", "onlyoffice-xml", "gohighlevel-token")]
SIMULATOR_TERMS = "Payment is due within 30 days of the invoice date."  # both simulators' default


def draft(contact: Contact, terms: str | None) -> InvoiceDraft:
    return InvoiceDraft(
        currency="EUR", contact=contact, terms=terms, issue_date=date(2026, 11, 21), due_date=date(2026, 12, 21),
        lines=[LineItem(name="Consulting", quantity=Decimal(3), unit_price=Decimal("120.00"))],
    )


def same_terms(invoice: Invoice) -> tuple[str | None, Any]:
    """The terms as read, and what the provider stores them as (markup and all)."""
    return invoice.terms, invoice.raw.get("terms", invoice.raw.get("termsNotes"))


async def fresh_and_reset(client: InvoiceClient, contact: Contact) -> tuple[Invoice, Invoice]:
    """(a fresh draft without terms, as read; an invoice with terms updated with terms="", as read)."""
    fresh = await client.get((await client.create(draft(contact, None))).id)
    other = await client.create(draft(contact, "Payable within 14 days."))
    assert other.terms == "Payable within 14 days."
    updated = await client.update(other.id, InvoiceChanges(terms=""))
    assert same_terms(updated) == same_terms(await client.get(other.id))
    return fresh, updated


@pytest.fixture(params=VARIANTS, ids=lambda v: v.name)
def variant(request: pytest.FixtureRequest) -> SimulatorVariant:
    return request.param  # type: ignore[no-any-return]


@pytest.mark.parametrize("default_terms", [None, "Net 14.\nBank transfer to Acme & Co."])
async def test_blank_terms_in_an_update_read_back_as_a_draft_without_terms(
    variant: SimulatorVariant, default_terms: str | None
) -> None:
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(
        variant.client_config(sim, url=url, default_terms=default_terms)
    ) as client:
        fresh, updated = await fresh_and_reset(client, variant.contact)
    assert same_terms(updated) == same_terms(fresh)
    assert updated.terms == (default_terms or SIMULATOR_TERMS)


@pytest.mark.parametrize("note", [None, "", "<p></p>"])
async def test_a_location_without_terms_gives_none_in_both_cases(note: str | None) -> None:
    """GoHighLevel takes an invoice without terms: blank or absent location terms mean none."""
    (variant,) = [v for v in VARIANTS if v.provider == "gohighlevel"]
    sim = variant.simulator(invoices=0, terms_note=note)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        fresh, updated = await fresh_and_reset(client, variant.contact)
    assert fresh.terms is None and updated.terms is None
    assert not sim.invoice(str(fresh.id)).terms_notes and not sim.invoice(str(updated.id)).terms_notes


async def test_the_location_terms_are_stored_as_the_location_has_them_and_read_once() -> None:
    note = "<p>Payment is due within <strong>14 days</strong>.</p>"
    sim = GoHighLevelSimulator(invoices=0, terms_note=note)
    contact = GoHighLevelSimulator.contacts[0]
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        created = await client.create(draft(contact, None))
        again = await client.with_options(timeout=5).create(draft(contact, None))
    assert sim.invoice(str(created.id)).terms_notes == sim.invoice(str(again.id)).terms_notes == note
    assert created.terms == "Payment is due within 14 days."
    assert [r.path for r in sim.requests].count("/invoices/settings") == 1
