"""List pages are split first and each invoice decoded as list() reaches it."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from aioresponses import aioresponses

import invoicekit
from invoicekit import MalformedResponseError
from invoicekit._http.messages import Request, Response
from invoicekit.gohighlevel.decode import decode_invoices, decode_listed, split_invoice_page
from invoicekit.gohighlevel.wire import invoice_from_wire
from invoicekit.testing import GoHighLevelSimulator

from .conftest import listed, load, make_client, url

REQUEST = Request(operation="list", method="GET", path="invoices/")


def answer(body: bytes, ctype: str = "application/json") -> Response:
    return Response(status=200, headers={"Content-Type": ctype}, body=body, method="GET", url="https://x/invoices/")


def page(invoices: list[Any], **extra: Any) -> bytes:
    return json.dumps({"invoices": invoices, "total": len(invoices), **extra}).encode()


def test_split_then_decode_gives_what_decoding_each_object_gives() -> None:
    listing = load("list_page1.json")
    body = json.dumps(listing).encode()
    items, total = split_invoice_page(REQUEST, answer(body))
    assert total == listing["total"] and len(items) == len(listing["invoices"])
    decoded = [decode_listed(REQUEST, answer(body), item) for item in items]
    assert decoded == [invoice_from_wire(obj) for obj in listing["invoices"]]
    assert decoded == decode_invoices(REQUEST, answer(body))[0]


@pytest.mark.parametrize("body", [
    b"\xef\xbb\xbf" + page([load("invoice_draft.json")]),  # a BOM: the stdlib path reads it
    page([load("invoice_draft.json")], total="1"),  # total as text
    page([load("invoice_draft.json")]).replace(b'"total": 1', b'"total": 1.0'),  # total as a number
])
def test_shapes_the_split_leaves_to_the_general_path_still_read(body: bytes) -> None:
    invoices, total = decode_invoices(REQUEST, answer(body))
    assert total == 1 and [i.id for i in invoices] == ["6578278e879ad2646715ba9c"]


@pytest.mark.parametrize(("body", "why"), [
    (b'{"total": 3}', "no 'invoices' list"),
    (b'{"invoices": {"a": 1}, "total": 1}', "no 'invoices' list"),
    (b'[1, 2]', "expected a JSON object"),
    (b'{"invoices": [], "total": "many"}', "cannot read the invoice list"),
    (b'{"invoices": [1', "not JSON"),
])
def test_a_bad_page_is_malformed_before_any_invoice(body: bytes, why: str) -> None:
    with pytest.raises(MalformedResponseError, match=why):
        split_invoice_page(REQUEST, answer(body))


def test_a_page_labelled_html_is_refused_even_if_it_parses() -> None:
    with pytest.raises(MalformedResponseError, match="text/html"):
        split_invoice_page(REQUEST, answer(page([]), "text/html"))


async def test_a_bad_invoice_stops_the_listing_where_it_stands(mocked: aioresponses) -> None:
    good = load("invoice_draft.json")
    listing = {"invoices": [good, {**good, "_id": "b"}, {"_id": "c", "total": "lots"}, good], "total": 4}
    mocked.get(url("invoices/", listed("0")), payload=listing)
    seen = []
    async with make_client() as client:
        with pytest.raises(MalformedResponseError, match="cannot read the invoice list") as info:
            async for invoice in client.list():
                seen.append(invoice.id)
    assert seen == ["6578278e879ad2646715ba9c", "b"]  # what came before the bad one was delivered
    assert info.value.status == 200 and "invoices/" in (info.value.url or "")


async def test_listing_a_big_page_leaves_nothing_for_the_collector() -> None:
    sim = GoHighLevelSimulator(invoices=1000)
    config = {"provider": "gohighlevel", "token": sim.token, "location_id": sim.location_id}
    async with sim.run() as base_url, invoicekit.connect({**config, "base_url": base_url}) as client:
        gc.collect()
        before = gc.get_stats()[0]["collections"]
        count = 0
        async for _invoice in client.list(page_size=1000):
            count += 1
        collections = gc.get_stats()[0]["collections"] - before
    # A consumer that drops each invoice frees it before the next is built: the page never
    # exists as 1,000 models and their dicts at once (kept all at once: about 30 collections).
    assert count == 1000 and collections < 20


@pytest.mark.parametrize("body", [
    b'{"invoices": [], "x": "\xff", "total": 0}',  # bad UTF-8 in a key the split skips
    b'{"invoices": [], "\xff": 1, "total": 0}',
])
def test_a_page_that_is_not_utf8_json_is_malformed_even_where_nobody_reads(body: bytes) -> None:
    with pytest.raises(MalformedResponseError, match="not JSON"):
        split_invoice_page(REQUEST, answer(body))
