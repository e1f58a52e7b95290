"""Load: many concurrent calls against one client, with faults, concurrency caps and rate limits."""

from __future__ import annotations

import asyncio
import collections
import random
import time

import pytest
from aiohttp import web

from invoicekit.options import ClientOptions

from .conftest import Harness, get, text


async def test_200_concurrent_reads_with_30_percent_503_all_succeed_within_budget(harness: Harness) -> None:
    rng = random.Random(20261121)
    ids = list(range(200))
    # 30% of the reads are answered 503 + Retry-After at least once; a third of those twice.
    # With max_retries=2 every read must get through, and none may be sent more than 3 times.
    failing_once = set(rng.sample(ids, 60))
    failing_twice = set(rng.sample(sorted(failing_once), 20))
    attempts: collections.Counter[int] = collections.Counter()

    async def handler(request: web.Request) -> web.Response:
        item = int(request.match_info["id"])
        attempts[item] += 1
        n = attempts[item]
        await asyncio.sleep(0.001)
        if (item in failing_once and n == 1) or (item in failing_twice and n == 2):
            # Retry-After: 0 and 1 both appear; the injected sleep records instead of waiting.
            return text('{"message": "busy"}', status=503, headers={"Retry-After": str(item % 2)})
        return text(f'{{"id": {item}}}')

    server = await harness.web({("GET", "/api/items/{id}"): handler})
    options = ClientOptions(max_retries=2, max_concurrency=20)
    caller, sleep = harness.caller(server.base_url, options)

    responses = await asyncio.gather(*(caller(get(f"items/{i}"), options) for i in ids))

    assert [r.body for r in responses] == [f'{{"id": {i}}}'.encode() for i in ids]
    expected = {i: 1 + (i in failing_once) + (i in failing_twice) for i in ids}
    assert dict(attempts) == expected
    assert options.max_retries is not None and max(attempts.values()) <= options.max_retries + 1
    assert sum(attempts.values()) == 200 + 60 + 20
    # Retry-After is the least wait; the backoff (0.25 s, then 0.5 s with random() = 0.5) wins
    # over "Retry-After: 0".
    backoff = [0.25, 0.5]
    assert sorted(sleep.delays) == sorted(max(float(i % 2), backoff[k]) for i in ids for k in range(expected[i] - 1))
    assert server.max_in_flight <= 20


@pytest.mark.parametrize(("cap", "calls", "delay"), [(5, 60, 0.02), (1, 10, 0.005)], ids=["cap-5", "serialised"])
async def test_max_concurrency_caps_requests_in_flight(harness: Harness, cap: int, calls: int, delay: float) -> None:
    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        return text("{}")

    server = await harness.web({("GET", "/api/items/{id}"): slow})
    options = ClientOptions(max_concurrency=cap)
    caller, _ = harness.caller(server.base_url, options)
    await asyncio.gather(*(caller(get(f"items/{i}"), options) for i in range(calls)))
    assert server.max_in_flight == cap
    assert sum(server.hits.values()) == calls


async def test_rate_limit_spaces_requests_on_the_wire(harness: Harness) -> None:
    arrivals: list[float] = []

    async def stamp(_request: web.Request) -> web.Response:
        arrivals.append(time.monotonic())
        return text("{}")

    server = await harness.web({("GET", "/api/items/{id}"): stamp})
    options = ClientOptions(rate_limit=100, max_concurrency=50)
    caller, _ = harness.caller(server.base_url, options)
    started = time.monotonic()
    await asyncio.gather(*(caller(get(f"items/{i}"), options) for i in range(21)))
    elapsed = time.monotonic() - started
    # burst 1 at 100/s: 21 requests need at least 20 intervals of 10 ms.
    assert elapsed >= 0.19
    gaps = [b - a for a, b in zip(sorted(arrivals), sorted(arrivals)[1:], strict=False)]
    assert sum(gaps) >= 0.18
