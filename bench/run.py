"""invoicekit's cost per call, against raw aiohttp doing the same requests.

Run from the repository root: ``python -m bench`` (or ``python bench/run.py``); ``--quick`` for a
tiny workload, ``--rounds N``, ``--json out.json``, ``--only get,list,decode,memory``.

Setup: the server (``bench.server``) runs in its own process; with two or more CPUs the server is
pinned to one and this client process to another, so neither contender loses CPU to the server
and the client loop is what is measured. Both contenders hit the same server with the same
payloads and the same connection limit, in alternating order, ``--rounds`` times; the table shows
medians, and a throughput ratio is the median of the rounds' own ratios. glibc's mmap threshold is
fixed for the client process (see ``_steady_malloc``) so that runs stay comparable.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # ``python bench/run.py``: make the ``bench`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

import invoicekit
from bench import decode, payloads
from bench.contenders import Contender, InvoicekitContender, RawContender, provider_of
from bench.server import ServerProcess

#: Connection limit of both contenders (invoicekit's ``max_concurrency``, raw's connector limit).
MAX_CONCURRENCY = 100
SECTIONS = ("get", "list", "decode", "memory")
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


@dataclass(frozen=True)
class Workload:
    get_requests: dict[int, int]  # concurrency -> requests per measurement
    list_invoices: int
    list_pages: tuple[int, ...]
    decode_invoices: int
    decode_repeats: int  # measurements per contender per round
    memory_small: int
    memory_large: int
    memory_page: int
    pool: int  # distinct invoices the server cycles through
    rounds: int


FULL = Workload(
    get_requests={1: 300, 10: 800, 100: 1500}, list_invoices=10_000, list_pages=(100, 1000),
    decode_invoices=1000, decode_repeats=3, memory_small=1000, memory_large=100_000, memory_page=1000,
    pool=2000, rounds=7,
)
QUICK = Workload(
    get_requests={1: 10, 10: 20, 100: 100}, list_invoices=250, list_pages=(100, 1000),
    decode_invoices=50, decode_repeats=2, memory_small=100, memory_large=1000, memory_page=100,
    pool=200, rounds=1,
)

RAW_LABEL = {
    "onlyoffice-json": "aiohttp + json.loads",
    "onlyoffice-xml": "aiohttp + defusedxml parse",
    "gohighlevel-json": "aiohttp + json.loads",
}


@dataclass
class Row:
    section: str
    case: str
    unit: str
    invoicekit: float
    baseline: float
    baseline_is: str
    #: invoicekit / baseline (for throughput: higher is better; for time and memory: lower is).
    ratio: float
    target: str | None = None
    met: bool | None = None
    samples: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _check(ratio: float, target: str | None) -> bool | None:
    if target is None:
        return None
    op, value = target.split()
    return ratio >= float(value) if op == ">=" else ratio <= float(value)


# -- measurement helpers -------------------------------------------------------------------


async def _timed(
    work: Callable[[], Awaitable[int]], server: ServerProcess | None = None
) -> tuple[float, float, float | None, int]:
    """(wall seconds, client CPU seconds, server CPU seconds, invoices) of one run, after a full
    collection."""
    gc.collect()
    server_cpu = server.cpu_seconds() if server else None
    wall, cpu = time.perf_counter(), time.process_time()
    count = await work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server_after = server.cpu_seconds() if server else None
    used = server_after - server_cpu if server_cpu is not None and server_after is not None else None
    return wall, cpu, used, count


def _gets(contender: Contender, requests: int, concurrency: int) -> Callable[[], Awaitable[int]]:
    async def work() -> int:
        ids = iter(range(1, requests + 1))  # shared by the workers: each id is fetched once

        async def worker() -> int:
            done = 0
            for invoice_id in ids:
                done += await contender.get(invoice_id)
            return done

        return sum(await asyncio.gather(*(worker() for _ in range(concurrency))))

    return work


Samples = dict[str, list[tuple[float, float, float]]]


async def _alternate(
    server: ServerProcess, contenders: Sequence[Contender], rounds: int,
    work: Callable[[Contender], Callable[[], Awaitable[int]]], expected: int,
) -> Samples:
    """Per contender and round, order alternating: (invoices per second, client CPU share,
    server CPU share). A CPU share near 1.0 says which side was the bottleneck."""
    results: Samples = {c.name: [] for c in contenders}
    for index in range(rounds):
        order = contenders if index % 2 == 0 else list(reversed(contenders))
        for contender in order:
            wall, cpu, server_cpu, count = await _timed(work(contender), server)
            if count != expected:
                raise RuntimeError(f"{contender.name} got {count} invoices, expected {expected}")
            server_share = server_cpu / wall if server_cpu is not None else float("nan")
            results[contender.name].append((count / wall, cpu / wall, server_share))
    return results


def _throughput_row(section: str, case: str, fmt: str, results: Samples, target: str | None) -> Row:
    ik = [rate for rate, _, _ in results["invoicekit"]]
    raw = [rate for rate, _, _ in results["raw"]]
    # The ratio is the median of each round's own ratio: the two runs of a round are back to
    # back, so a slow spell of the (shared, virtual) machine hits both and cancels out, where a
    # ratio of two medians would compare runs from different spells.
    ratio = _median([a / b for a, b in zip(ik, raw, strict=True)])
    return Row(
        section=section, case=case, unit="invoices/s", invoicekit=_median(ik), baseline=_median(raw),
        baseline_is=RAW_LABEL[fmt], ratio=ratio, target=target, met=_check(ratio, target),
        samples={"invoicekit": ik, "raw": raw},
        extra={
            "client_cpu_share": {k: round(_median([s[1] for s in v]), 3) for k, v in results.items()},
            "server_cpu_share": {k: round(_median([s[2] for s in v]), 3) for k, v in results.items()},
        },
    )


def _open(fmt: str, url: str) -> list[Contender]:
    return [
        InvoicekitContender(fmt, url, max_concurrency=MAX_CONCURRENCY),
        RawContender(fmt, url, max_concurrency=MAX_CONCURRENCY),
    ]


async def _close(contenders: Sequence[Contender]) -> None:
    for contender in contenders:
        await contender.aclose()


# -- sections ------------------------------------------------------------------------------


async def bench_get(server: ServerProcess, fmt: str, wl: Workload) -> list[Row]:
    contenders = _open(fmt, server.url(provider_of(fmt), wl.list_invoices))
    rows = []
    try:
        for contender in contenders:  # open the pools' connections before measuring
            await _gets(contender, 2 * MAX_CONCURRENCY, MAX_CONCURRENCY)()
        for concurrency, requests in wl.get_requests.items():
            results = await _alternate(
                server, contenders, wl.rounds, lambda c, n=requests, k=concurrency: _gets(c, n, k), requests  # type: ignore[misc]
            )
            target = ">= 0.85" if concurrency == 100 else None
            rows.append(_throughput_row("get", f"get {fmt}, concurrency {concurrency}", fmt, results, target))
            _log(f"  {rows[-1].case}: ratio {rows[-1].ratio:.2f}")
    finally:
        await _close(contenders)
    return rows


async def bench_list(server: ServerProcess, fmt: str, wl: Workload) -> list[Row]:
    contenders = _open(fmt, server.url(provider_of(fmt), wl.list_invoices))
    rows = []
    try:
        for contender in contenders:
            await contender.get(1)  # a first connection, so neither pays for the session set-up
        for page in wl.list_pages:
            results = await _alternate(
                server, contenders, wl.rounds, lambda c, p=page: lambda: c.list_all(p), wl.list_invoices  # type: ignore[misc]
            )
            case = f"list {wl.list_invoices:,} {fmt}, pages of {page:,}"
            rows.append(_throughput_row("list", case, fmt, results, ">= 0.75"))
            _log(f"  {case}: ratio {rows[-1].ratio:.2f}")
    finally:
        await _close(contenders)
    return rows


def _time_ms(function: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _decode_row(case: str, ik: Callable[[], object], raw: Callable[[], object], raw_is: str, target: str | None,
                wl: Workload) -> Row:
    ik(), raw()  # warm-up (first-call caches)
    samples: dict[str, list[float]] = {"invoicekit": [], "raw": []}
    for index in range(wl.rounds * wl.decode_repeats):
        pair = [("invoicekit", ik), ("raw", raw)]
        for name, function in pair if index % 2 == 0 else reversed(pair):
            samples[name].append(_time_ms(function))
    ratio = _median(samples["invoicekit"]) / _median(samples["raw"])
    return Row(
        section="decode", case=case, unit="ms", invoicekit=_median(samples["invoicekit"]),
        baseline=_median(samples["raw"]), baseline_is=raw_is, ratio=ratio, target=target,
        met=_check(ratio, target), samples=samples,
    )


def bench_decode(fmt: str, wl: Workload) -> list[Row]:
    n = wl.decode_invoices
    body = decode.page(fmt, n)
    response = decode.response_for(fmt, body)
    got = len(decode.invoicekit_page(fmt, response))
    if got != n:
        raise RuntimeError(f"decode {fmt}: {got} invoices, expected {n}")
    case = f"decode {n:,} {fmt} (one page, bytes to models)"
    if fmt == "onlyoffice-xml":
        json_body = decode.page("onlyoffice-json", n)
        return [
            _decode_row(case, lambda: decode.invoicekit_page(fmt, response), lambda: decode.raw_page(fmt, body),
                        "defusedxml parse alone", None, wl),
            _decode_row(f"decode {n:,} onlyoffice-xml vs the stdlib's unguarded parse",
                        lambda: decode.invoicekit_page(fmt, response), lambda: decode.stdlib_xml(body),
                        "xml.etree parse alone (no defences)", None, wl),
            _decode_row(f"decode {n:,} onlyoffice-xml vs json.loads of the same page as JSON",
                        lambda: decode.invoicekit_page(fmt, response), lambda: json.loads(json_body),
                        "json.loads alone (JSON twin)", None, wl),
        ]
    return [_decode_row(case, lambda: decode.invoicekit_page(fmt, response), lambda: decode.raw_page(fmt, body),
                        "json.loads alone", "<= 4.0", wl)]


async def _list_peak(fmt: str, url: str, page: int) -> tuple[float, int]:
    """tracemalloc peak (MiB above what was allocated before) while iterating ``list()``."""
    contender = InvoicekitContender(fmt, url, max_concurrency=MAX_CONCURRENCY)
    try:
        await contender.get(1)  # session and connection exist before tracing starts
        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            count = await contender.list_all(page)  # each invoice is discarded as it comes
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        await contender.aclose()
    return (peak - base) / 2**20, count


async def bench_memory(server: ServerProcess, fmt: str, wl: Workload) -> list[Row]:
    small, large, page = wl.memory_small, wl.memory_large, wl.memory_page
    small_peak, small_count = await _list_peak(fmt, server.url(provider_of(fmt), small), page)
    large_peak, large_count = await _list_peak(fmt, server.url(provider_of(fmt), large), page)
    if (small_count, large_count) != (small, large):
        raise RuntimeError(f"memory {fmt}: listed {small_count} and {large_count} invoices")
    ratio = large_peak / small_peak
    case = f"memory: list() peak, {large:,} vs {small:,} {fmt}, pages of {page:,}"
    _log(f"  {case}: {large_peak:.1f} vs {small_peak:.1f} MiB")
    return [Row(
        section="memory", case=case, unit="MiB", invoicekit=large_peak, baseline=small_peak,
        baseline_is=f"invoicekit, {small:,} invoices", ratio=ratio, target="<= 2.0", met=_check(ratio, "<= 2.0"),
    )]


# -- output --------------------------------------------------------------------------------


def _fmt(value: float, unit: str) -> str:
    if unit == "invoices/s":
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def _cpu(row: Row) -> str:
    client, server = row.extra.get("client_cpu_share"), row.extra.get("server_cpu_share")
    if not client or not server:
        return ""
    return f"ik {client['invoicekit']:.2f}/{server['invoicekit']:.2f}, raw {client['raw']:.2f}/{server['raw']:.2f}"


def table(rows: Sequence[Row]) -> str:
    header = ("case", "unit", "invoicekit", "baseline", "ratio", "target", "", "CPU client/server")
    lines = [[r.case, r.unit, _fmt(r.invoicekit, r.unit), _fmt(r.baseline, r.unit), f"{r.ratio:.2f}",
              r.target or "-", {True: "met", False: "MISSED", None: ""}[r.met], _cpu(r)] for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=True)]

    def render(cells: Sequence[str]) -> str:
        left = cells[0].ljust(widths[0])
        rest = [c.rjust(w) if i < 5 else c.ljust(w) for i, (c, w) in enumerate(zip(cells[1:], widths[1:], strict=True))]
        return "| " + " | ".join([left, *rest]) + " |"

    out = [render(header), "|" + "|".join(("-" * (w + 2)) for w in widths) + "|"]
    out += [render(line) for line in lines]
    out.append("")
    out.append("ratio = invoicekit / baseline; baseline per section:")
    out.append("  get, list: raw aiohttp, same requests and connection limit, + json.loads "
               "(ONLYOFFICE XML: + defusedxml parse); throughput, higher is better; the ratio is the "
               "median of the rounds' own ratios")
    out.append("  decode: json.loads alone (XML: defusedxml parse alone, or json.loads of the JSON twin); "
               "median ms, lower is better")
    out.append("  memory: tracemalloc peak of invoicekit listing the small count; lower is better")
    out.append("CPU client/server: median share of wall time each process was on a CPU during the runs "
               "(near 1.00 = that side was the bottleneck)")
    return "\n".join(out)


def meta(args: argparse.Namespace, wl: Workload, pinned: tuple[int, int] | None) -> dict[str, Any]:
    return {
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "aiohttp": aiohttp.__version__,
        "invoicekit": invoicekit.__version__ if hasattr(invoicekit, "__version__") else None,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "pinning": {"client_cpu": pinned[0], "server_cpu": pinned[1]} if pinned else None,
        "rounds": wl.rounds,
        "quick": args.quick,
        "max_concurrency": MAX_CONCURRENCY,
    }


def _steady_malloc() -> bool:
    """Fix glibc's mmap threshold at 1 MiB for this process (both contenders alike).

    asyncio receives into a fresh 256 KiB buffer per read. glibc serves that from the heap or
    with mmap + mremap + munmap depending on a threshold it adjusts itself, and which one a
    process ends up with depends on its allocation history (it changed with the hash seed from
    one run to the next). The mmap case adds three system calls and a page fault to every
    response for both contenders; fixing the threshold keeps runs comparable with each other.
    """
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, 1024 * 1024))
    except (OSError, AttributeError):  # not glibc
        return False


def _pin() -> tuple[int, int] | None:
    """One CPU for this client, another for the server, when there are two."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    os.sched_setaffinity(0, {cpus[0]})
    return cpus[0], cpus[1]


