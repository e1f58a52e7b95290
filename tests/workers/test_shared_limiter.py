"""The rate limiter shared through Redis: one script per request spaces every worker's calls,
a spent daily quota stops every worker without a request, a Redis outage falls back to the
process's own limiter."""

from __future__ import annotations

import logging

import pytest

import invoicekit
from invoicekit._http.shared_limiter import SharedRateLimiter
from invoicekit.errors import RateLimitError
from invoicekit.state.redis import RedisStateStore
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator


async def test_limiters_of_one_scope_hand_out_one_sequence_of_slots(redis_url: str) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    stores = [RedisStateStore(redis_url) for _ in range(2)]
    try:
        limiters = [SharedRateLimiter(s, "gohighlevel/app/loc", 2.0, provider="gohighlevel", sleep=record)
                    for s in stores]
        other = SharedRateLimiter(stores[0], "gohighlevel/app/other", 2.0, provider="gohighlevel", sleep=record)
        for _ in range(3):
            for limiter in limiters:
                await limiter.acquire("GET", "https://x/invoices/")
        await other.acquire("GET", "https://x/invoices/")  # another location: its own sequence
        keys = sorted(await stores[0].client.keys("*"))
        assert keys == [b"invoicekit:rate:gohighlevel/app/loc", b"invoicekit:rate:gohighlevel/app/other"]
    finally:
        for store in stores:
            await store.aclose()
    # Six calls from two "workers": the first goes at once, then one slot every 0.5 s between them.
    assert len(waits) == 5 and len(set(waits)) == 5
    steps = [later - earlier for earlier, later in zip([0.0, *waits], waits, strict=False)]
    assert all(0.3 < step <= 0.5 for step in steps), steps


async def test_a_spent_daily_quota_stops_every_worker_without_a_request(redis_url: str) -> None:
    sim = GoHighLevelSimulator(invoices=1, daily_limit=2)
    async with sim.run() as url:
        config = sim.client_config(url=url, state_store=redis_url, rate_limit=50, max_retries=0)
        invoice_id = next(iter(sim.store.invoices))
        async with invoicekit.connect(config) as first, invoicekit.connect(config) as second:
            await first.get(invoice_id)
            await second.get(invoice_id)
            with pytest.raises(RateLimitError) as told:
                await first.get(invoice_id)  # GHL says the day's quota is gone
            assert told.value.daily_quota_exhausted
            sent = len(sim.requests)
            with pytest.raises(RateLimitError, match="daily request quota") as fast:
                await second.get(invoice_id)
            assert fast.value.daily_quota_exhausted and fast.value.status == 429
            assert 0 < (fast.value.retry_after or 0) <= 3600
            assert len(sim.requests) == sent  # nothing went out


async def test_without_redis_the_process_limits_itself(
    redis_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    caplog.set_level(logging.WARNING, logger="invoicekit")
    async with sim.run() as url:
        # Nothing listens on port 1: the shared limiter cannot run, the calls still go.
        config = sim.client_config(url=url, state_store="redis://127.0.0.1:1/0", rate_limit=100, max_retries=0)
        async with invoicekit.connect(config) as client:
            assert len([invoice async for invoice in client.list()]) == 1
    assert any("spacing calls in this process only" in r.getMessage() for r in caplog.records)
