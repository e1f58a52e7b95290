"""One contender's ``get`` loop against the benchmark server, for a profiler to look at.

Run from the repository root, for example::

    python -m bench.profile --format gohighlevel-json --size small --concurrency 50 --calls 20000
    python -m bench.profile ... --cprofile out.pstats      # cProfile of the measured loop only
    py-spy record -o get.svg -- python -m bench.profile ...  # sampling, C frames with --native

The server runs in its own process (on another CPU when there are two), as in ``python -m
bench``; this process runs only the chosen contender (``invoicekit`` or ``raw``), after a warm-up
that opens the connections, and prints the client CPU microseconds per call of the measured loop.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # ``python bench/profile.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import payloads
from bench.contenders import InvoicekitContender, RawContender, provider_of
from bench.run import MAX_CONCURRENCY, _gets, _pin, _steady_malloc
from bench.server import ServerProcess


async def _run(args: argparse.Namespace, server: ServerProcess) -> None:
    kind = InvoicekitContender if args.contender == "invoicekit" else RawContender
    url = server.url(provider_of(args.format), 1000, args.size)
    contender = kind(args.format, url, max_concurrency=MAX_CONCURRENCY)
    try:
        await _gets(contender, 2 * MAX_CONCURRENCY, MAX_CONCURRENCY)()  # connections open
        profiler = cProfile.Profile() if args.cprofile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        done = await _gets(contender, args.calls, args.concurrency)()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        await contender.aclose()
    print(f"{args.contender} get {args.format} {args.size}, concurrency {args.concurrency}: {done} calls, "
          f"{done / wall:,.0f}/s, client CPU {cpu / done * 1e6:.1f} us/call")


def main(argv: list[str] | None = None) -> int:
    summary = __doc__.split("\n\n")[0] if __doc__ else ""
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=summary)
    parser.add_argument("--contender", choices=("invoicekit", "raw"), default="invoicekit")
    parser.add_argument("--format", choices=payloads.FORMATS, default="onlyoffice-json")
    parser.add_argument("--size", choices=payloads.SIZES, default="small")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--cprofile", metavar="PATH", help="write a cProfile of the measured loop to PATH")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.concurrency < 1:
        parser.error("--calls and --concurrency must be >= 1")
    pinned = _pin()
    _steady_malloc()
    with ServerProcess(pool_size=200, cpu=pinned[1] if pinned else None) as server:
        asyncio.run(_run(args, server))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
