"""``invoicekit invoices ...``: the invoices of a configured provider, one command per operation."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from ..client import InvoiceClient
from ..config import connect
from ..errors import BatchError
from ..models import Invoice, InvoiceChanges, InvoiceDraft, InvoiceStatus
from . import output
from .common import CONFIG_HELP, EXIT_STATUS_HELP, OK, add_connection_options, resolve_config
from .input import read_model

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

Body = Callable[[InvoiceClient, argparse.Namespace], Awaitable[int]]

OUTPUT_HELP = """\
output:
  Text output is an aligned table (lists) or the invoice's fields and lines (one invoice).
  --json prints JSON: an object for one invoice, an array for several. Decimals (money,
  quantities) are JSON strings such as "1400.00" so that they stay exact; ids keep their
  provider's type (number for ONLYOFFICE, string for GoHighLevel); dates are ISO 8601."""


def join_help(*parts: str) -> str:
    return "\n\n".join(parts)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (dates inclusive, YYYY-MM-DD)")
    statuses = [s.value for s in InvoiceStatus]
    group.add_argument("--status", choices=statuses, metavar="STATUS",
                       help=f"only invoices in this status: {', '.join(statuses)}")
    group.add_argument("--issued-from", type=_iso_date, metavar="DATE")
    group.add_argument("--issued-to", type=_iso_date, metavar="DATE")
    group.add_argument("--due-from", type=_iso_date, metavar="DATE")
    group.add_argument("--due-to", type=_iso_date, metavar="DATE")
    group.add_argument("--contact", metavar="ID", help="the provider's contact id")
    group.add_argument("--currency", metavar="CODE", help="three-letter code, e.g. EUR")
    group.add_argument("--search", metavar="TEXT", help="the provider's text search")
    group.add_argument("--limit", type=positive, metavar="N", help="stop after N invoices")
    group.add_argument("--page-size", type=positive, default=100, metavar="N",
                       help="invoices per request (default 100)")


def listing(client: InvoiceClient, args: argparse.Namespace) -> AsyncIterator[Invoice]:
    found = client.list(
        status=args.status, issued_from=args.issued_from, issued_to=args.issued_to, due_from=args.due_from,
        due_to=args.due_to, contact_id=args.contact, currency=args.currency, search=args.search,
        # No page larger than what --limit lets through.
        page_size=min(args.page_size, args.limit or args.page_size),
    )
    limit: int | None = args.limit
    if limit is None:
        return found

    async def limited() -> AsyncIterator[Invoice]:
        count = 0
        async for invoice in found:
            yield invoice
            count += 1
            if count >= limit:
                return

    return limited()


def run(args: argparse.Namespace, body: Body) -> int:
    config = resolve_config(args)  # config errors surface before any event loop or socket

    async def main() -> int:
        async with connect(config) as client:
            return await body(client, args)

    return asyncio.run(main())


def _wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def _show(invoice: Invoice, args: argparse.Namespace) -> None:
    if _wants_json(args):
        print(output.dumps(output.invoice_json(invoice, raw=getattr(args, "raw", False))))
    else:
        output.write_detail(invoice, sys.stdout)


def _show_many(invoices: list[Invoice], args: argparse.Namespace) -> None:
    if _wants_json(args):
        _JsonArray(sys.stdout, raw=getattr(args, "raw", False)).extend(invoices).close()
    else:
        output.write_table(invoices, sys.stdout)


class _JsonArray:
    """A JSON array written one invoice per line as they arrive, so a long list streams."""

    def __init__(self, out: TextIO, *, raw: bool) -> None:
        self._out = out
        self._raw = raw
        self._count = 0
        out.write("[")

    def append(self, invoice: Invoice) -> None:
        text = output.dumps(output.invoice_json(invoice, raw=self._raw))
        self._out.write(("\n" if self._count == 0 else ",\n") + text)
        self._count += 1

    def extend(self, invoices: list[Invoice]) -> _JsonArray:
        for invoice in invoices:
            self.append(invoice)
        return self

    def close(self) -> None:
        self._out.write("\n]\n" if self._count else "]\n")


# -- the subcommands ------------------------------------------------------------------------------


async def _list(client: InvoiceClient, args: argparse.Namespace) -> int:
    found = listing(client, args)
    if not _wants_json(args):
        output.write_table([i async for i in found], sys.stdout)
        return OK
    array = _JsonArray(sys.stdout, raw=getattr(args, "raw", False))
    async for invoice in found:
        array.append(invoice)
    array.close()
    return OK


