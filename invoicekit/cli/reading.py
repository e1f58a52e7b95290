"""``invoicekit invoices list|get|generate-number``: reading invoices, and the list filters
``export`` shares."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from ..client import InvoiceClient
from ..listing import UNPAID
from ..models import Invoice, InvoiceStatus
from . import output
from .arguments import iso_date, positive
from .common import OK
from .running import Body, command

if TYPE_CHECKING:
    from .invoices import Actions


def add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (dates inclusive, YYYY-MM-DD)")
    statuses = [s.value for s in InvoiceStatus]
    group.add_argument("--status", choices=[*statuses, "unpaid"], action="append", metavar="STATUS",
                       help=f"only invoices in this status, repeatable: {', '.join(statuses)}, "
                            "or unpaid (sent and partially paid)")
    group.add_argument("--issued-from", type=iso_date, metavar="DATE")
    group.add_argument("--issued-to", type=iso_date, metavar="DATE")
    group.add_argument("--due-from", type=iso_date, metavar="DATE")
    group.add_argument("--due-to", type=iso_date, metavar="DATE")
    group.add_argument("--contact", metavar="ID", help="the provider's contact id")
    group.add_argument("--currency", metavar="CODE", help="three-letter code, e.g. EUR")
    group.add_argument("--search", metavar="TEXT", help="the provider's text search")
    group.add_argument("--limit", type=positive, metavar="N", help="stop after N invoices")
    group.add_argument("--newest-first", action="store_true",
                       help="newest issue date first (default: oldest first)")
    group.add_argument("--page-size", type=positive, default=100, metavar="N",
                       help="invoices per request (default 100)")


def listing(client: InvoiceClient, args: argparse.Namespace) -> AsyncIterator[Invoice]:
    """The invoices the filter options select, page by page (stopping at ``--limit``)."""
    statuses: set[InvoiceStatus] | None = None
    if args.status:
        statuses = set()
        for name in args.status:
            statuses |= UNPAID if name == "unpaid" else {InvoiceStatus(name)}
    return client.list(
        status=statuses, issued_from=args.issued_from, issued_to=args.issued_to, due_from=args.due_from,
        due_to=args.due_to, contact_id=args.contact, currency=args.currency, search=args.search,
        page_size=args.page_size, limit=args.limit,
        order="-issue_date" if getattr(args, "newest_first", False) else "issue_date",
    )


async def _list(client: InvoiceClient, args: argparse.Namespace) -> int:
    found = listing(client, args)
    if not output.wants_json(args):
        output.write_table([i async for i in found], sys.stdout)
        return OK
    array = output.JsonArray(sys.stdout, raw=getattr(args, "raw", False))
    try:
        async for invoice in found:
            array.append(invoice)
    finally:
        # Closed even when a later page fails: stdout stays one JSON array (of what was read),
        # the failure is the exit status and the line on stderr.
        array.close()
    return OK


def by_id(operation: str) -> Body:
    """One client method called with the one id, the invoice it returns shown."""

    async def body(client: InvoiceClient, args: argparse.Namespace) -> int:
        output.print_invoice(await getattr(client, operation)(args.id), args)
        return OK

    return body


async def _generate_number(client: InvoiceClient, args: argparse.Namespace) -> int:
    number = await client.generate_number()
    print(output.dumps({"number": number}) if output.wants_json(args) else number)
    return OK


def register(actions: Actions) -> None:
    add_filters(actions.add("list", "list invoices (all pages; --limit to stop early)", command(_list)))
    actions.add("get", "show one invoice with its lines", command(by_id("get")), ids=("id",))
    actions.add("generate-number", "show the number the provider would give the next invoice (not reserved)",
                command(_generate_number))
