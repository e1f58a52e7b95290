"""The client object across event loops and after aclose().

A client made once (module level) and used by two ``asyncio.run`` calls must simply work: it
owns a session per event loop, and the session of a loop that has ended is closed by that
loop's own cleanup, without warnings. A session passed in belongs to the loop that made it: using
the client from another loop is a ClientStateError that says so. Use after ``aclose()`` is a
ClientClosedError. These tests call ``asyncio.run`` themselves (sync tests; the simulator runs in
a thread with its own loop), and one runs in a subprocess under ``-X dev -W error``.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

import invoicekit
from invoicekit import ClientClosedError, ClientStateError, InvoiceClient, InvoiceDraft, InvoiceKitError, LineItem
from invoicekit.testing import OnlyOfficeSimulator, onlyoffice_simulator_config


class ThreadedSimulator:
    """An ONLYOFFICE simulator served from a thread, so it outlives the test's event loops."""

    def __init__(self) -> None:
        self.sim = OnlyOfficeSimulator(invoices=3)
        self.url = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with self.sim.run() as url:
            self.url = url
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> ThreadedSimulator:
        self._thread.start()
        assert self._ready.wait(10), "the simulator did not start"
        return self

    def __exit__(self, *_: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def config(self) -> dict[str, Any]:
        return onlyoffice_simulator_config(self.sim, self.url)


@pytest.fixture
def served() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator() as served:
        yield served


async def first_id(client: InvoiceClient) -> Any:
    async for invoice in client.list(page_size=2):
        return invoice.id
    raise AssertionError("no invoices")


def test_a_client_used_by_two_asyncio_runs_works_in_both(served: ThreadedSimulator) -> None:
    client = invoicekit.connect(served.config())
    first = asyncio.run(first_id(client))
    assert asyncio.run(client.get(first)).id == first  # a second loop: a second session
    assert asyncio.run(client.with_options(timeout=5).get(first)).id == first  # views too

    async def close() -> None:
        await client.aclose()

    asyncio.run(close())


def test_a_client_never_closed_leaves_no_unclosed_session(served: ThreadedSimulator) -> None:
    # Each loop's session is closed by that loop's shutdown: with filterwarnings = error, an
    # "Unclosed client session" would fail the test (as an unraisable-exception warning).
    client = invoicekit.connect(served.config())
    for _ in range(3):
        asyncio.run(first_id(client))
    del client


def test_use_after_aclose_is_a_client_closed_error(served: ThreadedSimulator) -> None:
    async def scenario() -> None:
        client = invoicekit.connect(served.config())
        invoice_id = await first_id(client)
        view = client.with_options(timeout=3)
        await client.aclose()
        for target in (client, view):
            with pytest.raises(ClientClosedError, match="closed") as info:
                await target.get(invoice_id)
            assert isinstance(info.value, InvoiceKitError) and "aclose()" in str(info.value)
        await client.aclose()  # closing twice is harmless

    asyncio.run(scenario())
    assert len(served.sim.requests) == 1  # nothing was sent after aclose()


def test_use_after_aclose_in_another_loop_is_a_client_closed_error(served: ThreadedSimulator) -> None:
    client = invoicekit.connect(served.config())
    invoice_id = asyncio.run(first_id(client))

    async def close() -> None:
        await client.aclose()

    asyncio.run(close())
    with pytest.raises(ClientClosedError):
        asyncio.run(client.get(invoice_id))


def test_a_borrowed_session_is_refused_from_another_loop(served: ThreadedSimulator) -> None:
    holder: dict[str, Any] = {}

    async def first_loop() -> Any:
        session = aiohttp.ClientSession()
        holder["client"] = invoicekit.connect(served.config(), session=session)
        try:
            return await first_id(holder["client"])
        finally:
            await session.close()  # the owner's job, in the owner's loop

    invoice_id = asyncio.run(first_loop())
    requests = len(served.sim.requests)
    with pytest.raises(ClientStateError, match="another event loop"):
        asyncio.run(holder["client"].get(invoice_id))
    assert len(served.sim.requests) == requests


def test_a_borrowed_session_closed_by_its_owner_is_named(served: ThreadedSimulator) -> None:
    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            client = invoicekit.connect(served.config(), session=session)
            invoice_id = await first_id(client)
        with pytest.raises(ClientStateError, match="closed by its owner"):
            await client.get(invoice_id)
        await client.aclose()

    asyncio.run(scenario())


async def create_and_read(client: InvoiceClient, tag: str) -> None:
    """Concurrent creates naming new catalogue items, then concurrent reads: both wait on the
    client's catalogue lookups, in whichever event loop runs this."""
    contact = OnlyOfficeSimulator.contacts[0]
    drafts = [
        InvoiceDraft(
            currency="EUR", contact=contact, number=f"{tag}-{k}", issue_date=date(2026, 11, 2),
            due_date=date(2026, 12, 2),
            lines=[LineItem(name=f"{tag} item {k}", quantity=Decimal(1), unit_price=Decimal(10))],
        )
        for k in range(3)
    ]
    async with asyncio.timeout(10):
        created = await asyncio.gather(*(client.create(draft) for draft in drafts))
        assert [invoice.lines[0].name for invoice in created if invoice.lines] == [f"{tag} item {k}" for k in range(3)]
        ids = [invoice.id async for invoice in client.list(page_size=50)]
        await asyncio.gather(*(client.get(invoice_id) for invoice_id in ids))


def test_a_client_waits_on_its_catalogue_in_two_runs_and_two_threads(served: ThreadedSimulator) -> None:
    # An asyncio lock belongs to the loop it first waited in: the client's catalogue lookups
    # were one lock for every loop, so the second asyncio.run (or the second thread) that had to
    # wait on it got "RuntimeError: ... is bound to a different event loop", or hung.
    client = invoicekit.connect({**served.config(), "max_retries": 0})
    asyncio.run(create_and_read(client, "first run"))
    asyncio.run(create_and_read(client, "second run"))
    errors: list[BaseException] = []

    def run(tag: str) -> None:
        try:
            asyncio.run(create_and_read(client, tag))
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"thread {k}",)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    async def close() -> None:
        await client.aclose()

    asyncio.run(close())


