"""Exit statuses and one-line errors.

Errors are printed as one line, ``invoicekit: error: <message>``, on stderr, with credentials
masked (:func:`invoicekit._log.scrub`, on top of messages that never carry a setting's value) and
no traceback unless ``--debug``.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Mapping
from typing import Final

from .._log import scrub
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

#: The namespace attribute where the parser leaves each value's option: ``{dest: "--page-size"}``.
TYPED_OPTIONS: Final = "_typed_options"

#: Library parameters fed by an option of another name (the argparse dest); the others share
#: their option's name (``page_size`` is ``--page-size``).
_PARAMETER_DESTS: Final = {
    "contact_id": "contact", "invoice_id": "id", "invoice_ids": "ids", "notes": "note", "paid_at": "date",
    "order": "newest_first",
}
_FIELD: Final = re.compile(r"(\w+)(\[\d+\])?(.*)", re.ASCII | re.DOTALL)
_PARAMETER_IN_TEXT: Final = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


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


def describe(exc: BaseException, typed: Mapping[str, str] | None = None) -> str:
    """The error line's message: the library's own text, plus the first reason of a batch.
    ``typed`` maps argparse dests to the options the user typed: an :class:`InvalidRequestError`
    then names the option that fed the parameter (``--contact``, not ``contact_id``)."""
    if typed and isinstance(exc, InvalidRequestError) and (named := _as_typed(exc, typed)) is not None:
        return named
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


def _as_typed(exc: InvalidRequestError, typed: Mapping[str, str]) -> str | None:
    """``--issued-to: 2026-03-01 is before --issued-from (...)``, or None when no option fed the
    field (a draft file's content keeps the model's names)."""
    match = _FIELD.fullmatch(exc.field or "")
    if match is None:
        return None
    name, index, rest = match.groups()
    option = typed.get(_PARAMETER_DESTS.get(name, name))
    if option is None:
        return None
    # ``invoice_ids[1]`` is the second ID typed; the message quotes it, the index would only
    # count from 0 where the user counts from 1.
    where = option + (f"{index}{rest}" if rest else "")

    def as_typed(found: re.Match[str]) -> str:
        word = found.group()
        return typed.get(_PARAMETER_DESTS.get(word, word), word)

    return f"{where}: {_PARAMETER_IN_TEXT.sub(as_typed, exc.reason)}"


def report_error(
    exc: BaseException, *, debug: bool, context: str | None = None, typed: Mapping[str, str] | None = None
) -> int:
    """Print the error (one line, or the traceback with ``--debug``), after ``context`` when
    given (``cannot reach onlyoffice at crm.example.com: ...``); the exit status. ``typed``: see
    :func:`describe`."""
    if debug:
        text = "".join(traceback.format_exception(exc))
        sys.stderr.write(scrub(text))
    message = describe(exc, typed) if context is None else f"{context}: {describe(exc, typed)}"
    print(f"invoicekit: error: {one_line(message)}", file=sys.stderr)
    return exit_status(exc)
