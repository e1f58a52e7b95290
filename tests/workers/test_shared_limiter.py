"""The rate limiter shared through Redis: one script per request spaces every worker's calls,
a spent daily quota stops every worker without a request, a Redis outage falls back to the
process's own limiter."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import redis.asyncio

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


async def _commands(client: Any) -> dict[str, int]:
    stats = await client.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(entry["calls"]) for name, entry in stats.items()}


# Redis counts the commands a script runs as well as the script: the limiter's one EVALSHA per
# call shows up with the PTTL, TIME, GET and SET it runs inside.
@pytest.mark.parametrize(
    ("rate_limit", "per_call"), [(None, {}), (1000, dict.fromkeys(("evalsha", "pttl", "time", "get", "set"), 1))]
)
async def test_a_call_with_a_fresh_token_costs_at_most_the_limiters_round_trip(
    redis_url: str, rate_limit: float | None, per_call: dict[str, int]
) -> None:
    # Its own seed: this process's credential slots outlive a test (and the flushed database).
    sim = GoHighLevelSimulator(invoices=1, refresh_token=f"seed-for-rate-{rate_limit}")
    probe = redis.asyncio.Redis.from_url(redis_url)
    async with sim.run() as url:
        config = sim.client_config(url=url, auth="oauth", state_store=redis_url, rate_limit=rate_limit)
        invoice_id = next(iter(sim.store.invoices))
        try:
            async with invoicekit.connect(config) as client:
                await client.get(invoice_id)  # refreshes: reads, leases, writes
                before = await _commands(probe)
                for _ in range(20):
                    await client.get(invoice_id)
                after = await _commands(probe)
        finally:
            await probe.aclose()
    used = {name: calls - before.get(name, 0) for name, calls in after.items() if name != "info"}
    assert {name: calls for name, calls in used.items() if calls} == {name: 20 * n for name, n in per_call.items()}


async def test_waiters_cancelled_before_their_slot_give_it_back(redis_url: str) -> None:
    """As with the in-process limiter: after 60 queued calls at 10 per second are cancelled, the
    next call does not wait behind the slots they had reserved."""
    import asyncio

    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    store = RedisStateStore(redis_url)
    try:
        limiter = SharedRateLimiter(store, "gohighlevel/app/cancelled", 10.0, provider="gohighlevel")
        await limiter.acquire("GET", "https://x/invoices/")  # the first slot goes at once
        queued = [asyncio.create_task(limiter.acquire("GET", "https://x/invoices/")) for _ in range(60)]
        await asyncio.sleep(0.2)  # every waiter has its slot and sleeps toward it
        for task in queued:
            task.cancel()
        await asyncio.gather(*queued, return_exceptions=True)
        limiter._sleep = record
        await limiter.acquire("GET", "https://x/invoices/")
    finally:
        await store.aclose()
    # Without the give-back this call would wait about 6 s behind the cancelled reservations.
    assert waits == [] or waits[0] < 0.5, waits
