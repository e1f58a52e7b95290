"""list() against servers that page wrongly: a page that does not move past the previous one is a
MalformedResponseError, never a repeated invoice, and the listing always ends."""

from __future__ import annotations

import json
import re

import pytest
from aioresponses import aioresponses

from invoicekit import MalformedResponseError
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import CONTENT_TYPES, fixture_bytes

FILTER = re.compile(r"^https://portal\.example\.com/api/2\.0/crm/invoice/filter\.(json|xml)\?.*$")


def _page(ids: list[int], fmt: str) -> bytes:
    """A filter answer holding invoices with these ids (copies of filter_page1's first one)."""
    if fmt == "json":
        envelope = json.loads(fixture_bytes("filter_page1.json"))
        template = envelope["response"][0]
        envelope["response"] = [{**template, "id": i} for i in ids]
        envelope["count"] = len(ids)
        return json.dumps(envelope).encode()
    body = fixture_bytes("filter_page1.xml").decode()
    first = body.index("<response>")
    item = body[first : body.index("</response>", first) + len("</response>")]
    items = "".join(item.replace("<response><id>40</id>", f"<response><id>{i}</id>", 1) for i in ids)
    return f"<result><count>{len(ids)}</count><status>0</status><statusCode>200</statusCode>{items}</result>".encode()


async def _collect(client: OnlyOfficeClient, page_size: int, seen: list[int]) -> None:
    async for invoice in client.list(page_size=page_size):
        seen.append(int(invoice.id))


async def test_a_server_that_ignores_paging_is_malformed_not_endless(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    mock.get(FILTER, status=200, body=_page([40, 41, 42], fmt), content_type=CONTENT_TYPES[fmt], repeat=True)
    seen: list[int] = []
    with pytest.raises(MalformedResponseError, match="does not advance"):
        await _collect(client, 3, seen)
    assert seen == [40, 41, 42]  # the first page, once
    assert sum(len(calls) for calls in mock.requests.values()) == 2  # the second page gave it away


@pytest.mark.parametrize("pages", [
    [[40, 40, 41]],  # the same invoice twice in one page
])
async def test_a_page_that_does_not_advance_yields_no_duplicate(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, pages: list[list[int]]
) -> None:
    for ids in pages:
        mock.get(FILTER, status=200, body=_page(ids, fmt), content_type=CONTENT_TYPES[fmt])
    seen: list[int] = []
    with pytest.raises(MalformedResponseError, match="does not advance"):
        await _collect(client, 3, seen)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("pages", [
    [[40, 41, 42], [42, 43, 44], []],  # one invoice again (the list shifted by one meanwhile)
    [[40, 41, 42], [41, 50]],  # behind the previous page
    [[40, 41, 42], [10]],  # an older id, same issue date: ids are not the order
])
async def test_an_invoice_the_previous_page_listed_is_skipped(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, pages: list[list[int]]
) -> None:
    for ids in pages:
        mock.get(FILTER, status=200, body=_page(ids, fmt), content_type=CONTENT_TYPES[fmt])
    seen: list[int] = []
    await _collect(client, 3, seen)
    assert seen == list(dict.fromkeys(i for page in pages for i in page))


async def test_a_listing_that_advances_reads_every_page(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    for ids in ([40, 41, 42], [44, 45, 46], [47]):
        mock.get(FILTER, status=200, body=_page(ids, fmt), content_type=CONTENT_TYPES[fmt])
    seen: list[int] = []
    await _collect(client, 3, seen)
    assert seen == [40, 41, 42, 44, 45, 46, 47]
    starts = [url.query["startIndex"] for _, url in mock.requests]
    assert starts == ["0", "3", "6"]
