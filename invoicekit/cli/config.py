"""``invoicekit config check``: is this profile usable, before a real command finds out.

Two steps. First every setting is validated offline, and each problem is one line naming the
setting (never its value: any setting could be a secret). Then the provider is reached with one
cheap authenticated read, the first page of the invoice list with one invoice on it, which
proves the base URL, the network path and the credentials (a login or token refresh included,
where the settings use one) at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import attrs

from ..config import connect, parse_settings
from ..errors import (
    APIError,
    AuthenticationError,
    ConfigError,
    InvoiceKitError,
    PermissionDeniedError,
    TransportError,
)
from ..models import Invoice
from ..options import ClientOptions
from . import output
from .common import (
    CONFIG_HELP,
    OK,
    USAGE,
    ConfigSource,
    UsageError,
    add_connection_options,
    describe,
    join_help,
    load_source,
    locate_config,
    one_line,
    report_error,
)
from .running import run_async

if TYPE_CHECKING:
    from .common import Subparsers

CHECK_HELP = """\
what is checked:
  1. the config is found (--config, --profile, --env; see below) and every setting is valid:
     each problem is one line naming the setting, never its value. A missing required
     setting ends the list: settings read after it are checked once it is set.
  2. the provider answers one authenticated read: the first invoice of the invoice list
     (a login or token refresh first, where the settings use one). Nothing is written.
     A check reports promptly: it waits at most 5 s for a connection and retries at most
     once, within 3 s (less where the profile says less); other commands retry as configured.

exit status:
  0  the profile works          5  the provider cannot be reached (network, DNS, TLS, timeout)
  2  the config is invalid      8  the provider refused the credentials (401/403, login, refresh)
  4  the provider answered the read with another error (wrong base URL path, server error)

