"""``invoicekit simulate PROVIDER``: serve a provider simulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .arguments import non_negative, port
from .parser import CliParser

if TYPE_CHECKING:
    from ..testing import Simulator
    from .common import Subparsers


def register(subparsers: Subparsers) -> None:
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


class _SimulatorParser(CliParser):
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
    parser.add_argument("--port", type=port, default=8080, help="TCP port (0 = any free port; default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--token", default=default_token, help=f"access token accepted (default {default_token})")
    parser.add_argument("--invoices", type=non_negative, default=25, help="number of seeded invoices (default 25)")


def _make_simulator(args: argparse.Namespace) -> Simulator:
    options = {name: getattr(args, name) for name in args.simulator_options}
    simulator: Simulator = args.simulator_type(token=args.token, invoices=args.invoices, **options)
    return simulator


def _run_simulate(args: argparse.Namespace) -> int:
    simulator = _make_simulator(args)
    try:
        asyncio.run(_serve(simulator, args))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"invoicekit: error: simulate: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
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
