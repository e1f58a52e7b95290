"""The same service code against every simulator configuration (ONLYOFFICE JSON and XML,
GoHighLevel by token and by OAuth): contacts are ensured, read back by id and by e-mail, and
billed, with equal neutral fields everywhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import Contact, InvoiceClient, InvoiceDraft, LineItem, NotFoundError
from invoicekit.testing import SimulatorVariant, simulators


def neutral(contact: Contact | None) -> tuple[Any, ...] | None:
    """What must be equal on every provider (ids have the provider's own type)."""
    return None if contact is None else (contact.name, contact.email, contact.company_name)


async def billing_service(client: InvoiceClient) -> dict[str, Any]:
    """A small service: resolve the customer, bill them, read everything back."""
    customer = await client.contacts.ensure(Contact(name="Dana  Scully", email="Dana.Scully@example.org"))
    by_id = await client.contacts.get(customer.id)  # type: ignore[arg-type]
    by_email = await client.contacts.find_by_email("  dana.scully@EXAMPLE.org")
    again = await client.contacts.ensure(Contact(name="D. Scully", email="dana.scully@example.org"))
    seeded = await client.contacts.find_by_email("jane.cooper@example.com")
    invoice = await client.create(InvoiceDraft(
        currency="USD", contact=customer, issue_date=date(2026, 11, 2), due_date=date(2026, 12, 2),
        terms="Payable within 30 days.",
        lines=[LineItem(name="Consulting", quantity=Decimal(2), unit_price=Decimal("120.00"))],
    ))  # fmt: skip
    return {
        "customer": neutral(customer),
        "by_id": neutral(by_id),
        "by_email": neutral(by_email),
        "same_id": by_id.id == customer.id == again.id and by_email is not None and by_email.id == customer.id,
        "seeded": neutral(seeded),
        "nobody": await client.contacts.find_by_email("nobody@example.org"),
        "billed": invoice.contact is not None and invoice.contact.id == customer.id,
    }


EXPECTED = {
    "customer": ("Dana Scully", "Dana.Scully@example.org", None),
    "by_id": ("Dana Scully", "Dana.Scully@example.org", None),
    "by_email": ("Dana Scully", "Dana.Scully@example.org", None),
    "same_id": True,
    "seeded": ("Jane Cooper", "jane.cooper@example.com", None),
    "nobody": None,
    "billed": True,
}


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_the_same_service_resolves_contacts_alike_on_every_provider(variant: SimulatorVariant) -> None:
    simulator = variant.simulator(invoices=0)
    async with simulator.run(), invoicekit.connect(variant.client_config(simulator)) as client:
        assert await billing_service(client) == EXPECTED


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_the_simulators_contacts_are_there_with_their_emails(variant: SimulatorVariant) -> None:
    simulator = variant.simulator()
    async with simulator.run(), invoicekit.connect(variant.client_config(simulator)) as client:
        for known in variant.simulator_type.contacts:
            assert known.id is not None
            read = await client.contacts.get(known.id)
            assert (read.id, read.name, read.email) == (known.id, known.name, known.email)
            assert await client.contacts.find_by_email(known.email or "") == read


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_an_unknown_contact_is_not_found_everywhere(variant: SimulatorVariant) -> None:
    simulator = variant.simulator(invoices=0)
    missing = 9999 if variant.provider == "onlyoffice" else "Missing0000000000001"
    async with simulator.run(), invoicekit.connect(variant.client_config(simulator)) as client:
        with pytest.raises(NotFoundError):
            await client.contacts.get(missing)


def test_require_contact_id_names_contacts_ensure() -> None:
    from invoicekit import InvalidRequestError
    from invoicekit.contacts import require_contact_id

    require_contact_id(Contact(id=2))
    for contact, field in ((None, "contact.id"), (Contact(name="Jane", email="j@example.com"), "contact.id"),
                           ("Jane", "contact")):  # fmt: skip
        with pytest.raises(InvalidRequestError, match=r"contacts\.ensure|must be a Contact") as caught:
            require_contact_id(contact)
        assert caught.value.field == field