with --json, one object on stdout either way: {"ok": true, ...} as above, or {"ok": false,
"stage": "settings" or "read", "problems": [{"key": SETTING or null, "message": ...}], ...}
(the same reasons as the lines on stderr, which stay)."""

# Each round of the validation removes the setting it named, so the loop ends; this bounds it.
_MAX_PROBLEMS: Final = 50

# A check is a diagnostic: it reports within seconds what a command would meet, instead of
# retrying for ``retry_timeout`` (60 s) as a command does to get its work done. One retry, and
# only if it can start within a few seconds, still rides out a single dropped connection.
_CHECK_CONNECT_TIMEOUT: Final = 5.0
_CHECK_RETRY_TIMEOUT: Final = 3.0
_CHECK_MAX_RETRIES: Final = 1


def every_problem(config: Mapping[str, Any]) -> list[ConfigError]:
    """Every problem the provider's settings parser finds, not just the first.

    The parser stops at the first bad setting; removing that setting and parsing again finds the
    next one. A setting named twice (a removed required one is then "missing") ends the list.
    """
    work = _copy(config)
    problems: list[ConfigError] = []
    named: set[str] = set()
    for _ in range(_MAX_PROBLEMS):
        try:
            parse_settings(work)
        except ConfigError as exc:
            if exc.key in named:
                break
            problems.append(exc)
            if exc.key is None or not _remove(work, exc.key):
                break
            named.add(exc.key)
        else:
            break
    return problems


def _copy(config: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) if isinstance(v, Mapping) else v for k, v in config.items()}


def _remove(config: dict[str, Any], dotted: str) -> bool:
    """Remove ``business.name``-style settings; whether there was one to remove."""
    *parents, last = dotted.split(".")
    table: Any = config
    for part in parents:
        table = table.get(part) if isinstance(table, dict) else None
    if not isinstance(table, dict) or last not in table:
        return False
    del table[last]
    return True


def problem_line(problem: ConfigError) -> str:
    return f"invoicekit: error: {_problem_text(problem)}"


def _problem_text(problem: ConfigError) -> str:
    message = str(problem)
    if problem.key and problem.key not in message:
        message = f"{problem.key}: {message}"
    return one_line(message)


def _failed(args: argparse.Namespace, exc: Exception, about: Mapping[str, object], context: str | None = None
            ) -> int:
    """The error line on stderr and its exit status, as every command reports an error; with
    ``--json`` the same reason on stdout too, as the one JSON object a script reads."""
    if output.wants_json(args):
        reason = describe(exc) if context is None else f"{context}: {describe(exc)}"
        _print_failure(about, [(getattr(exc, "key", None), one_line(reason))])
    return report_error(exc, debug=_debug(args), context=context)


def _print_failure(about: Mapping[str, object], problems: list[tuple[str | None, str]]) -> None:
    """``{"ok": false, "stage": "settings"|"read", ..., "problems": [{"key", "message"}]}``:
    ``key`` names the setting at fault (null when none does); messages never hold a value."""
    print(output.dumps({
        "ok": False, **about, "problems": [{"key": key, "message": message} for key, message in problems],
    }))


def for_a_check(settings: Any) -> Any:
    """``settings`` with the check's short connect timeout and retries (never longer or more
    than configured), its read included (a login or token refresh first). Settings of a
    provider without :class:`ClientOptions` are used as they are."""
    options = getattr(settings, "options", None)
    if not isinstance(options, ClientOptions) or not attrs.has(type(settings)):
        return settings
    retries = _CHECK_MAX_RETRIES if options.max_retries is None else min(options.max_retries, _CHECK_MAX_RETRIES)
    return attrs.evolve(settings, options=attrs.evolve(
        options,
        connect_timeout=min(options.connect_timeout, _CHECK_CONNECT_TIMEOUT),
        retry_timeout=min(options.retry_timeout, _CHECK_RETRY_TIMEOUT),
        max_retries=retries,
    ))


def _host(base_url: object) -> str:
    """Host and port of the base URL: never its path or query, never a user:password@ part."""
    parts = urlsplit(base_url if isinstance(base_url, str) else "")
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def _check(args: argparse.Namespace) -> int:
    source: ConfigSource | None = None
    try:
        source = locate_config(args)
        config = load_source(source)
    except (ConfigError, UsageError) as exc:
        return _failed(args, exc, {"stage": "settings", "config": None if source is None else str(source)})
    problems = every_problem(config)
    if problems:
        if output.wants_json(args):
            _print_failure({"stage": "settings", "config": str(source)}, [(p.key, _problem_text(p)) for p in problems])
        for problem in problems:
            print(problem_line(problem), file=sys.stderr)
        return USAGE
    settings = for_a_check(parse_settings(config))
    provider: str = settings.provider
    host = _host(getattr(settings, "base_url", None))
    about: dict[str, object] = {
        "stage": "read", "config": str(source), "provider": provider, "host": host, "authenticated": None,
    }

    async def first_invoice() -> list[Invoice]:
        async with connect(settings) as client:
            found = client.list(page_size=1)
            try:
                first = await anext(found, None)
            finally:
                close = getattr(found, "aclose", None)
                if close is not None:
                    await close()
            return [] if first is None else [first]

    try:
        read = run_async(first_invoice)
    except TransportError as exc:
        return _failed(args, exc, about, f"cannot reach {provider} at {host}")
    except (AuthenticationError, PermissionDeniedError) as exc:
        about["authenticated"] = False
        return _failed(args, exc, about, f"{provider} at {host} refused the credentials")
    except APIError as exc:
        return _failed(args, exc, about, f"{provider} at {host} answered the read with an error")
    except InvoiceKitError as exc:  # a state store that cannot be opened...: main's status, and the JSON
        return _failed(args, exc, about)
    what = (f"invoice {read[0].id}" + (f" ({read[0].number})" if read[0].number else "")) if read else "no invoices"
    if output.wants_json(args):
        print(output.dumps({
            "ok": True, "config": str(source), "provider": provider, "host": host, "authenticated": True,
            "read": {"operation": "list", "page_size": 1, "invoices": len(read)},
        }))
    else:
        print(f"config:   {source}: valid {provider} settings")
        print(f"provider: {provider} at {host} accepted the credentials")
        print(f"read:     the first page of the invoice list (page size 1): {what}")
    return OK


def _debug(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "debug", False))


def register(subparsers: Subparsers) -> None:
    config = subparsers.add_parser(
        "config", help="check a configuration profile",
        description="Check the configuration the other commands would use.",
    )
    actions = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="validate a profile's settings, then reach its provider with one authenticated read",
        description="Validate the settings of a profile, then reach its provider with one cheap\n"
                    "authenticated read. Prints what it read; never a secret.",
        epilog=join_help(CHECK_HELP, CONFIG_HELP), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_connection_options(check, raw_option=False)
    check.set_defaults(func=_check)
