"""update() sends back exactly what it read: decimals with more digits than a float holds, the
billing and delivery address ids (readable only from ``crm/invoice/jsondata``), and a valid
language; create() and update() refuse a language the server would fail on after saving."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from aioresponses import aioresponses

from invoicekit import Contact, InvalidRequestError, InvoiceChanges, ValidationError
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import CONTENT_TYPES, answer, fixture_bytes, only_call, url
from .test_operations import draft

RATE = "1.2345678901234567891"  # 20 significant digits: no float holds it
PRICE = "0.12345678901234567"
QUANTITY = "3.333333333333333333"


def _invoice_42(fmt: str, **changes: Any) -> bytes:
    """invoice_42 with some fields replaced (given as they appear in JSON; XML gets the same text)."""
    envelope = json.loads(fixture_bytes("invoice_42.json"), parse_float=Decimal)
    invoice = envelope["response"]
    for key, value in changes.items():
        if key.startswith("line_"):
            invoice["invoiceLines"][0][key[5:]] = value
        else:
            invoice[key] = value
    if fmt == "json":
        return json.dumps(envelope, default=lambda d: _Raw(str(d))).encode().replace(b'"@@', b"").replace(b'@@"', b"")
    return _to_xml(envelope)


class _Raw(str):
    def __new__(cls, text: str) -> _Raw:
        return super().__new__(cls, f"@@{text}@@")


def _to_xml(envelope: dict[str, Any]) -> bytes:
    def put(parent: ElementTree.Element, name: str, value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                put(parent, name, item)
            return
        element = ElementTree.SubElement(parent, name)
        if isinstance(value, dict):
            for key, item in value.items():
                put(element, key, item)
        elif value is not None:
            element.text = str(value).lower() if isinstance(value, bool) else str(value)

    root = ElementTree.Element("result")
    for key, value in envelope.items():
        put(root, key, value)
    return ElementTree.tostring(root)


def _json_data(fmt: str, billing: int, delivery: int) -> bytes:
    text = json.dumps({"TemplateType": 0, "Consignee": None, "DeliveryAddressID": delivery,
                       "BillingAddressID": billing})
    envelope = {"count": len(text), "status": 0, "statusCode": 200, "response": text}
    return json.dumps(envelope).encode() if fmt == "json" else _to_xml(envelope)


def _mock_read(mock: aioresponses, fmt: str, invoice: bytes, billing: int = 0, delivery: int = 0) -> None:
    mock.get(url("crm/invoice/42", fmt), body=invoice, content_type=CONTENT_TYPES[fmt])
    mock.get(url("crm/invoice/jsondata/42", fmt), body=_json_data(fmt, billing, delivery),
             content_type=CONTENT_TYPES[fmt])
    answer(mock, "PUT", "crm/invoice/42", "invoice_updated", fmt)


def _put(mock: aioresponses, fmt: str, method: str = "PUT", path: str = "crm/invoice/42") -> dict[str, Any]:
    data = only_call(mock, method, url(path, fmt)).kwargs["data"]
    if fmt == "json":
        return dict(json.loads(data))  # numbers as floats would lose digits: strings must carry them
    out: dict[str, Any] = {}
    for child in ElementTree.fromstring(data):
        if len(child):
            out.setdefault(child.tag, []).append({c.tag: c.text for c in child})
        else:
            out[child.tag] = child.text
    return out


async def test_update_sends_back_decimals_exactly(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    invoice = _invoice_42(fmt, exchangeRate=Decimal(RATE), line_price=Decimal(PRICE), line_quantity=Decimal(QUANTITY))
    _mock_read(mock, fmt, invoice)
    await client.update(42, InvoiceChanges(description="Revised"))
    body = _put(mock, fmt)
    assert body["exchangeRate"] == RATE
    line = body["invoiceLines"][0]
    assert (line["price"], line["quantity"]) == (PRICE, QUANTITY)
    if fmt == "json":  # what a float holds stays a number
        assert line["discount"] == 10 and isinstance(line["discount"], int | float)


async def test_create_sends_long_decimals_exactly(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "POST", "crm/invoice", "invoice_created", fmt, status=201)
    await client.create(draft(exchange_rate=Decimal(RATE)))
    assert _put(mock, fmt, "POST", "crm/invoice")["exchangeRate"] == RATE


@pytest.mark.parametrize(("changes", "sent"), [
    ({}, {"billingAddressID": "1017", "deliveryAddressID": "2020"}),
    ({"description": "only the text changes"}, {"billingAddressID": "1017", "deliveryAddressID": "2020"}),
    ({"contact": Contact(id=119)}, {"deliveryAddressID": "2020"}),  # the old billing address is the old contact's
    ({"extra": {"consigneeId": 77}}, {"billingAddressID": "1017"}),  # the delivery address is the consignee's
    ({"extra": {"billingAddressID": 5}}, {"billingAddressID": "5", "deliveryAddressID": "2020"}),
])
async def test_update_keeps_the_address_ids(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, changes: dict[str, Any], sent: dict[str, str]
) -> None:
    consignee = {"id": 231, "displayName": "Jane Cooper", "isCompany": False}
    _mock_read(mock, fmt, _invoice_42(fmt, consignee=consignee), billing=1017, delivery=2020)
    await client.update(42, InvoiceChanges(**changes))
    body = _put(mock, fmt)
    got = {k: str(v) for k, v in body.items() if k in ("billingAddressID", "deliveryAddressID")}
    assert got == sent
    assert str(body["consigneeId"]) == str(changes.get("extra", {}).get("consigneeId", 231))


async def test_an_invoice_without_a_render_model_keeps_no_address(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    empty = b'{"status": 0, "statusCode": 200, "response": null}' if fmt == "json" else (
        b"<result><status>0</status><statusCode>200</statusCode><response /></result>")
    mock.get(url("crm/invoice/jsondata/42", fmt), body=empty, content_type=CONTENT_TYPES[fmt])
    answer(mock, "PUT", "crm/invoice/42", "invoice_updated", fmt)
    await client.update(42, InvoiceChanges(description="x"))
    assert "billingAddressID" not in _put(mock, fmt)


@pytest.mark.parametrize("language", ["english", "en_US", "en-", "e", "en-US-x", "en US", "de-DEU1", "12-34", "én-US"])
async def test_a_language_that_is_no_culture_name_is_refused_before_sending(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, language: str
) -> None:
    with pytest.raises(InvalidRequestError, match="culture name") as info:
        await client.create(draft(language=language))
    assert info.value.field == "language"
    _mock_read(mock, fmt, fixture_bytes(f"invoice_42.{fmt}"))
    with pytest.raises(InvalidRequestError, match="culture name") as info:
        await client.update(42, InvoiceChanges(language=language))
    assert info.value.field == "language"
    assert not any(method in ("POST", "PUT") for method, _ in mock.requests)


@pytest.mark.parametrize("language", ["en-US", "de", "sr-Latn-RS", "es-419", "zh-Hans", "EN-us", "zh-CHS"])
async def test_culture_names_are_sent_as_given(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, language: str
) -> None:
    answer(mock, "POST", "crm/invoice", "invoice_created", fmt, status=201)
    await client.create(draft(language=language))
    assert _put(mock, fmt, "POST", "crm/invoice")["language"] == language


async def test_a_400_after_a_create_with_a_language_may_have_created_it(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    answer(mock, "POST", "crm/invoice", "error_400", fmt, status=400)
    with pytest.raises(ValidationError) as info:
        await client.create(draft(language="xx-XX"))  # well-formed, unknown to the server
    assert any("may have been created" in note and "number_exists('INV-0000043')" in note
               for note in info.value.__notes__)


async def test_a_400_after_a_create_without_a_language_says_nothing_more(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    answer(mock, "POST", "crm/invoice", "error_400", fmt, status=400)
    with pytest.raises(ValidationError) as info:
        await client.create(draft())
    assert not getattr(info.value, "__notes__", [])


@pytest.mark.parametrize(("value", "sent"), [
    (Decimal("0.00001"), "0.00001"), (Decimal("1E-7"), "0.0000001"), (Decimal("1.5"), 1.5),
    (Decimal("12345678901234567.5"), "12345678901234567.5"), (Decimal("1E+3"), 1000),
])
async def test_json_decimals_are_numbers_only_when_a_double_reads_them_back_exactly(
    mock: aioresponses, value: Decimal, sent: object
) -> None:
    from .conftest import make_settings

    answer(mock, "POST", "crm/invoice", "invoice_created", "json", status=201)
    async with OnlyOfficeClient(make_settings("json")) as client:
        await client.create(draft(exchange_rate=value))
    got = json.loads(only_call(mock, "POST", url("crm/invoice", "json")).kwargs["data"])["exchangeRate"]
    assert got == sent and type(got) is type(sent)
