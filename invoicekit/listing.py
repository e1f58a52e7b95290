"""What every provider's ``list()`` shares: the status filter (one status, several, or
:data:`UNPAID`), the order, ``limit``, loading lines and listing a stable snapshot.

An adapter checks its own filters, then hands :func:`run_listing` a function that opens one
server-side listing for one status (or for all of them) in the chosen order. Both built-in APIs
filter by one status per request, so several statuses are several listings merged here by issue
date: each is already sorted by the server, so the merge reads one page of each at a time and
never everything.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Collection, Iterable, Mapping
from contextlib import AsyncExitStack, aclosing
from datetime import date, datetime

import attrs

from .errors import InvalidRequestError, NotFoundError
from .models import Invoice, InvoiceId, InvoiceStatus

#: Invoices sent and not fully paid, whatever the provider calls them: ``list(status=UNPAID)``.
UNPAID: frozenset[InvoiceStatus] = frozenset({InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID})

#: ``list(order=...)``: by issue date, oldest first (the default) or newest first. The one order
#: both APIs sort by on the server; ties keep the server's order (creation order).
ORDERS = ("issue_date", "-issue_date")
DEFAULT_ORDER = "issue_date"

#: ``get`` calls in flight at once when a listing loads lines or reads a snapshot (each still
#: goes through the client's concurrency and rate limits).
LOAD_CONCURRENCY = 4

#: What ``list(status=...)`` takes: one status, its name, or a collection of them.
StatusFilter = InvoiceStatus | str | Iterable[InvoiceStatus | str] | None

OpenListing = Callable[[InvoiceStatus | None], AsyncIterator[Invoice]]
GetInvoice = Callable[[InvoiceId], Awaitable[Invoice]]


def wanted_statuses(
    status: StatusFilter,
    provided: Collection[InvoiceStatus],
    *,
    aliases: Mapping[str, InvoiceStatus] | None = None,
) -> tuple[InvoiceStatus, ...] | None:
    """The statuses to list, in :class:`InvoiceStatus` order; None lists every status.

    Statuses the provider does not have are dropped from a collection (``UNPAID`` is sent and
    partially paid; ONLYOFFICE has no partial payments, so there it is Sent only), but a filter
    that keeps none of its statuses is refused: it could only ever list nothing.
    """
    if status is None:
        return None
    values = [status] if isinstance(status, str) else status
    if not isinstance(values, Iterable):
        raise InvalidRequestError(
            f"must be a status, a collection of statuses or UNPAID, got {type(status).__name__}", field="status"
        )
    chosen: set[InvoiceStatus] = set()
    for value in values:
        chosen.add(_parse_status(value, aliases or {}))
    kept = [s for s in InvoiceStatus if s in chosen and s in provided]
    if not kept:
        names = ", ".join(s.value for s in InvoiceStatus if s in provided)
        asked = ", ".join(s.value for s in InvoiceStatus if s in chosen) or "no status"
        raise InvalidRequestError(f"this provider has none of {asked}; its invoice statuses are {names}",
                                  field="status")
    return tuple(kept)


def _parse_status(value: object, aliases: Mapping[str, InvoiceStatus]) -> InvoiceStatus:
    if isinstance(value, InvoiceStatus):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in aliases:
            return aliases[key]
        try:
            return InvoiceStatus(key)
        except ValueError:
            pass
    known = ", ".join(s.value for s in InvoiceStatus)
    raise InvalidRequestError(f"{value!r} is not an invoice status; statuses are {known}", field="status")


def descending(order: str) -> bool:
    """Whether ``order`` lists newest first; anything but :data:`ORDERS` is refused."""
    if order not in ORDERS:
        raise InvalidRequestError(f"must be one of {', '.join(ORDERS)}", field="order")
    return order.startswith("-")


def checked_limit(limit: int | None) -> int | None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidRequestError("must be a non-negative integer or None", field="limit")
    return limit


def page_size_for(page_size: int, limit: int | None) -> int:
    """Pages no larger than the listing needs: ``limit=5`` asks for 5, not 100. (A page size
    that is no integer is passed on as it is, for the adapter to refuse.)"""
    if limit is None or isinstance(page_size, bool) or not isinstance(page_size, int):
        return page_size
    return max(1, min(page_size, limit))


@attrs.frozen(kw_only=True)
class ListFilters:
    """The filters of one ``list()`` call as the caller gave them, for the adapter to check and
    encode its own way (server-side where the API filters, client-side where it does not).
    ``provider`` holds the provider-only filters (``provider_filters=``), their names already
    checked against the client's ``provider_filter_names``."""

    issued_from: date | None = None
    issued_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None
    contact_id: InvoiceId | None = None
    currency: str | None = None
    search: str | None = None
    page_size: int = 100
    provider: Mapping[str, object] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        # Each date bound as the day it means (a datetime's calendar day, as both adapters
        # filter by day), refused here when it is no date: one rule for every adapter, whether
        # it sends the bound or compares it with each invoice itself.
        for name in _DATE_BOUNDS:
            value = getattr(self, name)
            if value is not None and type(value) is not date:
                object.__setattr__(self, name, _day(value, name))
        # Crossed bounds can match nothing: refused here, where every list() call builds its
        # filters, so no adapter asks its server for an empty answer. The checks are inline:
        # no further call on the common path, where a pair is not both set.
        if self.issued_from is not None and self.issued_to is not None:
            _refuse_crossed(self.issued_from, self.issued_to, "issued_from", "issued_to")
        if self.due_from is not None and self.due_to is not None:
            _refuse_crossed(self.due_from, self.due_to, "due_from", "due_to")

    def given(self) -> tuple[str, ...]:
        """The names of the filters the caller set (``page_size`` aside), provider-only ones last:
        what an adapter that cannot filter by them refuses."""
        neutral = tuple(a.name for a in attrs.fields(ListFilters) if a.name not in ("page_size", "provider"))
        return tuple(name for name in neutral if getattr(self, name) is not None) + tuple(self.provider)


