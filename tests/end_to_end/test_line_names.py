"""A line's name and description read back as written on every provider and configuration
(ONLYOFFICE keeps the name as a catalogue item's title, GoHighLevel on the line)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import invoicekit
from invoicekit import InvoiceDraft, LineItem
from invoicekit.testing import SimulatorVariant, simulators

LINES = [
    LineItem(name="Consulting", description="March, on site", quantity=Decimal(3), unit_price=Decimal("120.00")),
    LineItem(name="Travel", quantity=Decimal(1), unit_price=Decimal("80.00")),
]


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_line_names_and_descriptions_read_back_as_written(variant: SimulatorVariant) -> None:
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        created = await client.create(InvoiceDraft(
            currency="USD", contact=variant.contact, lines=LINES, terms="Net 30",
            issue_date=date(2026, 11, 21), due_date=date(2026, 12, 21),
        ))
        read = await client.get(created.id)
    for invoice in (created, read):
        assert [(line.name, line.description) for line in invoice.lines] == [
            ("Consulting", "March, on site"), ("Travel", None),
        ]
