"""An ONLYOFFICE invoice carries its contact's primary e-mail in the answer itself: every invoice
wrapper embeds ``contact`` (and ``consignee``) as ContactBaseWithEmailWrapper, whose ``email`` is
the ContactInfoWrapper of that e-mail and is left out when the contact has none. The client reads
it from there, with no request beyond the invoice's own; the wrapper has no phone."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses

import invoicekit
from invoicekit import Contact, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.onlyoffice import OnlyOfficeClient
from invoicekit.onlyoffice.decode import decode_invoice
from invoicekit.onlyoffice.wire import INVOICE_LISTS
from invoicekit.onlyoffice.xml_reader import xml_envelope
from invoicekit.testing import OnlyOfficeSimulator

from .conftest import (
    CONTENT_TYPES,
    SORTED,
    expected_headers,
    fixture_bytes,
    item_requests,
    only_call,
    request_keys,
    url,
)

EMAIL_118 = "billing@meridian-logistics.example.com"


def email_info(data: str, info_id: int = 7) -> dict[str, Any]:
    """ContactInfoWrapper as the server writes it (``categoryName`` is a localised label)."""
    return {"id": info_id, "infoType": 1, "category": 1, "data": data, "categoryName": "Work", "isPrimary": True}


def with_emails(fixture: str, fmt: str, emails: dict[int, str]) -> bytes:
    """A fixture answer whose contacts named in ``emails`` carry that primary e-mail, written as
    the server writes the member: after the base wrapper's members, in JSON or as an element."""
    if fmt == "json":
        document = json.loads(fixture_bytes(f"{fixture}.json"))
        invoices = document["response"] if isinstance(document["response"], list) else [document["response"]]
        for invoice in invoices:
            contact = invoice["contact"]
            if contact is not None and contact["id"] in emails:
                contact["email"] = email_info(emails[contact["id"]])
        return json.dumps(document).encode()
    text = fixture_bytes(f"{fixture}.xml").decode()
    for contact_id, data in emails.items():
        element = "<email>" + "".join(
            f"<{key}>{str(value).lower() if isinstance(value, bool) else value}</{key}>"
            for key, value in email_info(data).items()) + "</email>"
        text = re.sub(rf"(<contact><id>{contact_id}</id>.*?)(</contact>)", rf"\g<1>{element}\g<2>", text)
    return text.encode()


def serve(m: aioresponses, path: str, fmt: str, body: bytes, query: str = "") -> None:
    m.get(url(path, fmt, query), body=body, content_type=f"{CONTENT_TYPES[fmt]}; charset=utf-8")


