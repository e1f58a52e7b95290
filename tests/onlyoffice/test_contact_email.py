"""An ONLYOFFICE invoice names its contact without e-mail or phone; the client reads them from the
contact's infos (``GET crm/contact/{id}``, its ``commonData``): once per contact per call, a few
at a time, and a contact this user cannot read leaves the e-mail unset instead of failing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yarl
from aioresponses import CallbackResult, aioresponses

from invoicekit import ClientOptions, ServerError
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import (
    CONTACT_URL,
    answer,
    contact_email,
    contact_reads,
    contact_requests,
    expected_headers,
    make_settings,
    mock_lookups,
    only_call,
    url,
)


@pytest.fixture
def bare() -> Iterator[aioresponses]:
    """A mocked portal where each test answers the contact reads itself (first), then the rest."""
    with aioresponses() as m:
        yield m


def contact_answer(fmt: str, contact_id: int, rows: list[dict[str, Any]]) -> str:
    if fmt == "json":
        return json.dumps({"count": 1, "status": 0, "statusCode": 200, "response": {
            "id": contact_id, "displayName": "Meridian Logistics GmbH", "isCompany": True, "commonData": rows}})
    infos = "".join(
        "<commonData>" + "".join(f"<{k}>{str(v).lower() if isinstance(v, bool) else v}</{k}>" for k, v in row.items())
        + "</commonData>" for row in rows
    )
    return (f"<result><count>1</count><status>0</status><statusCode>200</statusCode><response><id>{contact_id}</id>"
            f"<displayName>Meridian Logistics GmbH</displayName><isCompany>true</isCompany>{infos}</response></result>")


async def test_get_reads_the_contacts_email_and_phone(mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    async with OnlyOfficeClient(make_settings(fmt)) as client:
        invoice = await client.get(42)
    call = only_call(mock, "GET", url("crm/contact/118", fmt))
    assert call.kwargs["headers"] == expected_headers(fmt) and call.kwargs["data"] is None
    assert invoice.contact is not None
    assert (invoice.contact.id, invoice.contact.name) == (118, "Meridian Logistics GmbH")  # from the invoice
    assert invoice.contact.email == contact_email(118)
    assert str(invoice.raw["contact"]["id"]) == "118"  # raw is the invoice as the server sent it


@pytest.mark.parametrize(("rows", "email", "phone"), [
    ([], None, None),  # no contact info at all
    ([{"id": 1, "infoType": 0, "category": 1, "data": "+49 30 1234", "isPrimary": True}], None, "+49 30 1234"),
    ([{"id": 1, "infoType": 1, "category": 1, "data": "old@example.com", "isPrimary": False},
      {"id": 2, "infoType": 1, "category": 1, "data": "billing@example.com", "isPrimary": True}],
     "billing@example.com", None),  # the primary e-mail
])
async def test_the_email_is_the_primary_one_and_none_without_one(
    bare: aioresponses, fmt: str, rows: list[dict[str, Any]], email: str | None, phone: str | None,
) -> None:
    bare.get(url("crm/contact/118", fmt), body=contact_answer(fmt, 118, rows), content_type="application/json"
             if fmt == "json" else "text/xml")
    mock_lookups(bare)
    answer(bare, "GET", "crm/invoice/42", "invoice_42", fmt)
    async with OnlyOfficeClient(make_settings(fmt)) as client:
        invoice = await client.get(42)
    assert invoice.contact is not None and (invoice.contact.email, invoice.contact.phone) == (email, phone)


@pytest.mark.parametrize(("fixture", "status"), [("error_404", 404), ("error_403", 403)])
async def test_a_contact_that_cannot_be_read_does_not_fail_the_get(
    bare: aioresponses, fmt: str, fixture: str, status: int
) -> None:
    # 404: the contact was deleted, or is private to other users; 403: no access to it.
    answer(bare, "GET", "crm/contact/118", fixture, fmt, status=status)
    mock_lookups(bare)
    answer(bare, "GET", "crm/invoice/42", "invoice_42", fmt)
    async with OnlyOfficeClient(make_settings(fmt)) as client:
        invoice = await client.get(42)
    assert invoice.contact is not None and invoice.contact.id == 118
    assert invoice.contact.name == "Meridian Logistics GmbH" and invoice.contact.email is None


async def test_a_failing_contact_read_fails_the_get(bare: aioresponses) -> None:
    bare.get(url("crm/contact/118", "json"), status=500, payload={
        "status": 1, "statusCode": 500, "error": {"message": "Server error", "hresult": -1, "data": {}}})
    mock_lookups(bare)
    answer(bare, "GET", "crm/invoice/42", "invoice_42", "json")
    async with OnlyOfficeClient(make_settings("json")) as client:
        with pytest.raises(ServerError) as caught:
            await client.get(42)
    assert caught.value.url == url("crm/contact/118", "json")


async def test_a_listing_reads_each_contact_once(mock: aioresponses, fmt: str) -> None:
    # filter_page1 lists invoices 40, 41, 42 addressed to contacts 118, 231, 118.
    answer(mock, "GET", "crm/invoice/filter", "filter_page1", fmt,
           query="count=100&sortBy=issueDate&sortOrder=ascending&startIndex=0", repeat=True)
    for invoice_id in (40, 41, 42):  # with_lines=True reads each invoice with get
        answer(mock, "GET", f"crm/invoice/{invoice_id}", "invoice_42", fmt)
    async with OnlyOfficeClient(make_settings(fmt)) as client:
        listed = [invoice async for invoice in client.list()]
        assert [(i.contact.id, i.contact.email) for i in listed if i.contact] == [
            (118, contact_email(118)), (231, contact_email(231)), (118, contact_email(118))]
        assert sorted(contact_requests(mock)) == [f"/api/2.0/crm/contact/118.{fmt}", f"/api/2.0/crm/contact/231.{fmt}"]
        assert contact_reads(mock) == 2
        loaded = [invoice async for invoice in client.list(with_lines=True)]
    assert all(i.contact is not None and i.contact.email == contact_email(118) for i in loaded)
    assert contact_reads(mock) == 4  # two more for the second listing: a cache lives as long as its call


async def test_a_large_listing_reads_contacts_once_each_and_a_few_at_a_time(bare: aioresponses) -> None:
    # Slim invoices (aioresponses cannot serve bodies much beyond 64 KiB): 300 of them, 25 contacts.
    invoices = [{"id": n, "status": {"id": 1, "title": "Draft"}, "number": f"INV-{n}",
                 "contact": {"id": 1 + n % 25, "displayName": "Customer", "isCompany": True}, "cost": 1.5}
                for n in range(1, 301)]
    body = json.dumps({"count": 300, "status": 0, "statusCode": 200, "response": invoices})
    assert len(body) < 60_000
    bare.get(url("crm/invoice/filter", "json", "count=1000&sortBy=issueDate&sortOrder=ascending&startIndex=0"),
             body=body, content_type="application/json")
    in_flight, most = 0, 0

    async def contact(url_: yarl.URL, **_: Any) -> CallbackResult:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        for _ in range(5):  # let every other read that may start, start
            await asyncio.sleep(0)
        in_flight -= 1
        contact_id = int(url_.path.rsplit("/", 1)[1].split(".")[0])
        rows = [{"id": 1, "infoType": 1, "category": 1, "data": contact_email(contact_id), "isPrimary": True}]
        return CallbackResult(body=contact_answer("json", contact_id, rows), content_type="application/json")

    bare.get(CONTACT_URL, callback=contact, repeat=True)
    mock_lookups(bare, contacts=False)
    options = ClientOptions(max_retries=0, max_concurrency=20)
    async with OnlyOfficeClient(make_settings("json", options=options)) as client:
        listed = [invoice async for invoice in client.list(page_size=1000)]
    assert len(listed) == 300
    assert all(i.contact is not None and i.contact.email == contact_email(int(i.contact.id or 0)) for i in listed)
    assert contact_reads(bare) == 25  # one per contact, not one per invoice
    assert most == 4  # LOAD_CONCURRENCY: concurrent, and bounded
