"""``python -m bench.redis_row``: calls through a Redis state store and its shared rate limiter,
against the same calls with the in-process limiter and an in-memory store.

Starts a private ``redis-server`` (free 127.0.0.1 port, persistence off) and a GoHighLevel
simulator (OAuth, tokens that outlive the run, no burst limit), then for each setup makes
``--requests`` ``get`` calls at ``--concurrency`` with a ``rate_limit`` far above what the loop can
reach (so the limiter's cost is measured, not its waiting). Prints calls per second and Redis
commands per call (from ``INFO commandstats``; the limiter's script counts as one round trip).
``python -m bench`` runs the same measurement as its ``redis`` section (skipped, with a note,
where ``redis-server`` is not installed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis.asyncio

import invoicekit
from invoicekit.testing import GoHighLevelSimulator

_RATE = 1_000_000.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _round_trips(client: Any) -> int:
    """Commands clients sent, counting the limiter's script once (Redis also counts the PTTL,
    TIME, GET and SET it runs); measured where only the limiter's script runs."""
    stats = await client.info("commandstats")
    scripted = int(stats.get("cmdstat_evalsha", {}).get("calls", 0))
    total = sum(int(entry["calls"]) for entry in stats.values())
    return total - 4 * scripted


async def _measure(
    config: dict[str, Any], invoice_id: str, requests: int, concurrency: int, probe: Any
) -> tuple[float, float]:
    """Calls per second and Redis round trips per call, after a first call (the refresh)."""
    async with invoicekit.connect(config) as client:
        await client.get(invoice_id)  # the refresh and the session, outside the measurement
        queue = iter(range(requests))

        async def worker() -> None:
            for _ in queue:
                await client.get(invoice_id)

        before = await _round_trips(probe)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        trips = await _round_trips(probe) - before - 1  # the commandstats read itself
        return requests / elapsed, trips / requests


async def run(requests: int, concurrency: int, redis_url: str) -> list[tuple[str, float, float]]:
    probe = redis.asyncio.Redis.from_url(redis_url)
    rows: list[tuple[str, float, float]] = []
    setups: list[tuple[str, dict[str, Any]]] = [
        ("memory store, in-process limiter", {"state_store": "memory:", "rate_limit": _RATE}),
        ("Redis store, no limiter", {"state_store": redis_url}),
        ("Redis store, shared limiter", {"state_store": redis_url, "rate_limit": _RATE}),
    ]
    try:
        for index, (label, extra) in enumerate(setups):
            # A simulator (and refresh-token seed) per setup: a seed spent through one store is
            # rightly refused through another.
            sim = GoHighLevelSimulator(invoices=1, burst_limit=10**9, refresh_token=f"bench-seed-{index}")
            async with sim.run() as url:
                invoice_id = next(iter(sim.store.invoices))
                config = {**sim.client_config(url=url, auth="oauth", max_retries=0), **extra}
                rate, trips = await _measure(config, invoice_id, requests, concurrency, probe)
            rows.append((label, rate, trips))
    finally:
        await probe.aclose()
    return rows


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    """A private ``redis-server`` (free 127.0.0.1 port, persistence off) for the run: its URL, or
    None when the server is not installed or does not start."""
    executable = shutil.which("redis-server")
    if executable is None:
        yield None
        return
    port = _free_port()
    server = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    yield None
                    return
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.redis_row", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args(argv)
    with redis_server() as url:
        if url is None:
            print("redis-server is not installed or did not start", file=sys.stderr)
            return 2
        rows = asyncio.run(run(args.requests, args.concurrency, url))
    print(f"{'setup':<36} {'calls/s':>9} {'Redis round trips/call':>23}")
    for label, rate, trips in rows:
        print(f"{label:<36} {rate:>9.0f} {trips:>23.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