_DATE_BOUNDS = ("issued_from", "issued_to", "due_from", "due_to")


def _day(value: object, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):  # a subclass of date
        return date(value.year, value.month, value.day)
    raise InvalidRequestError(f"must be a date, got {type(value).__name__}", field=name)


def _refuse_crossed(low: date, high: date, low_name: str, high_name: str) -> None:
    """InvalidRequestError naming ``high_name`` when its day is before ``low_name``'s."""
    if high < low:
        raise InvalidRequestError(
            f"{high} is before {low_name} ({low}); both bounds are inclusive, so nothing could match",
            field=high_name,
        )


def checked_provider_filters(given: Mapping[str, object] | None, names: Collection[str]) -> dict[str, object]:
    """``list(provider_filters=...)`` as a dict, refused unless it is a mapping whose keys are
    among the provider-only filter ``names`` of this client."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise InvalidRequestError(f"must be a mapping, got {type(given).__name__}", field="provider_filters")
    for key in given:
        if key not in names:
            takes = ", ".join(sorted(names)) or "none"
            raise InvalidRequestError(f"this provider has no filter {key!r}; its provider filters: {takes}",
                                      field="provider_filters")
    return dict(given)


@attrs.frozen(kw_only=True)
class ListingPlan:
    """The neutral part of one ``list()`` call, checked before any request."""

    statuses: tuple[InvoiceStatus, ...] | None
    descending: bool
    limit: int | None
    with_lines: bool
    snapshot: bool

    @classmethod
    def make(
        cls,
        *,
        status: StatusFilter,
        provided: Collection[InvoiceStatus],
        order: str,
        limit: int | None,
        with_lines: bool,
        snapshot: bool,
        aliases: Mapping[str, InvoiceStatus] | None = None,
    ) -> ListingPlan:
        for name, flag in (("with_lines", with_lines), ("snapshot", snapshot)):
            if not isinstance(flag, bool):
                raise InvalidRequestError("must be True or False", field=name)
        return cls(
            statuses=wanted_statuses(status, provided, aliases=aliases), descending=descending(order),
            limit=checked_limit(limit), with_lines=with_lines, snapshot=snapshot,
        )

    def run(self, open_listing: OpenListing, get: GetInvoice, *, lines_listed: bool) -> AsyncIterator[Invoice]:
        """The invoices: ``open_listing(status)`` per status (merged), then limit, snapshot and
        lines. ``lines_listed`` says whether the provider's listing carries lines already."""
        return _run(self, open_listing, get, lines_listed=lines_listed)


