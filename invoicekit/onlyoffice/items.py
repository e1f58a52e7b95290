"""Catalogue items behind neutral line names: a line's ``name`` is the title of an ONLYOFFICE
invoice item (``crm/invoiceitem``).

Every ONLYOFFICE line points at a catalogue item, and the server copies nothing from it: the line
keeps its own price, description and taxes, and the PDF prints ``title: description``. So a
neutral line maps to the wire like this:

- ``name`` -> the item with exactly that title (the oldest, when several have it: titles are not
  unique); created when there is none, with the line's unit price as its catalogue price (the
  server wants one > 0, so a free line cannot create its item);
- ``description`` -> the line's own description;
- ``item_id`` names the item directly (with a ``name``, that must be the item's title);
- neither -> the ``default_item_id`` setting, if any.

Read back, a line's ``description`` is its own and its ``name`` the title of its item: one
``GET crm/invoiceitem/{id}`` per item the client has not met yet (``get``, ``create``,
``update``, ``delete``, ``send``, ``mark_paid``; ``list`` does not name lines yet).

Titles and ids are cached per client (bounded), so a service billing the same few items costs
the lookups once. An item is looked up or created before the invoice is sent; it stays in the
catalogue when the invoice is refused afterwards (catalogue items are reusable by design).
"""

from __future__ import annotations

import asyncio
import copy
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs

from .._http.messages import Request, Response
from .._per_loop import PerLoop
from .._serde import parse_int
from ..errors import APIError, InvalidRequestError, NotFoundError
from ..models import Invoice, LineItem
from .envelope import Envelope
from .errors import malformed

__all__ = ["MAX_ITEM_PRICE", "MAX_TITLE_LENGTH", "ItemCatalogue", "checked_title"]

#: The server's limits on a catalogue item: its price, and the title column.
MAX_ITEM_PRICE = Decimal("99999999.99")
MAX_TITLE_LENGTH = 255
_PAGE_SIZE = 100
_MAX_PAGES = 100  # 10,000 items sharing every word of one title: beyond any real catalogue
_CACHE_SIZE = 512

K = TypeVar("K")
V = TypeVar("V")

MakeRequest = Callable[..., Request]
Fetch = Callable[..., Awaitable[tuple[Envelope, Response]]]


def checked_title(value: object, field: str) -> str:
    """A line name usable as an item title, as written (it must read back the same)."""
    if not isinstance(value, str):
        raise InvalidRequestError(f"must be text, got {type(value).__name__}", field=field)
    if not value.strip():
        raise InvalidRequestError("must not be blank (it is the catalogue item's title)", field=field)
    if len(value) > MAX_TITLE_LENGTH:
        raise InvalidRequestError(
            f"has more than {MAX_TITLE_LENGTH} characters (ONLYOFFICE item titles are limited)", field=field
        )
    return value


class _Bounded(Generic[K, V]):
    """A least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is not None:
            # A client used from two threads may see another evict the key meanwhile. (try, not
            # contextlib.suppress: this runs on every get, and the handler costs nothing unused.)
            try:  # noqa: SIM105 (see above)
                self._data.move_to_end(key)
            except KeyError:
                pass
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self._size:
            self._data.popitem(last=False)


class _Locks:
    """One event loop's locks of a catalogue."""

    __slots__ = ("reading", "resolving")

    def __init__(self) -> None:
        #: One resolution at a time: two creates naming the same new item make one item.
        self.resolving = asyncio.Lock()
        #: Title misses one at a time: concurrent reads naming the same items ask for each once.
        self.reading = asyncio.Lock()


