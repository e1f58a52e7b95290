"""``invoicekit events ...``: watch a provider's invoice events, check a captured webhook."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..client import InvoiceClient
from . import output
from .arguments import positive
from .common import CONFIG_HELP, EXIT_STATUS_HELP, FAILED, OK, UsageError, add_connection_options, join_help
from .running import run, run_async

if TYPE_CHECKING:
    from ..events import InvoiceEvent
    from ..gohighlevel.webhooks import WebhookEvent
    from .common import Subparsers


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def event_json(event: InvoiceEvent, *, raw: bool = False) -> dict[str, Any]:
    """An invoice event as JSON-ready values (the invoice in ``--json``'s shape)."""
    return {
        "provider": event.provider,
        "kind": event.kind.value,
        "invoice_id": event.invoice_id,
        "occurred_at": event.occurred_at.isoformat(),
        "delivery_id": event.delivery_id,
        "invoice": None if event.invoice is None else output.invoice_json(event.invoice, raw=raw),
    }


# -- watch ---------------------------------------------------------------------------------------


async def _watch(client: InvoiceClient, args: argparse.Namespace) -> int:
    raw = bool(getattr(args, "raw", False))
    printed = 0
    from ..events import InvoiceWatcher
    from ..state import open_state_store

    # The profile's store; without one, the default state file, so that the next run resumes
    # where this one stopped instead of starting from a new baseline.
    store, owned = client.state_store, False
    if store is None:
        store, owned = open_state_store(None, needs_state=True)
    try:
        watcher = InvoiceWatcher(client, state_store=store, emit_existing=args.emit_existing,
                                 page_size=args.page_size)
        stream = watcher.events(args.interval)
        # aclosing: the watcher saves its checkpoint as soon as the loop ends, however it ends.
        async with contextlib.aclosing(stream):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(args.duration):
                    async for event in stream:
                        print(output.dumps(event_json(event, raw=raw)), flush=True)
                        printed += 1
                        if args.count is not None and printed >= args.count:
                            watcher.delivered(event)  # printed is handled: not reported again
                            break
    finally:
        if owned and store is not None:
            await store.aclose()
    return OK


# -- verify --------------------------------------------------------------------------------------


def _read_headers(path: str) -> list[tuple[str, str]]:
    """A JSON object of headers, or an HTTP header block (``Name: value`` lines; a request line
    and anything after the first empty line are skipped)."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"{path}: not a JSON object of headers ({exc})") from None
        if not isinstance(data, Mapping):
            raise UsageError(f"{path}: not a JSON object of headers")
        return [(str(k), str(v)) for k, v in data.items()]
    headers: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            if headers:
                break
            continue
        name, sep, value = line.partition(":")
        if sep and name.strip() and " " not in name.strip():
            headers.append((name.strip(), value.strip()))
    if not headers:
        raise UsageError(f"{path}: no 'Name: value' header lines and no JSON object")
    return headers


def _verify(args: argparse.Namespace) -> int:
    from ..events import InvoiceEvent
    from ..gohighlevel.webhooks import MissingExtraError, WebhookError, WebhookVerifier

    headers = _read_headers(args.headers)
    body = Path(args.body).read_bytes()  # the raw bytes: a re-encoded body would not verify
    options: dict[str, Any] = {}
    if args.ed25519_key:
        options["ed25519_public_keys"] = [Path(p).read_text(encoding="ascii") for p in args.ed25519_key]
    if args.rsa_key:
        options["rsa_public_keys"] = [Path(p).read_text(encoding="ascii") for p in args.rsa_key]
    if args.max_age is not None:
        options["max_age"] = args.max_age
    if args.now is not None:
        at: datetime = args.now
        options["clock"] = lambda: at
    try:
        verifier = WebhookVerifier(**options)
    except MissingExtraError as exc:  # exit 1 means "invalid webhook"; this is a setup problem
        raise UsageError(str(exc)) from None

    async def check() -> WebhookEvent:
        return await verifier.verify_and_parse(headers, body)

    try:
        event = run_async(check)
    except WebhookError as refusal:
        print(f"invalid: {refusal.reason}: {refusal}")
        return FAILED
    scheme = verifier.verify_signature(headers, body)
    summary: dict[str, Any] = {"valid": True, "scheme": scheme, "event": type(event).__name__,
                               "delivery_id": event.delivery_id, "occurred_at": event.occurred_at.isoformat()}
    if isinstance(event, InvoiceEvent):
        summary.update(kind=event.kind.value, invoice_id=event.invoice_id)
    else:
        summary["type"] = event.raw.get("type")
    print(output.dumps(summary))
    return OK


def register(subparsers: Subparsers) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    events = subparsers.add_parser(
        "events", help="invoice events: watch a provider by polling, check a captured GoHighLevel webhook",
        description="Invoice events (created, updated, sent, paid, partially_paid, voided, deleted).",
        epilog=EXIT_STATUS_HELP, formatter_class=fmt,
    )
    commands = events.add_subparsers(dest="action", metavar="ACTION", required=True)

    watch = commands.add_parser(
        "watch", help="print invoice events as JSON Lines, found by polling the configured provider",
        description="List the invoices every --interval seconds and print what changed since the previous\n"
                    "listing, one JSON object per line. The first listing is the baseline (nothing printed\n"
                    "unless --emit-existing). Runs until interrupted, --count events or --duration seconds.\n"
                    "The checkpoint goes to the profile's state_store (else the default state file), so\n"
                    "the next run reports only what changed since this one.",
        epilog=join_help(CONFIG_HELP, EXIT_STATUS_HELP), formatter_class=fmt,
    )
    add_connection_options(watch, json_option=False)
    watch.add_argument("--interval", type=_seconds, default=30.0, metavar="SECONDS",
                       help="seconds between listings (default 30)")
    watch.add_argument("--count", type=positive, metavar="N", help="stop after N events")
    watch.add_argument("--duration", type=_seconds, metavar="SECONDS", help="stop after SECONDS")
    watch.add_argument("--emit-existing", action="store_true",
                       help="report the invoices of the first listing as created")
    watch.add_argument("--page-size", type=positive, default=100, metavar="N",
                       help="invoices per request (default 100)")
    watch.set_defaults(func=lambda args: run(args, _watch))

    verify = commands.add_parser(
        "verify", help="check a captured GoHighLevel webhook (headers and raw body files)",
        description="Verify a captured GoHighLevel webhook as a receiver would: its signature over the raw\n"
                    "body (x-ghl-signature, Ed25519, or x-wh-signature, RSA), its timestamp and its shape.\n"
                    "Prints the event as JSON and exits 0 when valid; prints 'invalid: REASON: why' and\n"
                    "exits 1 otherwise.",
        epilog="headers file: a JSON object, or 'Name: value' lines as captured from HTTP.\n\n" + EXIT_STATUS_HELP,
        formatter_class=fmt,
    )
    verify.add_argument("--headers", required=True, metavar="FILE", help="the request's headers")
    verify.add_argument("--body", required=True, metavar="FILE", help="the request's body, byte for byte")
    verify.add_argument("--ed25519-key", action="append", metavar="FILE",
                        help="Ed25519 public key (PEM) to trust (none by default: take it from GoHighLevel's "
                             "Webhook Integration Guide); repeatable")
    verify.add_argument("--rsa-key", action="append", metavar="FILE",
                        help="RSA public key (PEM) to trust instead of GoHighLevel's; repeatable")
    verify.add_argument("--max-age", type=_seconds, metavar="SECONDS",
                        help="replay window for the payload's timestamp (default 4500, 75 minutes)")
    verify.add_argument("--now", type=_when, metavar="TIME",
                        help="check the timestamp as of this ISO 8601 time (for an old capture)")
    verify.set_defaults(func=_verify)

