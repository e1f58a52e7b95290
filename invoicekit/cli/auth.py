"""``invoicekit auth status`` and ``invoicekit auth forget``: where a profile's credentials are kept.

``status`` shows where the renewed credentials of the configured profile live (the state store
and the key), their generation and expiry, and whether they descend from the configured seed;
never a secret. ``forget`` drops them, so that the next run starts again from the configuration
(after re-authorising a GoHighLevel app, say, when the new refresh token is in the config).

``forget`` refuses (without ``--yes``) to drop a GoHighLevel chain that has rotated the configured
refresh token: that token is spent, the stored one is the only one that works, and forgetting it
means re-authorising the app. It deletes under the credential lease, so that a refresh running in
another process at that moment is not overwritten half-way.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..config import parse_settings
from ..registry import get_provider
from ..state import LeasingStateStore, StateStore, describe_store, open_state_store
from . import output
from .common import CONFIG_HELP, OK, UsageError, add_connection_options, resolve_config
from .running import run_async

if TYPE_CHECKING:
    from ..credentials.place import CredentialPlace

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


#: How long ``forget`` waits for a refresh running elsewhere to finish (then it gives up).
_FORGET_LEASE_WAIT = 60.0


def _place_of(settings: Any) -> CredentialPlace | None:
    """Where the provider keeps this configuration's renewable credential (its registry hook);
    None for static tokens and providers that keep nothing."""
    describe = get_provider(settings.provider).credentials
    return None if describe is None else describe(settings)


def register(subparsers: Subparsers) -> None:
    auth = subparsers.add_parser(
        "auth", help="where the profile's credentials are kept; forget them",
        description="OAuth refresh tokens (GoHighLevel) and login tokens (ONLYOFFICE) are renewed and kept "
        "in the state store (setting state_store; default: a file in $XDG_STATE_HOME/invoicekit/). "
        "Static tokens are never stored.",
        epilog=CONFIG_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = auth.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser(
        "status", help="where the credentials are kept, their generation and expiry (never a secret)",
        epilog=CONFIG_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_connection_options(status)
    status.set_defaults(func=lambda args: run_async(lambda: _status(args)))
    forget = actions.add_parser(
        "forget", help="drop the stored credentials of the profile: the next run starts from the configuration",
        description="Drops the stored credentials of the profile. A GoHighLevel refresh token is single-use: "
        "once the stored chain has rotated it, the configured refresh_token is spent and forgetting the stored "
        "one means re-authorising the app. forget refuses that unless --yes is given; re-authorise first and "
        "put the new refresh token in the configuration (a new seed wins by itself, nothing to forget).",
        epilog=CONFIG_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_connection_options(forget)
    forget.add_argument(
        "--yes", "-y", action="store_true",
        help="forget even when the configured refresh token is spent (the app must then be re-authorised)",
    )
    forget.set_defaults(func=lambda args: run_async(lambda: _forget(args)))


async def _status(args: argparse.Namespace) -> int:
    settings = parse_settings(resolve_config(args))
    place = _place_of(settings)
    report: dict[str, Any] = {"provider": settings.provider}
    if place is None:
        report.update(credentials="none renewable (a static token)", store=describe_store(None), stored=False)
        return _print(report, args)
    store, owned = open_state_store(settings.state_store, needs_state=True)
    assert store is not None
    try:
        record = await store.get(place.key)
    finally:
        if owned:
            await store.aclose()
    report.update(credentials=place.subject, store=describe_store(store), key=place.key, stored=record is not None)
    if record is None:
        report["note"] = "nothing stored yet: the next call starts from the configuration"
        return _print(report, args)
    try:
        stored = place.read(record.value)
    except (ValueError, TypeError, KeyError):
        report["note"] = "the stored record is unreadable: the next renewal replaces it"
        return _print(report, args)
    now = datetime.now(UTC)
    report.update(
        version=record.version,
        generation=stored.generation,
        from_configured_seed=stored.chain == place.chain,
        obtained_at=_iso(stored.obtained_at),
        expires_at=_iso(stored.expires_at),
        expired=None if stored.expires_at is None else stored.expires_at <= now,
    )
    if stored.chain != place.chain:
        report["note"] = (
            "the configuration holds a different seed (a new refresh token or password): "
            "the next renewal starts a new chain from it"
        )
    return _print(report, args)


async def _forget(args: argparse.Namespace) -> int:
    settings = parse_settings(resolve_config(args))
    place = _place_of(settings)
    if place is None:
        return _print({"provider": settings.provider, "forgotten": False, "note": "static token: nothing stored"},
                      args)
    store, owned = open_state_store(settings.state_store, needs_state=True)
    assert store is not None
    try:
        existed = await _delete(store, place, confirmed=args.yes)
    finally:
        if owned:
            await store.aclose()
    return _print({
        "provider": settings.provider, "credentials": place.subject, "store": describe_store(store),
        "key": place.key, "forgotten": existed,
        "note": "the next call starts from the configuration" if existed else "nothing was stored",
    }, args)


async def _delete(store: StateStore, place: CredentialPlace, *, confirmed: bool) -> bool:
    # Under the credential lease: a refresh in another process finishes (and saves) first, and
    # none starts until the record is gone, so what was checked is what is deleted.
    lease = (
        store.lease(place.key, ttl=_FORGET_LEASE_WAIT) if isinstance(store, LeasingStateStore)
        else contextlib.nullcontext()
    )
    async with lease:
        record = await store.get(place.key)
        if record is None:
            return False
        if not confirmed:
            _refuse_spent_seed(place, record.value)
        await store.delete(place.key)
    return True


def _refuse_spent_seed(place: CredentialPlace, value: bytes) -> None:
    """UsageError when forgetting would leave only a spent refresh token in the configuration."""
    if not place.spends_seed:
        return
    try:
        stored = place.read(value)
    except (ValueError, TypeError, KeyError):
        return  # unreadable: the next renewal replaces it anyway
    if stored.chain == place.chain and stored.generation > 0:
        raise UsageError(
            f"the stored {place.subject} rotated the configured refresh token {stored.generation} time(s): "
            "the configured one is spent and the stored one is the only one that works. Forgetting it means "
            "re-authorising the app. Re-authorise first and put the new refresh token in the configuration "
            "(it starts a new chain by itself), or pass --yes to forget anyway"
        )


def _print(report: dict[str, Any], args: argparse.Namespace) -> int:
    if getattr(args, "json", False):
        print(output.dumps(report))
    else:
        width = max(len(name) for name in report)
        for name, value in report.items():
            if value is not None:
                shown = ("yes" if value else "no") if isinstance(value, bool) else value
                print(f"{name.replace('_', ' '):<{width}}  {shown}")
    sys.stdout.flush()
    return OK


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds")
