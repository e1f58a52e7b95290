"""The ``invoicekit`` command line: one module per subcommand family, :func:`main` in :mod:`.app`."""

from .app import build_parser, main

__all__ = ["build_parser", "main"]
