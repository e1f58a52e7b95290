"""Hostile ids through the real clients: refused before any request, or encoded so that they
cannot reach another endpoint.

ONLYOFFICE ids are int32 > 0 (a string of ASCII digits is accepted); GoHighLevel ids are
strings, percent-encoded into one path segment, with separators, dots-only, whitespace, control
characters and absurd lengths refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import InvoiceChanges
from invoicekit.errors import InvalidRequestError, NotFoundError
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .adapters import ghl_config, oo_config

Operation = Callable[[Any, Any], Awaitable[Any]]

OPERATIONS: dict[str, Operation] = {
    "get": lambda c, i: c.get(i),
    "delete": lambda c, i: c.delete(i),
    "update": lambda c, i: c.update(i, InvoiceChanges(terms="x")),
    "send": lambda c, i: c.send(i),
    "mark_paid": lambda c, i: c.mark_paid(i),
    "delete_many": lambda c, i: c.delete_many([i]),
    "list_contact": lambda c, i: c.list(contact_id=i).__anext__(),
}

COMMON_HOSTILE: list[Any] = [
    "../", "..", ".", "../../authentication", "%2F", "1%2F..%2F2", "1?x=1", "1#frag", "1/2", " 1", "1 ", "1\n",
    "\t", "", "1\x00", "x" * 5000, True, False, None, 1.0, Decimal(1), b"1", [1], {"id": 1},
]
OO_HOSTILE: list[Any] = [*COMMON_HOSTILE, -1, 0, 2**31, 2**63, "-1", "+1", "0x10", "1e3", "1_000", "١٢",
                         "abc", "inv🙂"]
GHL_HOSTILE: list[Any] = [*COMMON_HOSTILE, 42, -1, 2**31, "x" * 129, "\u200b\x7f", "a\\b"]


@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_onlyoffice_refuses_hostile_ids_before_sending(operation: str) -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    hostile = [v for v in OO_HOSTILE if v is not None or operation != "list_contact"]  # None: no filter
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url)) as client:
        for value in hostile:
            with pytest.raises(InvalidRequestError) as info:
                await OPERATIONS[operation](client, value)
            assert info.value.field is not None and "id" in info.value.field, value
            assert len(str(info.value)) < 200  # a 5,000-character id is not echoed whole
    assert sim.requests == []


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op != "mark_paid"])
async def test_gohighlevel_refuses_hostile_ids_before_sending(operation: str) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    hostile = [v for v in GHL_HOSTILE if v is not None or operation != "list_contact"]  # None: no filter
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url)) as client:
        for value in hostile:
            with pytest.raises(InvalidRequestError) as info:
                await OPERATIONS[operation](client, value)
            assert len(str(info.value)) < 300, value
    assert sim.requests == []


async def test_gohighlevel_mark_paid_refuses_hostile_ids_before_sending() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url)) as client:
        for value in GHL_HOSTILE:
            with pytest.raises(InvalidRequestError):
                await client.mark_paid(value)
    assert sim.requests == []


async def test_onlyoffice_digit_strings_are_valid_ids() -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url)) as client:
        assert (await client.get("2")).id == 2
        assert (await client.get(3)).id == 3
        with pytest.raises(NotFoundError):
            await client.get(2**31 - 1)  # the largest int32: valid, just absent
    # (Catalogue item reads, which name the lines, left out.)
    assert [r.path for r in sim.requests if "/invoiceitem/" not in r.path] == [
        "/api/2.0/crm/invoice/2.json", "/api/2.0/crm/invoice/3.json", "/api/2.0/crm/invoice/2147483647.json",
    ]


@pytest.mark.parametrize("value", ["inv🙂", "Ünïcödé-ïd", "a+b", "a;b", "a&b=c", "a:b", "a@b", "-", "a.b", "...x"])
async def test_gohighlevel_unusual_but_valid_ids_stay_in_one_path_segment(value: str) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url)) as client:
        with pytest.raises(NotFoundError):  # GHL answers "no such invoice", nothing else is reached
            await client.get(value)
        with pytest.raises(NotFoundError):
            await client.delete(value)
    assert [(r.method, r.path) for r in sim.requests] == [("GET", f"/invoices/{value}"),
                                                         ("DELETE", f"/invoices/{value}")]
    # Only altId/altType in the query: nothing of the id leaked into it.
    assert all(set(r.params) == {"altId", "altType"} for r in sim.requests)


async def test_gohighlevel_contact_id_filter_is_a_query_value_not_a_path() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url)) as client:
        found = [i async for i in client.list(contact_id="a&altId=other;b+c=d")]
    assert found == []
    [request] = sim.requests
    assert request.path == "/invoices/" and request.params["contactId"] == "a&altId=other;b+c=d"
    assert request.params["altId"] == sim.location_id
