"""invoicekit's cost per call, against raw aiohttp doing the same requests.

Run from the repository root: ``python -m bench`` (or ``python bench/run.py``); ``--quick`` for a
tiny workload, ``--rounds N``, ``--json out.json``, ``--only get,get-small,list,decode,memory``.
``bench/README.md`` explains every row and target.

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
from typing import Any, NamedTuple

if __package__ in (None, ""):  # ``python bench/run.py``: make the ``bench`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

import invoicekit
from bench import decode, payloads
from bench.contenders import Contender, InvoicekitContender, RawContender, provider_of
from bench.server import ServerProcess

#: Connection limit of both contenders (invoicekit's ``max_concurrency``, raw's connector limit).
MAX_CONCURRENCY = 100
SECTIONS = ("get", "get-small", "list", "decode", "memory", "redis")
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


@dataclass(frozen=True)
class Workload:
    get_requests: dict[int, int]  # concurrency -> requests per measurement
    small_get_requests: dict[int, int]  # the same for the small payloads
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
    get_requests={1: 300, 10: 800, 100: 1500}, small_get_requests={1: 400, 50: 2000}, list_invoices=10_000,
    list_pages=(100, 1000), decode_invoices=1000, decode_repeats=3, memory_small=10_000, memory_large=100_000,
    memory_page=1000, pool=2000, rounds=7,
)
QUICK = Workload(
    get_requests={1: 10, 10: 20, 100: 100}, small_get_requests={1: 10, 50: 100}, list_invoices=250,
    list_pages=(100, 1000), decode_invoices=50, decode_repeats=2, memory_small=300, memory_large=1000, memory_page=100,
    pool=200, rounds=1,
)

#: The targets of issue #10, checked on every run: (name, section, bound, why).
TARGETS = (
    ("get", "get", ">= 0.90", "get throughput at least 0.90 of raw aiohttp + parse, every payload and concurrency"),
    ("list", "list", ">= 1.0", "listing throughput at least that of raw aiohttp + parse"),
    ("decode", "decode", "<= 1.5", "decoding a JSON page at most 1.5x json.loads of it"),
    ("memory", "memory", "<= 1.25", "list() peak flat in the number of invoices listed"),
)
TARGET_OF = {section: bound for _, section, bound, _ in TARGETS}

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
    #: Median client CPU microseconds per call (get) or per invoice (list), per contender:
    #: process CPU time of this client process over the calls made, the fixed cost made visible.
    cpu_us: dict[str, float] | None = None
    cpu_us_per: str | None = None  # "call" or "invoice"
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


class Sample(NamedTuple):
    rate: float  # invoices per second
    client_cpu_share: float  # client CPU seconds / wall seconds
    server_cpu_share: float  # the same for the server process (nan where unknown)
    client_cpu_us: float  # client CPU microseconds per call made


Samples = dict[str, list[Sample]]


async def _alternate(
    server: ServerProcess, contenders: Sequence[Contender], rounds: int,
    work: Callable[[Contender], Callable[[], Awaitable[int]]], expected: int, calls: int,
) -> Samples:
    """Per contender and round, order alternating, one ``Sample`` of ``calls`` HTTP calls. A CPU
    share near 1.0 says which side was the bottleneck."""
    results: Samples = {c.name: [] for c in contenders}
    for index in range(rounds):
        order = contenders if index % 2 == 0 else list(reversed(contenders))
        for contender in order:
            wall, cpu, server_cpu, count = await _timed(work(contender), server)
            if count != expected:
                raise RuntimeError(f"{contender.name} got {count} invoices, expected {expected}")
            server_share = server_cpu / wall if server_cpu is not None else float("nan")
            results[contender.name].append(Sample(count / wall, cpu / wall, server_share, cpu / calls * 1e6))
    return results


def _throughput_row(section: str, case: str, fmt: str, results: Samples, cpu_us_per: str) -> Row:
    target = TARGET_OF[section]
    ik = [sample.rate for sample in results["invoicekit"]]
    raw = [sample.rate for sample in results["raw"]]
    # The ratio is the median of each round's own ratio: the two runs of a round are back to
    # back, so a slow spell of the (shared, virtual) machine hits both and cancels out, where a
    # ratio of two medians would compare runs from different spells.
    ratio = _median([a / b for a, b in zip(ik, raw, strict=True)])
    # The same comparison in CPU time per call (raw / invoicekit, so higher is better here too):
    # what the throughput ratio would be if the client were CPU-bound, and much steadier than it
    # on a shared machine, where the client gets a varying share of its CPU.
    cpu_ratio = _median([r.client_cpu_us / i.client_cpu_us
                         for i, r in zip(results["invoicekit"], results["raw"], strict=True)])
    return Row(
        section=section, case=case, unit="invoices/s", invoicekit=_median(ik), baseline=_median(raw),
        baseline_is=RAW_LABEL[fmt], ratio=ratio, target=target, met=_check(ratio, target),
        samples={"invoicekit": ik, "raw": raw},
        cpu_us={k: round(_median([s.client_cpu_us for s in v]), 2) for k, v in results.items()},
        cpu_us_per=cpu_us_per,
        extra={
            "client_cpu_share": {k: round(_median([s.client_cpu_share for s in v]), 3) for k, v in results.items()},
            "server_cpu_share": {k: round(_median([s.server_cpu_share for s in v]), 3) for k, v in results.items()},
            "client_cpu_us_samples": {k: [round(s.client_cpu_us, 2) for s in v] for k, v in results.items()},
            "cpu_ratio": round(cpu_ratio, 3),
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


async def bench_get(server: ServerProcess, fmt: str, wl: Workload, size: str = "full") -> list[Row]:
    contenders = _open(fmt, server.url(provider_of(fmt), wl.list_invoices, size))
    requests_at = wl.get_requests if size == "full" else wl.small_get_requests
    label = fmt if size == "full" else f"{fmt} {payloads.SMALL_LABEL[fmt]}"
    rows = []
    try:
        for contender in contenders:  # open the pools' connections before measuring
            await _gets(contender, 2 * MAX_CONCURRENCY, MAX_CONCURRENCY)()
        for concurrency, requests in requests_at.items():
            results = await _alternate(
                server, contenders, wl.rounds, lambda c, n=requests, k=concurrency: _gets(c, n, k),  # type: ignore[misc]
                requests, requests,
            )
            rows.append(_throughput_row("get", f"get {label}, concurrency {concurrency}", fmt, results, "call"))
            _log(f"  {rows[-1].case}: ratio {rows[-1].ratio:.2f}, CPU us/call {_cpu_us(rows[-1])}")
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
                server, contenders, wl.rounds, lambda c, p=page: lambda: c.list_all(p),  # type: ignore[misc]
                wl.list_invoices, wl.list_invoices,
            )
            case = f"list {wl.list_invoices:,} {fmt}, pages of {page:,}"
            rows.append(_throughput_row("list", case, fmt, results, "invoice"))
            _log(f"  {case}: ratio {rows[-1].ratio:.2f}, CPU us/invoice {_cpu_us(rows[-1])}")
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
    recipes = decode.floor_recipes(decode.invoicekit_page(fmt, response))
    return [
        _decode_row(case, lambda: decode.invoicekit_page(fmt, response), lambda: decode.raw_page(fmt, body),
                    "json.loads alone", TARGET_OF["decode"], wl),
        # Context for the decode and listing targets: what no decoder can go below while it keeps
        # raw as parsed JSON and builds the checked models (the invoicekit column is that floor).
        _decode_row(f"decode {n:,} {fmt}: the floor (msgspec parse + the same models from ready values)",
                    lambda: decode.floor_page(body, recipes), lambda: decode.raw_page(fmt, body),
                    "json.loads alone", None, wl),
    ]


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
    target = TARGET_OF["memory"]
    return [Row(
        section="memory", case=case, unit="MiB", invoicekit=large_peak, baseline=small_peak,
        baseline_is=f"invoicekit, {small:,} invoices", ratio=ratio, target=target, met=_check(ratio, target),
    )]


# -- output --------------------------------------------------------------------------------


def _fmt(value: float, unit: str) -> str:
    if unit == "invoices/s":
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def _cpu_us(row: Row) -> str:
    """Client CPU microseconds per call (or per invoice), invoicekit / raw, and their ratio."""
    if not row.cpu_us:
        return ""
    return f"{row.cpu_us['invoicekit']:.0f} / {row.cpu_us['raw']:.0f} ({row.extra['cpu_ratio']:.2f})"


def _cpu(row: Row) -> str:
    client, server = row.extra.get("client_cpu_share"), row.extra.get("server_cpu_share")
    if not client or not server:
        return ""
    return f"ik {client['invoicekit']:.2f}/{server['invoicekit']:.2f}, raw {client['raw']:.2f}/{server['raw']:.2f}"


def _verdict(met: bool | None) -> str:
    return {True: "PASS", False: "MISS", None: ""}[met]


def _render(header: Sequence[str], lines: Sequence[Sequence[str]], align: str) -> list[str]:
    """A Markdown table; ``align`` has an ``l`` or ``r`` per column."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=True)]

    def render(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if a == "l" else c.rjust(w)
                                 for c, w, a in zip(cells, widths, align, strict=True)) + " |"

    return [render(header), "|" + "|".join(("-" * (w + 2)) for w in widths) + "|", *(render(x) for x in lines)]


