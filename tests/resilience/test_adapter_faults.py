"""Fault runs through the real clients (``invoicekit.connect``) against the simulators.

Each test arms a fault on the simulator, makes one call, and checks three things: how many
requests reached the server (``sim.count``/``sim.requests``), what came back (a model or a typed
error with ``attempts``), and, for creates, that the invoice was not created twice.

Figures these tests pin down (max_retries=2 unless said):
- 503 + Retry-After on get: 3 requests, success; on the first list page: pages + 1 requests.
- 500 on create: 1 request, ServerError(attempts=1), one invoice stored, a note on how to check.
- connection dropped after a create was processed: 1 request, TransportError(request_sent=True).
- GHL 429 burst without Retry-After: retried after X-RateLimit-Interval-Milliseconds.
- GHL daily quota spent: 1 request, RateLimitError(daily_quota_exhausted=True).
- slow answer vs timeout: TransportError(timeout=True) naming the operation; a get is retried
  (3 requests), a create is not (1).
- 200 concurrent gets, 30% of them answered 503 + Retry-After once: 200 successes, 260 requests,
  no id requested more than twice (budget: 3).
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import Contact, InvoiceDraft, LineItem
from invoicekit.errors import RateLimitError, ServerError, TransportError
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .adapters import ghl_config, ghl_invoice_id, oo_config

RETRY = {"max_retries": 2, "backoff_base": 0.01}
OO_PATH = "/api/2.0/crm/invoice/{}.json"


def oo_draft() -> InvoiceDraft:
    return InvoiceDraft(
        currency="USD", contact=Contact(id=2, name="Jane Cooper"), number="INV-FAULT-1",
        lines=[LineItem(name="Retainer", description="Retainer", quantity=Decimal(1), unit_price=Decimal("100.00"))],
        terms="Payable within 30 days.", issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
    )


def ghl_draft() -> InvoiceDraft:
    return InvoiceDraft(
        currency="USD", contact=GoHighLevelSimulator.contacts[0],  # Jane Cooper, the id included
        lines=[LineItem(name="Retainer", description="Retainer", quantity=Decimal(1), unit_price=Decimal("100.00"))],
        terms="Payable within 30 days.", issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
    )


# -- 503 + Retry-After on reads: retried, then fine ------------------------------------------


async def test_onlyoffice_get_503_retry_after_is_retried() -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    sim.faults.fail_next(503, times=2, headers={"Retry-After": "0.05"}, path=OO_PATH.format(2))
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url, **RETRY)) as client:
        invoice = await client.get(2)
    assert invoice.id == 2
    assert sim.count("GET", OO_PATH.format(2)) == 3


async def test_gohighlevel_get_503_retry_after_is_retried() -> None:
    sim = GoHighLevelSimulator(invoices=3)
    invoice_id = ghl_invoice_id(sim)
    sim.faults.fail_next(503, times=2, headers={"Retry-After": "0.05"}, method="GET")
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, **RETRY)) as client:
        invoice = await client.get(invoice_id)
    assert invoice.id == invoice_id
    assert sim.count("GET", f"/invoices/{invoice_id}") == 3


@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
async def test_list_page_503_is_retried_and_the_listing_completes(provider: str) -> None:
    if provider == "onlyoffice":
        sim: Any = OnlyOfficeSimulator(invoices=25)
        path, make = "/api/2.0/crm/invoice/filter.json", oo_config
    else:
        sim = GoHighLevelSimulator(invoices=25)
        path, make = "/invoices/", ghl_config
    sim.faults.fail_next(503, times=1, headers={"Retry-After": "0.05"}, path=path)
    async with sim.run() as url, invoicekit.connect(make(sim, url, **RETRY)) as client:
        ids = [invoice.id async for invoice in client.list(page_size=10)]
    assert len(ids) == len(set(ids)) == 25
    assert sim.count("GET", path) == 3 + 1  # three pages, the first one twice


async def test_retry_after_beyond_the_cap_is_raised_with_retry_after() -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    sim.faults.fail_next(503, times=1, headers={"Retry-After": "600"})
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url, **RETRY)) as client:
        with pytest.raises(RateLimitError) as info:
            await client.get(1)
    assert info.value.retry_after == 600 and info.value.attempts == 1 and len(sim.requests) == 1


# -- creates: one request, never a duplicate ----------------------------------------------------


async def test_gohighlevel_create_500_is_not_retried_and_says_how_to_check() -> None:
    sim = GoHighLevelSimulator(invoices=3)
    # processed=True: the server stored the invoice and then answered 500, the worst case.
    sim.faults.fail_next(500, method="POST", path="/invoices/", processed=True)
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, **RETRY)) as client:
        with pytest.raises(ServerError) as info:
            await client.create(ghl_draft())
        error = info.value
        assert error.status == 500 and error.attempts == 1
        assert sim.count("POST", "/invoices/") == 1
        assert len(sim.store.invoices) == 4  # created exactly once
        note = " ".join(getattr(error, "__notes__", []))
        assert "may have been created" in note and "client.list(search='Monthly retainer'" in note
        # The recipe works: the invoice is found, so the caller does not create it again.
        found = [i async for i in client.list(search="Monthly retainer")]
        assert len(found) == 1


async def test_gohighlevel_create_dropped_after_processing_is_not_retried() -> None:
    sim = GoHighLevelSimulator(invoices=3)
    sim.faults.drop_connection(when="after_processing", method="POST", path="/invoices/")
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, **RETRY)) as client:
        with pytest.raises(TransportError) as info:
            await client.create(ghl_draft())
    error = info.value
    assert error.request_sent and error.attempts == 1 and error.operation == "create"
    assert "may have been created" in " ".join(getattr(error, "__notes__", []))
    assert sim.count("POST", "/invoices/") == 1 and len(sim.store.invoices) == 4


@pytest.mark.parametrize("when", ["before_read", "after_read", "after_processing"])
async def test_onlyoffice_create_dropped_is_not_retried(when: Any) -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    sim.faults.drop_connection(when=when, method="POST", path="/api/2.0/crm/invoice.json")
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url, **RETRY)) as client:
        with pytest.raises(TransportError) as info:
            await client.create(oo_draft())
    # Even "before_read" is after the request left the client: it may have been read, so no retry.
    # (A create IS retried when the connection was refused: tests/transport/test_faults.py.)
    assert info.value.request_sent and info.value.attempts == 1
    assert sim.count("POST", "/api/2.0/crm/invoice.json") == 1
    assert len(sim.store.invoices) == (4 if when == "after_processing" else 3)


# -- rate limits ---------------------------------------------------------------------------------


async def test_gohighlevel_429_burst_waits_for_the_rate_limit_interval() -> None:
    # GHL sends no Retry-After: the wait comes from X-RateLimit-Interval-Milliseconds (50 ms here).
    sim = GoHighLevelSimulator(invoices=3, burst_interval=0.05)
    invoice_id = ghl_invoice_id(sim)
    sim.faults.rate_limit_burst(times=2)
    async with sim.run() as url:
        async with invoicekit.connect(ghl_config(sim, url, max_retries=0)) as client:
            with pytest.raises(RateLimitError) as info:
                await client.get(invoice_id)
        assert info.value.retry_after == pytest.approx(0.05)
        assert info.value.rate_limit is not None and info.value.rate_limit.interval_ms == 50
        loop = asyncio.get_running_loop()
        async with invoicekit.connect(ghl_config(sim, url, **RETRY)) as client:
            started = loop.time()
            invoice = await client.get(invoice_id)
            waited = loop.time() - started
    assert invoice.id == invoice_id
    assert sim.count("GET", f"/invoices/{invoice_id}") == 1 + 2  # one 429 above, one here, then success
    assert waited >= 0.045  # slept the interval, not the jittered backoff (<= 10 ms)


async def test_gohighlevel_daily_quota_spent_is_not_retried() -> None:
    sim = GoHighLevelSimulator(invoices=3)
    sim.faults.rate_limit_burst(daily_exhausted=True)
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, **RETRY)) as client:
        with pytest.raises(RateLimitError) as info:
            await client.get(ghl_invoice_id(sim))
    error = info.value
    assert error.daily_quota_exhausted and error.attempts == 1 and len(sim.requests) == 1
    assert "daily request quota" in str(error)


async def test_rate_limit_setting_avoids_429s_from_a_matching_burst_limit() -> None:
    # GHL allows 100 requests per 10 s; rate_limit = 10 keeps inside it. Scaled 40x faster so the
    # test takes ~1.7 s instead of 100 s: the simulator allows 20 per 0.25 s (80/s) and the client
    # asks for 60/s, so any 0.25 s window sees at most 16 requests (margin for loopback jitter).
    sim = GoHighLevelSimulator(invoices=3, burst_limit=20, burst_interval=0.25)
    invoice_id = ghl_invoice_id(sim)
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, rate_limit=60)) as client:
        results = await asyncio.gather(*(client.get(invoice_id) for _ in range(100)))
    assert all(r.id == invoice_id for r in results)  # max_retries=0: a single 429 would have failed
    assert len(sim.requests) == 100
    times = sorted(r.received_at for r in sim.requests)
    busiest = max(sum(1 for t in times if start <= t < start + 0.25) for start in times)
    assert busiest <= 20


# -- slow answers --------------------------------------------------------------------------------


async def test_slow_get_times_out_naming_the_operation_and_is_retried() -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    sim.faults.delay(0.3, times=None)
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url, timeout=0.1, **RETRY)) as client:
        with pytest.raises(TransportError) as info:
            await client.get(1)
    error = info.value
    assert error.timeout and error.operation == "get" and "get" in str(error) and "0.1" in str(error)
    assert error.attempts == 3 and len(sim.requests) == 3


async def test_slow_create_times_out_once() -> None:
    sim = GoHighLevelSimulator(invoices=3)
    sim.faults.delay(0.3, method="POST")
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, timeout=0.1, **RETRY)) as client:
        with pytest.raises(TransportError) as info:
            await client.create(ghl_draft())
    assert info.value.timeout and info.value.operation == "create" and info.value.attempts == 1
    # The one create arrived (the simulator records on arrival) and no second one followed.
    # Whether the simulator went on to store it after the client hung up is shutdown timing.
    assert sim.count("POST") == 1 and len(sim.store.invoices) <= 4


# -- load: 200 concurrent gets, 30% answered 503 + Retry-After ----------------------------------


@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
async def test_200_concurrent_gets_with_30_percent_503_all_succeed_within_budget(provider: str) -> None:
    if provider == "onlyoffice":
        sim: Any = OnlyOfficeSimulator(invoices=200)
        ids: list[Any] = list(range(1, 201))
        path = OO_PATH.format
        config = oo_config
    else:
        sim = GoHighLevelSimulator(invoices=200, burst_limit=10_000)
        ids = list(sim.store.invoices)
        path = "/invoices/{}".format
        config = ghl_config
    unlucky = ids[::10] + ids[3::10] + ids[7::10]  # 60 of 200: 30 %
    for invoice_id in unlucky:
        sim.faults.fail_next(503, headers={"Retry-After": "0.02"}, method="GET", path=path(invoice_id))
    async with sim.run() as url, invoicekit.connect(config(sim, url, **RETRY)) as client:
        results = await asyncio.gather(*(client.get(i) for i in ids))
    assert [r.id for r in results] == ids
    # (ONLYOFFICE also reads the catalogue items that name the lines: not part of the count.)
    assert len([r for r in sim.requests if "/invoiceitem/" not in r.path]) == 200 + 60
    per_id = {i: sim.count("GET", path(i)) for i in ids}
    assert max(per_id.values()) <= 3  # the retry budget: 1 + max_retries
    assert sum(1 for n in per_id.values() if n == 2) == 60


# -- ONLYOFFICE: the safe-retry recipe for a create of unknown outcome -------------------------


@pytest.mark.parametrize("response_format", ["json", "xml"])
async def test_onlyoffice_create_500_after_processing_then_number_exists(response_format: str) -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    sim.faults.fail_next(500, method="POST", path="/api/2.0/crm/invoice.*", processed=True)
    config = oo_config(sim, "", **RETRY, response_format=response_format)
    async with sim.run() as url, invoicekit.connect({**config, "base_url": url}) as client:
        with pytest.raises(ServerError) as info:
            await client.create(oo_draft())
        error = info.value
        assert error.attempts == 1 and sim.count("POST", "/api/2.0/crm/invoice.*") == 1
        assert "number_exists('INV-FAULT-1')" in " ".join(getattr(error, "__notes__", []))
        # The recipe: the number exists, so the create happened and must not be repeated.
        assert await client.number_exists("INV-FAULT-1") is True
        assert await client.number_exists("INV-NEVER-USED") is False
    assert len(sim.store.invoices) == 4
    asked = [r for r in sim.requests if "bynumber/exist" in r.path]
    assert [r.params["number"] for r in asked] == ["INV-FAULT-1", "INV-NEVER-USED"]


async def test_onlyoffice_number_exists_checks_its_argument_before_sending() -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url)) as client:
        for bad in ("", "   ", None, 42):
            with pytest.raises(invoicekit.InvalidRequestError):
                await client.number_exists(bad)
    assert sim.requests == []
