"""The ``invoicekit`` command line: the parser and :func:`main`.

Each subcommand family is a module of this package with a ``register(subparsers)`` function that
adds its parser and sets ``func(args) -> int`` (the exit status) on every runnable one. Adding a
family is one line in :data:`SUBCOMMANDS`. :func:`main` turns every error into one line on stderr
and an exit status (:mod:`invoicekit.cli.common`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Final

from .._version import __version__
from .common import (
    EXIT_STATUS_HELP,
    FAILED,
    INTERRUPTED,
    TERMINATED,
    TYPED_OPTIONS,
    add_debug_option,
    report_error,
)
from .parser import CliParser
from .running import Terminated

#: The subcommand modules of this package, in ``--help`` order.
SUBCOMMANDS: Final = (
    "demo",
    "invoices",
    "export",
    "config",
    "simulate",
    "events",
    "auth",
)


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(
        prog="invoicekit", description="One async interface to invoice APIs (ONLYOFFICE CRM, GoHighLevel).",
        epilog="Start with 'invoicekit demo'. 'invoicekit COMMAND --help' explains each command.\n\n"
        + EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"invoicekit {__version__}")
    add_debug_option(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(subparsers)
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
    except Terminated:
        print("invoicekit: terminated", file=sys.stderr)
        return TERMINATED
    except BrokenPipeError:
        # The reader went away (``invoicekit export | head``): not an error worth a line, but
        # stdout must not be flushed again at exit, or Python prints its own complaint.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return FAILED
    except Exception as exc:
        return report_error(exc, debug=debug, typed=getattr(args, TYPED_OPTIONS, None))
    return status
