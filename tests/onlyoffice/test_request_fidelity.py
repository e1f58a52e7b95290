"""What goes over the wire is exactly what the caller (or the server) gave: text in both body
formats, search text with commas, decimals with more digits than a float holds. What a format
cannot carry is refused before anything is sent, naming the field."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from aioresponses import aioresponses

from invoicekit import InvalidRequestError, InvoiceChanges, LineItem
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import SORTED, answer, only_call, url
from .test_operations import draft

TRICKY = "a\rb\r\nc\nd\te & <f> ]]> \"g\" 'h' \u2028 \U0001f600 \x7f \x85 end"
NOT_XML = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"]
SURROGATES = ["\ud800", "\udfff", "x\udc80y"]


def _sent(mock: aioresponses, method: str, path: str, fmt: str) -> Any:
    data = only_call(mock, method, url(path, fmt)).kwargs["data"]
    if fmt == "json":
        return json.loads(data, parse_float=Decimal)
    root = ElementTree.fromstring(data)  # what the server's XML parser reads
    return {child.tag: child for child in root}


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def _text(sent: Any, key: str, fmt: str) -> str:
    return sent[key] if fmt == "json" else (sent[key].text or "")


async def test_text_goes_over_exactly_in_both_formats(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    answer(mock, "POST", "crm/invoice", "invoice_created", fmt, status=201)
    await client.create(draft(description=TRICKY, terms=TRICKY + "!",
                              lines=[LineItem(description=TRICKY, quantity=Decimal(1), item_id=9)]))
    sent = _sent(mock, "POST", "crm/invoice", fmt)
    assert _text(sent, "description", fmt) == TRICKY
    assert _text(sent, "terms", fmt) == TRICKY + "!"
    line = sent["invoiceLines"][0]["description"] if fmt == "json" else sent["invoiceLines"].find("description").text
    assert line == TRICKY
    if fmt == "xml":
        assert b"&#13;" in only_call(mock, "POST", url("crm/invoice", fmt)).kwargs["data"]


@pytest.mark.parametrize("char", NOT_XML)
@pytest.mark.parametrize(("where", "field"), [
    ({"description": "x{c}"}, "description"),
    ({"terms": "t{c}"}, "terms"),
    ({"purchase_order_number": "PO{c}"}, "purchase_order_number"),
    ({"lines": [LineItem(description="l{c}", quantity=Decimal(1), item_id=9)]}, "lines[0].description"),
    ({"extra": {"comment": "{c}"}}, "extra.comment"),
])
async def test_xml_refuses_what_xml_cannot_carry_and_json_sends_it(
    mock: aioresponses, fmt: str, char: str, where: dict[str, Any], field: str
) -> None:
    from .conftest import make_settings

    overrides = {
        key: (value.replace("{c}", char) if isinstance(value, str)
              else [LineItem(description=v.description.replace("{c}", char), quantity=v.quantity, item_id=v.item_id)
                    for v in value] if isinstance(value, list)
              else {k: v.replace("{c}", char) for k, v in value.items()})
        for key, value in where.items()
    }
    answer(mock, "POST", "crm/invoice", "invoice_created", fmt, status=201)
    async with OnlyOfficeClient(make_settings(fmt)) as client:
        if fmt == "xml":
            with pytest.raises(InvalidRequestError) as info:
                await client.create(draft(**overrides))
            assert info.value.field == field
            assert f"U+{ord(char):04X}" in str(info.value)
            assert not mock.requests
        else:
            await client.create(draft(**overrides))
            assert any(char in text for text in _strings(_sent(mock, "POST", "crm/invoice", fmt)))


@pytest.mark.parametrize("bad", SURROGATES)
@pytest.mark.parametrize(("where", "field"), [
    ({"description": "{c}"}, "description"),
    ({"number": "INV-{c}"}, "number"),
    ({"language": "{c}"}, "language"),
    ({"extra": {"comment": "{c}"}}, "extra.comment"),
])
async def test_lone_surrogates_are_refused_in_both_formats(
    client: OnlyOfficeClient, mock: aioresponses, bad: str, where: dict[str, Any], field: str
) -> None:
    overrides = {k: (v.replace("{c}", bad) if isinstance(v, str) else {a: b.replace("{c}", bad) for a, b in v.items()})
                 for k, v in where.items()}
    with pytest.raises(InvalidRequestError, match="lone surrogate") as info:
        await client.create(draft(**overrides))
    assert info.value.field == field
    if "number" not in overrides:  # the number cannot change
        with pytest.raises(InvalidRequestError, match="lone surrogate"):
            await client.update(42, InvoiceChanges(**overrides))  # refused before the invoice is read
    with pytest.raises(InvalidRequestError, match="lone surrogate") as info:
        client.list(search="Acme" + bad)
    assert info.value.field == "search"
    with pytest.raises(InvalidRequestError, match="lone surrogate"):
        await client.number_exists("INV" + bad)
    assert not mock.requests


@pytest.mark.parametrize("search", ["Acme, Inc", ",", "a,b,c", " Müller, Söhne & Co. "])
async def test_a_search_with_commas_is_sent_so_the_server_does_not_split_it(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, search: str
) -> None:
    answer(mock, "GET", "crm/invoice/filter", "filter_empty", fmt,
           query="filterValue%5B%5D=" + _quoted(search.strip()) + "&" + SORTED + "&count=100&startIndex=0")
    assert [i async for i in client.list(search=search)] == []
    ((_, sent),) = mock.requests
    assert sorted(sent.query.items()) == [("count", "100"), ("filterValue[]", search.strip()), ("sortBy", "issueDate"),
                                          ("sortOrder", "ascending"), ("startIndex", "0")]


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


async def test_a_search_without_commas_keeps_the_plain_parameter(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    answer(mock, "GET", "crm/invoice/filter", "filter_empty", fmt,
           query=f"filterValue=Acme%20Inc&{SORTED}&count=100&startIndex=0")
    assert [i async for i in client.list(search="Acme Inc")] == []
    ((_, sent),) = mock.requests
    assert sent.query["filterValue"] == "Acme Inc"
