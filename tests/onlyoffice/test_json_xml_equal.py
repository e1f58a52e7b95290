"""ONLYOFFICE's JSON and XML answers decode to equal models: the same stored invoice reads the
same in either format, field by field (``raw`` aside: it is each format's own payload).

One simulator holds the invoices; a JSON client and an XML client read them through every call
that decodes invoices (get, list with and without lines, update, delete)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

import invoicekit
from invoicekit import Contact, Invoice, InvoiceChanges, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.onlyoffice import OnlyOfficeClient
from invoicekit.onlyoffice.decode import decode_invoice
from invoicekit.onlyoffice.wire import INVOICE_LISTS
from invoicekit.onlyoffice.xml_reader import xml_envelope
from invoicekit.testing import OnlyOfficeSimulator

Clients = tuple[OnlyOfficeSimulator, InvoiceClient, InvoiceClient]


@pytest.fixture
async def clients() -> AsyncIterator[Clients]:
    sim = OnlyOfficeSimulator(invoices=8)
    async with (
        sim.run(),
        invoicekit.connect(sim.client_config(response_format="json", max_retries=0)) as as_json,
        invoicekit.connect(sim.client_config(response_format="xml", max_retries=0)) as as_xml,
    ):
        yield sim, as_json, as_xml


def fields(invoice: Invoice) -> dict[str, Any]:
    """Every field of the invoice, its contact and its lines, ``raw`` left out at every level."""
    return attrs.asdict(invoice, filter=lambda attribute, _: attribute.name != "raw")


def assert_same(from_json: Invoice, from_xml: Invoice) -> None:
    left, right = fields(from_json), fields(from_xml)
    differences = {key: (left[key], right[key]) for key in left if left[key] != right[key]}
    assert not differences, f"invoice {from_json.id}: JSON vs XML {differences}"


def _draft(**values: Any) -> InvoiceDraft:
    base: dict[str, Any] = {
        "currency": "USD", "contact": Contact(id=2), "issue_date": date(2024, 5, 1),
        "due_date": date(2024, 5, 31), "terms": "Net 30", "lines": [LineItem(unit_price=Decimal(5))],
    }
    base.update(values)
    return InvoiceDraft(**base)


SHAPES: dict[str, InvoiceDraft] = {
    "minimal": _draft(),
    "full": _draft(
        currency="EUR", contact=Contact(id=1), exchange_rate=Decimal("1.0825"), language="de-DE",
        purchase_order_number="PO-77", description="Relaunch, phase 1",
        terms="Payable within 30 days.\nLate fees: 1% & more <always>.",
        lines=[
            LineItem(name="Consulting hour", description="Workshop", quantity=Decimal("2.5"),
                     unit_price=Decimal("120.00"), discount=Decimal("10"), tax_ids=(1, 2)),
            LineItem(item_id=4, quantity=Decimal(1), unit_price=Decimal("12.5"), tax_ids=(2,)),
        ],
        extra={"billingAddressID": 101, "consigneeId": 2, "deliveryAddressID": 104, "entityId": 1},
    ),
    "empty strings": _draft(description="", purchase_order_number="",
                            lines=[LineItem(description="", unit_price=Decimal(0))]),
    "blank strings": _draft(description="   ", purchase_order_number=" \t",
                            lines=[LineItem(description=" ", unit_price=Decimal(1))]),
    "line breaks": _draft(description="one\r\ntwo\rthree\nfour", terms="a\r\nb"),
    "company without e-mail": _draft(contact=Contact(id=4), currency="JPY", lines=[LineItem(unit_price=Decimal(300))]),
}


@pytest.mark.parametrize("shape", SHAPES)
async def test_get_reads_the_same_invoice_the_same_in_json_and_xml(clients: Clients, shape: str) -> None:
    _, as_json, as_xml = clients
    created = await as_json.create(SHAPES[shape])
    assert_same(await as_json.get(created.id), await as_xml.get(created.id))


async def test_blank_text_reads_as_none_in_both_formats(clients: Clients) -> None:
    _, as_json, as_xml = clients
    created = await as_json.create(SHAPES["blank strings"])
    for client in (as_json, as_xml):
        invoice = await client.get(created.id)
        assert invoice.description is None and invoice.purchase_order_number is None
        assert invoice.lines is not None and invoice.lines[0].description is None


async def test_line_breaks_read_as_newlines_in_both_formats(clients: Clients) -> None:
    sim, as_json, as_xml = clients
    created = await as_json.create(SHAPES["line breaks"])
    assert sim.invoice(int(created.id)).description == "one\r\ntwo\rthree\nfour"  # stored as sent
    for client in (as_json, as_xml):
        invoice = await client.get(created.id)
        assert (invoice.description, invoice.terms) == ("one\ntwo\nthree\nfour", "a\nb")


async def test_seeded_invoices_read_the_same_everywhere(clients: Clients) -> None:
    sim, as_json, as_xml = clients
    for shape in SHAPES.values():
        await as_json.create(shape)
    ids = sorted(sim.store.invoices)
    for invoice_id in ids:
        assert_same(await as_json.get(invoice_id), await as_xml.get(invoice_id))
    for options in ({}, {"with_lines": True}):
        listed_json = [invoice async for invoice in as_json.list(**options)]
        listed_xml = [invoice async for invoice in as_xml.list(**options)]
        assert [i.id for i in listed_json] == [i.id for i in listed_xml] and len(listed_json) == len(ids)
        for from_json, from_xml in zip(listed_json, listed_xml, strict=True):
            assert_same(from_json, from_xml)


async def test_update_and_delete_answers_read_the_same(clients: Clients) -> None:
    _, as_json, as_xml = clients
    first = await as_json.create(SHAPES["full"])
    second = await as_json.create(SHAPES["full"])
    changes = InvoiceChanges(description="", purchase_order_number="PO-78")
    updated_json = await as_json.update(first.id, changes)
    updated_xml = await as_xml.update(second.id, changes)
    assert updated_json.description is None and updated_xml.description is None
    assert_same(attrs.evolve(updated_json, id=0, number=None, name=None, created_at=None),
                attrs.evolve(updated_xml, id=0, number=None, name=None, created_at=None))
    deleted_json, deleted_xml = await as_json.delete(first.id), await as_xml.delete(second.id)
    assert_same(attrs.evolve(deleted_json, id=0, number=None, name=None, created_at=None),
                attrs.evolve(deleted_xml, id=0, number=None, name=None, created_at=None))


async def test_a_null_list_reads_as_null_in_both_formats(clients: Clients) -> None:
    # crm/invoice/bynumber answers an invoice built without lines: "invoiceLines": null in JSON,
    # <invoiceLines /> in XML (an empty list would be no element at all).
    sim, as_json, as_xml = clients
    number = next(iter(sim.store.invoices.values())).number
    read = []
    for client in (as_json, as_xml):
        assert isinstance(client, OnlyOfficeClient)
        request = client._request("by_number", "GET", "crm/invoice/bynumber", params={"number": number})
        envelope, _ = await client._fetch(request)
        assert envelope.response["invoiceLines"] is None
        read.append(decode_invoice(envelope.response))
    assert read[0].lines is None
    assert_same(*read)


@pytest.mark.parametrize(("xml", "value"), [
    ("<invoiceLines />", None),
    ("<invoiceLines><id>2</id></invoiceLines>", [{"id": "2"}]),
    ("<invoiceLines><id>2</id></invoiceLines><invoiceLines><id>3</id></invoiceLines>", [{"id": "2"}, {"id": "3"}]),
    ("<invoiceLines /><invoiceLines><id>3</id></invoiceLines>", [None, {"id": "3"}]),
    ("", "absent"),  # an empty list: no element at all
])
def test_list_elements_read_as_json_would_carry_them(xml: str, value: object) -> None:
    body = f"<result><status>0</status><response><id>1</id>{xml}</response></result>".encode()
    response = xml_envelope(body, many=False, lists=INVOICE_LISTS)["response"]
    assert response.get("invoiceLines", "absent") == value