async def test_get_reads_the_embedded_email_with_one_request(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    serve(mock, "crm/invoice/42", fmt, with_emails("invoice_42", fmt, {118: EMAIL_118}))
    invoice = await client.get(42)
    # The wrapper has no phone: phone=None (client.contacts.get reads it).
    assert invoice.contact == Contact(
        id=118, name="Meridian Logistics GmbH", company_name="Meridian Logistics GmbH", email=EMAIL_118,
    )
    # One request for the invoice (and the catalogue titles that name its lines): no contact read.
    assert request_keys(mock) == [("GET", f"/api/2.0/crm/invoice/42.{fmt}")]
    assert only_call(mock, "GET", url("crm/invoice/42", fmt)).kwargs["headers"] == expected_headers(fmt)
    assert item_requests(mock) == 2
    assert invoice.raw["contact"]["email"]["data"] == EMAIL_118  # raw keeps the member as sent


async def test_a_contact_without_email_reads_as_none(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    serve(mock, "crm/invoice/42", fmt, fixture_bytes(f"invoice_42.{fmt}"))  # no "email" member
    invoice = await client.get(42)
    assert invoice.contact is not None and (invoice.contact.id, invoice.contact.email) == (118, None)
    assert request_keys(mock) == [("GET", f"/api/2.0/crm/invoice/42.{fmt}")]


@pytest.mark.parametrize("data", ["", "   "])
async def test_a_blank_email_reads_as_none(client: OnlyOfficeClient, mock: aioresponses, fmt: str, data: str) -> None:
    serve(mock, "crm/invoice/42", fmt, with_emails("invoice_42", fmt, {118: data}))
    invoice = await client.get(42)
    assert invoice.contact is not None and invoice.contact.email is None


async def test_a_listing_page_reads_each_invoices_email_with_one_request(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    # Invoices 40 and 42 name contact 118 (with an e-mail), 41 names 231 (without one).
    serve(mock, "crm/invoice/filter", fmt, with_emails("filter_page1", fmt, {118: EMAIL_118}),
          query=f"{SORTED}&count=25&startIndex=0")
    listed = [invoice async for invoice in client.list(page_size=25)]
    assert [(i.id, i.contact.id if i.contact else None, i.contact.email if i.contact else None) for i in listed] == [
        (40, 118, EMAIL_118), (41, 231, None), (42, 118, EMAIL_118),
    ]
    only_call(mock, "GET", url("crm/invoice/filter", fmt, f"{SORTED}&count=25&startIndex=0"))
    assert len(request_keys(mock)) == 1
    assert item_requests(mock) == 0


@pytest.mark.parametrize("emails", [{118: EMAIL_118}, {}], ids=["with e-mail", "without"])
def test_json_and_xml_answers_decode_to_the_same_contact(emails: dict[int, str]) -> None:
    from_json = json.loads(with_emails("invoice_42", "json", emails), parse_float=Decimal)["response"]
    from_xml = xml_envelope(with_emails("invoice_42", "xml", emails), many=False, lists=INVOICE_LISTS)["response"]
    read = [decode_invoice(data).contact for data in (from_json, from_xml)]
    assert read[0] is not None and read[1] is not None
    assert (read[0].id, read[0].email) == (read[1].id, read[1].email) == (118, emails.get(118))


# -- end to end, on the simulator -------------------------------------------------------------


Simulated = tuple[OnlyOfficeSimulator, InvoiceClient]


@pytest.fixture(params=["json", "xml"])
async def simulated(request: pytest.FixtureRequest) -> AsyncIterator[Simulated]:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run(), invoicekit.connect(sim.client_config(response_format=request.param, max_retries=0)) as client:
        yield sim, client


def draft(contact: Contact, **values: Any) -> InvoiceDraft:
    return InvoiceDraft(currency="EUR", contact=contact, issue_date=date(2026, 12, 1), due_date=date(2026, 12, 31),
                        terms="Net 30", lines=[LineItem(name="Engine design", unit_price=Decimal(1200))], **values)


async def test_an_ensured_contacts_email_reads_back_on_its_invoices(simulated: Simulated) -> None:
    sim, client = simulated
    customer = await client.contacts.ensure(Contact(name="Ada Lovelace", email="ada@analytical.example.com"))
    created = await client.create(draft(customer))
    since = len(sim.requests)
    fetched = await client.get(created.id)
    assert [r.path.rsplit(".", 1)[0] for r in sim.requests[since:] if "/invoiceitem/" not in r.path] == [
        f"/api/2.0/crm/invoice/{created.id}"
    ]
    listed = [invoice async for invoice in client.list()]
    loaded = [invoice async for invoice in client.list(with_lines=True)]
    for invoice in (created, fetched, *listed, *loaded):
        assert invoice.contact is not None
        assert (invoice.contact.id, invoice.contact.email) == (customer.id, "ada@analytical.example.com")
        assert invoice.contact.phone is None
    assert len(listed) == len(loaded) == 1


async def test_the_simulator_embeds_contact_and_consignee_as_the_server_does(simulated: Simulated) -> None:
    # Contact 4 (Initech) has no e-mail: no "email" member at all; consignee 2 has a primary one.
    _, client = simulated
    fetched = await client.get((await client.create(draft(Contact(id=4), extra={"consigneeId": 2}))).id)
    assert "email" not in fetched.raw["contact"] and fetched.contact is not None and fetched.contact.email is None
    email = fetched.raw["consignee"]["email"]
    assert set(email) == {"id", "infoType", "category", "data", "categoryName", "isPrimary"}
    assert (str(email["infoType"]), email["data"], str(email["isPrimary"]).lower()) == (
        "1", "jane.cooper@example.com", "true")
