"""``invoicekit auth status`` and ``invoicekit auth forget``: where a profile's credentials are kept.

``status`` shows where the renewed credentials of the configured profile live (the state store
and the key), their generation and expiry, and whether they descend from the configured seed;
never a secret. ``forget`` drops them, so that the next run starts again from the configuration
(after re-authorising a GoHighLevel app, say, when the new refresh token is in the config).

``forget`` refuses (without ``--yes``) to drop a GoHighLevel chain that has rotated the configured
refresh token: that token is spent, the stored one is the only one that works, and forgetting it
means re-authorising the app. It deletes under the credential lease, so that a refresh running in
another process at that moment is not overwritten half-way.

Credentials minted from the profile's (:class:`~invoicekit.credentials.MintedCredentials`: a
GoHighLevel agency's location tokens) are shown with it, each with whether it was minted under
the stored chain and under the configured seed's: the ones the configuration names, and every
other when the store can list its keys (:class:`~invoicekit.state.KeyListingStateStore`).
``forget`` drops those minted under the chain it drops or the configured one, each under its own
lease, and keeps those of another chain (another grant's). It drops them first and the credential
they were minted from last: a ``forget`` that stops half-way (a lease held elsewhere) keeps the
record that says which chain to drop, so running it again finishes the job.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..config import parse_settings
from ..registry import get_provider
from ..state import (
    KeyListingStateStore,
    LeasingStateStore,
    StateStore,
    StateStoreError,
    Versioned,
    describe_store,
    open_state_store,
)
from . import output
from .common import CONFIG_HELP, OK, UsageError, add_connection_options, resolve_config
from .running import run_async

if TYPE_CHECKING:
    from ..credentials.place import CredentialPlace, MintedCredentials, StoredCredential

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


#: How long ``forget`` waits for a refresh running elsewhere to finish (then it gives up).
_FORGET_LEASE_WAIT = 60.0
#: How many times ``forget`` follows a stored credential that moves to another chain meanwhile.
_FORGET_ROUNDS = 3


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
        stored = _decoded(place.read, record)
        minted = None if place.minted is None else await _minted_status(store, place.minted, place, stored)
    finally:
        if owned:
            await store.aclose()
    report.update(credentials=place.subject, store=describe_store(store), key=place.key)
    report.update(_described(record, stored, configured=place.chain))
    if record is None:
        report["note"] = "nothing stored yet: the next call starts from the configuration"
    elif report.get("from_configured_seed") is False:
        report["note"] = (
            "the configuration holds a different seed (a new refresh token or password): "
            "the next renewal starts a new chain from it"
        )
    if minted is not None:
        report.update(minted)
    return _print(report, args)


def _decoded(read: Callable[[bytes], StoredCredential], record: Versioned | None) -> StoredCredential | None:
    """The stored credential; None when nothing is stored or the record is unreadable (damaged,
    or written by another version): the next renewal replaces it."""
    if record is None:
        return None
    try:
        return read(record.value)
    except (ValueError, TypeError, KeyError, ArithmeticError):
        # ``read`` raises the first three (its contract); ArithmeticError is a third-party
        # reader's int() of a damaged number (infinity), which is no less unreadable.
        return None


def _described(record: Versioned | None, stored: StoredCredential | None, *, configured: str) -> dict[str, Any]:
    """What ``status`` shows of one stored record and its credential (:func:`_decoded`; never a
    secret)."""
    if record is None:
        return {"stored": False}
    if stored is None:
        return {"stored": True, "note": "the stored record is unreadable: the next renewal replaces it"}
    return {
        "stored": True,
        "version": record.version,
        "generation": stored.generation,
        "from_configured_seed": stored.chain == configured,
        "obtained_at": _iso(stored.obtained_at),
        "expires_at": _iso(stored.expires_at),
        "expired": None if stored.expires_at is None else stored.expires_at <= datetime.now(UTC),
    }


async def _minted_status(
    store: StateStore, minted: MintedCredentials, place: CredentialPlace, stored: StoredCredential | None
) -> dict[str, Any]:
    """The credentials minted from the place's (``stored``: its stored credential): each with
    whether it was minted under the stored chain and under the configured seed's."""
    keys, listed = await _minted_keys(store, minted)
    shown: list[dict[str, Any]] = []
    for key in keys:
        found = await store.get(key)
        credential = _decoded(minted.read, found)
        entry: dict[str, Any] = {"credentials": minted.describe(key) or key, "key": key}
        entry.update(_described(found, credential, configured=place.chain))
        entry["from_stored_chain"] = (
            None if credential is None or stored is None else credential.chain == stored.chain
        )
        shown.append(entry)
    return {
        "minted": minted.kind,
        "minted_listed": listed,
        "minted_note": None if listed else (
            f"{describe_store(store)} cannot list its keys: only the configuration's own are shown"
        ),
        "minted_credentials": shown,
    }


async def _minted_keys(store: StateStore, minted: MintedCredentials) -> tuple[list[str], bool]:
    """The keys of the minted credentials: the configuration's, then every other the store lists
    (when it can list keys: the second value)."""
    keys = list(minted.known)
    if not isinstance(store, KeyListingStateStore):
        return keys, False
    listed = await store.list_keys(minted.prefix)
    keys += [key for key in listed if key not in keys and minted.describe(key) is not None]
    return keys, True


def _chain_of(read: Callable[[bytes], StoredCredential], record: Versioned | None) -> str | None:
    """The chain of a stored record; None when nothing is stored or it is unreadable."""
    stored = _decoded(read, record)
    return None if stored is None else stored.chain


