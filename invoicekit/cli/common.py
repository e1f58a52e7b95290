"""What every CLI subcommand shares: exit codes, one-line errors, where the config comes from.

Errors are printed as one line, ``invoicekit: error: <message>``, on stderr, with credentials
masked (:func:`invoicekit._log.scrub`, on top of messages that never carry a setting's value) and
no traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._log import scrub
from ..config import config_from_env, load_config
from ..errors import (
    APIError,
    AuthenticationError,
    BatchError,
    ConfigError,
    InvalidRequestError,
    InvoiceKitError,
    PermissionDeniedError,
    TransportError,
    UnsupportedOperationError,
)
from .input import InputFileError

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

# Exit statuses (also listed in ``invoicekit --help``).
OK: Final = 0
FAILED: Final = 1  # a demo step did not behave; a delete was not confirmed; an unexpected error
USAGE: Final = 2  # bad arguments, bad or missing config, unreadable input/output file
INVALID_REQUEST: Final = 3  # refused before sending: bad id, bad draft file, bad filter
API_ERROR: Final = 4  # the provider answered with an error (not found, invalid state, auth...)
TRANSPORT: Final = 5  # no answer: connection refused, DNS, TLS, timeout
UNSUPPORTED: Final = 6  # the provider has no such operation (see client.capabilities)
PARTIAL: Final = 7  # a batch was done for some ids only
AUTH_REFUSED: Final = 8  # the provider refused the credentials (401, 403, a failed login or token refresh)
INTERRUPTED: Final = 130  # Ctrl+C (SIGINT)
TERMINATED: Final = 143  # SIGTERM, after cleaning up (128 + 15, as a shell reports a signal)

EXIT_STATUS_HELP = """\
exit status:
  0    success
  1    a demo step failed; a delete was not confirmed; an unexpected error
  2    usage or configuration error
  3    invalid request, refused before sending
  4    the provider answered with an error
  5    no answer (unreachable, timeout)
  6    operation not supported by the provider
  7    batch partly failed
  8    credentials refused (HTTP 401/403, a failed login or token refresh)
  130  interrupted (Ctrl+C)
  143  terminated (SIGTERM), after cleaning up"""

#: Environment variables the CLI reads itself; they are not provider settings.
CLI_VARIABLES: Final = frozenset({"INVOICEKIT_CONFIG", "INVOICEKIT_PROFILE"})
DEFAULT_CONFIG_FILE: Final = "invoicekit.toml"

CONFIG_HELP = f"""\
configuration (first that applies):
  --env                  environment variables only: INVOICEKIT_PROVIDER, INVOICEKIT_BASE_URL,
                         INVOICEKIT_TOKEN... (a double underscore nests: INVOICEKIT_BUSINESS__NAME)
  --config PATH          a TOML file: one config, or one table per profile
  $INVOICEKIT_CONFIG     the same, from the environment
  ./{DEFAULT_CONFIG_FILE}      when it exists
  $INVOICEKIT_PROVIDER   when set, the environment as with --env
