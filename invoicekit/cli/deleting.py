"""``invoicekit invoices delete ID...``: one invoice, or several as one batch."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..client import InvoiceClient
from ..errors import BatchError
from ..models import Invoice
from . import output
from .common import OK
from .running import command

if TYPE_CHECKING:
    from .invoices import Actions


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
    if output.wants_json(args):
        if len(deleted) == 1 and len(args.ids) == 1:
            output.print_invoice(deleted[0], args)
        else:
            output.print_invoices(deleted, args)
        return
    if len(args.ids) == 1:
        print(f"deleted invoice {deleted[0].id}" + (f" ({deleted[0].number})" if deleted[0].number else ""))
    elif deleted:
        print(f"deleted {len(deleted)} of {len(args.ids)}:")
        output.write_table(deleted, sys.stdout)


def register(actions: Actions) -> None:
    delete = actions.add("delete", "delete invoices (several ids: one batch)", command(_delete))
    delete.add_argument("ids", nargs="+", metavar="ID", help="invoice ids")
