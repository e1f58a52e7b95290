"""Creates gathered at once, on every provider: each is stored, with a number of its own.

ONLYOFFICE numbers an invoice from the portal's "next number" (``crm/invoice/sample``), which is
not reserved: two creates of one client asking at once got the same number and one of them a
bare 400 ("Value does not fall within the expected range") that GoHighLevel never gives for the
same code. A client's own creates now take turns between asking and storing.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from invoicekit import Contact, InvoiceClient, InvoiceDraft, LineItem


async def test_gathered_creates_without_a_number_all_succeed(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact
) -> None:
    draft = InvoiceDraft(
        currency="EUR", contact=invoicekit_contact, issue_date=date(2026, 11, 2), due_date=date(2026, 12, 2),
        terms="Net 30", lines=[LineItem(name="Consulting", quantity=Decimal(1), unit_price=Decimal(100))],
    )
    async with asyncio.timeout(10):
        created = await asyncio.gather(*(invoicekit_client.create(draft) for _ in range(6)))
        views = invoicekit_client.with_options(timeout=10), invoicekit_client.with_options(max_retries=0)
        created += await asyncio.gather(*(view.create(draft) for view in views))  # views share the turns
        stored = {invoice.id: invoice async for invoice in invoicekit_client.list(page_size=50)}
    numbers = [invoice.number for invoice in created]
    assert len(set(numbers)) == len(numbers) == 8
    assert all(invoice.id in stored and stored[invoice.id].number == invoice.number for invoice in created)
