"""list() end to end against both simulators, the same code on every harness: several
statuses and UNPAID, limit, one order, lines, and changing every listed invoice."""

from __future__ import annotations

from contextlib import aclosing
from datetime import date
from decimal import Decimal

import pytest

from invoicekit import UNPAID, Capability, InvalidRequestError, Invoice, InvoiceStatus, Payment, PaymentMode

from .conftest import Harness

ISSUED = [date(2026, 3, 5), date(2026, 1, 9), date(2026, 2, 1), date(2026, 1, 20), date(2026, 3, 1)]


async def create(harness: Harness, dates: list[date]) -> list[Invoice]:
    return [await harness.client.create(harness.draft(issued, n)) for n, issued in enumerate(dates)]


def list_requests(harness: Harness) -> list[dict[str, str]]:
    return [dict(r.params) for r in harness.simulator.requests
            if r.method == "GET" and r.path.rstrip("/").endswith(("/invoices", "/filter.json", "/filter.xml"))]


async def test_send_every_draft_while_iterating_a_snapshot_reaches_all_of_them(harness: Harness) -> None:
    drafts = await create(harness, [date(2026, 1, day) for day in range(1, 8)])
    sent = []
    async for invoice in harness.client.list(status="draft", page_size=2, snapshot=True):
        sent.append((await harness.client.send(invoice.id)).id)
    assert sorted(sent) == sorted(d.id for d in drafts)  # offset paging alone reaches about half
    assert [i async for i in harness.client.list(status="draft")] == []


async def test_delete_every_draft_while_iterating_a_snapshot(harness: Harness) -> None:
    await create(harness, [date(2026, 1, day) for day in range(1, 6)])
    async for invoice in harness.client.list(status=InvoiceStatus.DRAFT, page_size=2, snapshot=True):
        assert invoice.lines  # a snapshot yields invoices as get() reads them, lines included
        await harness.client.delete(invoice.id)
    assert [i async for i in harness.client.list()] == []


async def test_a_snapshot_skips_an_invoice_deleted_before_it_is_reached(harness: Harness) -> None:
    first, second, third = await create(harness, [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)])
    seen = []
    async for invoice in harness.client.list(snapshot=True, page_size=2):
        seen.append(invoice.id)
        if invoice.id == first.id:
            await harness.client.delete(second.id)
    assert seen == [first.id, third.id]


async def test_one_default_order_by_issue_date_and_the_reverse(harness: Harness) -> None:
    created = await create(harness, ISSUED)
    by_date = [i.id for i in sorted(created, key=lambda i: i.issue_date or date.min)]
    oldest_first = [i async for i in harness.client.list(page_size=2)]
    assert [i.id for i in oldest_first] == by_date
    newest_first = [i.id async for i in harness.client.list(page_size=2, order="-issue_date")]
    assert newest_first == by_date[::-1]


async def test_several_statuses_and_unpaid_merge_by_issue_date(harness: Harness) -> None:
    created = await create(harness, ISSUED)
    client = harness.client
    for invoice in created[:3]:
        await client.send(invoice.id)
    partly = created[0]
    if Capability.RECORD_PAYMENT in client.capabilities:  # GoHighLevel: a partial payment
        await client.record_payment(partly.id, Payment(mode=PaymentMode.CASH, amount=Decimal("4.00")))
    unpaid = [i async for i in client.list(status=UNPAID, page_size=1)]
    assert sorted(i.id for i in unpaid) == sorted(i.id for i in created[:3])
    assert [i.issue_date for i in unpaid] == sorted(i.issue_date for i in unpaid)  # type: ignore[type-var]
    assert {i.status for i in unpaid} <= UNPAID
    both = [i async for i in client.list(status=["draft", *UNPAID], order="-issue_date", page_size=1)]
    assert [i.issue_date for i in both] == sorted(ISSUED, reverse=True)
    (only,) = [i async for i in client.list(status={"draft"}, issued_from=date(2026, 1, 15),
                                            issued_to=date(2026, 1, 31))]
    assert only.id == created[3].id


async def test_limit_stops_early_and_asks_for_no_more_than_it_needs(harness: Harness) -> None:
    await create(harness, ISSUED)
    harness.simulator.requests.clear()
    first_two = [i async for i in harness.client.list(limit=2)]
    assert [i.issue_date for i in first_two] == sorted(ISSUED)[:2]
    (request,) = list_requests(harness)
    assert request.get("count", request.get("limit")) == "2"  # the page is no larger than the limit
    harness.simulator.requests.clear()
    assert len([i async for i in harness.client.list(limit=3, page_size=2)]) == 3
    assert len(list_requests(harness)) == 2
    assert [i async for i in harness.client.list(limit=0)] == []
    async with aclosing(harness.client.list(status=UNPAID | {InvoiceStatus.DRAFT}, limit=1)) as listing:
        assert [i.issue_date async for i in listing] == [min(ISSUED)]


async def test_lines_are_loaded_or_marked_not_loaded(harness: Harness) -> None:
    created = await create(harness, ISSUED[:3])
    listed = [i async for i in harness.client.list()]
    # Either the provider lists lines (GoHighLevel) or they are None, never an empty tuple.
    assert all(i.lines is None or len(i.lines) == 1 for i in listed)
    loaded = [i async for i in harness.client.list(with_lines=True, page_size=2)]
    assert [i.id for i in loaded] == [i.id for i in listed]
    for invoice in loaded:
        assert invoice.lines == (await harness.client.get(invoice.id)).lines
        assert invoice.lines is not None and invoice.lines[0].quantity == 1
    assert {i.id for i in loaded} == {i.id for i in created}


@pytest.mark.parametrize(("arguments", "field"), [
    ({"status": "bogus"}, "status"),
    ({"status": []}, "status"),
    ({"status": 7}, "status"),
    ({"order": "asc"}, "order"),
    ({"limit": -1}, "limit"),
    ({"limit": True}, "limit"),
    ({"with_lines": "yes"}, "with_lines"),
    ({"snapshot": 1}, "snapshot"),
])
async def test_bad_listing_arguments_are_refused_before_sending(
    harness: Harness, arguments: dict[str, object], field: str
) -> None:
    harness.simulator.requests.clear()
    with pytest.raises(InvalidRequestError) as info:
        harness.client.list(**arguments)  # type: ignore[arg-type]
    assert info.value.field == field
    assert not harness.simulator.requests


async def test_a_status_the_provider_lacks_is_refused_alone_and_dropped_from_a_collection(harness: Harness) -> None:
    await create(harness, ISSUED[:1])
    missing = InvoiceStatus.ARCHIVED if harness.name == "gohighlevel" else InvoiceStatus.PARTIALLY_PAID
    with pytest.raises(InvalidRequestError, match="has none of"):
        harness.client.list(status=missing)
    assert len([i async for i in harness.client.list(status=[missing, "draft"])]) == 1
