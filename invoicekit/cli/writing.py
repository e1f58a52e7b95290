"""``invoicekit invoices create|update|send|void|mark-paid|record-payment``: the operations that
change an invoice."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..client import InvoiceClient
from ..models import InvoiceChanges, InvoiceDraft, Payment, PaymentMode
from . import output
from .arguments import amount, moment
from .common import OK
from .input import read_model
from .reading import by_id
from .running import Body, command, run

if TYPE_CHECKING:
    from .invoices import Actions

DRAFT_HELP = """\
draft and changes files:
  {"currency": "USD", "issue_date": "2025-03-01", "due_date": "2025-03-31",
   "contact": {"id": 2, "name": "Jane Cooper", "email": "jane@example.com"},
   "terms": "Payable within 30 days.",
   "lines": [{"name": "Retainer", "quantity": 1, "unit_price": "1200.00"}]}
  Field names are InvoiceDraft's (update: InvoiceChanges', all optional). Amounts are
  numbers or strings, read exactly as Decimal; unknown fields are refused."""


async def _create(client: InvoiceClient, args: argparse.Namespace) -> int:
    output.print_invoice(await client.create(args.draft), args)
    return OK


async def _update(client: InvoiceClient, args: argparse.Namespace) -> int:
    output.print_invoice(await client.update(args.id, args.changes), args)
    return OK


async def _record_payment(client: InvoiceClient, args: argparse.Namespace) -> int:
    payment = Payment(mode=PaymentMode(args.mode), amount=args.amount, notes=args.note, paid_at=args.date)
    output.print_invoice(await client.record_payment(args.id, payment), args)
    return OK


def _with_file(model: type[Any], dest: str, body: Body) -> Callable[[argparse.Namespace], int]:
    """Read the JSON file before connecting: a bad file never opens a connection."""

    def wrapper(args: argparse.Namespace) -> int:
        setattr(args, dest, read_model(args.file, model))
        return run(args, body)

    return wrapper


def register(actions: Actions) -> None:
    create = actions.add("create", "create a draft from a JSON file", _with_file(InvoiceDraft, "draft", _create),
                         epilog=DRAFT_HELP)
    create.add_argument("--file", required=True, metavar="PATH",
                        help="JSON object with InvoiceDraft's fields ('-' reads stdin); see below")
    update = actions.add("update", "change an invoice with a JSON file of changes",
                         _with_file(InvoiceChanges, "changes", _update), ids=("id",), epilog=DRAFT_HELP)
    update.add_argument("--file", required=True, metavar="PATH",
                        help="JSON object with InvoiceChanges' fields ('-' reads stdin); 'lines' replaces all")
    actions.add("send", "send a draft (status sent)", command(by_id("send")), ids=("id",))
    actions.add("void", "void a sent invoice (where the provider can)", command(by_id("void")), ids=("id",))
    actions.add("mark-paid", "mark an invoice fully paid", command(by_id("mark_paid")), ids=("id",))
    payment = actions.add("record-payment", "record a manual (possibly partial) payment",
                          command(_record_payment), ids=("id",))
    payment.add_argument("--amount", required=True, type=amount, metavar="AMOUNT",
                         help="amount paid, in the invoice's currency (exact decimal, e.g. 12.50)")
    modes = [m.value for m in PaymentMode]
    payment.add_argument("--mode", choices=modes, default=PaymentMode.OTHER.value, metavar="MODE",
                         help=f"how it was paid: {', '.join(modes)} (default other)")
    payment.add_argument("--date", type=moment, metavar="DATE",
                         help="when it was paid: YYYY-MM-DD (noon UTC) or an ISO timestamp with offset "
                              "(default: the provider's now)")
    payment.add_argument("--note", metavar="TEXT", help="a note stored with the payment")
