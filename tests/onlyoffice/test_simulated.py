"""End to end against the ONLYOFFICE simulator: address ids, exact decimals and comma searches
survive the real exchange of requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest

import invoicekit
from invoicekit import Contact, InvoiceChanges, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.testing import OnlyOfficeSimulator


@pytest.fixture(params=["json", "xml"])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[tuple[OnlyOfficeSimulator, InvoiceClient]]:
    sim = OnlyOfficeSimulator(invoices=2)
    async with sim.run() as url:
        config = {"provider": "onlyoffice", "base_url": url, "token": sim.token, "default_item_id": 1,
                  "max_retries": 0, "response_format": request.param}
        async with invoicekit.connect(config) as client:
            yield sim, client


def _draft(description: str, **more: object) -> InvoiceDraft:
    values: dict[str, object] = {
        "currency": "USD", "contact": Contact(id=1), "issue_date": date(2024, 5, 1), "due_date": date(2024, 5, 31),
        "terms": "Net 30", "description": description, "lines": [LineItem(quantity=Decimal(1), unit_price=Decimal(5))],
    }
    values.update(more)
    return InvoiceDraft(**values)  # type: ignore[arg-type]


async def test_update_keeps_the_billing_and_delivery_addresses(
    served: tuple[OnlyOfficeSimulator, InvoiceClient],
) -> None:
    sim, client = served
    created = await client.create(_draft("addressed", extra={
        "billingAddressID": 101, "consigneeId": 2, "deliveryAddressID": 104}))
    stored = sim.invoice(int(created.id))
    assert (stored.billing_address_id, stored.delivery_address_id) == (101, 104)
    updated = await client.update(created.id, InvoiceChanges(description="addressed, revised"))
    stored = sim.invoice(int(updated.id))
    assert stored.description == "addressed, revised"
    assert (stored.billing_address_id, stored.delivery_address_id, stored.consignee_id) == (101, 104, 2)


async def test_update_sends_back_decimals_exactly(served: tuple[OnlyOfficeSimulator, InvoiceClient]) -> None:
    sim, client = served
    rate, price = Decimal("1.2345678901234567891"), Decimal("0.12345678901234567")
    created = await client.create(_draft("precise", exchange_rate=rate,
                                         lines=[LineItem(quantity=Decimal(2), unit_price=price)]))
    assert created.exchange_rate == rate and created.lines[0].unit_price == price
    updated = await client.update(created.id, InvoiceChanges(description="precise, revised"))
    stored = sim.invoice(int(updated.id))
    assert stored.exchange_rate == rate and stored.lines[0].price == price
    assert updated.exchange_rate == rate and updated.lines[0].unit_price == price


async def test_a_search_with_a_comma_is_not_cut_at_the_comma(
    served: tuple[OnlyOfficeSimulator, InvoiceClient],
) -> None:
    _, client = served
    wanted = await client.create(_draft("Acme, Inc retainer"))
    await client.create(_draft("Acme Corp retainer"))
    assert [i.id async for i in client.list(search="Acme, Inc")] == [wanted.id]
    assert len([i async for i in client.list(search="Acme")]) == 2


async def test_text_reaches_the_server_exactly(served: tuple[OnlyOfficeSimulator, InvoiceClient]) -> None:
    sim, client = served
    text = "line one\r\nline two\rthree\tfour & <five> \U0001f600"
    created = await client.create(_draft(text, terms=text))
    stored = sim.invoice(int(created.id))
    assert (stored.description, stored.terms) == (text, text)
