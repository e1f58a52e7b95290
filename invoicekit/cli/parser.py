"""The argument parser every ``invoicekit`` command uses: argparse, with its errors as one line.

argparse answers a bad argument with the whole usage block and then the error; a script's log
wants one line like every other error of the CLI (``invoicekit: error: ...``, status 2), naming
the command and where its help is. ``--help`` is unchanged. Subcommand parsers are created with
the parent's class, so every level behaves the same.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

from .common import TYPED_OPTIONS, USAGE, one_line


class CliParser(argparse.ArgumentParser):
    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # argparse hands a subcommand's unknown arguments up to the top-level parser, whose error
        # then points at 'invoicekit --help'; the command that took the arguments reports them.
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        # What the user typed for each value, for errors that name the library's parameter
        # instead (status.describe). A subcommand's parser ran first: its own names win.
        typed = {action.dest: _typed_as(action) for action in self._actions if _feeds_a_call(action)}
        setattr(parsed, TYPED_OPTIONS, {**typed, **getattr(parsed, TYPED_OPTIONS, {})})
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("invoicekit").strip()
        where = f"{command}: " if command else ""
        self.exit(USAGE, f"invoicekit: error: {where}{one_line(message)} (see '{self.prog} --help')\n")


def _feeds_a_call(action: argparse.Action) -> bool:
    # The connection options (--config, --json, --raw...) default to SUPPRESS and feed no
    # library parameter: a draft field named like one of them must keep its own name.
    return action.dest is not argparse.SUPPRESS and action.default is not argparse.SUPPRESS


def _typed_as(action: argparse.Action) -> str:
    """``--page-size`` (the long spelling), or a positional argument's ``ID``."""
    if action.option_strings:
        return max(action.option_strings, key=len)
    metavar = action.metavar if isinstance(action.metavar, str) else None
    return metavar or action.dest.upper()
