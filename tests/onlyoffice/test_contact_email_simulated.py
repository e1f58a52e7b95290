"""Contact e-mails on ONLYOFFICE invoices end to end, against the simulator's CRM contacts: each
contact read once per call however many invoices name it; a contact without e-mail reads as
``email=None``."""

from __future__ import annotations

import pytest

from invoicekit import InvoiceClient
from invoicekit.testing import OnlyOfficeSimulator
from invoicekit.testing.onlyoffice_sim.contacts import SEEDED_EMAILS

pytestmark = pytest.mark.invoicekit_onlyoffice(invoices=1000)


def contact_reads(sim: OnlyOfficeSimulator, since: int = 0) -> list[str]:
    return [r.path for r in sim.requests[since:] if r.method == "GET" and r.path.startswith("/api/2.0/crm/contact/")]


@pytest.mark.parametrize("response_format", ["json", "xml"])
async def test_a_listing_of_1000_invoices_reads_each_contact_once(
    onlyoffice_simulator: OnlyOfficeSimulator, response_format: str
) -> None:
    import invoicekit

    config = onlyoffice_simulator.client_config(response_format=response_format, max_retries=0)
    async with invoicekit.connect(config) as client:
        listed = [invoice async for invoice in client.list(page_size=250)]
    assert len(listed) == 1000
    contacts = {invoice.contact.id for invoice in listed if invoice.contact}
    assert len(contact_reads(onlyoffice_simulator)) == len(contacts) == 5
    for invoice in listed:
        assert invoice.contact is not None
        assert invoice.contact.email == SEEDED_EMAILS.get(int(invoice.contact.id or 0))  # Initech (4): None


async def test_a_contact_without_email_reads_as_none(
    onlyoffice_client: InvoiceClient, onlyoffice_simulator: OnlyOfficeSimulator
) -> None:
    initech = next(i for i in onlyoffice_simulator.store.invoices.values() if i.contact_id == 4)
    invoice = await onlyoffice_client.get(initech.id)
    assert invoice.contact is not None
    assert (invoice.contact.id, invoice.contact.name, invoice.contact.email) == (4, "Initech GmbH", None)


async def test_loading_lines_shares_the_listings_contact_reads(
    onlyoffice_client: InvoiceClient, onlyoffice_simulator: OnlyOfficeSimulator
) -> None:
    since = len(onlyoffice_simulator.requests)
    loaded = [invoice async for invoice in onlyoffice_client.list(with_lines=True, limit=40)]
    assert len(loaded) == 40 and all(invoice.lines for invoice in loaded)
    assert len(contact_reads(onlyoffice_simulator, since)) == 5
