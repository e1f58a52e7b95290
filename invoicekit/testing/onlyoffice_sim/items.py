"""The ONLYOFFICE simulator's invoice catalogue: ``crm/invoiceitem`` (list, get, create).

Rules from ``CRMApi.Invoices.cs`` / ``InvoiceItemDao.cs`` as the reference
(``onlyoffice-contacts-items-documents.md`` section 5) describes them:

- ``GET crm/invoiceitem/filter``: ``filterValue`` is split on spaces and every word must start
  ``title``, ``description`` or the SKU, or follow a space in them (without regard to case);
  ``inventoryStock`` keeps items whose ``trackInventory`` matches; ``sortBy`` name (default),
  price, quantity, sku, created or id, ``sortOrder``, ``startIndex``, ``count``; ``total`` set.
- ``GET crm/invoiceitem/{id}``: 404 when missing.
- ``POST crm/invoiceitem`` (201): an empty ``title`` or a ``price`` <= 0 is the generic 400; a
  price above 99,999,999.99 the 400 "Max Invoice Item Price: 99999999.99". Titles and SKUs are
  not unique. Stored as sent (no trimming), the currency is the portal's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .binder import ApiError, argument_error, to_decimal, to_int, to_text
from .render import Wrappers
from .store import Item, Store

if TYPE_CHECKING:
    from .simulator import _Call

MAX_PRICE = Decimal("99999999.99")
_MAX_PAGE = 1000
_SORT_KEYS: dict[str, Callable[[Item], Any]] = {
    "name": lambda i: i.title.casefold(),
    "price": lambda i: i.price,
    "quantity": lambda i: i.stock_quantity,
    "sku": lambda i: i.sku.casefold(),
    "created": lambda i: i.id,
    "id": lambda i: i.id,
}


def _matches(item: Item, words: list[str]) -> bool:
    texts = [t.casefold() for t in (item.title, item.description, item.sku)]
    return all(
        any(t.startswith(word) or f" {word}" in t for t in texts) for word in (w.casefold() for w in words)
    )


class ItemCatalogueApi:
    """The catalogue routes over ``store.items``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self) -> list[tuple[str, re.Pattern[str], Any, bool]]:
        return [
            ("GET", re.compile(r"crm/invoiceitem/filter"), self.filter, True),
            ("GET", re.compile(r"crm/invoiceitem/(?P<id>[0-9]+)"), self.get, True),
            ("POST", re.compile(r"crm/invoiceitem"), self.create, True),
        ]

    def _wrappers(self, call: _Call) -> Wrappers:
        return Wrappers(self.store, f"{call.request.scheme}://{call.request.host}")

    async def filter(self, call: _Call) -> web.Response:
        query = call.request.query  # ApiContext: paging, sorting and filtering from the query string
        found = list(self.store.items.values())
        words = to_text(query.get("filterValue")).split()
        if words:
            found = [i for i in found if _matches(i, words)]
        stock = to_text(query.get("inventoryStock")).lower()
        if stock in ("true", "false"):
            found = [i for i in found if i.track_inventory == (stock == "true")]
        key = _SORT_KEYS.get(to_text(query.get("sortBy")).lower(), _SORT_KEYS["name"])
        found.sort(key=lambda i: (key(i), i.id), reverse=query.get("sortOrder") == "descending")
        start = max(to_int(query.get("startIndex")), 0)
        count = to_int(query.get("count")) if "count" in query else _MAX_PAGE
        count = _MAX_PAGE if count <= 0 else min(count, _MAX_PAGE)
        page = found[start : start + count]
        wrappers = self._wrappers(call)
        return call.answer([wrappers.item(i) for i in page], start_index=start, total=len(found))

    async def get(self, call: _Call) -> web.Response:
        item = self.store.items.get(to_int(call.match["id"]))
        if item is None:
            raise ApiError(404, "Not found", -2146233088)
        return call.answer(self._wrappers(call).item(item))

    async def create(self, call: _Call) -> web.Response:
        params = call.params
        title = to_text(params.get("title"))
        price = to_decimal(params.get("price"))
        if not title or price <= 0:
            raise argument_error()
        if price > MAX_PRICE:
            raise argument_error(f"Max Invoice Item Price: {MAX_PRICE}")
        tax1, tax2 = to_int(params.get("invoiceTax1id")), to_int(params.get("invoiceTax2id"))
        item = Item(
            id=max(self.store.items, default=0) + 1, title=title, price=price, sku=to_text(params.get("sku")),
            description=to_text(params.get("description")), tax1_id=tax1, tax2_id=tax2,
            stock_quantity=to_decimal(params.get("stockQuantity")),
            track_inventory=to_text(params.get("trackInventory")).lower() == "true",
        )
        self.store.items[item.id] = item
        return call.answer(self._wrappers(call).item(item))