def table(rows: Sequence[Row]) -> str:
    header = ("case", "unit", "invoicekit", "baseline", "ratio", "target", "", "CPU us ik / raw (ratio)",
              "CPU client/server")
    lines = [[r.case, r.unit, _fmt(r.invoicekit, r.unit), _fmt(r.baseline, r.unit), f"{r.ratio:.2f}",
              r.target or "-", _verdict(r.met), _cpu_us(r) + (f" per {r.cpu_us_per}" if r.cpu_us_per else ""),
              _cpu(r)] for r in rows]
    out = _render(header, lines, "lrrrrrlrl")
    out.append("")
    out.append("ratio = invoicekit / baseline; baseline per section:")
    out.append("  get, list: raw aiohttp, same requests and connection limit, + json.loads "
               "(ONLYOFFICE XML: + defusedxml parse); throughput, higher is better; the ratio is the "
               "median of the rounds' own ratios")
    out.append("  decode: json.loads alone (XML: defusedxml parse alone, or json.loads of the JSON twin); "
               "median ms, lower is better")
    out.append("  memory: tracemalloc peak of invoicekit listing the smaller count; lower is better")
    out.append("CPU us ik / raw: median client-process CPU time per call (get) or per invoice (list), "
               "invoicekit / raw; the fixed cost per call, whatever the server's speed; in brackets the "
               "median of the rounds' raw/invoicekit CPU ratios (the throughput ratio of a CPU-bound client)")
    out.append("CPU client/server: median share of wall time each process was on a CPU during the runs "
               "(near 1.00 = that side was the bottleneck)")
    return "\n".join(out)


