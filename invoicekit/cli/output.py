"""How the CLI shows invoices: JSON for scripts, aligned text for people.

JSON keeps every neutral field under its model name, ids in their provider's type (a number for
ONLYOFFICE, a string for GoHighLevel), dates and timestamps in ISO 8601, and every Decimal
(money, quantities, rates) as a JSON *string* such as ``"1400.00"``: a JSON number would be read
back as a binary float by most tools and lose exactness. The provider's payload (``raw``) is left
out unless asked for; inside it, numbers are strings too, for the same reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from ..models import Contact, Invoice, LineItem

OUTPUT_HELP = """\
output:
  Text output is an aligned table (lists) or the invoice's fields and lines (one invoice).
  --json prints JSON: an object for one invoice, an array for several. Decimals (money,
  quantities) are JSON strings such as "1400.00" so that they stay exact; ids keep their
  provider's type (number for ONLYOFFICE, string for GoHighLevel); dates are ISO 8601."""


def _plain(value: Any) -> Any:
    """A provider payload (``raw``) as plain JSON values: mappings, lists, strings, numbers as text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _make_converter(*, raw: bool) -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, str)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_unstructure_hook(Enum, lambda e: e.value)
    # LineItem first: the Invoice function captures the line hook registered at generation time.
    for model in (LineItem, Invoice):
        fn = make_dict_unstructure_fn(model, converter, raw=override(omit=not raw, unstruct_hook=_plain))
        converter.register_unstructure_hook(model, fn)
    return converter


_CONVERTERS = {False: _make_converter(raw=False), True: _make_converter(raw=True)}


def invoice_json(invoice: Invoice, *, raw: bool = False) -> dict[str, Any]:
    """The invoice as JSON-ready values (see the module docstring)."""
    result: dict[str, Any] = _CONVERTERS[raw].unstructure(invoice)
    return result


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# -- text ---------------------------------------------------------------------------------------

TABLE_COLUMNS = ("id", "number", "status", "contact", "issued", "due", "currency", "total")
_RIGHT = frozenset({"total"})
_CONTACT_WIDTH = 28


def contact_label(contact: Contact | None) -> str:
    if contact is None:
        return ""
    label = contact.name or contact.company_name or contact.email or ""
    if not label and contact.id is not None:
        label = f"#{contact.id}"
    return label


def _cut(text: str, width: int) -> str:
    # ASCII on purpose: a console with a legacy code page cannot print an ellipsis character.
    return text if len(text) <= width else text[: width - 3] + "..."


def _row(invoice: Invoice) -> list[str]:
    return [
        str(invoice.id),
        invoice.number or "",
        invoice.status.value,
        _cut(contact_label(invoice.contact), _CONTACT_WIDTH),
        invoice.issue_date.isoformat() if invoice.issue_date else "",
        invoice.due_date.isoformat() if invoice.due_date else "",
        invoice.currency or "",
        str(invoice.total),
    ]


def format_table(headers: Iterable[str], rows: list[list[str]], right: frozenset[str] = frozenset()) -> list[str]:
    head = list(headers)
    widths = [max([len(head[i]), *(len(r[i]) for r in rows)]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        parts = [c.rjust(w) if h in right else c.ljust(w) for c, w, h in zip(cells, widths, head, strict=True)]
        return "  ".join(parts).rstrip()

    return [line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def write_table(invoices: list[Invoice], out: TextIO) -> None:
    if not invoices:
        out.write("no invoices\n")
        return
    for text in format_table(TABLE_COLUMNS, [_row(i) for i in invoices], _RIGHT):
        out.write(text + "\n")
    noun = "invoice" if len(invoices) == 1 else "invoices"
    out.write(f"{len(invoices)} {noun}\n")


def write_detail(invoice: Invoice, out: TextIO) -> None:
    """One invoice: its fields, then its lines."""
    contact = invoice.contact
    who = contact_label(contact)
    if contact is not None:
        if contact.email and contact.email != who:
            who += f" <{contact.email}>"
        if contact.id is not None and who != f"#{contact.id}":
            who += f" (id {contact.id})"
    fields: list[tuple[str, object]] = [
        ("id", invoice.id), ("number", invoice.number), ("provider", invoice.provider),
        ("status", invoice.status.value), ("name", invoice.name), ("contact", who or None),
        ("issued", invoice.issue_date), ("due", invoice.due_date), ("currency", invoice.currency),
        ("total", invoice.total), ("amount paid", invoice.amount_paid), ("amount due", invoice.amount_due),
        ("terms", invoice.terms), ("description", invoice.description),
        ("purchase order", invoice.purchase_order_number),
    ]
    shown = [(k, v) for k, v in fields if v not in (None, "")]
    width = max(len(k) for k, _ in shown)
    for key, value in shown:
        text = " ".join(str(value).split())  # one line per field, whatever the provider stored
        out.write(f"{key.ljust(width)}  {text}\n")
    if invoice.lines:
        out.write("\n")
        rows = [
            [str(n), _cut(line.name or line.description or "", 40), str(line.quantity), str(line.unit_price),
             str(line.discount)]
            for n, line in enumerate(invoice.lines, 1)
        ]
        right = frozenset({"#", "quantity", "unit price", "discount %"})
        for text in format_table(("#", "line", "quantity", "unit price", "discount %"), rows, right):
            out.write("  " + text + "\n")


# -- what a command prints ------------------------------------------------------------------------


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def print_invoice(invoice: Invoice, args: argparse.Namespace) -> None:
    """One invoice on stdout: JSON with ``--json``, else its fields and lines."""
    if wants_json(args):
        print(dumps(invoice_json(invoice, raw=getattr(args, "raw", False))))
    else:
        write_detail(invoice, sys.stdout)


def print_invoices(invoices: list[Invoice], args: argparse.Namespace) -> None:
    """Several invoices on stdout: a JSON array with ``--json``, else a table."""
    if wants_json(args):
        JsonArray(sys.stdout, raw=getattr(args, "raw", False)).extend(invoices).close()
    else:
        write_table(invoices, sys.stdout)


class JsonArray:
    """A JSON array written one invoice per line as they arrive, so a long list streams."""

    def __init__(self, out: TextIO, *, raw: bool) -> None:
        self._out = out
        self._raw = raw
        self._count = 0
        out.write("[")

    def append(self, invoice: Invoice) -> None:
        text = dumps(invoice_json(invoice, raw=self._raw))
        self._out.write(("\n" if self._count == 0 else ",\n") + text)
        self._count += 1

    def extend(self, invoices: list[Invoice]) -> JsonArray:
        for invoice in invoices:
            self.append(invoice)
        return self

    def close(self) -> None:
        self._out.write("\n]\n" if self._count else "]\n")
