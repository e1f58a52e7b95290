"""What list() sends for the neutral listing options, ONLYOFFICE (JSON and XML) and GoHighLevel:
one request per status (both filters take one), the order spelled out, pages no larger than
``limit``, lines loaded by id only where the listing has none."""

from __future__ import annotations

import json
import re
from typing import Any

from aioresponses import CallbackResult, aioresponses
from yarl import URL

from invoicekit import UNPAID, InvoiceStatus
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.onlyoffice import OnlyOfficeClient
from tests.gohighlevel.conftest import listed, load, make_client, url
from tests.onlyoffice.conftest import CONTENT_TYPES, answer, fixture_bytes

OO_FILTER = re.compile(r"^https://portal\.example\.com/api/2\.0/crm/invoice/filter\.(json|xml)\?.*$")
GHL_LIST = re.compile(r"^https://services\.leadconnectorhq\.com/invoices/\?.*$")


def sent_queries(m: aioresponses, path_end: str) -> list[dict[str, str]]:
    return [dict(URL(str(u)).query) for (method, u), calls in m.requests.items() for _ in calls
            if method == "GET" and URL(str(u)).path.endswith(path_end)]


# -- ONLYOFFICE --------------------------------------------------------------------------------


async def test_onlyoffice_unpaid_is_one_listing_of_sent_newest_first(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    mock.get(OO_FILTER, body=fixture_bytes(f"filter_empty.{fmt}"), content_type=CONTENT_TYPES[fmt])
    assert [i async for i in client.list(status=UNPAID, order="-issue_date", limit=5)] == []
    # No partial payments on ONLYOFFICE: unpaid is Sent ("Billed", id 2) only.
    assert sent_queries(mock, f"filter.{fmt}") == [
        {"status": "2", "sortBy": "issueDate", "sortOrder": "descending", "count": "5", "startIndex": "0"}
    ]


async def test_onlyoffice_several_statuses_are_one_listing_each(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    mock.get(OO_FILTER, body=fixture_bytes(f"filter_empty.{fmt}"), content_type=CONTENT_TYPES[fmt], repeat=True)
    assert [i async for i in client.list(status=["paid", InvoiceStatus.DRAFT, "billed"])] == []
    queries = sent_queries(mock, f"filter.{fmt}")
    # In InvoiceStatus order (draft, sent, paid), each sorted by issue date, oldest first.
    assert [q["status"] for q in queries] == ["1", "2", "4"]
    assert {(q["sortBy"], q["sortOrder"], q["count"]) for q in queries} == {("issueDate", "ascending", "100")}


async def test_onlyoffice_lines_are_none_unless_loaded_by_id(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    mock.get(OO_FILTER, body=fixture_bytes(f"filter_single.{fmt}"), content_type=CONTENT_TYPES[fmt], repeat=True)
    (bare,) = [i async for i in client.list()]
    assert bare.lines is None
    answer(mock, "GET", f"crm/invoice/{bare.id}", "invoice_42", fmt)
    (loaded,) = [i async for i in client.list(with_lines=True)]
    assert loaded.lines  # the invoice as get() reads it
    gets = [u for (method, u) in mock.requests if method == "GET" and f"/crm/invoice/{bare.id}." in str(u)]
    assert len(gets) == 1


async def test_onlyoffice_limit_stops_inside_a_page_and_asks_for_nothing_more(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    mock.get(OO_FILTER, body=fixture_bytes(f"filter_page1.{fmt}"), content_type=CONTENT_TYPES[fmt], repeat=True)
    found = [i.id async for i in client.list(limit=2, page_size=3)]
    assert len(found) == 2
    (query,) = sent_queries(mock, f"filter.{fmt}")
    assert query["count"] == "2"


# -- GoHighLevel -------------------------------------------------------------------------------


def _ghl_page(request_url: URL, **kwargs: Any) -> CallbackResult:
    status = request_url.query.get("status")
    invoices = [{**load("invoice_draft.json"), "_id": f"{status}-{n}", "status": status,
                 "issueDate": f"2024-0{n + 1}-0{n + 1}"} for n in range(2)]
    if request_url.query.get("sortOrder") == "descend":  # the server sorts as asked
        invoices.reverse()
    return CallbackResult(status=200, body=json.dumps({"invoices": invoices, "total": 2}),
                          content_type="application/json")


async def test_gohighlevel_unpaid_is_sent_and_partially_paid_merged_by_issue_date(
    mocked: aioresponses,
) -> None:
    mocked.get(GHL_LIST, callback=_ghl_page, repeat=True)
    async with make_client() as ghl:
        assert isinstance(ghl, GoHighLevelClient)
        found = [i async for i in ghl.list(status=UNPAID, order="-issue_date")]
    queries = sent_queries(mocked, "/invoices/")
    assert [q["status"] for q in queries] == ["sent", "partially_paid"]
    assert {(q["sortField"], q["sortOrder"]) for q in queries} == {("issueDate", "descend")}
    # Newest first; the same date: the status listed first (sent) first.
    assert [i.id for i in found] == ["sent-1", "partially_paid-1", "sent-0", "partially_paid-0"]
    assert all(i.lines is not None for i in found)  # GoHighLevel lists lines: nothing more is asked


async def test_gohighlevel_limit_sizes_the_page_and_stops(mocked: aioresponses) -> None:
    mocked.get(url("invoices/", listed("0", limit="1")), payload=load("list_page1.json"))
    async with make_client() as ghl:
        found = [i async for i in ghl.list(limit=1, with_lines=True)]
    assert len(found) == 1
    assert len(sent_queries(mocked, "/invoices/")) == 1
    assert all(method == "GET" and URL(str(u)).path == "/invoices/" for method, u in mocked.requests)
