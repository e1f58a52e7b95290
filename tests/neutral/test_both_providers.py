"""The same draft, the same refusals, the same data on both providers (#11).

Each bad value is refused with the same InvalidRequestError, naming the same field, on
ONLYOFFICE and on GoHighLevel, and the simulator receives nothing: before this, each was
accepted by one provider (and sent) and refused by the other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from invoicekit import (
    Contact,
    InvalidRequestError,
    InvoiceChanges,
    InvoiceClient,
    InvoiceDraft,
    LineItem,
    Payment,
)
from invoicekit.testing import Simulator


def draft_values(customer: Contact, /, **overrides: Any) -> dict[str, Any]:
    """A draft every provider takes: no provider-only field."""
    values: dict[str, Any] = {
        "currency": "EUR", "contact": customer, "terms": "Payable within 30 days.",
        "lines": [LineItem(name="Consulting", quantity=Decimal(1), unit_price=Decimal("360"))],
        "issue_date": date(2026, 11, 21), "due_date": date(2026, 12, 21),
    }
    values.update(overrides)
    return values


BAD_DRAFTS: list[tuple[dict[str, Any], str]] = [
    ({"lines": "abc"}, "lines"),
    ({"lines": [{"name": "Consulting", "quantity": 1, "unit_price": 360}]}, "lines[0]"),
    ({"contact": "Jane"}, "contact"),
    ({"issue_date": datetime(2026, 11, 21, 10, 0, tzinfo=UTC)}, "issue_date"),
    ({"lines": [LineItem(name="Consulting", quantity=0, unit_price=360)]}, "lines[0].quantity"),
    ({"lines": [LineItem(name="Consulting", quantity=1, unit_price=-360)]}, "lines[0].unit_price"),
    ({"due_date": date(2026, 11, 20)}, "due_date"),
    ({"currency": "XYZ"}, "currency"),
    ({"lines": []}, "lines"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_DRAFTS)
async def test_the_same_bad_draft_is_refused_the_same_way_and_nothing_is_sent(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact,
    overrides: dict[str, Any], field: str,
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await invoicekit_client.create(InvoiceDraft(**draft_values(invoicekit_contact, **overrides)))
    assert caught.value.field == field
    assert invoicekit_simulator.requests == []


async def test_the_good_draft_is_created_on_every_provider(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact
) -> None:
    """The control for the test above: only the bad value makes the difference."""
    invoice = await invoicekit_client.create(InvoiceDraft(**draft_values(invoicekit_contact)))
    assert invoice.total == Decimal(360)


@pytest.mark.parametrize(("changes", "field"), [
    ({"lines": "abc"}, "lines"),
    ({"contact": "Jane"}, "contact"),
    ({"due_date": datetime(2026, 12, 21, tzinfo=UTC)}, "due_date"),
    ({"lines": [LineItem(name="Consulting", quantity=0)]}, "lines[0].quantity"),
    ({"lines": [LineItem(name="Consulting", unit_price=-1)]}, "lines[0].unit_price"),
    ({"issue_date": date(2026, 12, 2), "due_date": date(2026, 12, 1)}, "due_date"),
    ({"currency": "XYZ"}, "currency"),
])
async def test_bad_changes_are_refused_before_the_update_sends_anything(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact,
    changes: dict[str, Any], field: str,
) -> None:
    invoice = await invoicekit_client.create(InvoiceDraft(**draft_values(invoicekit_contact)))
    sent = len(invoicekit_simulator.requests)
    with pytest.raises(InvalidRequestError) as caught:
        await invoicekit_client.update(invoice.id, InvoiceChanges(**changes))
    assert caught.value.field == field
    assert len(invoicekit_simulator.requests) == sent


@pytest.mark.parametrize(("payment", "field"), [
    ({"amount": Decimal("0.001"), "currency": "EUR"}, "amount"),
    ({"mode": "bitcoin"}, "mode"),
    ({"amount": Decimal(0)}, "amount"),
])
async def test_a_payment_below_the_smallest_unit_is_refused_before_sending(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, invoicekit_contact: Contact,
    payment: dict[str, Any], field: str,
) -> None:
    invoice = await invoicekit_client.create(InvoiceDraft(**draft_values(invoicekit_contact)))
    sent = len(invoicekit_simulator.requests)
    with pytest.raises(InvalidRequestError) as caught:
        await invoicekit_client.record_payment(invoice.id, Payment(**payment))
    assert caught.value.field == field
    assert len(invoicekit_simulator.requests) == sent


async def test_360_and_360_00_come_back_as_the_same_amount(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact
) -> None:
    """The same fact reads the same: the currency's minor units, whatever the wire wrote."""
    created = await invoicekit_client.create(InvoiceDraft(**draft_values(invoicekit_contact)))
    read = await invoicekit_client.get(created.id)
    for invoice in (created, read):
        assert str(invoice.total) == "360.00"
        assert str(invoice.lines[0].unit_price) == "360.00"
        assert invoice.amount_due is not None and str(invoice.amount_due) == "360.00"
    listed = [i async for i in invoicekit_client.list() if i.id == created.id]
    assert [str(i.total) for i in listed] == ["360.00"]


@pytest.mark.invoicekit_onlyoffice(response_format="xml")
async def test_onlyoffice_xml_reads_the_same_canonical_amounts(
    onlyoffice_client: InvoiceClient, onlyoffice_contact: Contact
) -> None:
    created = await onlyoffice_client.create(InvoiceDraft(**draft_values(onlyoffice_contact)))
    read = await onlyoffice_client.get(created.id)
    assert str(read.total) == "360.00"
    assert str(read.lines[0].unit_price) == "360.00"
