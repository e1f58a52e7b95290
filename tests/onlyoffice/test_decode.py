"""Sans-I/O decoding: JSON and XML envelopes come out the same, in both key casings, with the
server's dates, money and list quirks; broken bodies are MalformedResponseError."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from invoicekit import Contact, InvoiceStatus, LineItem, MalformedResponseError
from invoicekit._http.messages import Request, Response
from invoicekit.onlyoffice.casing import camel_case
from invoicekit.onlyoffice.decode import decode_invoice
from invoicekit.onlyoffice.envelope import decode_envelope, parse_envelope
from invoicekit.onlyoffice.wire import INVOICE_LISTS, STATUS_BATCH_LISTS

from .conftest import fixture_bytes

CET = timezone(timedelta(hours=1))
REQUEST = Request(operation="get", method="GET", path="crm/invoice/42.json")


def response(name: str, *, status: int = 200, content_type: str | None = None) -> Response:
    body = fixture_bytes(name)
    if content_type is None:
        content_type = "text/xml; charset=utf-8" if name.endswith(".xml") else "application/json; charset=utf-8"
    return Response(status=status, headers={"Content-Type": content_type}, body=body, method="GET",
                    url="https://portal.example.com/api/2.0/crm/invoice/42.json")


def invoice_from(name: str) -> object:
    return decode_invoice(decode_envelope(REQUEST, response(name)).response)


@pytest.mark.parametrize(
    "name", ["invoice_42.json", "invoice_42.xml", "invoice_42_pascal.json", "invoice_42_pascal.xml"]
)
def test_invoice_decodes_identically_from_every_form(name: str) -> None:
    invoice = invoice_from(name)
    assert invoice.id == 42
    assert invoice.provider == "onlyoffice"
    assert invoice.status is InvoiceStatus.DRAFT
    assert invoice.number == invoice.name == "INV-0000042"
    assert invoice.currency == "EUR"
    assert invoice.exchange_rate == Decimal("1.00")
    # Dates are the calendar dates as written, with no zone shift.
    assert invoice.issue_date == date(2024, 3, 4)
    assert invoice.due_date == date(2024, 4, 3)
    # Seven fractional digits, trimmed to microseconds; the +01:00 offset kept.
    assert invoice.created_at == datetime(2024, 3, 4, 9, 41, 27, 537823, tzinfo=CET)
    assert invoice.updated_at is None
    assert invoice.contact == Contact(id=118, name="Meridian Logistics GmbH", company_name="Meridian Logistics GmbH")
    assert invoice.lines == (
        LineItem(description="Telematics unit TX-400, installation included", quantity=Decimal("3.00"),
                 unit_price=Decimal("1250.00"), discount=Decimal("10.00"), item_id=7, tax_ids=(2,)),
        LineItem(description="Fleet portal licence, per vehicle and month", quantity=Decimal("12.00"),
                 unit_price=Decimal("89.90"), discount=Decimal("0.00"), item_id=12, tax_ids=(2, 5)),
    )
    assert all(isinstance(x.unit_price, Decimal) for x in invoice.lines)
    assert invoice.total == Decimal("5326.99") and isinstance(invoice.total, Decimal)
    assert invoice.amount_due == Decimal("5326.99")
    assert invoice.amount_paid == Decimal(0)
    assert invoice.terms.startswith("Payment within 30 days")
    assert invoice.purchase_order_number == "PO-7781-A"
    assert invoice.language == "de-DE"
    # raw keeps everything, camelCased, including what the neutral model drops.
    assert invoice.raw["entity"]["entityTitle"] == "Fleet telematics rollout 2024"
    assert invoice.raw["createBy"]["displayName"] == "Jana Hofmann"
    assert invoice.raw["invoiceLines"][0]["invoiceItemID"] in (7, "7")
    assert invoice.lines[1].raw["sortOrder"] in (1, "1")


def test_json_and_xml_raw_payloads_have_the_same_shape() -> None:
    from_json = invoice_from("invoice_42.json").raw
    from_xml = invoice_from("invoice_42.xml").raw

    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shape(v) for v in value]
        return None

    assert shape(from_json) == shape(from_xml)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_paid_invoice_owes_nothing(fmt: str) -> None:
    invoice = invoice_from(f"invoice_42_paid.{fmt}")
    assert invoice.status is InvoiceStatus.PAID
    assert invoice.amount_paid == Decimal("5326.99")
    assert invoice.amount_due == Decimal(0)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_person_contact_has_no_company_and_one_line_is_still_a_list(fmt: str) -> None:
    # invoice_created has exactly one line: in XML one <invoiceLines> element, like an object.
    invoice = invoice_from(f"invoice_created.{fmt}")
    assert invoice.contact == Contact(id=231, name="Chidi Okafor")
    assert invoice.currency == "USD"
    assert invoice.exchange_rate == Decimal("1.0850")
    assert len(invoice.lines) == 1
    assert invoice.lines[0].item_id == 9 and invoice.lines[0].tax_ids == (3,)
    assert isinstance(invoice.raw["invoiceLines"], list)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unset_dates_and_null_objects(fmt: str) -> None:
    envelope = decode_envelope(REQUEST, response(f"sample.{fmt}"))
    invoice = decode_invoice(envelope.response)
    assert invoice.id == 0
    assert invoice.created_at is None  # 0001-01-01T00:00:00.0000000Z is .NET's "unset"
    assert invoice.contact is None
    assert invoice.raw["createBy"] is None


@pytest.mark.parametrize(("name", "ids"), [
    ("filter_page1", [40, 41, 42]), ("filter_page2", [44, 45]), ("filter_single", [45]), ("filter_empty", []),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_list_envelopes_many_one_none(name: str, ids: list[int], fmt: str) -> None:
    envelope = decode_envelope(REQUEST, response(f"{name}.{fmt}"), many=True)
    assert [decode_invoice(item).id for item in envelope.response] == ids
    assert envelope.count == (len(ids) or None)  # count is omitted when 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_paging_metadata(fmt: str) -> None:
    first = decode_envelope(REQUEST, response(f"filter_page1.{fmt}"), many=True)
    second = decode_envelope(REQUEST, response(f"filter_page2.{fmt}"), many=True)
    assert (first.count, first.start_index, first.total) == (3, None, 5)
    assert (second.count, second.start_index, second.total) == (2, 3, 5)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_status_batch_lists(fmt: str) -> None:
    envelope = decode_envelope(REQUEST, response(f"status_sent.{fmt}"), lists=STATUS_BATCH_LISTS)
    assert isinstance(envelope.response["key"], list) and len(envelope.response["key"]) == 1
    assert isinstance(envelope.response["value"], list) and len(envelope.response["value"]) == 1
    assert decode_invoice(envelope.response["key"][0]).status is InvoiceStatus.SENT
    # An empty "value" is no element at all in XML; JSON has [].
    draft = parse_envelope(response(f"status_draft.{fmt}"), lists=STATUS_BATCH_LISTS)
    assert draft["response"].get("value", []) == []


def test_camel_case_is_newtonsofts() -> None:
    assert [camel_case(n) for n in ("ID", "InvoiceItemID", "InvoiceTax1ID", "FileID", "CreateOn", "id", "URLPath")] == [
        "id", "invoiceItemID", "invoiceTax1ID", "fileID", "createOn", "id", "urlPath"]


@pytest.mark.parametrize("body", [
    b"", b"{", b"[1, 2]", b'{"unexpected": true}', b"<html><body>Maintenance</body></html>",
    b"<result><status>0</status><response><id>1</id>", b"<answer><status>0</status></answer>",
])
def test_broken_bodies_are_malformed_responses(body: bytes) -> None:
    ctype = "text/html" if body.startswith(b"<html") else "application/json"
    bad = Response(status=200, headers={"Content-Type": ctype}, body=body, method="GET", url="https://x/api/2.0/y.json")
    with pytest.raises(MalformedResponseError) as info:
        decode_envelope(REQUEST, bad)
    assert info.value.status == 200
    assert info.value.provider == "onlyoffice"


def test_an_envelope_that_is_not_an_invoice_is_malformed() -> None:
    from invoicekit.onlyoffice.client import OnlyOfficeClient

    body = b'{"status": 0, "statusCode": 200, "response": {"id": true, "status": {"id": 1}}}'
    bad = Response(status=200, headers={"Content-Type": "application/json"}, body=body, method="GET",
                   url="https://x/api/2.0/y.json")
    with pytest.raises(MalformedResponseError, match="not an invoice"):
        OnlyOfficeClient._decode(REQUEST, bad, decode_envelope(REQUEST, bad).response)


def test_xml_with_a_dtd_is_refused() -> None:
    with pytest.raises(MalformedResponseError, match="DTD"):
        decode_envelope(REQUEST, response("billion_laughs.xml"))


def test_unknown_status_id_is_malformed() -> None:
    data = dict(decode_envelope(REQUEST, response("invoice_42.json")).response)
    data["status"] = {"id": 9, "title": "Cancelled"}
    with pytest.raises(ValueError, match="status id 9"):
        decode_invoice(data)


def test_lists_constant_names_the_xml_lists() -> None:
    assert {"invoiceLines", "accessList"} <= INVOICE_LISTS
    assert {"key", "value"} <= STATUS_BATCH_LISTS


def test_utc_dates_decode() -> None:
    data = dict(decode_envelope(REQUEST, response("invoice_42.json")).response)
    data["createOn"] = "2020-12-14T22:13:41.5378233Z"
    assert decode_invoice(data).created_at == datetime(2020, 12, 14, 22, 13, 41, 537823, tzinfo=UTC)


def test_the_live_key_shortcut_never_hides_a_pascal_key() -> None:
    from invoicekit.onlyoffice.casing import _LIVE_INVOICE_KEYS, _has_upper_key

    assert all(key[:1].islower() for key in _LIVE_INVOICE_KEYS)  # the shortcut may only say "no"
    live = dict.fromkeys(_LIVE_INVOICE_KEYS, 1)
    assert not _has_upper_key(live)
    assert _has_upper_key({**live, "Number": "INV-1"})  # one docs-style key among live ones
    assert _has_upper_key({"id": 42, "Status": {}})  # the docs sample mixes "id" with PascalCase


def test_a_number_beyond_decimal_range_is_a_malformed_answer() -> None:
    body = b'{"status": 0, "statusCode": 200, "response": {"id": 1, "cost": 1e999999999999999999999}}'
    answer = Response(status=200, headers={"Content-Type": "application/json"}, body=body, method="GET", url="u")
    with pytest.raises(MalformedResponseError):
        decode_envelope(REQUEST, answer)
