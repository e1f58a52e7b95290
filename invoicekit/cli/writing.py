"""``invoicekit invoices create|update|send|void|mark-paid|record-payment``: the operations that
change an invoice, each with ``--dry-run`` (:mod:`.dryrun`)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ..client import InvoiceClient
from ..models import Invoice, InvoiceChanges, InvoiceDraft, Payment, PaymentMode
from . import output
from .arguments import amount, moment
from .common import OK
from .dryrun import DRY_RUN_HELP, WouldSend, print_no_write, print_would_send
from .input import read_model
from .running import run

if TYPE_CHECKING:
    from .invoices import Actions

Operation = Callable[[InvoiceClient, argparse.Namespace], Awaitable[Invoice]]

DRAFT_HELP = """\
draft and changes files:
  {"currency": "USD", "issue_date": "2025-03-01", "due_date": "2025-03-31",
   "contact": {"id": 2, "name": "Jane Cooper", "email": "jane@example.com"},
   "terms": "Payable within 30 days.",
   "lines": [{"name": "Retainer", "quantity": 1, "unit_price": "1200.00"}]}
  Field names are InvoiceDraft's (update: InvoiceChanges', all optional). Amounts are
  numbers or strings, read exactly as Decimal; unknown fields are refused."""


def write(operation: Operation, *, before: Callable[[argparse.Namespace], None] | None = None,
          ) -> Callable[[argparse.Namespace], int]:
    """A write action's ``func``: ``before(args)`` (reading a file: a bad one never opens a
    connection), then the operation, or with ``--dry-run`` what it would send."""

    async def body(client: InvoiceClient, args: argparse.Namespace) -> int:
        try:
            invoice = await operation(client, args)
        except WouldSend as stopped:
            print_would_send(stopped, args)
            return OK
        if args.dry_run:
            print_no_write(invoice, args)
        else:
            output.print_invoice(invoice, args)
        return OK

    def func(args: argparse.Namespace) -> int:
        if before is not None:
            before(args)
        return run(args, body, dry_run=args.dry_run)

    return func


def _by_id(method: str) -> Operation:
    async def operation(client: InvoiceClient, args: argparse.Namespace) -> Invoice:
        invoice: Invoice = await getattr(client, method)(args.id)
        return invoice

    return operation


def _read_file(model: type[Any], dest: str) -> Callable[[argparse.Namespace], None]:
    def read(args: argparse.Namespace) -> None:
        setattr(args, dest, read_model(args.file, model))

    return read


async def _create(client: InvoiceClient, args: argparse.Namespace) -> Invoice:
    return await client.create(args.draft)


async def _update(client: InvoiceClient, args: argparse.Namespace) -> Invoice:
    return await client.update(args.id, args.changes)


async def _record_payment(client: InvoiceClient, args: argparse.Namespace) -> Invoice:
    payment = Payment(mode=PaymentMode(args.mode), amount=args.amount, notes=args.note, paid_at=args.date)
    return await client.record_payment(args.id, payment)


def add_dry_run_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="check everything that can be checked without writing, print the request "
                             "that would change something, send no write (see 'dry run' below)")


def register(actions: Actions) -> None:
    create = actions.add("create", "create a draft from a JSON file",
                         write(_create, before=_read_file(InvoiceDraft, "draft")),
                         epilog=f"{DRAFT_HELP}\n\n{DRY_RUN_HELP}")
    create.add_argument("--file", required=True, metavar="PATH",
                        help="JSON object with InvoiceDraft's fields ('-' reads stdin); see below")
    update = actions.add("update", "change an invoice with a JSON file of changes",
                         write(_update, before=_read_file(InvoiceChanges, "changes")), ids=("id",),
                         epilog=f"{DRAFT_HELP}\n\n{DRY_RUN_HELP}")
    update.add_argument("--file", required=True, metavar="PATH",
                        help="JSON object with InvoiceChanges' fields ('-' reads stdin); 'lines' replaces all")
    moves = [
        actions.add("send", "send a draft (status sent)", write(_by_id("send")), ids=("id",), epilog=DRY_RUN_HELP),
        actions.add("void", "void a sent invoice (where the provider can)", write(_by_id("void")), ids=("id",),
                    epilog=DRY_RUN_HELP),
        actions.add("mark-paid", "mark an invoice fully paid", write(_by_id("mark_paid")), ids=("id",),
                    epilog=DRY_RUN_HELP),
    ]
    payment = actions.add("record-payment", "record a manual (possibly partial) payment",
                          write(_record_payment), ids=("id",), epilog=DRY_RUN_HELP)
    payment.add_argument("--amount", required=True, type=amount, metavar="AMOUNT",
                         help="amount paid, in the invoice's currency (exact decimal, e.g. 12.50)")
    modes = [m.value for m in PaymentMode]
    payment.add_argument("--mode", choices=modes, default=PaymentMode.OTHER.value, metavar="MODE",
                         help=f"how it was paid: {', '.join(modes)} (default other)")
    payment.add_argument("--date", type=moment, metavar="DATE",
                         help="when it was paid: YYYY-MM-DD (noon UTC) or an ISO timestamp with offset "
                              "(default: the provider's now)")
    payment.add_argument("--note", metavar="TEXT", help="a note stored with the payment")
    for parser in (create, update, *moves, payment):
        add_dry_run_option(parser)
