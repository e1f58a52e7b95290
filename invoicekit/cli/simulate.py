"""``invoicekit simulate PROVIDER``: serve a provider simulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING

from .arguments import non_negative

if TYPE_CHECKING:
    from ..testing import Simulator
    from .common import Subparsers


def register(subparsers: Subparsers) -> None:
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
    parser.add_argument("--port", type=non_negative, default=8080, help="TCP port (0 = any free port; default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--token", default=default_token, help=f"access token accepted (default {default_token})")
    parser.add_argument("--invoices", type=non_negative, default=25, help="number of seeded invoices (default 25)")


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