async def run(args: argparse.Namespace, wl: Workload, sections: Sequence[str], server: ServerProcess) -> list[Row]:
    rows: list[Row] = []
    for section in sections:
        started = time.perf_counter()
        _log(section)
        if section == "get":
            for fmt in payloads.FORMATS:
                rows += await bench_get(server, fmt, wl)
        elif section == "list":
            for fmt in payloads.FORMATS:
                rows += await bench_list(server, fmt, wl)
        elif section == "decode":
            for fmt in payloads.FORMATS:
                rows += bench_decode(fmt, wl)
        elif section == "memory":
            for fmt in ("onlyoffice-json", "gohighlevel-json"):
                rows += await bench_memory(server, fmt, wl)
        _log(f"  ({time.perf_counter() - started:.1f} s)")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="tiny workload (seconds; what the smoke test runs)")
    parser.add_argument("--rounds", type=int, help="alternating rounds per contender (default 7, quick 1)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    parser.add_argument("--only", help=f"comma-separated sections of {','.join(SECTIONS)}")
    args = parser.parse_args(argv)
    wl = QUICK if args.quick else FULL
    if args.rounds is not None:
        if args.rounds < 1:
            parser.error("--rounds must be >= 1")
        wl = Workload(**{**asdict(wl), "rounds": args.rounds})
    sections = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(","))
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    pinned = _pin()
    steady_malloc = _steady_malloc()
    with ServerProcess(pool_size=wl.pool, cpu=pinned[1] if pinned else None) as server:
        rows = asyncio.run(run(args, wl, sections, server))
    info = meta(args, wl, pinned)
    info["malloc_mmap_threshold_fixed"] = steady_malloc
    info["seconds"] = round(time.perf_counter() - started, 1)
    where = f"client on CPU {pinned[0]}, server on CPU {pinned[1]}" if pinned else "no CPU pinning"
    print(f"invoicekit benchmark: Python {info['python']}, aiohttp {info['aiohttp']}, {info['cpus']} CPUs "
          f"({where}), {wl.rounds} round(s), medians, "
          f"{'malloc mmap threshold fixed, ' if steady_malloc else ''}{info['seconds']} s")
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": info, "rows": [asdict(r) for r in rows]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
