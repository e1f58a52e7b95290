"""Every operation against a mocked portal, in both answer formats: the exact request that went
out (method, URL with suffix and query, headers, body) and the typed result that came back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from aioresponses import aioresponses

from invoicekit import (
    BatchError,
    Capability,
    Contact,
    InvalidRequestError,
    InvalidStateError,
    InvoiceChanges,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    NotFoundError,
    UnsupportedOperationError,
)
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import (
    SORTED,
    answer,
    calls,
    expected_headers,
    item_requests,
    make_settings,
    only_call,
    request_keys,
    sent_body,
    url,
)

TERMS = "Net 14 days."


def draft(**overrides: object) -> InvoiceDraft:
    values: dict[str, object] = {
        "currency": "usd",
        "number": "INV-0000043",
        "contact": Contact(id=231),
        "issue_date": date(2024, 3, 11),
        "due_date": date(2024, 3, 25),
        "terms": TERMS,
        "exchange_rate": Decimal("1.0850"),
        "description": "Consulting, March",
        "lines": [LineItem(description="Consulting hours, March", quantity=Decimal(6),
                           unit_price=Decimal("90.00"), item_id=9, tax_ids=(3,))],
    }
    values.update(overrides)
    return InvoiceDraft(**values)  # type: ignore[arg-type]


CREATE_JSON = {
    "number": "INV-0000043",
    "issueDate": "2024-03-11",
    "dueDate": "2024-03-25",
    "contactId": 231,
    "currency": "USD",
    "exchangeRate": Decimal("1.085"),
    "terms": TERMS,
    "description": "Consulting, March",
    "invoiceLines": [{"invoiceItemID": 9, "invoiceTax1ID": 3, "quantity": 6, "price": 90, "discount": 0,
                      "description": "Consulting hours, March"}],
}
CREATE_XML = (
    "<request><number>INV-0000043</number><issueDate>2024-03-11</issueDate><dueDate>2024-03-25</dueDate>"
    "<contactId>231</contactId><currency>USD</currency><exchangeRate>1.0850</exchangeRate>"
    f"<terms>{TERMS}</terms><description>Consulting, March</description>"
    "<invoiceLines><invoiceItemID>9</invoiceItemID><invoiceTax1ID>3</invoiceTax1ID><quantity>6</quantity>"
    "<price>90.00</price><discount>0</discount><description>Consulting hours, March</description></invoiceLines>"
    "</request>"
)


def test_capabilities_are_honest() -> None:
    assert OnlyOfficeClient.capabilities == frozenset({
        Capability.GET, Capability.LIST, Capability.CREATE, Capability.UPDATE, Capability.DELETE,
        Capability.DELETE_MANY, Capability.SEND, Capability.MARK_PAID, Capability.GENERATE_NUMBER,
    })
    assert Capability.VOID not in OnlyOfficeClient.capabilities


async def test_void_and_record_payment_are_unsupported(client: OnlyOfficeClient) -> None:
    with pytest.raises(UnsupportedOperationError, match="void"):
        await client.void(42)
    with pytest.raises(UnsupportedOperationError, match="record_payment"):
        await client.record_payment(42, None)  # type: ignore[arg-type]


# -- get -------------------------------------------------------------------------------------


async def test_get(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    invoice = await client.get(42)
    call = only_call(mock, "GET", url("crm/invoice/42", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt)
    assert call.kwargs["data"] is None
    assert invoice.id == 42 and invoice.status is InvoiceStatus.DRAFT
    assert invoice.total == Decimal("5326.99")
    assert [line.item_id for line in invoice.lines] == [7, 12]


async def test_get_accepts_a_digit_string_id(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    assert (await client.get("42")).id == 42


@pytest.mark.parametrize("bad", [0, -3, True, "42a", "\uff14\uff12", 4.0, None, 2**31])
async def test_bad_ids_are_refused_before_sending(client: OnlyOfficeClient, mock: aioresponses, bad: object) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await client.get(bad)  # type: ignore[arg-type]
    assert info.value.field == "invoice_id"
    assert not mock.requests


async def test_get_not_found(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/41", "error_404", fmt, status=404)
    with pytest.raises(NotFoundError) as info:
        await client.get(41)
    assert info.value.status == 404
    assert info.value.message == "Not found"
    assert info.value.url == url("crm/invoice/41", fmt)


# -- generate_number -------------------------------------------------------------------------


async def test_generate_number(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/sample", "sample", fmt)
    assert await client.generate_number() == "INV-0000046"
    call = only_call(mock, "GET", url("crm/invoice/sample", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt)


# -- list ------------------------------------------------------------------------------------


async def test_list_pages_until_a_short_page(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    base = "status=2&issueDateFrom=2024-01-01&issueDateTo=2024-03-31&dueDateFrom=2024-02-01&dueDateTo=2024-04-30"
    base += f"&entityType=contact&entityid=118&currency=EUR&filterValue=telematics&{SORTED}&count=3"
    answer(mock, "GET", "crm/invoice/filter", "filter_page1", fmt, query=base + "&startIndex=0")
    # The server's nextIndex says 4; the next page really starts at 3 (startIndex + items).
    answer(mock, "GET", "crm/invoice/filter", "filter_page2", fmt, query=base + "&startIndex=3")
    invoices = [
        invoice async for invoice in client.list(
            status="sent", issued_from=date(2024, 1, 1), issued_to=date(2024, 3, 31), due_from=date(2024, 2, 1),
            due_to=date(2024, 4, 30), contact_id=118, currency="eur", search=" telematics ", page_size=3,
        )
    ]
    assert [i.id for i in invoices] == [40, 41, 42, 44, 45]
    assert [i.status for i in invoices] == [InvoiceStatus.PAID, InvoiceStatus.SENT, InvoiceStatus.DRAFT,
                                            InvoiceStatus.REJECTED, InvoiceStatus.ARCHIVED]
    assert all(i.lines is None for i in invoices)  # the filter answer carries no lines: not loaded
    first = only_call(mock, "GET", url("crm/invoice/filter", fmt, base + "&startIndex=0"))
    assert first.kwargs["headers"] == expected_headers(fmt)
    only_call(mock, "GET", url("crm/invoice/filter", fmt, base + "&startIndex=3"))
    assert len(mock.requests) == 2  # no third request after the short page, whatever "total" says


async def test_list_without_filters_and_an_empty_result(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/filter", "filter_empty", fmt, query=f"{SORTED}&count=100&startIndex=0")
    assert [i async for i in client.list()] == []
    only_call(mock, "GET", url("crm/invoice/filter", fmt, f"{SORTED}&count=100&startIndex=0"))


async def test_list_a_full_last_page_costs_one_empty_request(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    answer(mock, "GET", "crm/invoice/filter", "filter_single", fmt, query=f"{SORTED}&count=1&startIndex=0")
    answer(mock, "GET", "crm/invoice/filter", "filter_empty", fmt, query=f"{SORTED}&count=1&startIndex=1")
    assert [i.id async for i in client.list(page_size=1)] == [45]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"page_size": 0}, "page_size"), ({"page_size": 1001}, "page_size"), ({"page_size": True}, "page_size"),
    ({"status": "void"}, "status"), ({"status": "partially_paid"}, "status"), ({"status": "nope"}, "status"),
    ({"contact_id": 0}, "contact_id"), ({"currency": "euro"}, "currency"),
    ({"issued_from": "2024-01-01"}, "issued_from"),
])
def test_list_arguments_are_checked_at_call_time(kwargs: dict[str, object], field: str) -> None:
    client = OnlyOfficeClient(make_settings())
    with pytest.raises(InvalidRequestError) as info:
        client.list(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


# -- create ----------------------------------------------------------------------------------


async def test_create(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "POST", "crm/invoice", "invoice_created", fmt, status=201)
    invoice = await client.create(draft())
    call = only_call(mock, "POST", url("crm/invoice", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt, body=True)
    assert sent_body(call, fmt) == (CREATE_JSON if fmt == "json" else CREATE_XML)
    assert invoice.id == 43 and invoice.status is InvoiceStatus.DRAFT
    assert invoice.total == Decimal("642.60")
    # The line is named after its item (GET crm/invoiceitem/9, answered "Item 9" by the mock).
    assert invoice.lines == (LineItem(name="Item 9", description="Consulting hours, March", quantity=Decimal(6),
                                      unit_price=Decimal("90.00"), discount=Decimal(0), item_id=9, tax_ids=(3,)),)


async def test_create_without_number_takes_the_next_one(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/sample", "sample", fmt)
    answer(mock, "POST", "crm/invoice", "invoice_created", fmt, status=201)
    await client.create(draft(number=None))
    body = sent_body(only_call(mock, "POST", url("crm/invoice", fmt)), fmt)
    if fmt == "json":
        assert body == {**CREATE_JSON, "number": "INV-0000046"}
    else:
        assert body == CREATE_XML.replace("INV-0000043", "INV-0000046")


async def test_create_uses_default_item_terms_and_extra(mock: aioresponses, fmt: str) -> None:
    settings = make_settings(fmt, default_item_id=9, default_terms="Due on receipt.")
    answer(mock, "POST", "crm/invoice", "invoice_created", fmt, status=201)
    async with OnlyOfficeClient(settings) as client:
        await client.create(draft(
            terms=None, exchange_rate=None, description=None, language="en-US", purchase_order_number="PO-1",
            # No name and no item: the default item (a name would be the title of a catalogue item).
            lines=[LineItem(description="Consulting hours", quantity=Decimal("1.5"), unit_price=Decimal("80"),
                            discount=Decimal("12.5"), tax_ids=(3, 4))],
            extra={"templateType": 1, "consigneeId": 118, "billingAddressID": 907},
        ))
    body = sent_body(only_call(mock, "POST", url("crm/invoice", fmt)), fmt)
    expected = {
        "number": "INV-0000043", "issueDate": "2024-03-11", "dueDate": "2024-03-25", "contactId": 231,
        "currency": "USD", "exchangeRate": 1, "terms": "Due on receipt.", "language": "en-US",
        "purchaseOrderNumber": "PO-1",
        "invoiceLines": [{"invoiceItemID": 9, "invoiceTax1ID": 3, "invoiceTax2ID": 4, "quantity": Decimal("1.5"),
                          "price": 80, "discount": Decimal("12.5"), "description": "Consulting hours"}],
        "templateType": 1, "consigneeId": 118, "billingAddressID": 907,
    }
    if fmt == "json":
        assert body == expected
    else:
        assert body == (
            "<request><number>INV-0000043</number><issueDate>2024-03-11</issueDate><dueDate>2024-03-25</dueDate>"
            "<contactId>231</contactId><currency>USD</currency><exchangeRate>1</exchangeRate>"
            "<terms>Due on receipt.</terms><language>en-US</language><purchaseOrderNumber>PO-1</purchaseOrderNumber>"
            "<invoiceLines><invoiceItemID>9</invoiceItemID><invoiceTax1ID>3</invoiceTax1ID>"
            "<invoiceTax2ID>4</invoiceTax2ID><quantity>1.5</quantity><price>80</price><discount>12.5</discount>"
            "<description>Consulting hours</description></invoiceLines>"
            "<templateType>1</templateType><consigneeId>118</consigneeId><billingAddressID>907</billingAddressID>"
            "</request>"
        )


async def test_create_xml_body_with_two_lines_repeats_the_element(mock: aioresponses) -> None:
    answer(mock, "POST", "crm/invoice", "invoice_created", "xml", status=201)
    lines = [LineItem(item_id=9, unit_price=Decimal(1)), LineItem(item_id=10, unit_price=Decimal("2.50"))]
    async with OnlyOfficeClient(make_settings("xml")) as client:
        await client.create(draft(lines=lines, description=None))
    body = sent_body(only_call(mock, "POST", url("crm/invoice", "xml")), "xml")
    assert body.endswith(
        "<invoiceLines><invoiceItemID>9</invoiceItemID><quantity>1</quantity><price>1</price><discount>0</discount>"
        "</invoiceLines><invoiceLines><invoiceItemID>10</invoiceItemID><quantity>1</quantity><price>2.50</price>"
        "<discount>0</discount></invoiceLines></request>"
    )


async def test_create_escapes_xml_text(mock: aioresponses) -> None:
    answer(mock, "POST", "crm/invoice", "invoice_created", "xml", status=201)
    async with OnlyOfficeClient(make_settings("xml")) as client:
        await client.create(draft(terms="Pay <now> & \"later\""))
    body = sent_body(only_call(mock, "POST", url("crm/invoice", "xml")), "xml")
    assert "<terms>Pay &lt;now&gt; &amp; \"later\"</terms>" in body


async def test_create_validation_error_from_the_server(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    from invoicekit import ValidationError

    answer(mock, "POST", "crm/invoice", "error_400", fmt, status=400)
    with pytest.raises(ValidationError, match="Value does not fall within the expected range"):
        await client.create(draft())


# -- update ----------------------------------------------------------------------------------

UPDATE_JSON = {
    "issueDate": "2024-03-04",
    "dueDate": "2024-04-30",
    "contactId": 118,
    "currency": "EUR",
    "exchangeRate": 1,
    "terms": "Payment within 30 days of the invoice date without deduction. "
             "Bank: Sparkasse Hannover, IBAN DE02 2505 0180 0000 0000 00.",
    "entityId": 57,
    "language": "de-DE",
    "purchaseOrderNumber": "PO-7781-A",
    "description": "Quarterly telematics subscription and on-site installation.",
    "invoiceLines": [
        {"invoiceItemID": 7, "invoiceTax1ID": 2, "quantity": 3, "price": 1250, "discount": 10,
         "description": "Telematics unit TX-400, installation included"},
        {"invoiceItemID": 12, "invoiceTax1ID": 2, "invoiceTax2ID": 5, "quantity": 12, "price": Decimal("89.9"),
         "discount": 0, "description": "Fleet portal licence, per vehicle and month"},
    ],
}


async def test_update_sends_the_whole_invoice(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    answer(mock, "GET", "crm/invoice/jsondata/42", "jsondata_42", fmt)  # the address ids
    answer(mock, "PUT", "crm/invoice/42", "invoice_updated", fmt)
    invoice = await client.update(42, InvoiceChanges(due_date=date(2024, 4, 30)))
    only_call(mock, "GET", url("crm/invoice/42", fmt))
    call = only_call(mock, "PUT", url("crm/invoice/42", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt, body=True)
    body = sent_body(call, fmt)
    if fmt == "json":
        assert body == UPDATE_JSON
        assert "number" not in body
    else:
        assert body == (
            "<request><issueDate>2024-03-04</issueDate><dueDate>2024-04-30</dueDate><contactId>118</contactId>"
            "<currency>EUR</currency><exchangeRate>1.00</exchangeRate>"
            f"<terms>{UPDATE_JSON['terms']}</terms><entityId>57</entityId><language>de-DE</language>"
            "<purchaseOrderNumber>PO-7781-A</purchaseOrderNumber>"
            f"<description>{UPDATE_JSON['description']}</description>"
            "<invoiceLines><invoiceItemID>7</invoiceItemID><invoiceTax1ID>2</invoiceTax1ID><quantity>3.00</quantity>"
            "<price>1250.00</price><discount>10.00</discount>"
            "<description>Telematics unit TX-400, installation included</description></invoiceLines>"
            "<invoiceLines><invoiceItemID>12</invoiceItemID><invoiceTax1ID>2</invoiceTax1ID>"
            "<invoiceTax2ID>5</invoiceTax2ID><quantity>12.00</quantity><price>89.90</price><discount>0.00</discount>"
            "<description>Fleet portal licence, per vehicle and month</description></invoiceLines></request>"
        )
        assert "<number>" not in body
    assert invoice.due_date == date(2024, 4, 30)
    assert invoice.total == Decimal("3213.00")
    assert invoice.lines[0].quantity == Decimal(2)


async def test_update_replaces_lines_and_fields(mock: aioresponses) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", "json")
    answer(mock, "GET", "crm/invoice/jsondata/42", "jsondata_42", "json")  # the address ids
    answer(mock, "PUT", "crm/invoice/42", "invoice_updated", "json")
    client = OnlyOfficeClient(make_settings("json"))
    async with client:
        await client.update(42, InvoiceChanges(
            lines=[LineItem(item_id=7, quantity=Decimal(2), unit_price=Decimal(1350))],
            contact=Contact(id="231"), terms="Net 7", currency="usd", exchange_rate=Decimal("1.09"),
            description="", extra={"billingAddressID": 907},
        ))
    body = sent_body(only_call(mock, "PUT", url("crm/invoice/42", "json")), "json")
    assert body["invoiceLines"] == [{"invoiceItemID": 7, "quantity": 2, "price": 1350, "discount": 0}]
    assert (body["contactId"], body["terms"], body["currency"], body["exchangeRate"], body["description"]) == (
        231, "Net 7", "USD", Decimal("1.09"), "")
    assert body["billingAddressID"] == 907


@pytest.mark.parametrize("fixture", ["invoice_42_sent", "invoice_42_paid", "invoice_42_archived"])
async def test_update_of_a_non_draft_is_refused_before_the_put(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, fixture: str
) -> None:
    answer(mock, "GET", "crm/invoice/42", fixture, fmt)
    with pytest.raises(InvalidStateError, match="only edits Draft"):
        await client.update(42, InvoiceChanges(terms="Net 7"))
    assert not calls(mock, "PUT", url("crm/invoice/42", fmt))


async def test_update_404_says_it_may_be_not_editable(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    answer(mock, "GET", "crm/invoice/jsondata/42", "jsondata_42", fmt)  # the address ids
    answer(mock, "PUT", "crm/invoice/42", "error_404", fmt, status=404)
    with pytest.raises(NotFoundError, match="not editable"):
        await client.update(42, InvoiceChanges(terms="Net 7"))


async def test_update_refuses_a_number_change(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    with pytest.raises(InvalidRequestError) as info:
        await client.update(42, InvoiceChanges(extra={"number": "INV-9"}))
    assert info.value.field == "extra.number"


# -- delete ----------------------------------------------------------------------------------


async def test_delete(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "DELETE", "crm/invoice/42", "invoice_deleted", fmt)
    invoice = await client.delete(42)
    call = only_call(mock, "DELETE", url("crm/invoice/42", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt)
    assert call.kwargs["data"] is None
    # The delete answer (InvoiceBaseWrapper) carries no lines: not loaded, rather than none.
    assert invoice.id == 42 and invoice.number == "INV-0000042" and invoice.lines is None


async def test_delete_many_all_deleted(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "DELETE", "crm/invoice", "invoices_deleted", fmt)
    deleted = await client.delete_many([42, "44"])
    call = only_call(mock, "DELETE", url("crm/invoice", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt, body=True)
    expected = {"invoiceids": [42, 44]} if fmt == "json" else (
        "<request><invoiceids>42</invoiceids><invoiceids>44</invoiceids></request>")
    assert sent_body(call, fmt) == expected
    assert [i.id for i in deleted] == [42, 44]
    assert deleted[1].status is InvoiceStatus.REJECTED


async def test_delete_many_reports_silently_skipped_ids(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "DELETE", "crm/invoice", "invoices_deleted", fmt)
    with pytest.raises(BatchError) as info:
        await client.delete_many([42, 44, 45])
    assert [i.id for i in info.value.succeeded] == [42, 44]
    assert list(info.value.failures) == [45]
    assert isinstance(info.value.failures[45], NotFoundError)


@pytest.mark.parametrize(
    ("ids", "field"),
    [([1, 0], "invoice_ids[1]"), ("42", "invoice_ids"), ([42, 7, "42"], "invoice_ids[2]")],
)
async def test_delete_many_checks_ids(client: OnlyOfficeClient, mock: aioresponses, ids: object, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await client.delete_many(ids)  # type: ignore[arg-type]
    assert info.value.field == field
    assert not mock.requests


async def test_delete_many_of_nothing_sends_nothing(client: OnlyOfficeClient, mock: aioresponses) -> None:
    # The server answers an empty invoiceids list with a 400; deleting nothing is not an error.
    assert await client.delete_many([]) == []
    assert not mock.requests


# -- status moves ----------------------------------------------------------------------------


def status_body(fmt: str, invoice_id: int = 42) -> object:
    if fmt == "json":
        return {"invoiceids": [invoice_id]}
    return f"<request><invoiceids>{invoice_id}</invoiceids></request>"


async def test_send(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    answer(mock, "PUT", "crm/invoice/status/2", "status_sent", fmt)
    invoice = await client.send(42)
    call = only_call(mock, "PUT", url("crm/invoice/status/2", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt, body=True)
    assert sent_body(call, fmt) == status_body(fmt)
    assert invoice.status is InvoiceStatus.SENT
    assert len(invoice.lines) == 2  # kept from the read: the status answer carries none
    assert invoice.amount_due == Decimal("5326.99")


async def test_send_a_rejected_invoice_goes_through_draft(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42_rejected", fmt)
    answer(mock, "PUT", "crm/invoice/status/1", "status_draft", fmt)
    answer(mock, "PUT", "crm/invoice/status/2", "status_sent", fmt)
    assert (await client.send(42)).status is InvoiceStatus.SENT
    assert request_keys(mock) == [
        ("GET", f"/api/2.0/crm/invoice/42.{fmt}"),
        ("PUT", f"/api/2.0/crm/invoice/status/1.{fmt}"),
        ("PUT", f"/api/2.0/crm/invoice/status/2.{fmt}"),
    ]


async def test_mark_paid_from_sent(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42_sent", fmt)
    answer(mock, "PUT", "crm/invoice/status/4", "status_paid", fmt)
    invoice = await client.mark_paid(42)
    assert sent_body(only_call(mock, "PUT", url("crm/invoice/status/4", fmt)), fmt) == status_body(fmt)
    assert invoice.status is InvoiceStatus.PAID
    assert (invoice.amount_paid, invoice.amount_due) == (Decimal("5326.99"), Decimal(0))


async def test_mark_paid_from_draft_chains_two_moves(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    answer(mock, "PUT", "crm/invoice/status/2", "status_sent", fmt)
    answer(mock, "PUT", "crm/invoice/status/4", "status_paid", fmt)
    invoice = await client.mark_paid(42)
    assert invoice.status is InvoiceStatus.PAID
    assert request_keys(mock) == [
        ("GET", f"/api/2.0/crm/invoice/42.{fmt}"),
        ("PUT", f"/api/2.0/crm/invoice/status/2.{fmt}"),
        ("PUT", f"/api/2.0/crm/invoice/status/4.{fmt}"),
    ]


async def test_a_silently_ignored_move_raises(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42_sent", fmt)
    answer(mock, "PUT", "crm/invoice/status/4", "status_ignored_paid", fmt)
    with pytest.raises(InvalidStateError) as info:
        await client.mark_paid(42)
    assert info.value.status == 200
    assert "ignored the move of invoice 42 from Sent to Paid" in info.value.message
    assert "still Sent" in info.value.message


@pytest.mark.parametrize(("fixture", "operation"), [
    ("invoice_42_archived", "mark_paid"), ("invoice_42_archived", "send"), ("invoice_42_rejected", "mark_paid"),
    ("invoice_42_paid", "send"),
])
async def test_impossible_moves_are_refused_before_sending(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, fixture: str, operation: str
) -> None:
    answer(mock, "GET", "crm/invoice/42", fixture, fmt)
    with pytest.raises(InvalidStateError, match=f"{operation} does not apply"):
        await getattr(client, operation)(42)
    assert len(mock.requests) == 1 and item_requests(mock) == 0  # only the read


@pytest.mark.parametrize(("fixture", "operation"), [("invoice_42_sent", "send"), ("invoice_42_paid", "mark_paid")])
async def test_moves_to_the_current_status_send_nothing(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, fixture: str, operation: str
) -> None:
    answer(mock, "GET", "crm/invoice/42", fixture, fmt)
    invoice = await getattr(client, operation)(42)
    assert invoice.id == 42
    # The read, and the titles of its two lines' items (the lines are named after them).
    assert request_keys(mock) == [("GET", f"/api/2.0/crm/invoice/42.{fmt}")] and item_requests(mock) == 2
    assert [line.name for line in invoice.lines] == ["Item 7", "Item 12"]


async def test_with_options_shares_the_connection_and_auth(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    fast = client.with_options(timeout=5)
    assert (await fast.get(42)).id == 42
    await fast.aclose()  # a view owns nothing: the client stays usable
    assert (await client.get(42)).id == 42
    assert fast.options.timeout == 5 and client.options.timeout != 5


async def test_delete_many_repeated_after_a_lost_answer_says_an_earlier_attempt_may_have_deleted(
    mock: aioresponses, fmt: str
) -> None:
    import aiohttp

    from invoicekit import ClientOptions

    # The first attempt deletes 42, 44 and 45 but its answer is lost; the repeat finds only 42 and
    # 44 (say, created again meanwhile) and silently skips 45.
    mock.delete(url("crm/invoice", fmt), exception=aiohttp.ServerDisconnectedError())
    answer(mock, "DELETE", "crm/invoice", "invoices_deleted", fmt)
    settings = make_settings(fmt, options=ClientOptions(max_retries=1, backoff_base=0))
    async with OnlyOfficeClient(settings) as client:
        with pytest.raises(BatchError) as info:
            await client.delete_many([42, 44, 45])
    assert len(calls(mock, "DELETE", url("crm/invoice", fmt))) == 2
    failure = info.value.failures[45]
    assert isinstance(failure, NotFoundError)
    assert "earlier attempt" in str(failure) and "already deleted it" in str(failure)