def check_targets(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """One verdict per target of issue #10: PASS when every row it applies to met it."""
    verdicts = []
    for name, section, bound, meaning in TARGETS:
        checked = [r for r in rows if r.section == section and r.target == bound]
        if not checked:
            continue
        higher_is_better = bound.startswith(">=")
        worst = (min if higher_is_better else max)(checked, key=lambda r: r.ratio)
        verdicts.append({
            "target": name, "bound": bound, "meaning": meaning, "rows": len(checked),
            "missed": [r.case for r in checked if not r.met], "worst_case": worst.case,
            "worst_ratio": round(worst.ratio, 3), "passed": all(r.met for r in checked),
        })
    return verdicts


def targets_table(verdicts: Sequence[dict[str, Any]]) -> str:
    header = ("target", "bound", "rows", "verdict", "worst ratio", "worst row")
    lines = [[v["meaning"], v["bound"], str(v["rows"]),
              "PASS" if v["passed"] else f"MISS ({len(v['missed'])} of {v['rows']})",
              f"{v['worst_ratio']:.2f}", v["worst_case"]] for v in verdicts]
    return "\n".join(_render(header, lines, "llrlrl")) if lines else "(no target applies to the sections run)"


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
        elif section == "get-small":
            for fmt in payloads.FORMATS:
                rows += await bench_get(server, fmt, wl, "small")
        elif section == "list":
            for fmt in payloads.FORMATS:
                rows += await bench_list(server, fmt, wl)
        elif section == "decode":
            for fmt in payloads.FORMATS:
                rows += bench_decode(fmt, wl)
        elif section == "memory":
            for fmt in ("onlyoffice-json", "gohighlevel-json"):
                rows += await bench_memory(server, fmt, wl)
        elif section == "redis":
            rows += await bench_redis(wl)
        _log(f"  ({time.perf_counter() - started:.1f} s)")
    return rows


async def bench_redis(wl: Workload) -> list[Row]:
    """GoHighLevel ``get`` through a Redis state store with the shared limiter (one Redis round
    trip per call) against the same calls with an in-memory store and the in-process limiter."""
    from bench import redis_row  # needs redis-py (the test extra); only when this section runs

    requests = wl.small_get_requests[max(wl.small_get_requests)]
    with redis_row.redis_server() as url:
        if url is None:
            _log("  redis: skipped, redis-server is not installed")
            return []
        measured = {label: (rate, trips) for label, rate, trips in await redis_row.run(requests, 10, url)}
    (local_rate, _), (shared_rate, shared_trips) = (
        measured["memory store, in-process limiter"], measured["Redis store, shared limiter"]
    )
    return [Row(
        section="redis", case="get via a Redis state store and shared limiter (gohighlevel, c10)",
        unit="calls/s", invoicekit=shared_rate, baseline=local_rate,
        baseline_is="in-memory store, in-process limiter", ratio=shared_rate / local_rate,
        extra={"redis_round_trips_per_call": round(shared_trips, 2),
               "redis_store_without_limiter_calls_per_s": round(measured["Redis store, no limiter"][0], 1)},
    )]


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
    verdicts = check_targets(rows)
    print()
    print("Targets (issue #10), medians of alternating rounds in this run"
          + (" (--quick: too few calls to judge them; see a full run)" if args.quick else "") + ":")
    print(targets_table(verdicts))
    if args.json:
        document = {"meta": info, "targets": verdicts, "rows": [asdict(r) for r in rows]}
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
