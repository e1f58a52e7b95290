"""``invoicekit invoices ACTION``: the invoices of a configured provider, one action per operation.

This module builds the ``invoices`` parser; the actions live in :mod:`.reading` (list, get,
generate-number), :mod:`.writing` (create, update and the status moves) and :mod:`.deleting`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import deleting, reading, writing
from .common import CONFIG_HELP, EXIT_STATUS_HELP, add_connection_options, join_help
from .output import OUTPUT_HELP

if TYPE_CHECKING:
    from .common import Subparsers

ID_HELP = "invoice id (ONLYOFFICE: a number; GoHighLevel: text)"


class Actions:
    """Adds ``invoices ACTION`` parsers, each with the options and help every action shares."""

    def __init__(self, commands: Subparsers) -> None:
        self._commands = commands
        self.epilog = join_help(CONFIG_HELP, OUTPUT_HELP, EXIT_STATUS_HELP)

    def add(
        self,
        name: str,
        help_text: str,
        func: Callable[[argparse.Namespace], int] | None = None,
        *,
        ids: tuple[str, ...] = (),
        epilog: str | None = None,
    ) -> argparse.ArgumentParser:
        parser = self._commands.add_parser(
            name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".",
            epilog=join_help(epilog, self.epilog) if epilog else self.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_connection_options(parser)
        for id_name in ids:
            parser.add_argument(id_name, metavar="ID", help=ID_HELP)
        if func is not None:
            parser.set_defaults(func=func)
        return parser


def register(subparsers: Subparsers) -> None:
    invoices = subparsers.add_parser(
        "invoices", help="list, read, create, change and delete invoices of a configured provider",
        description="Work with the invoices of the provider a config profile names.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_connection_options(invoices)
    actions = Actions(invoices.add_subparsers(dest="action", metavar="ACTION", required=True))
    invoices.epilog = actions.epilog
    reading.register(actions)
    writing.register(actions)
    deleting.register(actions)
