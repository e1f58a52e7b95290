"""Every amount and quantity a draft, changes or payment carries is checked against the
provider's declared maximum (``client.rules.max_amount``/``max_quantity``) before anything is
sent (#11: a unit price of 1e30 went to GoHighLevel, whose simulator crashed on it, and to
ONLYOFFICE whenever the line named its catalogue item)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses

import invoicekit
from invoicekit import Contact, InvalidRequestError, InvoiceChanges, InvoiceDraft, LineItem, Payment
from invoicekit.testing.registry import SimulatorVariant, simulators

CONFIGS: dict[str, dict[str, Any]] = {
    "onlyoffice": {"provider": "onlyoffice", "base_url": "https://portal.example.com", "token": "t",
                   "default_terms": "Net 30", "max_retries": 0},
    "gohighlevel": {"provider": "gohighlevel", "location_id": "ve9EPM428h8vShlRW1KT", "token": "pit-x",
                    "max_retries": 0},
}
IDS: dict[str, dict[str, Any]] = {
    "onlyoffice": {"contact": 118, "item": 7, "invoice": 42},
    "gohighlevel": {"contact": "AmuzcoPBpgKeccNsFlib", "item": "6578278e879ad2646715ba9c",
                    "invoice": "6578278e879ad2646715ba9d"},
}
OVERSIZED = [
    ({"unit_price": Decimal("1e30")}, "unit_price"),
    ({"unit_price": Decimal("1e999999")}, "unit_price"),
    ({"quantity": Decimal("1e12")}, "quantity"),
]


def _line(provider: str, **fields: Any) -> LineItem:
    values: dict[str, Any] = {"name": "Consulting", "item_id": IDS[provider]["item"], "quantity": Decimal(1),
                              "unit_price": Decimal("120.00")}
    return LineItem(**{**values, **fields})


def _draft(provider: str, lines: list[LineItem]) -> InvoiceDraft:
    return InvoiceDraft(
        currency="EUR", issue_date=date(2026, 11, 21), due_date=date(2026, 12, 21), lines=lines,
        contact=Contact(id=IDS[provider]["contact"], name="Jane Cooper", email="jane@example.com"),
    )


@pytest.mark.parametrize("provider", sorted(CONFIGS))
@pytest.mark.parametrize(("oversized", "name"), OVERSIZED)
async def test_an_oversized_line_is_refused_on_create_before_sending(
    provider: str, oversized: dict[str, Decimal], name: str
) -> None:
    lines = [_line(provider), _line(provider, **oversized)]
    with aioresponses() as wire:  # nothing registered: any request would fail differently
        async with invoicekit.connect(CONFIGS[provider]) as client:
            with pytest.raises(InvalidRequestError) as refused:
                await client.create(_draft(provider, lines))
        assert not wire.requests
    assert refused.value.field == f"lines[1].{name}"
    limit = client.rules.max_amount if name == "unit_price" else client.rules.max_quantity
    assert f"at most {limit:,}" in str(refused.value)


@pytest.mark.parametrize("provider", sorted(CONFIGS))
@pytest.mark.parametrize(("oversized", "name"), OVERSIZED)
async def test_an_oversized_line_is_refused_on_update_before_sending(
    provider: str, oversized: dict[str, Decimal], name: str
) -> None:
    with aioresponses() as wire:
        async with invoicekit.connect(CONFIGS[provider]) as client:
            with pytest.raises(InvalidRequestError) as refused:
                await client.update(IDS[provider]["invoice"], InvoiceChanges(lines=[_line(provider, **oversized)]))
        assert not wire.requests
    assert refused.value.field == f"lines[0].{name}"


async def test_an_oversized_payment_is_refused_before_sending() -> None:
    with aioresponses() as wire:
        async with invoicekit.connect(CONFIGS["gohighlevel"]) as client:
            with pytest.raises(InvalidRequestError) as refused:
                await client.record_payment(IDS["gohighlevel"]["invoice"], Payment(amount=Decimal("1e30")))
        assert not wire.requests
    assert refused.value.field == "amount"


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_the_largest_amount_and_quantity_are_kept_and_one_cent_more_is_refused(
    variant: SimulatorVariant,
) -> None:
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        most, many = client.rules.max_amount, client.rules.max_quantity
        assert most is not None and many is not None
        customer = await client.contacts.ensure(Contact(name="Jane Cooper", email="jane@example.com"))
        lines = [LineItem(name="Consulting", unit_price=most),
                 LineItem(name="Hours", quantity=many, unit_price=Decimal("0.01"))]
        draft = InvoiceDraft(currency="EUR", issue_date=date(2026, 11, 21), due_date=date(2026, 12, 21),
                             contact=customer, lines=lines)
        created = await client.create(draft)
        read = await client.get(created.id)
        assert read.lines is not None
        assert [(line.unit_price, line.quantity) for line in read.lines] == [(most, 1), (Decimal("0.01"), many)]
        for line in (LineItem(name="Consulting", unit_price=most + Decimal("0.01")),
                     LineItem(name="Hours", quantity=many + Decimal("0.01"))):
            with pytest.raises(InvalidRequestError):
                await client.update(created.id, InvoiceChanges(lines=[line]))
