"""Lines without catalogue ids: a line's name is the title of an ONLYOFFICE catalogue item, found
by title or created, its description the line's own. Run end to end on the simulator, whose
``crm/invoiceitem`` routes follow the server's rules, in both answer formats."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal

import aiohttp
import pytest

import invoicekit
from invoicekit import Contact, InvalidRequestError, InvoiceDraft, LineItem
from invoicekit.onlyoffice import OnlyOfficeClient
from invoicekit.testing import OnlyOfficeSimulator


def draft(*lines: LineItem) -> InvoiceDraft:
    return InvoiceDraft(
        currency="USD", contact=Contact(id=2), terms="Net 30", lines=list(lines),
        issue_date=date(2026, 11, 21), due_date=date(2026, 12, 21),
    )


def paths(sim: OnlyOfficeSimulator, since: int = 0) -> list[tuple[str, str]]:
    return [(r.method, r.path.rsplit(".", 1)[0].removeprefix("/api/2.0/")) for r in sim.requests[since:]]


@pytest.fixture(params=["json", "xml"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_names_find_or_create_items_and_read_back_as_written(fmt: str) -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url, response_format=fmt)) as client:
        assert isinstance(client, OnlyOfficeClient)
        created = await client.create(draft(
            LineItem(name="Consulting hour", description="March, on site", quantity=Decimal(3),
                     unit_price=Decimal("120.00")),
            LineItem(name="Design sprint, phase 2", quantity=Decimal(1), unit_price=Decimal("900.00")),
            LineItem(name="Design sprint, phase 2", description="again", unit_price=Decimal("450.00")),
        ))
        again = await client.get(created.id)
    for invoice in (created, again):
        assert [(line.name, line.description) for line in invoice.lines] == [
            ("Consulting hour", "March, on site"),
            ("Design sprint, phase 2", None),
            ("Design sprint, phase 2", "again"),
        ]
    # The seeded item was found; the new one created once, with the line's price, and used twice.
    new = max(sim.store.items.values(), key=lambda i: i.id)
    assert (new.title, new.price) == ("Design sprint, phase 2", Decimal("900.00"))
    stored = sim.store.invoices[created.id].lines
    assert [(line.item_id, line.description) for line in stored] == [
        (1, "March, on site"), (new.id, ""), (new.id, "again")]
    assert [p for p in paths(sim) if "invoiceitem" in p[1]] == [
        ("GET", "crm/invoiceitem/filter"), ("GET", "crm/invoiceitem/filter"), ("POST", "crm/invoiceitem"),
    ]


async def test_known_titles_cost_no_further_lookup() -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        line = LineItem(name="Domain name", unit_price=Decimal("12.50"))
        await client.create(draft(line))
        since = len(sim.requests)
        await client.with_options(timeout=5).create(draft(line))  # views share the cache
    assert paths(sim, since) == [("GET", "crm/invoice/sample"), ("POST", "crm/invoice")]


async def test_the_oldest_item_with_exactly_the_title_is_used() -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        # "Domain" matches "Domain name" word by word on the server, but is not its title.
        created = await client.create(draft(LineItem(name="Domain", unit_price=Decimal("5.00"))))
        first = sim.store.invoices[created.id].lines[0].item_id
        assert first not in (4,) and sim.store.items[first].title == "Domain"
        await client.create(draft(LineItem(name="domain", unit_price=Decimal("5.00"))))  # titles: case counts
    assert [i.title for i in sim.store.items.values()].count("domain") == 1


async def test_a_free_line_cannot_create_its_item_and_nothing_is_written() -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        with pytest.raises(InvalidRequestError, match="creates items only with a price") as refused:
            await client.create(draft(
                LineItem(name="Brand new A", unit_price=Decimal("10.00")), LineItem(name="Brand new B"),
            ))
    assert refused.value.field == "lines[1].unit_price"
    assert all(r.method == "GET" for r in sim.requests)  # neither item nor invoice was created
    assert {i.title for i in sim.store.items.values()}.isdisjoint({"Brand new A", "Brand new B"})


async def test_a_name_must_be_the_title_of_the_item_it_names() -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        with pytest.raises(InvalidRequestError, match="titled 'Consulting hour'") as refused:
            await client.create(draft(LineItem(name="Consulting", item_id=1, unit_price=Decimal(1))))
        assert refused.value.field == "lines[0].name"
        ok = await client.create(draft(LineItem(name="Consulting hour", item_id=1, unit_price=Decimal(1))))
        assert ok.lines[0].name == "Consulting hour"
    assert not sim.store.invoices or list(sim.store.invoices) == [ok.id]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (LineItem(name="   "), "lines[0].name"),
        (LineItem(name="x" * 256, unit_price=Decimal(1)), "lines[0].name"),
    ],
)
async def test_unusable_titles_are_refused_before_sending(line: LineItem, field: str) -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        with pytest.raises(InvalidRequestError) as refused:
            await client.create(draft(line))
    assert refused.value.field == field and sim.requests == []


async def test_update_resolves_new_line_names_and_keeps_the_others() -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        created = await client.create(draft(LineItem(name="Consulting hour", unit_price=Decimal("120.00"))))
        updated = await client.update(created.id, invoicekit.InvoiceChanges(lines=[
            *created.lines, LineItem(name="Travel", description="Train", unit_price=Decimal("80.00")),
        ]))
    assert [(line.name, line.description) for line in updated.lines] == [("Consulting hour", None), ("Travel", "Train")]


# -- the simulator's catalogue routes, as the server has them --------------------------------


async def test_simulated_catalogue_follows_the_server_rules() -> None:
    sim = OnlyOfficeSimulator(invoices=0)
    async with sim.run() as url, aiohttp.ClientSession() as session:
        headers = {"Authorization": sim.token}

        async def post(body: dict[str, object]) -> tuple[int, dict[str, object]]:
            async with session.post(f"{url}/api/2.0/crm/invoiceitem.json", json=body, headers=headers) as r:
                return r.status, json.loads(await r.text())

        async def titles(query: str) -> list[str]:
            async with session.get(f"{url}/api/2.0/crm/invoiceitem/filter.json?{query}", headers=headers) as r:
                return [i["title"] for i in json.loads(await r.text())["response"]]

        assert (await post({"title": "", "price": 1}))[0] == 400
        assert (await post({"title": "Free", "price": 0}))[0] == 400
        status, answer = await post({"title": "Gold", "price": "100000000"})
        assert status == 400 and answer["error"]["message"] == "Max Invoice Item Price: 99999999.99"
        status, answer = await post({"title": "Gold bar", "price": "99999999.99"})
        assert status == 201 and answer["response"]["title"] == "Gold bar"
        # Every word must start the title, description or SKU, or follow a space in them.
        assert await titles("filterValue=gold%20ba") == ["Gold bar"]
        assert await titles("filterValue=old") == []
        assert await titles("filterValue=hosting%20monthly") == []
        assert await titles("filterValue=hosting%20(monthly)") == ["Website hosting (monthly)"]
        assert await titles("sortBy=price&sortOrder=descending&count=2") == ["Gold bar", "Annual support plan"]


async def test_concurrent_reads_ask_for_each_item_title_once() -> None:
    sim = OnlyOfficeSimulator(invoices=40)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url)) as client:
        read = await asyncio.gather(*(client.get(i) for i in sim.store.invoices))
    used = {line.item_id for invoice in sim.store.invoices.values() for line in invoice.lines}
    item_reads = [r.path for r in sim.requests if "/invoiceitem/" in r.path]
    assert sorted(item_reads) == sorted(f"/api/2.0/crm/invoiceitem/{i}.json" for i in used)
    assert all(line.name == sim.store.items[line.item_id].title for inv in read for line in inv.lines)


async def test_an_item_the_portal_does_not_have_is_asked_for_once() -> None:
    """A line naming a deleted catalogue item: its title is None, and the 404 is remembered
    (item ids are never reused), so later reads of invoices naming it send no request."""
    from typing import Any

    from invoicekit import NotFoundError
    from invoicekit.onlyoffice.items import ItemCatalogue

    asked: list[str] = []

    def make_request(operation: str, method: str, path: str, **_: Any) -> str:
        return path

    async def fetch(request: str, **_: Any) -> Any:
        asked.append(request)
        raise NotFoundError("no such item", status=404, provider="onlyoffice", method="GET", url=request)

    catalogue = ItemCatalogue(make_request, fetch)
    assert catalogue.cached_titles([7]) is None  # not known yet: the caller must look it up
    assert [await catalogue.title(7) for _ in range(3)] == [None, None, None]
    assert asked == ["crm/invoiceitem/7"]
    assert catalogue.cached_titles([7, 7]) == {7: None}  # known, also as missing: no lookup
