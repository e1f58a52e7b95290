"""RateLimiter (GCRA) with an injected clock and sleep: no real waiting."""

from __future__ import annotations

import asyncio
import bisect

import pytest

from invoicekit._http.limiter import RateLimiter


class FakeTime:
    """A clock that only moves when someone sleeps; sleepers wake in deadline order."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        deadline = self.now + delay
        # Yield until every task that was ready has run, then jump the clock forward.
        await asyncio.sleep(0)
        self.now = max(self.now, deadline)


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(bisect.bisect_left(times, t + window - 1e-9) - i for i, t in enumerate(times))


async def test_burst_of_1000_is_smoothed_to_the_rate() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, clock=fake.clock, sleep=fake.sleep)  # GoHighLevel: 100 per 10 s
    admitted: list[float] = []

    async def call() -> None:
        await limiter.acquire()
        admitted.append(fake.now)

    await asyncio.gather(*(call() for _ in range(1000)))
    assert len(admitted) == 1000
    # Never more than 100 in any 10 s window, and the burst takes ~100 s, not longer.
    assert _max_in_window(admitted, 10.0) <= 100
    assert max(admitted) - min(admitted) == pytest.approx(99.9, abs=0.01)


def test_reserve_spaces_slots_evenly_by_default() -> None:
    now = [0.0]
    limiter = RateLimiter(50, clock=lambda: now[0])
    assert limiter.burst == 1
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == pytest.approx([0.0, 0.02, 0.04, 0.06, 0.08])


def test_explicit_burst_lets_that_many_go_at_once() -> None:
    now = [0.0]
    limiter = RateLimiter(10, burst=5, clock=lambda: now[0])
    waits = [limiter.reserve() for _ in range(7)]
    assert waits[:5] == [0.0] * 5
    assert waits[5:] == pytest.approx([0.1, 0.2])


def test_quiet_time_refills_but_never_beyond_the_burst() -> None:
    now = [0.0]
    limiter = RateLimiter(10, burst=3, clock=lambda: now[0])
    for _ in range(3):
        limiter.reserve()
    now[0] = 100.0  # a long pause
    waits = [limiter.reserve() for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0] and waits[3] == pytest.approx(0.1)


@pytest.mark.parametrize("kwargs", [{"rate": 0}, {"rate": -1}, {"rate": 1, "burst": 0}])
def test_invalid_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RateLimiter(**kwargs)  # type: ignore[arg-type]


class ParkedTime(FakeTime):
    """Sleepers park until cancelled or released; the clock moves only when the test says so."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def sleep(self, delay: float) -> None:
        await self.release.wait()


async def _queue(limiter: RateLimiter, count: int) -> list[asyncio.Task[None]]:
    tasks = [asyncio.create_task(limiter.acquire()) for _ in range(count)]
    await asyncio.sleep(0)  # every task has reserved its slot and parked
    return tasks


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_cancelled_waiters_give_their_slots_back() -> None:
    fake = ParkedTime()
    limiter = RateLimiter(10, clock=fake.clock, sleep=fake.sleep)
    assert limiter.reserve() == 0  # the call that went at once
    await _cancel(await _queue(limiter, 60))
    # Without the give-back the next call waited 6 s (behind 60 abandoned slots).
    assert limiter.reserve() == pytest.approx(0.1)
    assert limiter.reserve() == pytest.approx(0.2)


async def test_given_back_slots_are_reused_once_and_the_rate_still_holds() -> None:
    fake = ParkedTime()
    limiter = RateLimiter(10, clock=fake.clock, sleep=fake.sleep)
    starts = [fake.now + limiter.reserve()]
    tasks = await _queue(limiter, 40)
    kept = tasks[1::2]
    await _cancel(tasks[::2])
    starts += [fake.now + 0.1 * (i + 1) for i in range(40)][1::2]  # the waiters still queued
    fake.now += 0.35  # time passes: the holes before now are gone, the later ones are reused
    starts += [fake.now + limiter.reserve() for _ in range(30)]
    assert min(starts[len(kept) + 1 :]) >= fake.now
    assert len(set(round(s, 6) for s in starts)) == len(starts)  # no slot handed out twice
    assert _max_in_window(starts, 1.0) <= 10  # still at most rate x window
    fake.release.set()
    await asyncio.gather(*kept)


async def test_a_waiter_cancelled_after_its_slot_passed_gives_nothing_back() -> None:
    fake = ParkedTime()
    limiter = RateLimiter(10, clock=fake.clock, sleep=fake.sleep)
    limiter.reserve()
    tasks = await _queue(limiter, 3)
    fake.now += 1.0  # all three slots are in the past
    await _cancel(tasks)
    assert limiter.reserve() == 0
    assert limiter.reserve() == pytest.approx(0.1)