def _by_id(operation: str) -> Body:
    """get, send, void, mark-paid: one client method called with the one id, its invoice shown."""

    async def body(client: InvoiceClient, args: argparse.Namespace) -> int:
        _show(await getattr(client, operation)(args.id), args)
        return OK

    return body


async def _create(client: InvoiceClient, args: argparse.Namespace) -> int:
    _show(await client.create(args.draft), args)
    return OK


async def _update(client: InvoiceClient, args: argparse.Namespace) -> int:
    _show(await client.update(args.id, args.changes), args)
    return OK


async def _delete(client: InvoiceClient, args: argparse.Namespace) -> int:
    ids: list[str] = args.ids
    if len(ids) == 1:
        deleted = [await client.delete(ids[0])]
    else:
        try:
            deleted = await client.delete_many(ids)
        except BatchError as exc:
            # What was deleted is shown (stdout), then the error line says what was not.
            _show_deleted(list(exc.succeeded), args)
            raise
    _show_deleted(deleted, args)
    return OK


def _show_deleted(deleted: list[Invoice], args: argparse.Namespace) -> None:
    if _wants_json(args):
        if len(deleted) == 1 and len(args.ids) == 1:
            _show(deleted[0], args)
        else:
            _show_many(deleted, args)
        return
    if len(args.ids) == 1:
        print(f"deleted invoice {deleted[0].id}" + (f" ({deleted[0].number})" if deleted[0].number else ""))
    elif deleted:
        print(f"deleted {len(deleted)} of {len(args.ids)}:")
        output.write_table(deleted, sys.stdout)


def _with_file(model: type[Any], dest: str, body: Body) -> Callable[[argparse.Namespace], int]:
    """Read the JSON file before connecting: a bad file never opens a connection."""

    def wrapper(args: argparse.Namespace) -> int:
        setattr(args, dest, read_model(args.file, model))
        return run(args, body)

    return wrapper


def add_invoices(subparsers: Subparsers) -> None:
    epilog = join_help(CONFIG_HELP, OUTPUT_HELP, EXIT_STATUS_HELP)
    fmt = argparse.RawDescriptionHelpFormatter
    invoices = subparsers.add_parser(
        "invoices", help="list, read, create, change and delete invoices of a configured provider",
        description="Work with the invoices of the provider a config profile names.",
        epilog=epilog, formatter_class=fmt,
    )
    add_connection_options(invoices)
    commands = invoices.add_subparsers(dest="action", metavar="ACTION", required=True)

    def command(name: str, help_text: str, body: Body | None, *ids: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".",
                                     epilog=epilog, formatter_class=fmt)
        add_connection_options(parser)
        for id_name in ids:
            parser.add_argument(id_name, metavar="ID", help="invoice id (ONLYOFFICE: a number; GoHighLevel: text)")
        if body is not None:
            parser.set_defaults(func=lambda args: run(args, body))
        return parser

    add_filters(command("list", "list invoices (all pages; --limit to stop early)", _list))
    command("get", "show one invoice with its lines", _by_id("get"), "id")
    create = command("create", "create a draft from a JSON file", None)
    create.add_argument("--file", required=True, metavar="PATH",
                        help="JSON object with InvoiceDraft's fields ('-' reads stdin); see below")
    create.epilog = join_help(_DRAFT_HELP, epilog)
    create.set_defaults(func=_with_file(InvoiceDraft, "draft", _create))
    update = command("update", "change an invoice with a JSON file of changes", None, "id")
    update.add_argument("--file", required=True, metavar="PATH",
                        help="JSON object with InvoiceChanges' fields ('-' reads stdin); 'lines' replaces all")
    update.epilog = join_help(_DRAFT_HELP, epilog)
    update.set_defaults(func=_with_file(InvoiceChanges, "changes", _update))
    delete = command("delete", "delete invoices (several ids: one batch)", _delete)
    delete.add_argument("ids", nargs="+", metavar="ID", help="invoice ids")
    command("send", "send a draft (status sent)", _by_id("send"), "id")
    command("void", "void a sent invoice (where the provider can)", _by_id("void"), "id")
    command("mark-paid", "mark an invoice fully paid", _by_id("mark_paid"), "id")


_DRAFT_HELP = """\
draft and changes files:
  {"currency": "USD", "issue_date": "2025-03-01", "due_date": "2025-03-31",
   "contact": {"id": 2, "name": "Jane Cooper", "email": "jane@example.com"},
   "terms": "Payable within 30 days.",
   "lines": [{"name": "Retainer", "quantity": 1, "unit_price": "1200.00"}]}
  Field names are InvoiceDraft's (update: InvoiceChanges', all optional). Amounts are
  numbers or strings, read exactly as Decimal; unknown fields are refused."""
