"""The neutral rule of ``create``: the draft's contact carries the provider's id, or nothing is
sent, on every provider and configuration, and the error says how to get the id."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

import invoicekit
from invoicekit import Contact, InvalidRequestError, InvoiceDraft, LineItem
from invoicekit.testing import SimulatorVariant, simulators

DRAFT = InvoiceDraft(
    currency="USD", name="Consulting", terms="Payable within 30 days.",
    lines=[LineItem(name="Consulting", quantity=Decimal(3), unit_price=Decimal("120.00"))],
    issue_date=date(2026, 11, 21), due_date=date(2026, 12, 21),
)


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
@pytest.mark.parametrize(
    "contact", [Contact(name="Jane Cooper", email="jane.cooper@example.com"), None], ids=["no-id", "no-contact"]
)
async def test_a_contact_without_the_providers_id_is_refused_before_sending(
    variant: SimulatorVariant, contact: Contact | None
) -> None:
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        with pytest.raises(InvalidRequestError) as refused:
            await client.create(attrs.evolve(DRAFT, contact=contact))
        assert refused.value.field == "contact.id"
        assert "client.contacts.ensure" in str(refused.value)
        assert sim.requests == []  # nothing went out, not even a number lookup or a login


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_the_contact_resolved_by_ensure_is_accepted(variant: SimulatorVariant) -> None:
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        customer = await client.contacts.ensure(Contact(name="Jane Cooper", email="jane.cooper@example.com"))
        invoice = await client.create(attrs.evolve(DRAFT, contact=customer, name=None))
        assert invoice.contact is not None and invoice.contact.id == customer.id == variant.contact.id


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_create_refuses_what_is_not_a_draft(variant: SimulatorVariant) -> None:
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        with pytest.raises(InvalidRequestError, match="must be an InvoiceDraft") as refused:
            await client.create({"currency": "USD"})  # type: ignore[arg-type]
        assert refused.value.field == "draft" and sim.requests == []
