"""One fixture for the state tests: a fresh simulator per test and a client on it, for each of
the three configurations (ONLYOFFICE JSON, ONLYOFFICE XML, GoHighLevel), with the two things a
state test needs beyond the public API: a draft the provider accepts and a way to put an invoice
in any status directly in the simulator's store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

import invoicekit
from invoicekit import InvoiceClient, InvoiceDraft, InvoiceStatus, LineItem
from invoicekit.testing.gohighlevel_sim import GoHighLevelSimulator
from invoicekit.testing.onlyoffice_sim import OnlyOfficeSimulator

CONFIGURATIONS = ("onlyoffice-json", "onlyoffice-xml", "gohighlevel")
_ONLYOFFICE_WIRE = {"draft": 1, "sent": 2, "rejected": 3, "paid": 4, "archived": 5}


@attrs.define
class Case:
    name: str
    simulator: OnlyOfficeSimulator | GoHighLevelSimulator
    client: InvoiceClient
    draft: InvoiceDraft
    set_status: Callable[[Any, InvoiceStatus], None]

    def writes_since(self, mark: int) -> list[tuple[str, str]]:
        """The requests after ``mark`` that could change something (anything but a read)."""
        return [(r.method, r.path) for r in self.simulator.requests[mark:] if r.method != "GET"]

    def mark(self) -> int:
        return len(self.simulator.requests)

    async def invoice_in(self, status: InvoiceStatus) -> Any:
        created = await self.client.create(self.draft)
        self.set_status(created.id, status)
        return created.id


def _onlyoffice_status(sim: OnlyOfficeSimulator) -> Callable[[Any, InvoiceStatus], None]:
    def set_status(invoice_id: Any, status: InvoiceStatus) -> None:
        sim.store.invoices[invoice_id].status = _ONLYOFFICE_WIRE[status.value]

    return set_status


def _gohighlevel_status(sim: GoHighLevelSimulator) -> Callable[[Any, InvoiceStatus], None]:
    def set_status(invoice_id: Any, status: InvoiceStatus) -> None:
        invoice = sim.store.invoices[invoice_id]
        invoice.status = status.value
        # Amounts that fit the status: what a real invoice in it would show.
        paid = {"paid": invoice.total, "partially_paid": (invoice.total / 2).quantize(Decimal("0.01"))}
        invoice.amount_paid = paid.get(status.value, Decimal(0))

    return set_status


def _draft(provider: str, contact: invoicekit.Contact) -> InvoiceDraft:
    extra: dict[str, Any] = {"name": "State test"} if provider == "gohighlevel" else {}
    return InvoiceDraft(
        currency="EUR", contact=contact, issue_date=date(2026, 1, 5), due_date=date(2026, 2, 5),
        terms="Payable within 30 days.",
        lines=[LineItem(name="Consulting", quantity=Decimal(2), unit_price=Decimal("120.00"))], **extra,
    )


@pytest.fixture(params=CONFIGURATIONS)
async def case(request: pytest.FixtureRequest) -> AsyncIterator[Case]:
    name: str = request.param
    simulator: OnlyOfficeSimulator | GoHighLevelSimulator
    if name.startswith("onlyoffice"):
        simulator = OnlyOfficeSimulator(invoices=0)
        options: dict[str, Any] = {"response_format": name.rsplit("-", 1)[1]}
        set_status = _onlyoffice_status(simulator)
    else:
        simulator = GoHighLevelSimulator(invoices=0)
        options = {}
        set_status = _gohighlevel_status(simulator)
    async with simulator.run() as url, invoicekit.connect(
        simulator.client_config(url=url, max_retries=0, **options)
    ) as client:
        yield Case(name, simulator, client, _draft(client.provider, simulator.contacts[0]), set_status)