class ItemCatalogue:
    """One client's view of the portal's catalogue: titles <-> ids, looked up, created, cached.

    ``make_request(operation, method, path, *, params=, body=)`` and ``fetch(request, many=,
    lists=)`` are the client's own request plumbing (format suffix, auth, retries, envelope).
    """

    def __init__(self, make_request: MakeRequest, fetch: Fetch, *, cache_size: int = _CACHE_SIZE) -> None:
        self._make_request = make_request
        self._fetch = fetch
        self._ids: _Bounded[str, int] = _Bounded(cache_size)
        self._titles: _Bounded[int, str] = _Bounded(cache_size)
        #: This client's locks, in each event loop it runs in (``asyncio.run`` twice, threads).
        self._locks = PerLoop(_Locks)

    def bound_to(self, make_request: MakeRequest, fetch: Fetch) -> ItemCatalogue:
        """This catalogue (the same caches and locks) making its requests with ``make_request``
        and ``fetch``: a ``with_options`` view's, so that they go out with its options."""
        view = copy.copy(self)
        view._make_request, view._fetch = make_request, fetch
        return view

    def _remember(self, item_id: int, title: str) -> None:
        self._ids.put(title, item_id)
        self._titles.put(item_id, title)

    # -- reading --------------------------------------------------------------------------

    async def title(self, item_id: int) -> str | None:
        """The title of item ``item_id`` (``None`` when the portal has no such item)."""
        cached = self._titles.get(item_id)
        if cached is not None:
            return cached or None  # "": the portal has no such item (ids are never reused)
        async with self._locks.get().reading:
            cached = self._titles.get(item_id)
            if cached is not None:
                return cached or None
            request = self._make_request("get_item", "GET", f"crm/invoiceitem/{item_id}")
            try:
                envelope, response = await self._fetch(request)
            except NotFoundError:
                # Remembered: every later read of a line naming it would otherwise ask again.
                self._titles.put(item_id, "")
                return None
            found = _read_item(request, response, envelope.response)
            self._remember(*found)
            return found[1]

    def cached_titles(self, item_ids: Iterable[int]) -> dict[int, str | None] | None:
        """What :meth:`titles` would return, when every title is known already (the everyday
        read: no coroutine); None when one must be looked up."""
        titles: dict[int, str | None] = {}
        for item_id in item_ids:
            cached = self._titles.get(item_id)
            if cached is None:
                return None
            titles[item_id] = cached or None
        return titles

    async def titles(self, item_ids: Iterable[int]) -> dict[int, str | None]:
        """The title of each of ``item_ids`` (``None`` for an item the portal does not have)."""
        titles: dict[int, str | None] = {}
        for item_id in item_ids:
            if item_id not in titles:
                titles[item_id] = await self.title(item_id)
        return titles

    async def name_lines(self, invoice: Invoice) -> Invoice:
        """``invoice`` with each line's ``name`` set to its item's title (one
        ``GET crm/invoiceitem/{id}`` per item this client has not met yet)."""
        if not invoice.lines:
            return invoice
        titles = await self.titles(line.item_id for line in invoice.lines if isinstance(line.item_id, int))
        lines = tuple(
            attrs.evolve(line, name=titles[line.item_id]) if isinstance(line.item_id, int) else line
            for line in invoice.lines
        )
        return attrs.evolve(invoice, lines=lines)

    async def _find(self, title: str) -> int | None:
        """The oldest item titled exactly ``title``: the server matches words, this the title."""
        key = "filterValue[]" if "," in title else "filterValue"  # ApiContext splits a plain one on commas
        params = {key: title, "sortBy": "id", "sortOrder": "ascending", "count": str(_PAGE_SIZE)}
        start = 0
        for _ in range(_MAX_PAGES):
            request = self._make_request(
                "find_item", "GET", "crm/invoiceitem/filter", params={**params, "startIndex": str(start)}
            )
            envelope, response = await self._fetch(request, many=True, lists=frozenset())
            page = [_read_item(request, response, data) for data in envelope.response]
            for item_id, item_title in page:
                if item_title == title:
                    self._remember(item_id, item_title)
                    return item_id
            if len(page) < _PAGE_SIZE:
                return None
            start += len(page)
        raise malformed(request, response, f"the catalogue search for {title[:60]!r} did not end")

    # -- resolving lines ------------------------------------------------------------------

    async def resolve(self, lines: Sequence[LineItem], encoded: Sequence[dict[str, Any]]) -> None:
        """Fill ``invoiceItemID`` of the encoded lines that name their item by title, finding or
        creating the items; check that a line naming both an item id and a title agrees.

        Every lookup comes first, then every check, then the creates: a refused line creates
        nothing.
        """
        async with self._locks.get().resolving:
            missing: dict[str, tuple[int, LineItem]] = {}
            for index, (line, body) in enumerate(zip(lines, encoded, strict=True)):
                if line.name is None:
                    continue
                where = f"lines[{index}].name"
                if line.item_id is not None:
                    await self._check_title(body["invoiceItemID"], line.name, where)
                    continue
                if line.name in missing:
                    continue  # looked up for an earlier line already: created once, below
                item_id = self._ids.get(line.name) or await self._find(line.name)
                if item_id is not None:
                    body["invoiceItemID"] = item_id
                else:
                    missing.setdefault(line.name, (index, line))
            for title, (index, line) in missing.items():
                _check_creatable(title, line, index)
            for title, (_, line) in missing.items():
                created = await self._create(title, line.unit_price)
                for body, other in zip(encoded, lines, strict=True):
                    if other.name == title and other.item_id is None:
                        body["invoiceItemID"] = created

    async def _check_title(self, item_id: int, name: str, field: str) -> None:
        title = await self.title(item_id)
        if title != name:
            shown = "does not exist" if title is None else f"is titled {title[:60]!r}"
            raise InvalidRequestError(
                f"names catalogue item {item_id}, which {shown}; on ONLYOFFICE a line's name is its item's "
                "title: leave name unset or name the item",
                field=field,
            )

    async def _create(self, title: str, price: Decimal) -> int:
        request = self._make_request(
            "create_item", "POST", "crm/invoiceitem", body={"title": title, "price": price}
        )
        try:
            envelope, response = await self._fetch(request)
        except APIError as exc:
            exc.add_note(
                f"Creating the catalogue item {title[:60]!r} for a line named so failed (ONLYOFFICE lets only "
                "CRM administrators create items): create it in the portal, or give the line an item_id."
            )
            raise
        item_id, item_title = _read_item(request, response, envelope.response)
        self._remember(item_id, item_title)
        return item_id


def _check_creatable(title: str, line: LineItem, index: int) -> None:
    if not 0 < line.unit_price <= MAX_ITEM_PRICE:
        raise InvalidRequestError(
            f"no catalogue item is titled {title[:60]!r} and ONLYOFFICE creates items only with a price "
            f"within 0.01..{MAX_ITEM_PRICE}: create the item first, or set item_id",
            field=f"lines[{index}].unit_price",
        )


def _read_item(request: Request, response: Response, data: Any) -> tuple[int, str]:
    if not isinstance(data, Mapping):
        raise malformed(request, response, f"expected a catalogue item, got {type(data).__name__}")
    title = data.get("title")
    try:
        item_id = parse_int(data.get("id"))
    except (TypeError, ValueError):
        item_id = 0
    if item_id <= 0 or not isinstance(title, str):
        raise malformed(request, response, "a catalogue item without its id or title")
    return item_id, title
