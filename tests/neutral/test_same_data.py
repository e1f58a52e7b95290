"""The same facts read back as the same data on every provider and answer format (#11): terms are
plain text (GoHighLevel's HTML stays in ``raw``), blank text is None, and an invoice's contact
carries its e-mail. Each test runs on ONLYOFFICE JSON, ONLYOFFICE XML and GoHighLevel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import Contact, InvoiceChanges, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator, Simulator

Served = tuple[Simulator, InvoiceClient, Contact]

#: Terms as a user writes them: several lines, a blank one, and the characters markup is made of.
TERMS = "Payable within 30 days.\nLate fees: 1% & more for amounts < 100.\n\n  Thank you!  "


@pytest.fixture(params=["onlyoffice-json", "onlyoffice-xml", "gohighlevel"])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[Served]:
    provider, _, response_format = str(request.param).partition("-")
    simulator: Simulator
    config: dict[str, Any]
    if provider == "onlyoffice":
        simulator = OnlyOfficeSimulator(invoices=0)
        contact = OnlyOfficeSimulator.contacts[0]
    else:
        simulator = GoHighLevelSimulator(invoices=0)
        contact = GoHighLevelSimulator.contacts[0]
    async with simulator.run():
        if provider == "onlyoffice":
            config = simulator.client_config(response_format=response_format, max_retries=0)
        else:
            config = simulator.client_config(max_retries=0)
        async with invoicekit.connect(config) as client:
            yield simulator, client, contact


def draft(customer: Contact, **overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "EUR", "contact": customer, "terms": TERMS,
        "lines": [LineItem(name="Consulting", quantity=Decimal(1), unit_price=Decimal("360"))],
        "issue_date": date(2026, 11, 21), "due_date": date(2026, 12, 21),
    }
    values.update(overrides)
    return InvoiceDraft(**values)


async def test_plain_text_terms_read_back_as_written(served: Served) -> None:
    _, client, customer = served
    created = await client.create(draft(customer))
    assert created.terms == TERMS
    assert (await client.get(created.id)).terms == TERMS
    assert [invoice.terms async for invoice in client.list()] == [TERMS]
    changed = "Net 60 & <no> discount.\nSecond line"
    updated = await client.update(created.id, InvoiceChanges(terms=changed))
    assert updated.terms == changed and (await client.get(created.id)).terms == changed


async def test_an_update_that_leaves_the_terms_keeps_them(served: Served) -> None:
    _, client, customer = served
    created = await client.create(draft(customer))
    updated = await client.update(created.id, InvoiceChanges(description="Second thoughts"))
    assert updated.terms == TERMS


async def test_blank_text_reads_as_none(served: Served) -> None:
    _, client, customer = served
    created = await client.create(draft(customer, lines=[
        LineItem(name="Consulting", description="   ", quantity=Decimal(1), unit_price=Decimal("360"))]))
    updated = await client.update(created.id, InvoiceChanges(description=" "))
    for invoice in (updated, await client.get(created.id)):
        assert invoice.description is None
        assert invoice.lines is not None and invoice.lines[0].description is None


async def test_the_invoice_contact_carries_its_email(served: Served) -> None:
    # ONLYOFFICE embeds the primary e-mail in the invoice's contact; GoHighLevel its contactDetails.
    _, client, customer = served
    assert customer.email is not None
    created = await client.create(draft(customer))
    read = [created, await client.get(created.id), *[invoice async for invoice in client.list()],
            *[invoice async for invoice in client.list(with_lines=True)]]
    assert [invoice.contact.email if invoice.contact else None for invoice in read] == [customer.email] * 4
    sent = await client.send(created.id)
    assert sent.contact is not None and sent.contact.email == customer.email
