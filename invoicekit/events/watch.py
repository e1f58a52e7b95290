"""Invoice events by polling: for providers without webhooks (ONLYOFFICE) and for GoHighLevel
users without a public URL.

Each poll lists every invoice and compares it with what the previous poll saw: a new id is
``created``; a status move is ``sent``/``paid``/``partially_paid``/``voided`` (``updated`` for
other moves, such as a rejected ONLYOFFICE invoice going back to draft); another payment on a
partially paid invoice is ``partially_paid`` again; changed content or update time is
``updated``; an id gone from the listing (and confirmed gone by ``get``) is ``deleted``.

Memory: one small record per live invoice (id, status, a 16-hex-digit content digest, the update
time and the amount paid; about 100 bytes), bounded by the number of invoices the account has,
refused past ``max_invoices``. A poll reads the listing one page at a time and turns each
invoice into its events as it goes: no more than the current page of full invoices is held. The records are
checkpointed in a :class:`~invoicekit.state.StateStore` with compare-and-set ``put``, so a
watcher started again on the same store (a new process, a new client) continues where the last
one stopped, without replaying what it already reported. An event counts as delivered once the
consumer asks for the next one: the event a consumer held when it stopped (an exception, a
``break``, a cancellation) is reported again by the next watcher on the same store (at least
once). A consumer that wants to stop after an event it has handled calls
:meth:`InvoiceWatcher.delivered` with it first.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .._log import get_logger
from ..errors import InvalidRequestError, InvoiceKitError, NotFoundError
from ..models import Invoice, InvoiceId, InvoiceStatus
from ..state import MemoryStateStore, StateStore
from .model import EventKind, InvoiceEvent

if TYPE_CHECKING:
    from ..client import InvoiceClient

logger = get_logger("invoicekit.events")

_FORMAT = 1
KEY_PREFIX = "invoicekit/watch/"
#: (status, content digest, update time, amount paid): what one invoice costs between polls.
Record = tuple[str, str, str, str]

_KIND_OF_STATUS: dict[str, EventKind] = {
    InvoiceStatus.SENT.value: EventKind.SENT,
    InvoiceStatus.PAID.value: EventKind.PAID,
    InvoiceStatus.PARTIALLY_PAID.value: EventKind.PARTIALLY_PAID,
    InvoiceStatus.VOID.value: EventKind.VOIDED,
}


class WatchError(InvoiceKitError):
    """The watcher cannot go on: more invoices than ``max_invoices``, or an unreadable checkpoint."""


def _content(invoice: Invoice) -> str:
    """A digest of what an edit can change; status and payments are tracked on their own."""
    contact = invoice.contact
    parts: list[Any] = [
        invoice.number, invoice.name, invoice.currency, invoice.issue_date, invoice.due_date, invoice.total,
        invoice.terms, invoice.description, invoice.purchase_order_number, invoice.exchange_rate, invoice.language,
        None if contact is None else (contact.id, contact.name, contact.email, contact.phone, contact.company_name),
        [(line.name, line.description, line.quantity, line.unit_price, line.discount, line.item_id, line.tax_ids)
         for line in invoice.lines or ()],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def record_of(invoice: Invoice) -> Record:
    """The small record kept for an invoice between polls."""
    stamp = invoice.updated_at.isoformat() if invoice.updated_at is not None else ""
    paid = "" if invoice.amount_paid is None else str(invoice.amount_paid.normalize())
    return (invoice.status.value, _content(invoice), stamp, paid)


def kinds_between(old: Record, new: Record) -> list[EventKind]:
    """What happened to an invoice between two records, in the order it most likely happened."""
    kinds: list[EventKind] = []
    old_status, old_content, old_stamp, old_paid = old
    status, content, stamp, paid = new
    if status != old_status:
        if content != old_content:
            kinds.append(EventKind.UPDATED)  # edits happen before a status move, not after
        kinds.append(_KIND_OF_STATUS.get(status, EventKind.UPDATED))
    elif status == InvoiceStatus.PARTIALLY_PAID.value and paid != old_paid:
        kinds.append(EventKind.PARTIALLY_PAID)  # a further partial payment
    elif content != old_content or stamp != old_stamp:
        kinds.append(EventKind.UPDATED)
    return kinds


def records_after(old: Record | None, new: Record, kinds: list[EventKind]) -> list[Record]:
    """The record as it stands after each of ``kinds`` (the last one is ``new``).

    Delivering an event stores its record, so a consumer that handled only the first of two
    kinds for one invoice (``created`` then ``sent``) must not store the record that already
    includes the second: the next poll compares against the record after the first and reports
    the rest.
    """
    if not kinds:
        return []
    steps: list[Record] = []
    _, content, stamp, paid = new
    for kind in kinds[:-1]:
        if kind is EventKind.CREATED:
            # Created as a draft, then moved to its status.
            steps.append((InvoiceStatus.DRAFT.value, content, stamp, paid))
        else:
            # The edit that precedes a status move (kinds_between's only other pair).
            assert kind is EventKind.UPDATED and old is not None
            steps.append((old[0], content, stamp, paid))
    steps.append(new)
    return steps


class InvoiceWatcher:
    """Compares successive listings of one client's invoices (see the module docstring).

    ``state_store`` keeps the checkpoint under ``key``; they default to the client's
    :attr:`~invoicekit.InvoiceClient.state_store` and ``invoicekit/watch/<account_key>``
    (``invoicekit/watch/gohighlevel/<location id>``...), so accounts sharing a store keep apart.
    Without any store the checkpoint lives in memory and a restart starts afresh.
    The first poll with no checkpoint records what exists without reporting it, unless
    ``emit_existing`` (then every invoice is reported ``created``).
    """

    def __init__(
        self,
        client: InvoiceClient,
        *,
        state_store: StateStore | None = None,
        key: str | None = None,
        emit_existing: bool = False,
        page_size: int = 100,
        max_invoices: int = 100_000,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._client = client
        store = state_store if state_store is not None else client.state_store
        self._store: StateStore = store if store is not None else MemoryStateStore()
        self.key = key or f"{KEY_PREFIX}{client.account_key}"
        self._emit_existing = emit_existing
        self._page_size = page_size
        self._max_invoices = max_invoices
        self._clock = clock or (lambda: datetime.now(UTC))
        self._records: dict[InvoiceId, Record] | None = None  # None until loaded
        self._version: int | None = None
        self._dirty = False
        self._pending: dict[str, tuple[InvoiceId, Record | None]] = {}

    # -- checkpoint ------------------------------------------------------------------------

    async def _load(self) -> dict[InvoiceId, Record] | None:
        stored = await self._store.get(self.key)
        if stored is None:
            self._version = None
            return None
        self._version = stored.version
        try:
            data = json.loads(stored.value)
            if data.get("format") != _FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            return {entry[0]: (entry[1], entry[2], entry[3], entry[4]) for entry in data["invoices"]}
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise WatchError(f"the watch checkpoint {self.key!r} is unreadable ({exc})") from None

    async def save(self) -> None:
        """Write the checkpoint (compare-and-set); nothing when nothing changed."""
        if self._records is None or not self._dirty:
            return
        entries = [[invoice_id, *record] for invoice_id, record in self._records.items()]
        value = json.dumps({"format": _FORMAT, "provider": self._client.provider, "invoices": entries},
                           separators=(",", ":")).encode()
        written = await self._store.put(self.key, value, expected_version=self._version)
        if written is None:
            # Another watcher on the same key wrote in between: it reports what it saw, so take
            # its view as ours rather than overwrite it with an older one.
            logger.warning("watch %s: another watcher updated the checkpoint; continuing from its state", self.key)
            self._records = await self._load() or {}
        else:
            self._version = written.version
        self._dirty = False

    # -- one poll -------------------------------------------------------------------------

    async def poll(self) -> list[InvoiceEvent]:
        """The events since the last poll, oldest kind first per invoice, as one list (it holds
        the invoices of every changed one: :meth:`changes` streams them instead). They count as
        delivered once passed to :meth:`delivered`."""
        async with aclosing(self.changes()) as changes:
            return [event async for event in changes]

    async def changes(self) -> AsyncGenerator[InvoiceEvent, None]:
        """The events since the last poll, as the listing reaches each invoice (deletions last).

        Only ids and small records are kept across the listing: an invoice is compared, turned
        into its events and dropped before the next one is read, so a poll holds the listing's
        current page and the event in hand, never every invoice.
        """
        if self._records is None:
            self._records = await self._load()
        baseline = self._records is None
        known: dict[InvoiceId, Record] = self._records or {}
        records: dict[InvoiceId, Record] = {} if baseline else known
        if baseline:
            self._records = records
            self._dirty = True
        now = self._clock()
        seen: set[InvoiceId] = set()
        listing = self._client.list(page_size=self._page_size)
        try:
            async for invoice in listing:
                seen.add(invoice.id)
                if len(seen) > self._max_invoices:
                    raise WatchError(f"more than {self._max_invoices} invoices to watch; raise max_invoices")
                record = record_of(invoice)
                if baseline and not self._emit_existing:
                    records[invoice.id] = record  # recorded, not reported
                    continue
                for event in self._events_of(invoice, record, known.get(invoice.id), now):
                    yield event
        finally:
            # The listing is an async generator in every adapter: close it now (the consumer
            # may stop mid-listing), not whenever it is collected.
            close = getattr(listing, "aclose", None)
            if close is not None:
                await close()
        if baseline and not self._emit_existing:
            await self.save()
            return
        # A snapshot: delivering a deletion removes its id from the records while we go.
        missing = [invoice_id for invoice_id in known if invoice_id not in seen]
        for invoice_id in missing:
            if await self._gone(invoice_id):
                yield self._event(EventKind.DELETED, invoice_id, None, None, known[invoice_id], now, None)

    def _events_of(self, invoice: Invoice, record: Record, old: Record | None, now: datetime) -> list[InvoiceEvent]:
        if old is None:
            kinds = [EventKind.CREATED]
            if invoice.status.value in _KIND_OF_STATUS:
                kinds.append(_KIND_OF_STATUS[invoice.status.value])
        else:
            kinds = kinds_between(old, record)
        return [
            self._event(kind, invoice.id, invoice, record, old, now, step)
            for kind, step in zip(kinds, records_after(old, record, kinds), strict=True)
        ]

    async def _gone(self, invoice_id: InvoiceId) -> bool:
        # Offset paging can skip an invoice when others are created or deleted during the
        # listing; one get tells a skipped invoice from a deleted one.
        try:
            await self._client.get(invoice_id)
        except NotFoundError:
            return True
        return False

    def _event(
        self, kind: EventKind, invoice_id: InvoiceId, invoice: Invoice | None, record: Record | None,
        old: Record | None, now: datetime, after: Record | None,
    ) -> InvoiceEvent:
        digest = hashlib.sha256(repr((self._client.provider, invoice_id, kind.value, old, record)).encode())
        delivery_id = "watch:" + digest.hexdigest()[:32]
        self._pending[delivery_id] = (invoice_id, after)
        occurred_at = now
        if invoice is not None:
            stamp = invoice.created_at if kind is EventKind.CREATED else invoice.updated_at
            if stamp is not None and (old is None or record is None or record[2] != old[2]):
                occurred_at = stamp
        return InvoiceEvent(
            provider=self._client.provider, kind=kind, invoice_id=invoice_id, occurred_at=occurred_at,
            delivery_id=delivery_id, invoice=invoice, raw=invoice.raw if invoice is not None else {},
        )

    def delivered(self, event: InvoiceEvent) -> None:
        """Count ``event`` as handled: the checkpoint will not report it again."""
        pending = self._pending.pop(event.delivery_id, None)
        if pending is None or self._records is None:
            return
        invoice_id, record = pending
        if record is None:
            self._records.pop(invoice_id, None)
        else:
            self._records[invoice_id] = record
        self._dirty = True

    # -- the stream -----------------------------------------------------------------------

    async def events(
        self, interval: float, *, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        polls: int | None = None,
    ) -> AsyncGenerator[InvoiceEvent, None]:
        """Poll every ``interval`` seconds and yield each event; ``polls`` bounds the number of
        polls (None: until the consumer stops). The checkpoint is saved after each poll's
        events and when the consumer stops."""
        check_interval(interval)
        count = 0
        try:
            while polls is None or count < polls:
                if count:
                    await sleep(interval)
                count += 1
                async with aclosing(self.changes()) as changes:
                    async for event in changes:
                        yield event
                        # Only reached when the consumer asks for the next event: it has handled
                        # this one. A consumer that raises, breaks or is cancelled while holding
                        # it closes the generator at the yield instead, and the event stays
                        # pending, so the next poll (or the next process) reports it again.
                        self.delivered(event)
                        del event  # hold no invoice while the listing reads the next one
                self._pending.clear()
                await self.save()
        finally:
            self._pending.clear()
            await self.save()


def check_interval(interval: float) -> None:
    if isinstance(interval, bool) or not isinstance(interval, int | float) or not interval > 0:
        raise InvalidRequestError(f"must be a positive number of seconds, got {interval!r}", field="interval")


def watch(
    client: InvoiceClient,
    interval: float = 30.0,
    *,
    state_store: StateStore | None = None,
    key: str | None = None,
    emit_existing: bool = False,
    page_size: int = 100,
    max_invoices: int = 100_000,
    polls: int | None = None,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> AsyncGenerator[InvoiceEvent, None]:
    """``client.watch(...)``: the events of ``client``'s invoices, polled (see :class:`InvoiceWatcher`)."""
    check_interval(interval)  # now, not at the first iteration
    watcher = InvoiceWatcher(
        client, state_store=state_store, key=key, emit_existing=emit_existing, page_size=page_size,
        max_invoices=max_invoices, clock=clock,
    )
    return watcher.events(interval, sleep=sleep, polls=polls)
