"""Hostile or unusual answers: numbers with absurd exponents, error bodies of other shapes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aioresponses import aioresponses

from invoicekit import APIError, MalformedResponseError, NotFoundError, ValidationError
from invoicekit._http.messages import Request, Response
from invoicekit._serde import loads_json
from invoicekit.gohighlevel.errors import decode_error
from invoicekit.gohighlevel.wire import invoice_from_wire

from .conftest import INVOICE_ID, alt, listed, load, make_client, url

GET = f"invoices/{INVOICE_ID}"
#: Spellings that would each expand to a million characters if written out.
HUGE = ["1e999999", "-1E+999999", "1e-999999", "0e999999", "0E-999999", "9.99e999998"]
#: Every text field the decoder reads, as a path into an invoice object.
TEXT_FIELDS = [
    ("name",), ("invoiceNumber",), ("currency",), ("termsNotes",), ("description",), ("status",),
    ("contactDetails", "id"), ("contactDetails", "name"), ("contactDetails", "email"),
    ("contactDetails", "phoneNo"), ("contactDetails", "companyName"),
    ("contactDetails", "address", "addressLine1"), ("contactDetails", "address", "city"),
    ("contactDetails", "address", "postalCode"), ("contactDetails", "address", "countryCode"),
    ("invoiceItems", 0, "name"), ("invoiceItems", 0, "description"), ("invoiceItems", 0, "productId"),
    ("invoiceItems", 0, "taxes", 0, "_id"),
]
MONEY_FIELDS = [
    ("total",), ("amountDue",), ("amountPaid",), ("invoiceItems", 0, "qty"), ("invoiceItems", 0, "amount"),
    ("invoiceItems", 0, "taxes", 0, "rate"),
]
_MARK = "__number_literal__"


def body_with(path: tuple[Any, ...], literal: str, base: Any = None) -> bytes:
    """The draft invoice's JSON with the value at ``path`` replaced by a raw number literal."""
    data = load("invoice_draft.json") if base is None else base
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = _MARK
    return json.dumps(data).replace(f'"{_MARK}"', literal).encode()


def every_text(invoice: Any) -> list[str]:
    contact = invoice.contact
    texts = [invoice.id, invoice.number, invoice.name, invoice.currency, invoice.terms, invoice.description]
    if contact is not None:
        texts += [contact.id, contact.name, contact.email, contact.phone, contact.company_name]
        if contact.address is not None:
            a = contact.address
            texts += [a.line1, a.line2, a.city, a.state, a.postal_code, a.country_code]
    for line in invoice.lines:
        texts += [line.name, line.description, line.item_id, *line.tax_ids]
    return [t for t in texts if isinstance(t, str)]


@pytest.mark.parametrize("literal", HUGE)
@pytest.mark.parametrize("path", TEXT_FIELDS, ids=lambda p: ".".join(map(str, p)))
async def test_a_number_in_a_text_field_keeps_a_bounded_spelling(
    mocked: aioresponses, path: tuple[Any, ...], literal: str
) -> None:
    mocked.get(url(GET, alt()), body=body_with(path, literal), content_type="application/json")
    async with make_client() as client:
        invoice = await client.get(INVOICE_ID)
    assert max(len(text) for text in every_text(invoice)) < 100
    # the number's own digits and exponent, not a million zeros
    assert any(re.fullmatch(r"-?[0-9.]+E[+-]\d+", text) for text in every_text(invoice)) or path == ("status",)


@pytest.mark.parametrize("literal", ["1e3", "1.5e3", "12.50", "1043", "1E+3"])
def test_a_short_number_in_a_text_field_is_written_out(literal: str) -> None:
    invoice = invoice_from_wire(loads_json(body_with(("invoiceNumber",), literal)))
    assert invoice.number == {"1e3": "1000", "1.5e3": "1500", "12.50": "12.50", "1043": "1043", "1E+3": "1000"}[literal]


@pytest.mark.parametrize("literal", HUGE)
@pytest.mark.parametrize("path", MONEY_FIELDS, ids=lambda p: ".".join(map(str, p)))
async def test_a_money_field_with_an_absurd_exponent_is_malformed(
    mocked: aioresponses, path: tuple[Any, ...], literal: str
) -> None:
    mocked.get(url(GET, alt()), body=body_with(path, literal), content_type="application/json")
    async with make_client() as client:
        with pytest.raises(MalformedResponseError, match="exponent"):
            await client.get(INVOICE_ID)


async def test_list_pages_and_generated_numbers_are_bounded_too(mocked: aioresponses) -> None:
    page = {"invoices": [load("invoice_draft.json")], "total": 1}
    mocked.get(url("invoices/", listed("0")), content_type="application/json",
               body=body_with(("invoices", 0, "name"), "1e999999", page))
    mocked.get(url("invoices/generate-invoice-number", alt()), content_type="application/json",
               body=b'{"invoiceNumber": 1e999999}')
    async with make_client() as client:
        (first,) = [invoice async for invoice in client.list()]
        number = await client.generate_number()
    assert first.name == "1E+999999"
    assert number == "1E+999999"


def _error(status: int, body: bytes | Any) -> APIError:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = Request(operation="get", method="GET", path=GET)
    return decode_error(request, Response(status=status, headers={}, body=raw, method="GET", url=f"https://x/{GET}"))


def test_numbers_in_error_bodies_are_bounded() -> None:
    error = _error(400, b'{"message": [1e999999, "bad"], "error": 1e999999, "detail": {"msg": -1e-999999}}')
    assert len(str(error)) < 500
    assert error.messages == ("1E+999999", "bad", "-1E-999999")


@pytest.mark.parametrize(
    ("status", "body", "cls", "message"),
    [
        (400, {"detail": "Unable to find an invoice with the given invoice id"}, NotFoundError,
         "Unable to find an invoice with the given invoice id"),
        (422, {"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"},
                          {"loc": ["body", "qty"], "msg": "not a number"}]},
         ValidationError, "body.name: field required; body.qty: not a number"),
        (400, {"detail": {"message": "Invoice not found"}}, NotFoundError, "Invoice not found"),
        (400, {"msg": "Unable to find an invoice with the given invoice id"}, NotFoundError,
         "Unable to find an invoice with the given invoice id"),
        (422, {"errors": ["name is required", "qty must be positive"]}, ValidationError,
         "name is required; qty must be positive"),
        (422, {"errors": [{"field": "name", "message": "is required"}]}, ValidationError, "name: is required"),
        (422, {"errors": {"name": ["is required"], "qty": "must be positive"}}, ValidationError,
         "name: is required; qty: must be positive"),
        (400, {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "dueDate is invalid"},
         APIError, "dueDate is invalid"),
        (400, {"type": "about:blank", "title": "Bad Request", "status": 400}, APIError, "Bad Request"),
        (404, {"error": {"code": "RESOURCE_NOT_FOUND", "details": {"message": "no such invoice"}}}, NotFoundError,
         "no such invoice"),
    ],
)
def test_other_error_shapes_keep_their_message(status: int, body: Any, cls: type[APIError], message: str) -> None:
    error = _error(status, body)
    assert isinstance(error, cls)
    assert error.message == message
    assert message in str(error)


def test_a_deeply_nested_error_body_is_read_without_recursing_without_end() -> None:
    for depth in (900, 5000):
        error = _error(400, ('{"detail":' * depth + '"deep"' + "}" * depth).encode())
        assert isinstance(error, APIError)
