"""Every operation of the GoHighLevel client over the wire: method, URL, query, headers, body,
and the typed result."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from aioresponses import aioresponses

from invoicekit import (
    BatchError,
    Capability,
    Contact,
    InvalidRequestError,
    InvalidStateError,
    Invoice,
    InvoiceChanges,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    NotFoundError,
    Payment,
    PaymentMode,
    RateLimitInfo,
)

from .conftest import (
    INVOICE_ID,
    LOCATION,
    alt,
    assert_headers,
    calls,
    listed,
    load,
    make_client,
    mock_read,
    sent_json,
    url,
)


def draft(**overrides: object) -> InvoiceDraft:
    values: dict[str, object] = dict(
        currency="USD",
        name="Website redesign - March",
        contact=Contact(id="AmuzcoPBpgKeccNsFlib", name="Alex Morgan", email="alex.morgan@example.com",
                        phone="+1-555-010-2030"),
        lines=[LineItem(name="Design sprint", description="Two-week UX design sprint", quantity=Decimal(2),
                        unit_price=Decimal("1250.50"), item_id="65d0f00d0000000000000101")],
        issue_date=date(2024, 3, 1),
        due_date=date(2024, 3, 31),
        terms="Payment due within 30 days.",
    )
    values.update(overrides)
    return InvoiceDraft(**values)  # type: ignore[arg-type]


async def test_capabilities_are_complete() -> None:
    async with make_client() as client:
        assert client.capabilities == frozenset(Capability)
        assert client.provider == "gohighlevel"


async def test_get_sends_alt_in_query_and_decodes(mocked: aioresponses) -> None:
    mocked.get(url(f"invoices/{INVOICE_ID}", alt()), payload=load("invoice_draft.json"),
               headers={"X-RateLimit-Remaining": "97", "X-RateLimit-Max": "100",
                        "X-RateLimit-Interval-Milliseconds": "10000", "X-RateLimit-Daily-Remaining": "199990",
                        "X-RateLimit-Limit-Daily": "200000"})
    async with make_client() as client:
        assert client.rate_limit is None
        invoice = await client.get(INVOICE_ID)
        assert client.rate_limit == RateLimitInfo(
            remaining=97, limit=100, interval_ms=10000, daily_remaining=199990, daily_limit=200000
        )
    (call,) = calls(mocked, "GET", f"invoices/{INVOICE_ID}", alt())
    assert_headers(call)
    assert call.kwargs.get("data") is None
    assert invoice.id == INVOICE_ID
    assert invoice.provider == "gohighlevel"
    assert invoice.status is InvoiceStatus.DRAFT
    assert invoice.number == "1042"
    assert invoice.currency == "USD"
    assert invoice.issue_date == date(2024, 3, 1)
    assert invoice.due_date == date(2024, 3, 31)
    assert invoice.total == Decimal("2907.34")
    assert invoice.amount_due == Decimal("2907.34")
    assert invoice.amount_paid == Decimal(0)
    # termsNotes is HTML: terms is its text, the markup stays in raw.
    assert invoice.terms == "Payment due within 30 days. Thank you for your business."
    assert invoice.raw["termsNotes"].startswith("<p>Payment due")
    assert invoice.created_at == datetime(2024, 3, 1, 9, 27, 42, 355000, tzinfo=UTC)
    assert invoice.contact is not None
    assert invoice.contact.id == "AmuzcoPBpgKeccNsFlib"
    assert invoice.contact.phone == "+1-555-010-2030"
    assert invoice.contact.company_name == "Morgan & Co"
    assert invoice.contact.address is not None and invoice.contact.address.city == "Austin"
    first, second = invoice.lines
    assert first.name == "Design sprint"
    assert first.quantity == Decimal(2)
    assert first.unit_price == Decimal("1250.50")
    assert first.item_id == "65d0f00d0000000000000101"
    assert first.tax_ids == ("65a1c0ffee0000000000aa01",)
    assert first.raw["priceId"] == "65d0f00d0000000000000201"
    assert second.tax_ids == ()
    assert invoice.raw["totalSummary"]["tax"] == Decimal("206.34")


async def test_get_percent_encodes_nothing_but_refuses_bad_ids(mocked: aioresponses) -> None:
    async with make_client() as client:
        for bad in ["", " ", "a/b", "a?b", "a#b", "a b", "a\tb", 7, None]:
            with pytest.raises(InvalidRequestError) as info:
                await client.get(bad)  # type: ignore[arg-type]
            assert info.value.field == "invoice_id"
    assert not mocked.requests


async def test_list_pages_until_total_with_every_filter(mocked: aioresponses) -> None:
    filters = dict(status="sent", startAt="2024-01-01", endAt="2024-03-31", contactId="AmuzcoPBpgKeccNsFlib",
                   search="Retainer", paymentMode="live", sortField="issueDate", sortOrder="descend")
    page1 = alt(limit="3", offset="0", **filters)
    page2 = alt(limit="3", offset="3", **filters)
    mocked.get(url("invoices/", page1), payload=load("list_page1.json"))
    mocked.get(url("invoices/", page2), payload=load("list_page2.json"))
    async with make_client() as client:
        found = [
            invoice async for invoice in client.list(
                status=InvoiceStatus.SENT, issued_from=date(2024, 1, 1), issued_to=date(2024, 3, 31),
                contact_id="AmuzcoPBpgKeccNsFlib", search="Retainer", page_size=3,
                provider_filters={"payment_mode": "live"}, order="-issue_date",
            )
        ]
    assert len(calls(mocked, "GET", "invoices/", page1)) == 1
    (call,) = calls(mocked, "GET", "invoices/", page2)
    assert_headers(call)
    assert [i.number for i in found] == ["1000", "1001", "1002", "1003", "1004"]
    assert [i.status for i in found] == [
        InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAYMENT_PROCESSING,
        InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID,
    ]
    # a webhook-style string business address does not break decoding; raw keeps it
    assert found[3].raw["businessDetails"]["address"] == "9931 Beechwood, Houston TX"


async def test_list_stops_on_an_empty_page_and_filters_due_dates_client_side(mocked: aioresponses) -> None:
    mocked.get(url("invoices/", listed("0")), payload=load("list_page1.json"))
    mocked.get(url("invoices/", listed("3")), payload={"invoices": [], "total": 5})
    async with make_client() as client:
        found = [i async for i in client.list(due_from=date(2024, 3, 2), due_to=date(2024, 3, 2))]
    assert [i.due_date for i in found] == [date(2024, 3, 2)]


async def test_list_currency_filter_is_client_side(mocked: aioresponses) -> None:
    mocked.get(url("invoices/", listed("0")), payload={**load("list_page2.json"), "total": 2})
    async with make_client() as client:
        found = [i async for i in client.list(currency="eur")]
    assert [i.currency for i in found] == ["EUR"]


async def test_list_validates_before_iterating(mocked: aioresponses) -> None:
    async with make_client() as client:
        with pytest.raises(InvalidRequestError, match="page_size"):
            client.list(page_size=0)
        with pytest.raises(InvalidRequestError, match="payment_mode"):
            client.list(provider_filters={"payment_mode": "sandbox"})
        with pytest.raises(InvalidRequestError, match="order"):
            client.list(order="asc")
        with pytest.raises(InvalidRequestError, match="issued_to"):
            client.list(issued_from=date(2024, 2, 1), issued_to=date(2024, 1, 1))
        with pytest.raises(InvalidRequestError, match="contact_id"):
            client.list(contact_id="a/b")
        # The currency filter is applied here, not by GHL: a code that can match nothing (or
        # is no text at all, which raised AttributeError) is refused as on ONLYOFFICE.
        for currency in ("EURO", "", 5):
            with pytest.raises(InvalidRequestError, match="currency: must be a three-letter currency code"):
                client.list(currency=currency)  # type: ignore[arg-type]
        with pytest.raises(InvalidRequestError, match="search: must be text"):
            client.list(search=5)  # type: ignore[arg-type]
    assert not mocked.requests


async def test_create_builds_the_create_dto(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload=load("invoice_draft.json"))
    async with make_client() as client:
        invoice = await client.create(draft(number="1042", extra={"title": "INVOICE"}))
    (call,) = calls(mocked, "POST", "invoices/")
    assert_headers(call)
    assert call.kwargs["headers"]["Content-Type"] == "application/json"
    assert call.kwargs.get("params") is None  # and ``calls`` found it under the URL without a query
    assert sent_json(call) == {
        "altId": LOCATION,
        "altType": "location",
        "name": "Website redesign - March",
        "currency": "USD",
        "issueDate": "2024-03-01",
        "dueDate": "2024-03-31",
        "invoiceNumber": "1042",
        "termsNotes": "<p>Payment due within 30 days.</p>",
        "title": "INVOICE",
        "businessDetails": {
            "name": "Acme Studio LLC", "phoneNo": "+1-214-559-6993", "website": "www.acme-studio.example",
            "logoUrl": "https://assets.example.com/acme/logo.png",
            "address": {"addressLine1": "9931 Beechwood", "city": "Houston", "state": "TX",
                        "postalCode": "77001", "countryCode": "US"},
        },
        "contactDetails": {"id": "AmuzcoPBpgKeccNsFlib", "name": "Alex Morgan",
                           "email": "alex.morgan@example.com", "phoneNo": "+1-555-010-2030"},
        "sentTo": {"email": ["alex.morgan@example.com"], "phoneNo": ["+1-555-010-2030"]},
        "items": [{"name": "Design sprint", "description": "Two-week UX design sprint", "currency": "USD",
                   "amount": 1250.5, "qty": 2, "productId": "65d0f00d0000000000000101"}],
        "discount": {"type": "percentage", "value": 0},
        "liveMode": False,
    }
    assert invoice.id == INVOICE_ID


async def test_create_extra_overrides_and_live_mode(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload={**load("invoice_draft.json"), "_id": None, "id": "65f0000000000000000000ff"})
    async with make_client(live_mode=True) as client:
        invoice = await client.create(draft(extra={"discount": {"type": "fixed", "value": 10}}))
    body = sent_json(calls(mocked, "POST", "invoices/")[0])
    assert body["discount"] == {"type": "fixed", "value": 10}
    assert body["liveMode"] is True
    assert invoice.id == "65f0000000000000000000ff"  # "id" accepted when "_id" is missing


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact": None}, "contact.id"),
        ({"contact": Contact(name="Alex", email="a@example.com")}, "contact.id"),
        ({"contact": Contact(id="AmuzcoPBpgKeccNsFlib", name="Alex")}, "contact.email"),
        ({"contact": Contact(id="AmuzcoPBpgKeccNsFlib", email="a@example.com")}, "contact.name"),
        ({"contact": Contact(id=5, name="A", email="a@example.com")}, "contact.id"),
        ({"lines": []}, "lines"),
        ({"lines": [LineItem(unit_price=Decimal(1))]}, "lines[0].name"),
        ({"lines": [LineItem(name="x", discount=Decimal(5))]}, "lines[0].discount"),
        ({"lines": [LineItem(name="x", quantity=Decimal(0))]}, "lines[0].quantity"),
        ({"lines": [LineItem(name="x", tax_ids=("t1",))]}, "lines[0].tax_ids[0]"),
        ({"lines": [LineItem(name="x", item_id=12)]}, "lines[0].item_id"),
        ({"issue_date": None}, "issue_date"),
        ({"due_date": date(2024, 2, 1)}, "due_date"),
        ({"purchase_order_number": "PO-1"}, "purchase_order_number"),
        ({"exchange_rate": Decimal("1.1")}, "exchange_rate"),
        ({"language": "de"}, "language"),
    ],
)
async def test_create_checks_required_fields_before_sending(
    mocked: aioresponses, overrides: dict[str, object], field: str
) -> None:
    async with make_client() as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.create(draft(**overrides))
    assert info.value.field == field
    assert not mocked.requests


async def test_create_takes_the_default_name_from_settings(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload=load("invoice_draft.json"))
    async with make_client(default_name="Services") as client:
        await client.create(draft(name=None))
    assert sent_json(calls(mocked, "POST", "invoices/")[0])["name"] == "Services"


async def test_update_reads_then_puts_the_full_body(mocked: aioresponses) -> None:
    current = load("invoice_draft.json")
    updated = {**current, "name": "Website redesign - April", "dueDate": "2024-04-30"}
    mocked.get(url(f"invoices/{INVOICE_ID}", alt()), payload=current)
    mocked.put(url(f"invoices/{INVOICE_ID}"), payload=updated)
    async with make_client() as client:
        invoice = await client.update(
            INVOICE_ID, InvoiceChanges(name="Website redesign - April", due_date=date(2024, 4, 30), extra={"x": 1})
        )
    (call,) = calls(mocked, "PUT", f"invoices/{INVOICE_ID}")
    assert_headers(call)
    assert call.kwargs.get("params") is None  # and ``calls`` found it under the URL without a query
    body = sent_json(call)
    assert body["altId"] == LOCATION and body["altType"] == "location"
    assert body["name"] == "Website redesign - April"
    assert body["dueDate"] == "2024-04-30"
    assert body["issueDate"] == "2024-03-01"
    assert body["currency"] == "USD"
    assert body["invoiceNumber"] == "1042"
    assert body["termsNotes"] == current["termsNotes"]
    assert body["contactId"] == "AmuzcoPBpgKeccNsFlib"
    assert body["contactDetails"]["email"] == "alex.morgan@example.com"
    assert body["businessDetails"] == current["businessDetails"]
    assert body["discount"] == {"type": "percentage", "value": 0}
    assert body["title"] == "INVOICE" and body["invoiceNumberPrefix"] == "INV-"
    assert body["x"] == 1
    assert "items" not in body
    first, second = body["invoiceItems"]
    # the round trip keeps what the neutral line lacks: priceId, whole tax records, price type
    assert first == {
        "priceId": "65d0f00d0000000000000201", "type": "one_time", "taxInclusive": False,
        "name": "Design sprint", "currency": "USD", "amount": 1250.5, "qty": 2,
        "description": "Two-week UX design sprint", "productId": "65d0f00d0000000000000101",
        "taxes": [current["invoiceItems"][0]["taxes"][0]],
    }
    assert second["name"] == "Hosting (1 year)" and second["amount"] == 199.99
    assert invoice.name == "Website redesign - April"


async def test_update_replaces_lines_and_contact(mocked: aioresponses) -> None:
    current = load("invoice_draft.json")
    mocked.get(url(f"invoices/{INVOICE_ID}", alt()), payload=current)
    mocked.put(url(f"invoices/{INVOICE_ID}"), payload=current)
    mocked.get(url("invoices/settings", alt()), payload={})  # a location without default terms
    async with make_client() as client:
        await client.update(INVOICE_ID, InvoiceChanges(
            currency="EUR",
            lines=[LineItem(name="Audit", quantity=Decimal(1), unit_price=Decimal("300"))],
            contact=Contact(id="NewContact0000000001", name="Sam Lee", email="sam@example.com"),
            terms="",
        ))
    body = sent_json(calls(mocked, "PUT", f"invoices/{INVOICE_ID}")[0])
    assert body["invoiceItems"] == [{"name": "Audit", "currency": "EUR", "amount": 300, "qty": 1}]
    assert body["currency"] == "EUR"
    assert body["contactId"] == "NewContact0000000001"
    assert body["contactDetails"] == {"id": "NewContact0000000001", "name": "Sam Lee", "email": "sam@example.com",
                                      "phoneNo": ""}
    assert body["termsNotes"] == ""


async def test_update_needs_a_due_date(mocked: aioresponses) -> None:
    current = {**load("invoice_draft.json"), "dueDate": None}
    mocked.get(url(f"invoices/{INVOICE_ID}", alt()), payload=current)
    async with make_client() as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.update(INVOICE_ID, InvoiceChanges(name="x"))
    assert info.value.field == "due_date"
    assert not calls(mocked, "PUT", f"invoices/{INVOICE_ID}")


async def test_delete_uses_the_query(mocked: aioresponses) -> None:
    mocked.delete(url(f"invoices/{INVOICE_ID}", alt()), payload=load("invoice_draft.json"))
    async with make_client() as client:
        invoice = await client.delete(INVOICE_ID)
    (call,) = calls(mocked, "DELETE", f"invoices/{INVOICE_ID}", alt())
    assert_headers(call)
    assert call.kwargs.get("data") is None
    assert invoice.id == INVOICE_ID


async def test_delete_many_reports_every_failure(mocked: aioresponses) -> None:
    errors = load("errors.json")
    ids = [f"6578278e879ad2646715c{i:03x}" for i in range(12)]
    for i, invoice_id in enumerate(ids):
        if i in (3, 7):
            mocked.delete(url(f"invoices/{invoice_id}", alt()), status=400, payload=errors["delete_not_draft"])
        elif i == 9:
            mocked.delete(url(f"invoices/{invoice_id}", alt()), status=400, payload=errors["not_found"])
        else:
            answer = {**load("invoice_draft.json"), "_id": invoice_id}
            mocked.delete(url(f"invoices/{invoice_id}", alt()), payload=answer)
    async with make_client() as client:
        with pytest.raises(BatchError) as info:
            await client.delete_many(ids)
    error = info.value
    assert [i.id for i in error.succeeded] == [x for n, x in enumerate(ids) if n not in (3, 7, 9)]
    assert set(error.failures) == {ids[3], ids[7], ids[9]}
    assert isinstance(error.failures[ids[3]], InvalidStateError)
    assert isinstance(error.failures[ids[9]], NotFoundError)
    assert sum(len(v) for v in mocked.requests.values()) == 12


async def test_delete_many_all_ok_in_input_order_and_bounded(mocked: aioresponses) -> None:
    import asyncio

    ids = [f"6578278e879ad2646715d{i:03x}" for i in range(20)]
    in_flight = 0
    peak = 0

    async def slow(url_: object, **kwargs: object) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1

    for invoice_id in ids:
        mocked.delete(url(f"invoices/{invoice_id}", alt()), payload={**load("invoice_draft.json"), "_id": invoice_id},
                      callback=slow)
    async with make_client() as client:
        deleted = await client.delete_many(iter(ids))
    assert [i.id for i in deleted] == ids
    assert 1 < peak <= client.delete_concurrency


async def test_delete_many_checks_ids_first(mocked: aioresponses) -> None:
    async with make_client() as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.delete_many(["a", "b/c"])
        assert info.value.field == "invoice_ids[1]"
        with pytest.raises(InvalidRequestError, match="twice"):
            await client.delete_many(["a", "a"])
        with pytest.raises(InvalidRequestError) as info:
            await client.delete_many("6578278e879ad2646715ba9c")  # a lone id, not a batch of characters
        assert info.value.field == "invoice_ids"
        assert await client.delete_many([]) == []
    assert not mocked.requests


async def test_send_defaults_and_overrides(mocked: aioresponses) -> None:
    mock_read(mocked, "draft")
    mocked.post(url(f"invoices/{INVOICE_ID}/send"), payload=load("send_response.json"), repeat=True)
    async with make_client() as client:
        first = await client.send(INVOICE_ID)
        await client.send(INVOICE_ID, user_id="OtherUser00000000001", action="sms_and_email",
                          from_name="Acme Billing", from_email="billing@acme-studio.example")
    one, two = calls(mocked, "POST", f"invoices/{INVOICE_ID}/send")
    assert_headers(one)
    assert sent_json(one) == {"altId": LOCATION, "altType": "location", "userId": "UOb9Ey6WuWmKW5oGbZQY",
                              "action": "email", "liveMode": False}
    assert sent_json(two) == {"altId": LOCATION, "altType": "location", "userId": "OtherUser00000000001",
                              "action": "sms_and_email", "liveMode": False,
                              "sentFrom": {"fromName": "Acme Billing", "fromEmail": "billing@acme-studio.example"}}
    assert first.status is InvoiceStatus.SENT


async def test_send_needs_a_user_and_a_known_action(mocked: aioresponses) -> None:
    async with make_client(user_id=None) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.send(INVOICE_ID)
        assert info.value.field == "user_id"
        with pytest.raises(InvalidRequestError) as info:
            await client.send(INVOICE_ID, user_id="u1", action="fax")
        assert info.value.field == "action"
    assert not mocked.requests


async def test_void(mocked: aioresponses) -> None:
    mock_read(mocked, "sent")
    mocked.post(url(f"invoices/{INVOICE_ID}/void"), payload=load("void_response.json"))
    async with make_client() as client:
        invoice = await client.void(INVOICE_ID)
    (call,) = calls(mocked, "POST", f"invoices/{INVOICE_ID}/void")
    assert_headers(call)
    assert sent_json(call) == {"altId": LOCATION, "altType": "location"}
    assert invoice.status is InvoiceStatus.VOID


async def test_mark_paid_records_a_full_payment(mocked: aioresponses) -> None:
    mock_read(mocked, "sent")
    mocked.post(url(f"invoices/{INVOICE_ID}/record-payment"), payload=load("record_payment_response.json"))
    async with make_client(default_payment_mode="bank_transfer") as client:
        invoice = await client.mark_paid(INVOICE_ID)
    (call,) = calls(mocked, "POST", f"invoices/{INVOICE_ID}/record-payment")
    assert_headers(call)
    assert sent_json(call) == {"altId": LOCATION, "altType": "location", "mode": "bank_transfer",
                               "card": {"brand": "", "last4": ""}, "cheque": {"number": ""}, "notes": ""}
    assert invoice.status is InvoiceStatus.PAID
    assert invoice.amount_due == 0


async def test_record_partial_payment(mocked: aioresponses) -> None:
    mock_read(mocked, "sent")
    mocked.post(url(f"invoices/{INVOICE_ID}/record-payment"), payload=load("record_partial_payment_response.json"))
    async with make_client() as client:
        invoice = await client.record_payment(INVOICE_ID, Payment(
            mode=PaymentMode.CARD, amount=Decimal("1000.00"), card_brand="visa", card_last4="4242",
            notes="Paid at the counter", paid_at=datetime(2024, 3, 4, 12, 30, tzinfo=UTC),
        ))
    body = sent_json(calls(mocked, "POST", f"invoices/{INVOICE_ID}/record-payment")[0])
    assert body == {"altId": LOCATION, "altType": "location", "mode": "card",
                    "card": {"brand": "visa", "last4": "4242"}, "cheque": {"number": ""},
                    "notes": "Paid at the counter", "amount": 1000, "fulfilledAt": "2024-03-04T12:30:00.000Z"}
    assert invoice.status is InvoiceStatus.PARTIALLY_PAID
    assert invoice.amount_paid == Decimal(1000)


async def test_record_payment_with_cheque_and_checks(mocked: aioresponses) -> None:
    mocked.post(url(f"invoices/{INVOICE_ID}/record-payment"), payload={"success": False, "invoice": {}})
    async with make_client() as client:
        with pytest.raises(InvalidRequestError, match="amount"):
            await client.record_payment(INVOICE_ID, Payment(amount=Decimal(0)))
        with pytest.raises(InvalidRequestError, match="card_last4"):
            await client.record_payment(INVOICE_ID, Payment(card_last4="42"))
        with pytest.raises(InvalidRequestError, match="paid_at"):
            await client.record_payment(INVOICE_ID, Payment(paid_at=datetime(2024, 1, 1)))
        assert not mocked.requests
        mock_read(mocked, "sent")
        with pytest.raises(InvalidStateError, match="success"):
            await client.record_payment(INVOICE_ID, Payment(mode=PaymentMode.CHEQUE, cheque_number="129-129"))
    body = sent_json(calls(mocked, "POST", f"invoices/{INVOICE_ID}/record-payment")[0])
    assert body["cheque"] == {"number": "129-129"}


async def test_generate_number(mocked: aioresponses) -> None:
    mocked.get(url("invoices/generate-invoice-number", alt()), payload=load("generate_number.json"))
    mocked.get(url("invoices/generate-invoice-number", alt()), payload={"invoiceNumber": "INV-77"})
    async with make_client() as client:
        assert await client.generate_number() == "1043"
        assert await client.generate_number() == "INV-77"
    (call, _) = calls(mocked, "GET", "invoices/generate-invoice-number", alt())
    assert_headers(call)


async def test_api_version_and_base_url_are_overridable(mocked: aioresponses) -> None:
    mocked.get(f"https://ghl.internal.example/v2/invoices/{INVOICE_ID}?altId={LOCATION}&altType=location",
               payload=load("invoice_draft.json"))
    async with make_client(api_version="v3", base_url="https://ghl.internal.example/v2") as client:
        invoice = await client.get(INVOICE_ID)
    ((_, call),) = [(k, v[0]) for k, v in mocked.requests.items()]
    assert call.kwargs["headers"]["Version"] == "v3"
    assert isinstance(invoice, Invoice)


async def test_update_sends_back_a_stored_amount_with_more_digits_than_a_double_exactly(mocked: aioresponses) -> None:
    """Read-modify-write sends back what it read: a stored amount a double cannot hold is
    written with its own digits, not refused and not rounded."""
    text = json.dumps(load("invoice_draft.json")).replace('"amount": 1250.5', '"amount": 1250.123456789012345678', 1)
    mocked.get(url(f"invoices/{INVOICE_ID}", alt()), body=text, content_type="application/json")
    mocked.put(url(f"invoices/{INVOICE_ID}"), body=text, content_type="application/json")
    async with make_client() as client:
        await client.update(INVOICE_ID, InvoiceChanges(name="Kept amounts"))
    data = calls(mocked, "PUT", f"invoices/{INVOICE_ID}")[0].kwargs["data"]
    assert b'"amount":1250.123456789012345678' in data
    body = json.loads(data, parse_float=Decimal)
    assert body["invoiceItems"][0]["amount"] == Decimal("1250.123456789012345678")
