"""``invoicekit invoices create|update|send|void|mark-paid``: the operations that change an invoice."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..client import InvoiceClient
from ..models import InvoiceChanges, InvoiceDraft
from . import output
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
