"""The benchmark's HTTP server: an aiohttp.web app answering with pre-encoded bodies.

It runs in its own process (pinned to its own core when there are two or more) so that its CPU
time is not taken from the measured client loop. Every answer is assembled from fragments
encoded at start-up: the server spends as little as possible per request, and both contenders
get byte-identical answers.

Routes (``{n}`` is the number of invoices the list endpoints pretend to hold):

- ``/oo/{n}/api/2.0/crm/invoice/{id}.json|.xml``: one invoice (with lines);
- ``/oo-small/{n}/...`` and ``/ghl-small/{n}/...``: the same routes, ``get`` answering with the
  small payloads (the minimal ONLYOFFICE invoice, GoHighLevel's spec example);
- ``/oo/{n}/api/2.0/crm/invoice/filter.json|.xml``: honours ``startIndex``/``count`` (a short
  last page, an empty page past the end), with the real envelope (``nextIndex`` off by one);
- ``/ghl/{n}/invoices/{id}``: one invoice;
- ``/ghl/{n}/invoices/``: honours ``offset``/``limit``, with ``total``.

List pages cycle through a pool of distinct invoices. GoHighLevel ids repeat past the pool size;
ONLYOFFICE invoices past it are renumbered by their position, because a listing sorted by id
must move forward (invoicekit refuses a page that does not).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
from pathlib import Path
from typing import Any

from aiohttp import web

from . import payloads


def _int(query: Any, name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        return default


def _renumbered(fragment: bytes, invoice_id: int) -> bytes:
    """An ONLYOFFICE list item (``{"id":N,...`` or ``<response><id>N</id>...``) with another id."""
    head, end = (b'{"id":', b",") if fragment.startswith(b"{") else (b"<response><id>", b"</id>")
    return head + str(invoice_id).encode() + fragment[fragment.index(end, len(head)) :]


def _size(request: web.Request) -> str:
    return "small" if request.match_info["prefix"].endswith("-small") else "full"


class BenchServer:
    def __init__(self, pool_size: int) -> None:
        self.pool_size = pool_size
        self.single = {(fmt, size): payloads.get_body(fmt, size) for fmt in payloads.FORMATS for size in payloads.SIZES}
        oo = payloads.onlyoffice_invoices(pool_size)
        ghl = payloads.gohighlevel_invoices(pool_size)
        self.fragments = {
            "onlyoffice-json": payloads.encode_items("onlyoffice-json", oo),
            "onlyoffice-xml": payloads.encode_items("onlyoffice-xml", oo),
            "gohighlevel-json": payloads.encode_items("gohighlevel-json", ghl),
        }
        self._joined: dict[tuple[str, int, int], bytes] = {}  # per (format, pool offset, count)
        self._types = {fmt: payloads.content_type(fmt) for fmt in payloads.FORMATS}

    def _page(self, fmt: str, start: int, count: int, total: int) -> bytes:
        count = max(0, min(count, total - start))
        offset = start % self.pool_size
        renumber = fmt.startswith("onlyoffice") and start + count > self.pool_size
        key = (fmt, offset, count)
        joined = None if renumber else self._joined.get(key)
        if joined is None:
            pool = self.fragments[fmt]
            items = [pool[(offset + i) % self.pool_size] for i in range(count)]
            if renumber:
                items = [_renumbered(item, start + i + 1) for i, item in enumerate(items)]
            joined = payloads.join_items(fmt, items)
            if not renumber:
                self._joined[key] = joined
        return payloads.page_body(fmt, joined, count=count, start=start, total=total)

    def _respond(self, fmt: str, body: bytes) -> web.Response:
        return web.Response(body=body, content_type=self._types[fmt], charset="utf-8")

    async def onlyoffice(self, request: web.Request) -> web.Response:
        name, _, suffix = request.match_info["name"].rpartition(".")
        fmt = "onlyoffice-xml" if suffix == "xml" else "onlyoffice-json"
        if name == "filter":
            total = int(request.match_info["n"])
            query = request.rel_url.query
            body = self._page(fmt, _int(query, "startIndex", 0), _int(query, "count", 25), total)
            return self._respond(fmt, body)
        return self._respond(fmt, self.single[fmt, _size(request)])

    async def gohighlevel_list(self, request: web.Request) -> web.Response:
        total = int(request.match_info["n"])
        query = request.rel_url.query
        body = self._page("gohighlevel-json", _int(query, "offset", 0), _int(query, "limit", 10), total)
        return self._respond("gohighlevel-json", body)

    async def gohighlevel_get(self, request: web.Request) -> web.Response:
        return self._respond("gohighlevel-json", self.single["gohighlevel-json", _size(request)])

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(r"/{prefix:oo|oo-small}/{n:\d+}/api/2.0/crm/invoice/{name}", self.onlyoffice)
        app.router.add_get(r"/{prefix:ghl|ghl-small}/{n:\d+}/invoices/", self.gohighlevel_list)
        app.router.add_get(r"/{prefix:ghl|ghl-small}/{n:\d+}/invoices/{id}", self.gohighlevel_get)
        return app


async def _serve(pool_size: int, ready: multiprocessing.connection.Connection) -> None:
    server = BenchServer(pool_size)
    runner = web.AppRunner(server.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    ready.send(runner.addresses[0][1])  # the port the OS picked
    try:
        await asyncio.Event().wait()  # until the parent terminates us
    finally:
        await runner.cleanup()


def _main(pool_size: int, cpu: int | None, ready: multiprocessing.connection.Connection) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    asyncio.run(_serve(pool_size, ready))


class ServerProcess:
    """Starts the server in a child process on a free 127.0.0.1 port; stops it on exit."""

    def __init__(self, *, pool_size: int, cpu: int | None) -> None:
        self.pool_size = pool_size
        self.cpu = cpu
        self.port = 0
        self._process: multiprocessing.process.BaseProcess | None = None

    def __enter__(self) -> ServerProcess:
        context = multiprocessing.get_context("spawn")  # no inherited event loop or threads
        receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_main, args=(self.pool_size, self.cpu, send), name="invoicekit-bench-server", daemon=True
        )
        self._process.start()
        if not receive.poll(120):
            self.__exit__(None, None, None)
            raise RuntimeError("the benchmark server did not start within 120 s")
        self.port = receive.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(10)
            self._process = None

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used so far (Linux; None elsewhere)."""
        if self._process is None or self._process.pid is None:
            return None
        try:
            fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def url(self, provider: str, invoices: int, size: str = "full") -> str:
        """Base URL of a pretend account holding ``invoices``, whose ``get`` answers with the
        ``size`` payload."""
        prefix = "oo" if provider == "onlyoffice" else "ghl"
        suffix = "-small" if size == "small" else ""
        return f"http://127.0.0.1:{self.port}/{prefix}{suffix}/{invoices}/"
