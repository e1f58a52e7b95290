"""``invoicekit invoices delete ID...``: one invoice, or several as one batch.

A delete cannot be undone, so it asks first on a terminal (after reading what it would delete,
with the same client that then deletes), refuses without one unless ``--yes``, and
``--dry-run`` only reads and lists.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..client import InvoiceClient
from ..errors import BatchError, InvalidRequestError
from ..models import Invoice
from . import output
from .common import FAILED, OK, UsageError
from .prompt import ask
from .running import run

if TYPE_CHECKING:
    from .invoices import Actions

DELETE_HELP = """\
confirmation:
  On a terminal, delete reads the invoices and asks before deleting them; without a terminal
  (a script, a pipe) it refuses unless --yes is given. --yes deletes without asking.
  --dry-run reads each invoice (which checks the id and that it exists) and lists what would
  be deleted; no delete is sent, so whether the provider lets you delete them (permissions,
  its own rules) is only known by deleting."""


def describe(invoice: Invoice) -> str:
    """``invoice 42 (INV-0042, 360.00 EUR)``: what the operator recognises an invoice by."""
    facts = ", ".join(fact for fact in (
        invoice.number, f"{invoice.total} {invoice.currency}" if invoice.currency else str(invoice.total),
    ) if fact)
    return f"invoice {invoice.id} ({facts})"


async def _read_all(client: InvoiceClient, args: argparse.Namespace) -> list[Invoice]:
    """Each invoice the ids name, read one by one; an id given twice is refused as the batch
    delete would refuse it (after the provider's normalisation: ONLYOFFICE's 7 and 07 are one)."""
    invoices: list[Invoice] = []
    seen: set[object] = set()
    for index, invoice_id in enumerate(args.ids):
        invoice = await client.get(invoice_id)
        if invoice.id in seen:
            raise InvalidRequestError(f"{invoice.id!r} is listed twice", field=f"invoice_ids[{index}]")
        seen.add(invoice.id)
        invoices.append(invoice)
    return invoices


async def _confirmed(invoices: list[Invoice]) -> bool:
    if len(invoices) == 1:
        return await ask(f"Delete {describe(invoices[0])}? [y/N] ")
    output.write_table(invoices, sys.stderr)
    return await ask(f"Delete these {len(invoices)} invoices? [y/N] ")


def _delete(args: argparse.Namespace) -> int:
    if args.dry_run:
        invoices = run(args, _read_all)
        if output.wants_json(args):
            print(output.dumps({"dry_run": True, "would_delete": [output.invoice_json(i) for i in invoices]}))
        else:
            print(f"dry run: nothing was deleted; delete would delete {len(invoices)}:")
            output.write_table(invoices, sys.stdout)
        return OK
    if args.yes:
        return run(args, _delete_now)
    if not sys.stdin.isatty():
        raise UsageError("delete asks for confirmation and stdin is not a terminal: pass --yes to delete "
                         "without asking (--dry-run shows what would be deleted)")
    return run(args, _ask_then_delete)


async def _ask_then_delete(client: InvoiceClient, args: argparse.Namespace) -> int:
    if not await _confirmed(await _read_all(client, args)):
        print("invoicekit: not confirmed; nothing was deleted", file=sys.stderr)
        return FAILED
    return await _delete_now(client, args)


async def _delete_now(client: InvoiceClient, args: argparse.Namespace) -> int:
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
    delete = actions.add("delete", "delete invoices (several ids: one batch); asks first on a terminal", _delete,
                         epilog=DELETE_HELP)
    delete.add_argument("ids", nargs="+", metavar="ID", help="invoice ids")
    delete.add_argument("--yes", "-y", action="store_true", help="delete without asking")
    delete.add_argument("--dry-run", action="store_true",
                        help="read the invoices and list what would be deleted; delete nothing")
