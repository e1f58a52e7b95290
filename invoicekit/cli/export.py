"""``invoicekit export``: every matching invoice as JSON Lines, streamed, with progress on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..client import InvoiceClient
from . import output
from .arguments import positive
from .atomicfile import replaced_when_complete
from .common import CONFIG_HELP, EXIT_STATUS_HELP, OK, add_connection_options, join_help
from .reading import add_filters, listing
from .running import command

if TYPE_CHECKING:
    from .common import Subparsers


OUTPUT_FILE_HELP = """\
the output file (--output FILE):
  Written to a temporary file in the same directory and renamed to FILE once complete: an
  error, Ctrl+C (status 130) or SIGTERM (status 143) removes it and leaves FILE as it was.
  An existing FILE keeps its permissions; a new one gets the usual ones (0666 less the
  umask). A symbolic link or another non-regular file is refused, not followed: give the
  file it points to."""


def _invoices(count: int) -> str:
    return f"{count} invoice" if count == 1 else f"{count} invoices"


class Progress:
    """Counts on stderr: rewritten in place (``\\r``) on a terminal, a line per ``every``
    invoices otherwise (logs, CI), a summary at the end; nothing with ``quiet``."""

    def __init__(self, stream: TextIO, *, quiet: bool, every: int = 1000, interval: float = 0.2) -> None:
        self._stream = stream
        self._quiet = quiet
        self._tty = stream.isatty()
        self._every = every
        self._interval = interval
        self._last = 0.0
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self._quiet:
            return
        if self._tty:
            now = time.monotonic()
            if now - self._last >= self._interval:
                self._last = now
                self._stream.write(f"\rexported {_invoices(self.count)}...")
                self._stream.flush()
        elif self.count % self._every == 0:
            self._stream.write(f"exported {_invoices(self.count)}...\n")
            self._stream.flush()

    def done(self, where: str) -> None:
        if not self._quiet:
            start = "\r" if self._tty else ""
            self._stream.write(f"{start}exported {_invoices(self.count)} to {where}\n")
            self._stream.flush()


async def _export(client: InvoiceClient, args: argparse.Namespace) -> int:
    progress = Progress(sys.stderr, quiet=args.quiet, every=args.progress_every)
    raw = getattr(args, "raw", False)

    async def write_all(out: TextIO) -> None:
        async for invoice in listing(client, args):
            out.write(output.dumps(output.invoice_json(invoice, raw=raw)) + "\n")
            progress.tick()

    target: str = args.output
    if target == "-":
        await write_all(sys.stdout)
        sys.stdout.flush()
        progress.done("stdout")
        return OK
    path = Path(target)
    with replaced_when_complete(path) as out:
        await write_all(out)
    progress.done(str(path))
    return OK


def register(subparsers: Subparsers) -> None:
    export = subparsers.add_parser(
        "export", help="write every (matching) invoice as JSON Lines",
        description="Write every matching invoice as JSON Lines (one JSON object per line, the same\n"
                    "shape as --json), streaming page by page so memory stays flat. Progress goes to\n"
                    "stderr.",
        epilog=join_help(OUTPUT_FILE_HELP, CONFIG_HELP, output.OUTPUT_HELP, EXIT_STATUS_HELP),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_connection_options(export, json_option=False)
    export.add_argument("--output", "-o", default="-", metavar="FILE",
                        help="file to write ('-', the default, is stdout); see 'the output file' below")
    export.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    export.add_argument("--progress-every", type=positive, default=1000, metavar="N",
                        help="when stderr is not a terminal, a progress line every N invoices (default 1000)")
    add_filters(export)
    export.set_defaults(func=command(_export))

