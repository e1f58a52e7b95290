"""One service, two providers: the same code path runs against ONLYOFFICE and GoHighLevel,
switching only the config mapping: the customer is the same name and e-mail on both, resolved to the
provider's contact by ``contacts.ensure``.

Both providers are the in-process simulators from ``invoicekit.testing``, served over real HTTP
on 127.0.0.1, so this exercises connect(), the transports, auth and decoding end to end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import Contact, InvoiceChanges, InvoiceDraft, InvoiceStatus, LineItem
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

# --- the "service": provider-neutral code, as an application would write it ---------------------


async def monthly_billing(config: Mapping[str, Any], customer: Contact) -> dict[str, Any]:
    """Bill a customer for March: create, find it in the list, add a line, send, mark paid;
    a scratch draft is created and deleted on the way."""
    async with invoicekit.connect(config) as invoices:
        draft = InvoiceDraft(
            currency="USD",
            contact=await invoices.contacts.ensure(customer),
            lines=[LineItem(name="Retainer", description="Monthly retainer", quantity=Decimal(1),
                            unit_price=Decimal("1200.00"))],
            issue_date=date(2025, 3, 1),
            due_date=date(2025, 3, 31),
            terms="Payable within 30 days.",
        )
        created = await invoices.create(draft)
        listed = [i.id async for i in invoices.list(status=InvoiceStatus.DRAFT) if i.id == created.id]
        updated = await invoices.update(created.id, InvoiceChanges(lines=[
            *created.lines,
            LineItem(name="Extra hours", description="Extra hours", quantity=Decimal("2.5"),
                     unit_price=Decimal("80.00")),
        ]))
        sent = await invoices.send(created.id)
        paid = await invoices.mark_paid(created.id)
        scratch = await invoices.create(draft)
        deleted = await invoices.delete(scratch.id)
        return {
            "statuses": [created.status, sent.status, paid.status],
            "listed": listed == [created.id],
            "lines": [(line.quantity, line.unit_price) for line in updated.lines],
            "total": updated.total,
            "deleted": deleted.id == scratch.id and deleted.id != created.id,
        }


# --- the two configurations -----------------------------------------------------------------------

CUSTOMER = Contact(name="Jane Cooper", email="jane.cooper@example.com")


@asynccontextmanager
async def onlyoffice() -> AsyncIterator[tuple[dict[str, Any], Contact]]:
    sim = OnlyOfficeSimulator()
    async with sim.run() as url:
        config = {"provider": "onlyoffice", "base_url": url, "token": "onlyoffice-simulator-token",
                  "default_item_id": 1, "max_retries": 0}
        yield config, CUSTOMER


@asynccontextmanager
async def gohighlevel() -> AsyncIterator[tuple[dict[str, Any], Contact]]:
    sim = GoHighLevelSimulator()
    async with sim.run() as url:
        config = {"provider": "gohighlevel", "base_url": url, "location_id": "Jx9kP2mQ7rT4vW8yZ3aB",
                  "client_id": "sim-client-id-0001", "client_secret": "sim-client-secret",
                  "refresh_token": "ghl-simulator-refresh-token", "user_id": "Us3rK8dF5gH2jL9pZ4xC",
                  "business": {"name": "Acme Studio LLC"}, "default_name": "Monthly retainer", "max_retries": 0}
        yield config, CUSTOMER


@pytest.mark.parametrize("provider", [onlyoffice, gohighlevel], ids=["onlyoffice", "gohighlevel"])
async def test_the_same_service_runs_on_both_providers(provider: Any) -> None:
    async with provider() as (config, customer):
        result = await monthly_billing(config, customer)
    assert result == {
        "statuses": [InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAID],
        "listed": True,
        "lines": [(Decimal(1), Decimal("1200.00")), (Decimal("2.5"), Decimal("80.00"))],
        "total": Decimal("1400.00"),
        "deleted": True,
    }
