"""Client-side validation mirrors the server's rules: InvalidRequestError naming the field, and
nothing sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses

from invoicekit import Contact, InvalidRequestError, InvoiceChanges, InvoiceDraft, LineItem
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import answer, make_settings


def draft(**overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "EUR", "number": "INV-0000050", "contact": Contact(id=118), "issue_date": date(2024, 3, 1),
        "due_date": date(2024, 3, 31), "terms": "Net 30",
        "lines": [LineItem(item_id=7, quantity=Decimal(1), unit_price=Decimal("10.00"))],
    }
    values.update(overrides)
    return InvoiceDraft(**values)


def line(**overrides: Any) -> LineItem:
    values: dict[str, Any] = {"item_id": 7, "quantity": Decimal(1), "unit_price": Decimal(10)}
    values.update(overrides)
    return LineItem(**values)


# Rules every provider shares (at least one line, quantity > 0, unit price >= 0, discount
# 0..100, exchange rate > 0) are the models' own, checked at construction: tests/neutral.
@pytest.mark.parametrize(("overrides", "field"), [
    # (blank terms or number are the same as none: tests/neutral/test_same_draft_refusals.py)
    ({"contact": None}, "contact.id"),
    ({"contact": Contact(name="Meridian")}, "contact.id"),
    ({"contact": Contact(id=0)}, "contact.id"),
    ({"contact": Contact(id="abc")}, "contact.id"),
    ({"issue_date": None}, "issue_date"),
    ({"due_date": None}, "due_date"),
    ({"name": "Consulting"}, "name"),
    ({"lines": [line(item_id=None)]}, "lines[0].item_id"),
    ({"lines": [line(), line(item_id=0)]}, "lines[1].item_id"),
    ({"lines": [line(item_id=-4)]}, "lines[0].item_id"),
    ({"lines": [line(tax_ids=(1, 2, 3))]}, "lines[0].tax_ids"),
    ({"lines": [line(tax_ids=(0,))]}, "lines[0].tax_ids"),
    ({"extra": {"invoiceLines": []}}, "extra.invoiceLines"),
])
async def test_create_validation(mock: aioresponses, overrides: dict[str, Any], field: str) -> None:
    async with OnlyOfficeClient(make_settings()) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.create(draft(**overrides))
    assert info.value.field == field
    assert not mock.requests


async def test_invalid_draft_without_number_asks_for_no_number_first(mock: aioresponses) -> None:
    async with OnlyOfficeClient(make_settings()) as client:
        with pytest.raises(InvalidRequestError):
            await client.create(draft(number=None, lines=[line(item_id=None)]))
    assert not mock.requests


async def test_discount_bounds_are_inclusive(mock: aioresponses) -> None:
    answer(mock, "POST", "crm/invoice", "invoice_created", "json", status=201)
    answer(mock, "POST", "crm/invoice", "invoice_created", "json", status=201)
    async with OnlyOfficeClient(make_settings()) as client:
        await client.create(draft(lines=[line(discount=Decimal(100))]))
        await client.create(draft(lines=[line(discount=Decimal(0), unit_price=Decimal(0))]))


@pytest.mark.parametrize(("changes", "field", "sent"), [
    # (blank terms put back the default terms: tests/neutral/test_onlyoffice_terms_wire.py)
    (InvoiceChanges(contact=Contact(id=-1)), "contact.id", 1),
    (InvoiceChanges(lines=[LineItem(unit_price=Decimal(1))]), "lines[0].item_id", 1),
    # a field the provider's rules refuse: refused by InvoiceClient.update, before the read
    (InvoiceChanges(name="Another name"), "name", 0),
])
async def test_update_validation_sends_no_put(
    mock: aioresponses, changes: InvoiceChanges, field: str, sent: int
) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", "json")
    async with OnlyOfficeClient(make_settings()) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.update(42, changes)
    assert info.value.field == field
    assert len(mock.requests) == sent  # the read at most, never the PUT


async def test_update_id_is_checked_before_the_read(mock: aioresponses) -> None:
    async with OnlyOfficeClient(make_settings()) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.update("42; DROP", InvoiceChanges(terms="x"))
    assert info.value.field == "invoice_id"
    assert not mock.requests
