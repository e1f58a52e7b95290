"""The ``invoicekit`` command line.

Each subcommand is added by one ``_add_<name>(subparsers)`` function that sets ``func`` on its
parser: ``func(args) -> int`` is the exit status. ``invoices`` and ``export`` live in
:mod:`invoicekit.cli.invoices`, the demo scenario in :mod:`invoicekit.demo`; :func:`main` turns
every error into one line on stderr and an exit status (:mod:`invoicekit.cli.common`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._version import __version__
from .auth import add_auth
from .common import EXIT_STATUS_HELP, FAILED, INTERRUPTED, OK, add_debug_option, report_error
from .export import add_export
from .invoices import add_invoices

if TYPE_CHECKING:
    from ..testing import Simulator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invoicekit", description="One async interface to invoice APIs (ONLYOFFICE CRM, GoHighLevel).",
        epilog="Start with 'invoicekit demo'. 'invoicekit COMMAND --help' explains each command.\n\n"
        + EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"invoicekit {__version__}")
    add_debug_option(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_demo(subparsers)
    add_invoices(subparsers)
    add_export(subparsers)
    _add_simulate(subparsers)
    add_auth(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point (``invoicekit = "invoicekit.cli:main"``).

    Every error ends as one line on stderr and a distinct exit status (``--help`` lists them);
    ``--debug`` adds the traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    debug = bool(getattr(args, "debug", False))
    try:
        status: int = func(args)
    except KeyboardInterrupt:
        print("invoicekit: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``invoicekit export | head``): not an error worth a line, but
        # stdout must not be flushed again at exit, or Python prints its own complaint.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return FAILED
    except Exception as exc:
        return report_error(exc, debug=debug)
    return status


# -- demo ----------------------------------------------------------------------------------------


def _add_demo(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="run one billing scenario against in-process simulators of every provider (no account needed)",
        description="Start the ONLYOFFICE (JSON and XML) and GoHighLevel simulators on 127.0.0.1 and run the "
        "same provider-neutral code on each: create four drafts, list them with a filter, add a line, send, "
        "mark paid, void (only where client.capabilities has it; 'n/a' otherwise), delete one draft and "
        "batch-delete the rest. Each step checks statuses, totals and counts; the report shows the "
        "providers side by side. Exit status 0 only when every step behaved, 1 otherwise.",
    )
    add_debug_option(demo)
    demo.set_defaults(func=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    from ..demo import render_report, run_demo

    runs = asyncio.run(run_demo())
    render_report(runs, sys.stdout, debug=bool(getattr(args, "debug", False)))
    return OK if all(run.behaved for run in runs) else FAILED


# -- simulate ------------------------------------------------------------------------------------


def _add_simulate(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    simulate = subparsers.add_parser(
        "simulate",
        help="serve an in-memory simulator of a provider API (for curl or non-Python tests)",
        description="Serve an in-memory simulator of a provider's invoice API until interrupted.",
    )
    providers = simulate.add_subparsers(dest="provider", metavar="PROVIDER", required=True)

    onlyoffice = providers.add_parser("onlyoffice", help="ONLYOFFICE CRM (API 2.0, portal root URL)")
    _common_simulate_options(onlyoffice, default_token="onlyoffice-simulator-token")
    onlyoffice.add_argument("--username", default="admin@example.com", help="login for POST authentication")
    onlyoffice.add_argument("--password", default="simulator-password", help="password for POST authentication")
    onlyoffice.set_defaults(func=_run_simulate)

    ghl = providers.add_parser("gohighlevel", aliases=["ghl"], help="GoHighLevel invoices (API base URL)")
    _common_simulate_options(ghl, default_token="ghl-simulator-access-token")
    ghl.add_argument("--location-id", default="Jx9kP2mQ7rT4vW8yZ3aB", help="the altId tokens may use")
    ghl.add_argument("--refresh-token", default="ghl-simulator-refresh-token", help="initial OAuth refresh token")
    ghl.set_defaults(func=_run_simulate)


def _common_simulate_options(parser: argparse.ArgumentParser, *, default_token: str) -> None:
    parser.add_argument("--port", type=int, default=8080, help="TCP port (0 = any free port; default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--token", default=default_token, help=f"access token accepted (default {default_token})")
    parser.add_argument("--invoices", type=int, default=25, help="number of seeded invoices (default 25)")


def _make_simulator(args: argparse.Namespace) -> Simulator:
    # Imported here: the simulators are only needed by this subcommand.
    from ..testing import GoHighLevelSimulator, OnlyOfficeSimulator

    if args.provider == "onlyoffice":
        return OnlyOfficeSimulator(
            token=args.token, username=args.username, password=args.password, invoices=args.invoices
        )
    return GoHighLevelSimulator(
        token=args.token, location_id=args.location_id, refresh_token=args.refresh_token, invoices=args.invoices
    )


def _run_simulate(args: argparse.Namespace) -> int:
    if args.invoices < 0:
        print("invoicekit simulate: --invoices must be >= 0", file=sys.stderr)
        return 2
    simulator = _make_simulator(args)
    try:
        asyncio.run(_serve(simulator, args))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"invoicekit simulate: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


async def _serve(simulator: Simulator, args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows has no loop signal handlers; Ctrl+C then arrives as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with simulator.run(args.host, args.port) as url:
        print(f"{simulator.provider} simulator listening on {url}", flush=True)
        print(f"  token: {args.token}  (test credential, not a secret)", flush=True)
        if simulator.provider == "gohighlevel":
            print(f"  location (altId): {args.location_id}  Version: 2021-07-28", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        await stop.wait()
    print("simulator stopped", flush=True)