async def _forget(args: argparse.Namespace) -> int:
    settings = parse_settings(resolve_config(args))
    place = _place_of(settings)
    if place is None:
        return _print({"provider": settings.provider, "forgotten": False, "note": "static token: nothing stored"},
                      args)
    store, owned = open_state_store(settings.state_store, needs_state=True)
    assert store is not None
    try:
        forgotten, minted = await _forget_all(store, place, confirmed=args.yes)
    finally:
        if owned:
            await store.aclose()
    report: dict[str, Any] = {
        "provider": settings.provider, "credentials": place.subject, "store": describe_store(store),
        "key": place.key, "forgotten": forgotten,
    }
    if minted is not None:
        report.update(minted)
    anything = forgotten or bool(minted and minted["minted_forgotten"])
    report["note"] = "the next call starts from the configuration" if anything else "nothing was stored"
    return _print(report, args)


async def _forget_all(
    store: StateStore, place: CredentialPlace, *, confirmed: bool
) -> tuple[bool, dict[str, Any] | None]:
    """Drop the place's record and the credentials minted from it; whether the record was there
    to drop, and what became of the minted ones.

    The order makes any failure half-way (a lease another process holds, a store that fails)
    leave what a retry completes: the place's record, which names the stored chain, goes last,
    so that a retry still knows which minted credentials to drop (minted ones cost nothing to
    lose: the next call mints them again). Never two leases at once: a minting process takes a
    minted credential's lease, then possibly the place's.

    A refusal (the configured seed is spent and not ``confirmed``) comes before anything is
    dropped; should a renewal spend the seed while the minted ones are being dropped, it comes at
    the end, and the place's record is kept.
    """
    async with _lease(store, place.key):
        seen = await store.get(place.key)
    if not confirmed:
        _refuse_spent_seed(place, seen)
    chains = {place.chain}
    minted = None if place.minted is None else _MintedReport(place.minted)
    for _ in range(_FORGET_ROUNDS):
        stored_chain = _chain_of(place.read, seen)
        if stored_chain is not None:
            chains.add(stored_chain)
        if minted is not None:
            await minted.forget(store, chains=chains)
        async with _lease(store, place.key):
            current = await store.get(place.key)
            if current != seen:  # renewed (or forgotten) meanwhile: check it again
                if not confirmed:
                    _refuse_spent_seed(place, current)
                if _chain_of(place.read, current) not in chains | {None}:
                    seen = current  # a chain whose minted credentials are still stored
                    continue
            if current is not None:
                await store.delete(place.key)
        return current is not None, None if minted is None else minted.fields()
    raise StateStoreError(
        f"the stored {place.subject} moved to another chain {_FORGET_ROUNDS} times while being forgotten; "
        "try again"
    )


class _MintedReport:
    """What ``forget`` did with the credentials minted from the place's, over its rounds."""

    def __init__(self, minted: MintedCredentials) -> None:
        self.minted = minted
        self.listed = False
        self.dropped: list[dict[str, Any]] = []
        self.kept: list[dict[str, Any]] = []

    async def forget(self, store: StateStore, *, chains: set[str]) -> None:
        """Drop the credentials minted under ``chains`` (and unreadable ones, which the next mint
        replaces anyway), each under its own lease; keep those minted under another chain
        (another grant's)."""
        keys, self.listed = await _minted_keys(store, self.minted)
        self.kept = []
        for key in keys:
            entry = {"credentials": self.minted.describe(key) or key, "key": key}
            async with _lease(store, key):
                record = await store.get(key)
                if record is None:
                    continue
                chain = _chain_of(self.minted.read, record)
                if chain is not None and chain not in chains:
                    self.kept.append({**entry, "note": "minted under another chain: not this configuration's"})
                    continue
                await store.delete(key)
            self.dropped.append(entry)

    def fields(self) -> dict[str, Any]:
        return {
            "minted": self.minted.kind, "minted_listed": self.listed,
            "minted_forgotten": self.dropped, "minted_kept": self.kept,
        }


def _lease(store: StateStore, key: str) -> contextlib.AbstractAsyncContextManager[None]:
    # Deletes run under the credential lease: a renewal in another process finishes (and saves)
    # first, and none starts until the record is gone, so what was checked is what is deleted.
    if isinstance(store, LeasingStateStore):
        return store.lease(key, ttl=_FORGET_LEASE_WAIT)
    return contextlib.nullcontext()


def _refuse_spent_seed(place: CredentialPlace, record: Versioned | None) -> None:
    """UsageError when forgetting would leave only a spent refresh token in the configuration."""
    if not place.spends_seed:
        return
    stored = _decoded(place.read, record)
    if stored is None:
        return  # nothing stored, or unreadable: the next renewal replaces it anyway
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
        _print_fields(report, indent="")
    sys.stdout.flush()
    return OK


def _print_fields(fields: dict[str, Any], *, indent: str) -> None:
    """``name  value`` lines; a list of credentials follows as indented blocks, one per entry."""
    lists = {name: value for name, value in fields.items() if isinstance(value, list)}
    plain = {name: value for name, value in fields.items() if name not in lists and value is not None}
    width = max((len(name) for name in plain), default=0)
    for name, value in plain.items():
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        print(f"{indent}{name.replace('_', ' '):<{width}}  {shown}")
    for name, entries in lists.items():
        print(f"{indent}{name.replace('_', ' ')}: {len(entries) or 'none'}")
        for entry in entries:
            print(f"{indent}- {entry['credentials']}")
            _print_fields({k: v for k, v in entry.items() if k != "credentials"}, indent=indent + "    ")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds")
