"""The retry budget: a time budget per call (``retry_timeout``) and a client-wide token bucket.

Real local servers on 127.0.0.1; the request runner's sleep is injected (nothing waits for real)
and, where time matters, its clock too.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from invoicekit._http.auth import StaticAuth
from invoicekit._http.budget import RETRY_COST, TIMEOUT_RETRY_COST, RetryBudget
from invoicekit._http.runner import RequestRunner
from invoicekit.errors import ServerError, TransportError, ValidationError
from invoicekit.options import ClientOptions
from invoicekit.settings import SettingsReader

from .conftest import TOKEN, Harness, SleepRecorder, create, decode_error, free_port, get, text

DEFAULTS = ClientOptions()


def flaky(rate: float, seed: int = 20261201) -> tuple[Callable[[web.Request], Awaitable[web.Response]], list[int]]:
    """A handler failing ``rate`` of all requests (first tries and retries alike) with 503 and
    ``Retry-After: 0``; the list counts [requests, failures]."""
    rng = random.Random(seed)
    counts = [0, 0]

    async def handler(request: web.Request) -> web.Response:
        counts[0] += 1
        await asyncio.sleep(0)
        if rng.random() < rate:
            counts[1] += 1
            return text('{"message": "busy"}', status=503, headers={"Retry-After": "0"})
        return text('{"id": "' + request.match_info["id"] + '"}')

    return handler, counts


async def test_200_concurrent_reads_at_30_percent_503_all_succeed_with_default_settings(harness: Harness) -> None:
    handler, counts = flaky(0.3)
    server = await harness.web({("GET", "/api/items/{id}"): handler})
    caller, sleep = harness.caller(server.base_url, DEFAULTS)
    responses = await asyncio.gather(*(caller(get(f"items/{i}"), DEFAULTS) for i in range(200)))
    assert [r.body for r in responses] == [f'{{"id": "{i}"}}'.encode() for i in range(200)]
    assert counts[0] == 200 + counts[1]  # every failure was retried, and nothing else
    assert max(sleep.delays) <= DEFAULTS.backoff_cap
    # The successes kept the bucket near full: transient failures do not spend it.
    budget = caller.transport.retry_budget
    assert budget is not None and budget.available >= budget.capacity - 5 * 10


async def test_a_server_that_is_down_gets_at_most_the_buckets_worth_of_retries(harness: Harness) -> None:
    handler, counts = flaky(1.0)
    server = await harness.web({("GET", "/api/items/{id}"): handler})
    caller, _ = harness.caller(server.base_url, DEFAULTS)
    results = await asyncio.gather(*(caller(get(f"items/{i}"), DEFAULTS) for i in range(200)), return_exceptions=True)
    assert all(isinstance(r, ServerError) for r in results)
    capacity = DEFAULTS.retry_budget
    assert capacity is not None
    assert counts[0] <= 1.1 * 200 + capacity // RETRY_COST  # 300 here; a fixed 2 retries sent 600
    spent = [r for r in results if "retry budget is spent" in "".join(getattr(r, "__notes__", []))]
    assert len(spent) >= 150  # most calls were told why they were not retried


async def test_after_an_outage_successes_refill_the_bucket_and_retries_resume(harness: Harness) -> None:
    down = [True]
    busy_once: set[str] = set()

    async def handler(request: web.Request) -> web.Response:
        item = request.match_info["id"]
        if down[0]:
            return text("{}", status=503)
        if item.startswith("flaky") and item not in busy_once:
            busy_once.add(item)
            return text("{}", status=503)
        return text("{}")

    server = await harness.web({("GET", "/api/items/{id}"): handler})
    caller, _ = harness.caller(server.base_url, DEFAULTS)
    budget = caller.transport.retry_budget
    assert budget is not None
    await asyncio.gather(*(caller(get(f"items/{i}"), DEFAULTS) for i in range(200)), return_exceptions=True)
    assert budget.available < RETRY_COST  # drained by the outage

    down[0] = False
    with pytest.raises(ServerError) as info:  # a transient failure right after: no token left
        await caller(get("items/flaky-1"), DEFAULTS)
    assert info.value.attempts == 1
    for i in range(RETRY_COST):  # each success puts one token back
        await caller(get(f"items/ok-{i}"), DEFAULTS)
    response = await caller(get("items/flaky-2"), DEFAULTS)  # retried again, and it worked
    assert response.status == 200 and server.hits["GET /api/items/flaky-2"] == 2


class FakeClock:
    """The runner's clock and sleep: sleeping moves the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 500.0
        self.delays: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self.now += delay
        await asyncio.sleep(0)


def timed_runner(harness: Harness, base_url: str, options: ClientOptions, clock: FakeClock) -> RequestRunner:
    return RequestRunner(
        transport=harness.transport(base_url, options), auth=StaticAuth({"Authorization": TOKEN}),
        decode_error=decode_error, sleep=clock.sleep, random=lambda: 1.0, clock=clock,
    )


