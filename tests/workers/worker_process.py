"""One worker process of the many-workers tests (run as a script, not collected by pytest).

``worker_process.py CONFIG.json calls SECONDS TASKS INVOICE_ID``: ``TASKS`` concurrent loops of
``client.get`` for ``SECONDS``; prints a JSON line: calls, errors by type, the longest gap between
two successful calls.
``worker_process.py CONFIG.json hold KEY``: takes the credential lease ``KEY`` in the configured
Redis store, prints "held" and blocks (the test kills it with SIGKILL).
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys
import time

import invoicekit
from invoicekit.state import open_state_store


async def calls(config: dict[str, object], seconds: float, tasks: int, invoice_id: str) -> None:
    errors: collections.Counter[str] = collections.Counter()
    done = 0
    last_success = time.monotonic()
    longest_gap = 0.0
    async with invoicekit.connect(config) as client:
        deadline = time.monotonic() + seconds

        async def loop() -> None:
            nonlocal done, last_success, longest_gap
            while time.monotonic() < deadline:
                try:
                    await client.get(invoice_id)
                except invoicekit.InvoiceKitError as exc:
                    errors[type(exc).__name__] += 1
                    await asyncio.sleep(0.05)
                    continue
                now = time.monotonic()
                longest_gap = max(longest_gap, now - last_success)
                last_success = now
                done += 1

        await asyncio.gather(*(loop() for _ in range(tasks)))
    print(json.dumps({"calls": done, "errors": dict(errors), "longest_gap": longest_gap}), flush=True)


async def hold(config: dict[str, object], key: str) -> None:
    store, _ = open_state_store(str(config["state_store"]), needs_state=True)
    assert store is not None and hasattr(store, "lease")
    async with store.lease(key, ttl=30):
        print("held", flush=True)
        await asyncio.sleep(3600)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        config = json.load(file)
    if sys.argv[2] == "hold":
        asyncio.run(hold(config, sys.argv[3]))
    else:
        asyncio.run(calls(config, float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))


if __name__ == "__main__":
    main()
