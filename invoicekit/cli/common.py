"""What every CLI subcommand shares, in one import: exit statuses and one-line errors
(:mod:`.status`), where the config comes from and the options that choose it
(:mod:`.configuration`), and a few helpers for building parsers."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .configuration import (
    CLI_VARIABLES,
    CONFIG_HELP,
    DEFAULT_CONFIG_FILE,
    ConfigSource,
    add_connection_options,
    add_debug_option,
    load_source,
    locate_config,
    resolve_config,
)
from .status import (
    API_ERROR,
    AUTH_REFUSED,
    EXIT_STATUS_HELP,
    FAILED,
    INTERRUPTED,
    INVALID_REQUEST,
    OK,
    PARTIAL,
    TERMINATED,
    TRANSPORT,
    TYPED_OPTIONS,
    UNSUPPORTED,
    USAGE,
    UsageError,
    describe,
    exit_status,
    one_line,
    report_error,
)

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def join_help(*parts: str) -> str:
    """Help epilog sections, a blank line apart."""
    return "\n\n".join(parts)


__all__ = [
    "API_ERROR", "AUTH_REFUSED", "CLI_VARIABLES", "CONFIG_HELP", "DEFAULT_CONFIG_FILE", "EXIT_STATUS_HELP", "FAILED",
    "INTERRUPTED", "INVALID_REQUEST", "OK", "PARTIAL", "TERMINATED", "TRANSPORT", "TYPED_OPTIONS", "UNSUPPORTED",
    "USAGE", "ConfigSource", "UsageError", "add_connection_options", "add_debug_option", "describe", "exit_status",
    "join_help", "load_source", "locate_config", "one_line", "report_error", "resolve_config",
]