@pytest.mark.parametrize("retry_timeout", [0.0, 3.0, 10.0, 60.0])
async def test_a_call_retries_until_its_time_budget_is_spent(harness: Harness, retry_timeout: float) -> None:
    handler, counts = flaky(1.0)
    server = await harness.web({("GET", "/api/items/{id}"): handler})
    options = ClientOptions(retry_timeout=retry_timeout)
    clock = FakeClock()
    started = clock.now
    with pytest.raises(ServerError) as info:
        await timed_runner(harness, server.base_url, options, clock)(get(), options)
    # random() = 1.0: waits 0.5, 1, 2, 4, 8, 8, ... as long as the next one still fits.
    assert sum(clock.delays) <= retry_timeout
    assert clock.now - started + min(8.0, 0.5 * 2 ** len(clock.delays)) > retry_timeout
    assert info.value.attempts == len(clock.delays) + 1 == counts[0]
    assert "would pass retry_timeout" in "".join(info.value.__notes__)


async def test_retry_after_is_honoured_within_the_time_budget(harness: Harness) -> None:
    async def handler(_request: web.Request) -> web.Response:
        return text("{}", status=503, headers={"Retry-After": "7"})

    server = await harness.web({("GET", "/api/items/1"): handler})
    options = ClientOptions(retry_timeout=20)
    clock = FakeClock()
    with pytest.raises(ServerError):
        await timed_runner(harness, server.base_url, options, clock)(get(), options)
    assert clock.delays == [7.0, 7.0]  # a third wait of 7 s would end at 21 s


async def test_max_retries_stays_a_hard_cap(harness: Harness) -> None:
    handler, _ = flaky(1.0)
    server = await harness.web({("GET", "/api/items/{id}"): handler})
    for cap in (0, 1, 4):
        options = ClientOptions(max_retries=cap)
        caller, _ = harness.caller(server.base_url, options)
        with pytest.raises(ServerError) as info:
            await caller(get(), options)
        assert info.value.attempts == cap + 1


async def test_posts_keep_their_rules_and_draw_from_the_same_bucket(harness: Harness) -> None:
    async def busy(_request: web.Request) -> web.Response:
        return text("{}", status=503)

    server = await harness.web({("POST", "/api/items"): busy})
    caller, _ = harness.caller(server.base_url, DEFAULTS)
    with pytest.raises(ServerError) as info:  # a POST answered 503 may have been applied
        await caller(create(), DEFAULTS)
    assert info.value.attempts == 1
    refused, _ = harness.caller(f"http://127.0.0.1:{free_port()}/api/", ClientOptions(max_retries=3))
    budget = refused.transport.retry_budget
    assert budget is not None
    with pytest.raises(TransportError) as sent:  # never sent: retried, and paid for
        await refused(create(), ClientOptions(max_retries=3))
    assert sent.value.attempts == 4 and budget.available == budget.capacity - 3 * RETRY_COST


async def test_timeouts_cost_more() -> None:
    budget = RetryBudget(20)
    assert budget.withdraw(timeout=True) == TIMEOUT_RETRY_COST
    assert budget.withdraw(timeout=False) == RETRY_COST
    assert budget.withdraw(timeout=True) is None and budget.available == 5  # nothing taken
    budget.on_success(RETRY_COST)  # a call that succeeded after a retry refunds it
    assert budget.available == 10
    for _ in range(50):
        budget.on_success(0)
    assert budget.available == 20  # never beyond the capacity


async def test_views_from_with_options_share_the_clients_bucket(harness: Harness) -> None:
    from .test_lifecycle import ProbeClient

    handler, counts = flaky(1.0)
    server = await harness.web({("GET", "/api/items/{id}"): handler})
    async with ProbeClient(server.base_url, ClientOptions(retry_budget=20)) as client:
        client._runner.sleep = SleepRecorder()
        view = client.with_options(retry_timeout=30)
        for target in (client, view, client):
            with pytest.raises(ServerError):
                await target.get(1)
        assert counts[0] == 3 + 4  # 20 tokens: four retries in all, whichever view made them


def test_the_new_keys_read_from_config() -> None:
    reader = SettingsReader(
        {"retry_timeout": "15", "max_retries": "off", "retry_budget": "none"}, provider="p", prefix="x."
    )
    options = reader.options()
    assert (options.retry_timeout, options.max_retries, options.retry_budget) == (15.0, None, None)
    assert SettingsReader({"max_retries": "3"}, provider="p", prefix="x.").options().max_retries == 3
    assert ClientOptions().max_retries is None and ClientOptions().retry_budget == 500


async def test_no_budget_means_no_client_wide_limit(harness: Harness) -> None:
    handler, counts = flaky(1.0)
    server = await harness.web({("GET", "/api/items/{id}"): handler})
    options = ClientOptions(retry_budget=None, max_retries=150)
    caller, _ = harness.caller(server.base_url, options)
    with pytest.raises(ServerError):
        await caller(get(), options)
    assert counts[0] == 151


async def test_a_client_error_is_never_retried(harness: Harness) -> None:
    async def bad(_request: web.Request) -> web.Response:
        return text("{}", status=400)

    server = await harness.web({("GET", "/api/items/1"): bad})
    caller, _ = harness.caller(server.base_url, DEFAULTS)
    with pytest.raises(ValidationError) as info:
        await caller(get(), DEFAULTS)
    assert info.value.attempts == 1
