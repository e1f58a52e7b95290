"""``invoicekit demo``: the billing scenario of :mod:`invoicekit.demo` on every simulator."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from .common import FAILED, OK, add_debug_option

if TYPE_CHECKING:
    from .common import Subparsers


def register(subparsers: Subparsers) -> None:
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
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    # Imported here: only this subcommand needs the scenario and the simulators.
    from ..demo import render_report, run_demo

    runs = asyncio.run(run_demo())
    render_report(runs, sys.stdout, debug=bool(getattr(args, "debug", False)))
    return OK if all(run.behaved for run in runs) else FAILED