--profile (or $INVOICEKIT_PROFILE) picks the file's table; without it, the file's default_profile
or its only profile."""


def join_help(*parts: str) -> str:
    """Help epilog sections, a blank line apart."""
    return "\n\n".join(parts)


class UsageError(Exception):
    """Arguments that do not fit together (exit 2)."""


def exit_status(exc: BaseException) -> int:
    if isinstance(exc, ConfigError | UsageError | InputFileError | OSError):
        # OSError here is the CLI's own file handling (export --output): the library maps its
        # network errors to TransportError.
        return USAGE
    if isinstance(exc, UnsupportedOperationError):
        return UNSUPPORTED
    if isinstance(exc, BatchError):
        return PARTIAL
    if isinstance(exc, InvalidRequestError):
        return INVALID_REQUEST
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return AUTH_REFUSED
    if isinstance(exc, APIError):
        return API_ERROR
    if isinstance(exc, TransportError):
        return TRANSPORT
    return FAILED


def one_line(text: str) -> str:
    return scrub(" ".join(text.split()))


def describe(exc: BaseException) -> str:
    """The error line's message: the library's own text, plus the first reason of a batch."""
    if isinstance(exc, BatchError) and exc.failures:
        first_id, first = next(iter(exc.failures.items()))
        reason = first.message if isinstance(first, APIError) else str(first)
        total = len(exc.failures) + len(exc.succeeded)
        more = f" (and {len(exc.failures) - 1} more)" if len(exc.failures) > 1 else ""
        return f"{exc.operation}: {len(exc.failures)} of {total} failed: {first_id}: {reason}{more}"
    if isinstance(exc, InvoiceKitError | UsageError | InputFileError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}: {exc.filename}" if exc.filename else str(exc)
    return f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"


def report_error(exc: BaseException, *, debug: bool, context: str | None = None) -> int:
    """Print the error (one line, or the traceback with ``--debug``), after ``context`` when
    given (``cannot reach onlyoffice at crm.example.com: ...``); the exit status."""
    if debug:
        text = "".join(traceback.format_exception(exc))
        sys.stderr.write(scrub(text))
    message = describe(exc) if context is None else f"{context}: {describe(exc)}"
    print(f"invoicekit: error: {one_line(message)}", file=sys.stderr)
    return exit_status(exc)


# -- configuration ----------------------------------------------------------------------------


def _provider_env(environ: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in environ.items() if k not in CLI_VARIABLES}


@attrs.frozen
class ConfigSource:
    """Where the config comes from: a TOML file (and maybe a profile), or the environment."""

    path: str | None  # None: the INVOICEKIT_* environment
    profile: str | None = None

    def __str__(self) -> str:
        if self.path is None:
            return "the INVOICEKIT_* environment"
        return f"{self.path}, profile {self.profile}" if self.profile else self.path


def locate_config(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> ConfigSource:
    """Which config the options and environment select (order in :data:`CONFIG_HELP`)."""
    env = os.environ if environ is None else environ
    explicit_profile: str | None = getattr(args, "profile", None)
    config_path: str | None = getattr(args, "config", None)
    if getattr(args, "env", False):
        if explicit_profile or config_path:
            raise UsageError("--env reads the environment only; it cannot be combined with --config or --profile")
        return ConfigSource(None)
    profile = explicit_profile or env.get("INVOICEKIT_PROFILE") or None
    path = config_path or env.get("INVOICEKIT_CONFIG") or None
    if path is not None:
        return ConfigSource(path, profile)
    if Path(DEFAULT_CONFIG_FILE).is_file():
        return ConfigSource(DEFAULT_CONFIG_FILE, profile)
    if env.get("INVOICEKIT_PROVIDER"):
        if explicit_profile:
            raise UsageError(f"--profile needs a config file (--config, $INVOICEKIT_CONFIG or ./{DEFAULT_CONFIG_FILE})")
        return ConfigSource(None)
    raise ConfigError(
        f"no configuration: pass --config FILE, set INVOICEKIT_CONFIG, create ./{DEFAULT_CONFIG_FILE}, "
        "or set INVOICEKIT_PROVIDER and its settings (see --help)"
    )


def load_source(source: ConfigSource, environ: Mapping[str, str] | None = None) -> Mapping[str, Any]:
    if source.path is not None:
        return load_config(source.path, source.profile)
    return config_from_env(environ=_provider_env(os.environ if environ is None else environ))


def resolve_config(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Mapping[str, Any]:
    """The config mapping the options and environment select (order in :data:`CONFIG_HELP`)."""
    return load_source(locate_config(args, environ), environ)


def add_connection_options(
    parser: argparse.ArgumentParser, *, json_option: bool = True, raw_option: bool = True
) -> None:
    """Options accepted before or after the subcommand (``invoicekit invoices --json list`` and
    ``invoicekit invoices list --json`` alike): SUPPRESS keeps a level that does not see the
    option from overwriting a value given at another."""
    s = argparse.SUPPRESS
    group = parser.add_argument_group("connection and output")
    group.add_argument("--config", metavar="PATH", default=s, help="TOML config file (see 'configuration' below)")
    group.add_argument("--profile", metavar="NAME", default=s, help="profile (table) of the config file")
    group.add_argument("--env", action="store_true", default=s, help="configure from INVOICEKIT_* variables only")
    if json_option:
        group.add_argument("--json", action="store_true", default=s, help="JSON output for scripts")
    if raw_option:
        group.add_argument("--raw", action="store_true", default=s,
                           help="in JSON output, include each invoice's provider payload ('raw')")
    add_debug_option(group)


def add_debug_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="print the traceback of an error")
