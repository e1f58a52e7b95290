"""A ``with_options`` view's options bound every request of its calls, the ones that go through
what it shares with its client too: ONLYOFFICE's catalogue lookups (line names) and portal
settings, GoHighLevel's location settings (default terms). Before, those went out with the
client's own options: ``client.with_options(timeout=0.3, max_retries=0).get(7)`` could wait the
client's 30 s (and its retries) on a lookup, far past the budget the caller had set.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from invoicekit import Contact, InvoiceClient, InvoiceDraft, LineItem, TransportError
from invoicekit.testing import Simulator

#: What each provider's create reads through what a client shares with its views, in order.
SHARED_READS = {
    "onlyoffice": ["/api/2.0/crm/invoice/settings.*", "/api/2.0/crm/invoiceitem/*"],
    "gohighlevel": ["/invoices/settings"],
}

pytestmark = [
    # The client itself would wait (timeout 30 s); only the view's budget can cut the wait short.
    pytest.mark.invoicekit_onlyoffice(config={"timeout": 30, "max_retries": 0}, invoices=1),
    pytest.mark.invoicekit_gohighlevel(config={"timeout": 30, "max_retries": 0}, invoices=1),
]


async def test_a_shared_lookup_goes_out_with_the_views_timeout(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact
) -> None:
    draft = InvoiceDraft(
        currency="EUR", contact=invoicekit_contact, issue_date=date(2026, 11, 2), due_date=date(2026, 12, 2),
        lines=[LineItem(name="A new item", quantity=Decimal(1), unit_price=Decimal(10))],
    )
    for path in SHARED_READS[invoicekit_client.provider]:
        view = invoicekit_client.with_options(timeout=0.3, max_retries=0)
        invoicekit_simulator.faults.delay(1.5, times=1, path=path)
        async with asyncio.timeout(1.2):  # with the client's options this would still be waiting
            with pytest.raises(TransportError) as caught:
                await view.create(draft)
        assert caught.value.timeout, path
        assert "0.3s" in str(caught.value)
        assert invoicekit_simulator.requests[-1].path.startswith(path.rstrip("*.")), path
