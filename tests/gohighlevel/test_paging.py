"""list() against servers whose paging misbehaves: never a duplicate, never an endless loop."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses
from yarl import URL

from invoicekit import MalformedResponseError
from invoicekit.gohighlevel import paging

from .conftest import load, make_client

LISTING = re.compile(r"^https://services\.leadconnectorhq\.com/invoices/\?.*$")


def invoices(*ids: str) -> list[dict[str, Any]]:
    base = load("invoice_draft.json")
    return [{**base, "_id": i} for i in ids]


def listed_offsets(m: aioresponses) -> list[int]:
    return [int(URL(str(url)).query["offset"]) for (method, url), calls in m.requests.items() for _ in calls
            if method == "GET"]


async def drain(client: Any, seen: list[str], **kwargs: Any) -> None:
    async for invoice in client.list(**kwargs):
        seen.append(invoice.id)


@pytest.mark.parametrize("total", [10, None, 10**6], ids=["total", "no total", "huge total"])
async def test_a_server_that_ignores_the_offset_is_malformed_not_repeated(
    mocked: aioresponses, total: int | None
) -> None:
    page: dict[str, Any] = {"invoices": invoices("a", "b", "c")}
    if total is not None:
        page["total"] = total
    mocked.get(LISTING, payload=page, repeat=True)
    seen: list[str] = []
    async with make_client() as client:
        with pytest.raises(MalformedResponseError, match="ignores paging"):
            await drain(client, seen, page_size=3)
    assert seen == ["a", "b", "c"]
    assert len(listed_offsets(mocked)) == 2


async def test_a_server_that_cycles_through_pages_is_stopped_by_the_bound(
    mocked: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 6)
    pages = [{"invoices": invoices("a", "b")}, {"invoices": invoices("c", "d")}]
    calls = {"n": 0}

    def answer(url: URL, **kwargs: Any) -> Any:
        calls["n"] += 1
        return CallbackResult(payload=pages[(calls["n"] - 1) % 2])

    mocked.get(LISTING, callback=answer, repeat=True)
    seen: list[str] = []
    async with make_client() as client:
        with pytest.raises(MalformedResponseError, match="past 6 pages"):
            await drain(client, seen, page_size=2)
    assert calls["n"] == 6


async def test_invoices_shifted_across_a_page_boundary_are_listed_once(mocked: aioresponses) -> None:
    # An invoice created while listing shifts "c" from the end of page 1 to the start of page 2.
    mocked.get(re.compile(r".*offset=0.*"), payload={"invoices": invoices("a", "b", "c"), "total": 6})
    mocked.get(re.compile(r".*offset=3.*"), payload={"invoices": invoices("c", "d", "e"), "total": 7})
    mocked.get(re.compile(r".*offset=6.*"), payload={"invoices": invoices("f"), "total": 7})
    seen: list[str] = []
    async with make_client() as client:
        await drain(client, seen, page_size=3)
    assert seen == ["a", "b", "c", "d", "e", "f"]


async def test_every_listing_is_bounded(mocked: aioresponses, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 5)
    counter = {"n": 0}

    def fresh(url: URL, **kwargs: Any) -> Any:
        counter["n"] += 1
        return CallbackResult(payload={"invoices": invoices(f"x{counter['n']}")})

    mocked.get(LISTING, callback=fresh, repeat=True)
    seen: list[str] = []
    async with make_client() as client:
        with pytest.raises(MalformedResponseError, match="past 5 pages"):
            await drain(client, seen, page_size=1)
    assert len(seen) == 5
