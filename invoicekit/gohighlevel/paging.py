"""Offset paging for ``list()``: where the listing is, when it is done, and whether the server's
pages really advance.

GHL pages with ``limit``/``offset`` and reports ``total``. A server (or a proxy, or a caching
layer) that ignores the offset answers the same page again and again: read naively, that lists
the same invoices over and over, and without ``total`` it never ends. So each page is compared
with the one before: an invoice the previous page already listed is skipped (offset paging over
a list that changes meanwhile can shift one or two across a page boundary), a page that lists
nothing new is a MalformedResponseError, and the number of pages is bounded. Memory stays flat:
two pages of ids. (Only the previous page is compared: a server that cycles through several
pages is stopped by ``total`` or the bound, and a pool of test invoices that repeats past its
size, as ``bench``'s server serves, still lists.)
"""

from __future__ import annotations

from .._http.messages import Request, Response
from ..models import InvoiceId
from .decode import malformed

#: No listing reads more pages than this (ten million invoices at the default page size).
MAX_PAGES = 100_000


class PageCursor:
    """The state of one listing. Feed it every invoice of a page (:meth:`repeats`), then the
    page's size and ``total`` (:meth:`finish_page`)."""

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self.offset = 0
        self._pages = 0
        self._previous: set[InvoiceId] = set()
        self._current: set[InvoiceId] = set()
        self._new = 0

    def repeats(self, invoice_id: InvoiceId) -> bool:
        """True for an invoice the previous page listed already: skip it."""
        self._current.add(invoice_id)
        if invoice_id in self._previous:
            return True
        self._new += 1
        return False

    def finish_page(self, count: int, total: int | None, request: Request, response: Response) -> bool:
        """Account for a page of ``count`` invoices; True when the listing is complete."""
        if count and not self._new:
            raise malformed(
                request, response, f"the page at offset {self.offset} lists only invoices of the page before "
                "(the server ignores paging)",
            )
        self._pages += 1
        self.offset += count
        self._previous, self._current, self._new = self._current, set(), 0
        if not count or (total is not None and self.offset >= total) or (total is None and count < self.page_size):
            return True
        if self._pages >= MAX_PAGES:
            raise malformed(request, response, f"the listing goes on past {MAX_PAGES} pages")
        return False