async def _run(plan: ListingPlan, open_listing: OpenListing, get: GetInvoice, *, lines_listed: bool
               ) -> AsyncIterator[Invoice]:
    if plan.limit == 0:
        return
    statuses: tuple[InvoiceStatus | None, ...] = plan.statuses or (None,)
    if len(statuses) == 1:
        listed = open_listing(statuses[0])
    else:
        listed = merge_by_issue_date([open_listing(s) for s in statuses], descending=plan.descending)
    async with aclosing(_take(listed, plan.limit)) as invoices:
        if plan.snapshot:
            # Ids only (bounded memory), all of them before the first invoice is handed out: what
            # the caller then changes or deletes cannot shift the offset pages still to come.
            ids = [invoice.id async for invoice in invoices]
            # One at a time: each invoice as it is when reached, after what the caller did to
            # the ones before it.
            for invoice_id in ids:
                current = await _get(get, invoice_id, skip_missing=True)
                if current is not None:
                    yield current
        elif plan.with_lines and not lines_listed:
            batch: list[InvoiceId] = []
            async for invoice in invoices:
                batch.append(invoice.id)
                if len(batch) == LOAD_CONCURRENCY:
                    for loaded in await load(batch, get, skip_missing=True):
                        yield loaded
                    batch = []
            for loaded in await load(batch, get, skip_missing=True):
                yield loaded
        else:
            async for invoice in invoices:
                yield invoice


async def _take(invoices: AsyncIterator[Invoice], limit: int | None) -> AsyncGenerator[Invoice, None]:
    """At most ``limit`` invoices; the underlying listing is closed as soon as they are out."""
    try:
        count = 0
        async for invoice in invoices:
            yield invoice
            count += 1
            if limit is not None and count >= limit:
                return
    finally:
        await _aclose(invoices)


async def load(ids: Iterable[InvoiceId], get: GetInvoice, *, skip_missing: bool) -> list[Invoice]:
    """Each invoice by id (lines included), in order, all at once (callers pass at most
    :data:`LOAD_CONCURRENCY`). An invoice deleted since it was listed is skipped when
    ``skip_missing``.

    The first failure is raised as it is (a TaskGroup would wrap it in an ExceptionGroup, which
    ``except InvoiceKitError`` misses), the other gets are cancelled, and none outlives the call.
    """
    tasks = [asyncio.ensure_future(_get(get, invoice_id, skip_missing=skip_missing)) for invoice_id in ids]
    if not tasks:
        return []
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            if task.done() and not task.cancelled() and (failure := task.exception()) is not None:
                raise failure
        return [found for task in tasks if (found := task.result()) is not None]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
        for task in tasks:  # retrieved: a second failure is not logged as never retrieved
            if not task.cancelled():
                task.exception()


async def _get(get: GetInvoice, invoice_id: InvoiceId, *, skip_missing: bool) -> Invoice | None:
    try:
        return await get(invoice_id)
    except NotFoundError:
        if skip_missing:
            return None
        raise


def _issued(invoice: Invoice) -> date:
    return invoice.issue_date or date.min


async def merge_by_issue_date(listings: list[AsyncIterator[Invoice]], *, descending: bool
                              ) -> AsyncIterator[Invoice]:
    """Several listings, each sorted by issue date, as one sorted listing (ties: the listing
    given first comes first). One invoice of each is held at a time."""
    async with AsyncExitStack() as stack:
        for listing in listings:
            stack.push_async_callback(_aclose, listing)
        heads: dict[int, Invoice] = {}
        for index, listing in enumerate(listings):
            first = await anext(listing, None)
            if first is not None:
                heads[index] = first
        while heads:
            if descending:
                index = max(heads, key=lambda i: (_issued(heads[i]), -i))
            else:
                index = min(heads, key=lambda i: (_issued(heads[i]), i))
            yield heads.pop(index)
            following = await anext(listings[index], None)
            if following is not None:
                heads[index] = following


async def _aclose(listing: AsyncIterator[Invoice]) -> None:
    close = getattr(listing, "aclose", None)
    if close is not None:
        await close()
