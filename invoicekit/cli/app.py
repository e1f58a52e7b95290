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
import inspect
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._version import __version__
from .common import EXIT_STATUS_HELP, FAILED, INTERRUPTED, OK, add_debug_option, report_error
from .events import add_events
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
    add_events(subparsers)
    _add_simulate(subparsers)
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
    from ..registry import builtin_providers, provider_aliases

    simulate = subparsers.add_parser(
        "simulate",
        help="serve an in-memory simulator of a provider API (for curl or non-Python tests)",
        description="Serve an in-memory simulator of a provider's invoice API until interrupted.",
    )
    providers = simulate.add_subparsers(
        dest="provider", metavar="PROVIDER", required=True, parser_class=_SimulatorParser
    )
    for provider in builtin_providers():
        providers.add_parser(
            provider, aliases=provider_aliases(provider), help=f"serve the {provider} simulator", provider=provider
        )


class _SimulatorParser(argparse.ArgumentParser):
    """``simulate PROVIDER``: the options come from the provider's simulator class
    (:func:`invoicekit.testing.simulator_type`), imported only when this parser parses or shows
    help, so that the other commands start without loading the simulators."""

    def __init__(self, *args: Any, provider: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._provider = provider

    def _load_options(self) -> None:
        if self._provider is None:
            return
        from ..testing import simulator_type

        simulator = simulator_type(self._provider)
        self._provider = None
        self.description = f"Serve a simulator of {simulator.name} until interrupted."
        defaults = {name: p.default for name, p in inspect.signature(simulator).parameters.items()}
        _common_simulate_options(self, default_token=defaults["token"])
        for name, help_text in simulator.cli_options.items():
            self.add_argument(f"--{name.replace('_', '-')}", default=defaults[name], help=help_text)
        self.set_defaults(func=_run_simulate, simulator_type=simulator, simulator_options=tuple(simulator.cli_options))

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._load_options()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._load_options()
        return super().format_help()

    def format_usage(self) -> str:
        self._load_options()
        return super().format_usage()


def _common_simulate_options(parser: argparse.ArgumentParser, *, default_token: str) -> None:
    parser.add_argument("--port", type=int, default=8080, help="TCP port (0 = any free port; default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--token", default=default_token, help=f"access token accepted (default {default_token})")
    parser.add_argument("--invoices", type=int, default=25, help="number of seeded invoices (default 25)")


def _make_simulator(args: argparse.Namespace) -> Simulator:
    options = {name: getattr(args, name) for name in args.simulator_options}
    simulator: Simulator = args.simulator_type(token=args.token, invoices=args.invoices, **options)
    return simulator


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
        for hint in simulator.connection_hints():
            print(f"  {hint}", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        await stop.wait()
    print("simulator stopped", flush=True)
