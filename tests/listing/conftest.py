"""The three harnesses every listing behaviour runs on: ONLYOFFICE JSON, ONLYOFFICE XML and
GoHighLevel, each a simulator seeded with invoices and a client connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest

import invoicekit
from invoicekit import Contact, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

# The adapters' wire-level fixtures (aioresponses mocks, a client per ONLYOFFICE format).
from tests.gohighlevel.conftest import mocked  # noqa: F401
from tests.onlyoffice.conftest import client, fmt, mock  # noqa: F401

HARNESSES = ["onlyoffice-json", "onlyoffice-xml", "gohighlevel"]


@attrs.define
class Harness:
    name: str
    simulator: OnlyOfficeSimulator | GoHighLevelSimulator
    client: InvoiceClient
    contact: Contact

    def draft(self, issued: date, number: int) -> InvoiceDraft:
        return InvoiceDraft(
            currency="EUR", contact=self.contact, issue_date=issued, due_date=issued + timedelta(days=30),
            terms="Net 30",
            lines=[LineItem(name="Work", description=f"listing test {number}", quantity=Decimal(1),
                            unit_price=Decimal("10.00"))],
        )


@pytest.fixture(params=HARNESSES)
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """An empty account (no seeded invoices): each test creates what it lists."""
    name: str = request.param
    simulator: OnlyOfficeSimulator | GoHighLevelSimulator
    if name.startswith("onlyoffice"):
        simulator = OnlyOfficeSimulator(invoices=0)
        async with simulator.run():
            config = simulator.client_config(response_format=name.removeprefix("onlyoffice-"))
            async with invoicekit.connect(config) as client:
                yield Harness(name, simulator, client, OnlyOfficeSimulator.contacts[0])
    else:
        simulator = GoHighLevelSimulator(invoices=0)
        async with simulator.run(), invoicekit.connect(simulator.client_config()) as client:
            yield Harness(name, simulator, client, GoHighLevelSimulator.contacts[0])