def test_threads_starting_and_ending_loops_at_once_share_the_client(served: ThreadedSimulator) -> None:
    # Each thread's asyncio.run is a new loop: the client registers it and forgets the ended
    # ones. Two threads doing that at once made one of them fail with "dictionary changed size
    # during iteration", or a KeyError on a loop the other had forgotten first. A tiny switch
    # interval makes the threads interleave inside those few lines.
    client = invoicekit.connect(served.config())
    invoice_id = asyncio.run(first_id(client))
    errors: list[BaseException] = []

    def work() -> None:
        for _ in range(40):
            try:
                asyncio.run(client.get(invoice_id))
            except BaseException as exc:  # reported by the test, not lost in the thread
                errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        sys.setswitchinterval(interval)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


SCRIPT = """
import asyncio, gc, sys
sys.path.insert(0, {root!r})
from tests.resilience.test_event_loops import ThreadedSimulator, first_id
import invoicekit

with ThreadedSimulator() as served:
    client = invoicekit.connect(served.config())  # module level, as in a script or a web app
    ids = [asyncio.run(first_id(client)) for _ in range(3)]
    asyncio.run(client.get(ids[0]))
    asyncio.run(client.aclose())
    try:
        asyncio.run(client.get(ids[0]))
    except invoicekit.ClientClosedError as exc:
        print("closed:", type(exc).__name__)
    del client
    gc.collect()
print("done", ids)
"""


def test_module_level_client_under_dev_mode_warns_about_nothing() -> None:
    root = str(__import__("pathlib").Path(__file__).resolve().parents[2])
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", textwrap.dedent(SCRIPT).format(root=root)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "closed: ClientClosedError" in result.stdout and "done" in result.stdout
    # Dev mode also reports callbacks slower than 0.1 s: a loaded machine's timing, not a leak.
    warnings = [line for line in result.stderr.splitlines() if not _SLOW_CALLBACK.match(line)]
    assert warnings == [], result.stderr


_SLOW_CALLBACK = re.compile(r"Executing <.*> took \d+\.\d+ seconds$")
