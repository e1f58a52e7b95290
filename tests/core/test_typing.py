"""The public typing a user's ``mypy --strict`` sees: the README's examples check clean, every
call returns what the README says, and what the models refuse at run time (a float for money,
a string for a list of lines) is a type error before it runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

README_PROGRAM = '''
from __future__ import annotations

from collections.abc import Mapping
from contextlib import aclosing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, assert_type

import attrs

import invoicekit
from invoicekit import (
    UNPAID, Capability, Contact, Invoice, InvoiceChanges, InvoiceClient, InvoiceDraft, InvoiceId, InvoiceStatus,
    LineItem, Payment, PaymentMode,
)
from invoicekit.events import EventKind, InvoiceEvent


async def bill(config: Mapping[str, Any]) -> None:
    async with invoicekit.connect(config) as invoices:
        assert_type(invoices, InvoiceClient)
        customer = await invoices.contacts.ensure(Contact(name="Jane Cooper", email="jane@example.com"))
        invoice = await invoices.create(InvoiceDraft(
            currency="EUR", contact=customer,
            lines=[LineItem(name="Consulting", quantity=Decimal(3), unit_price=Decimal("120.00"))],
            issue_date=date(2026, 11, 21), due_date=date(2026, 12, 21), terms="Payable within 30 days.",
        ))
        assert_type(invoice, Invoice)
        assert_type(await invoices.send(invoice.id), Invoice)
        async for unpaid in invoices.list(status=UNPAID, due_to=date.today(), limit=50):
            assert_type(unpaid, Invoice)
        async for draft in invoices.list(status="draft", snapshot=True):
            assert_type(draft.lines, tuple[LineItem, ...] | None)
        assert_type(await invoices.get(42), Invoice)
        assert_type(await invoices.update(42, InvoiceChanges(terms="")), Invoice)
        assert_type(await invoices.delete_many([1, 2]), list[Invoice])
        assert_type(await invoices.record_payment("x", Payment(amount=Decimal("12.50"), mode="cash")), Invoice)
        assert_type(await invoices.generate_number(), str)
        assert_type(await invoices.with_options(timeout=5, max_retries=0).get(42), Invoice)
        assert_type(invoices.capabilities, frozenset[Capability])
        assert_type(invoices.parse_id("42"), InvoiceId)
        assert_type(await invoices.contacts.find_by_email("a@b.c"), Contact | None)
        async with aclosing(invoices.watch(interval=60)) as events:
            async for event in events:
                assert_type(event, InvoiceEvent)
    invoicekit.connect(invoicekit.load_config("invoicekit.toml", profile="agency"))
    invoicekit.connect(invoicekit.config_from_env())


def models(invoice: Invoice) -> None:
    # README "Checked when built": money a Decimal, int or numeric string; lines any list.
    line = LineItem(name="Design", quantity=3, unit_price="19.99", discount=Decimal(10), tax_ids=[1, "vat"])
    assert_type(attrs.evolve(line, quantity=2), LineItem)
    assert_type(line.unit_price, Decimal)
    draft = InvoiceDraft(currency="eur", lines=[line], contact=Contact(id=5), exchange_rate="1.08",
                         extra={"templateType": 1})
    assert_type(draft.lines, tuple[LineItem, ...])
    assert_type(InvoiceChanges(lines=(line,), currency="USD").lines, tuple[LineItem, ...] | None)
    assert_type(Payment(mode="cash", amount=1, currency="EUR").mode, PaymentMode)
    assert_type(Invoice(id=1, provider="onlyoffice", status=InvoiceStatus.SENT, total=360, lines=[line]).total,
                Decimal)
    match invoice:
        case Invoice(status=InvoiceStatus.PAID, total=total):
            assert_type(total, Decimal)
    event = InvoiceEvent(provider="x", kind=EventKind.PAID, invoice_id=1, occurred_at=datetime.now(UTC),
                         delivery_id="d")
    assert_type(event.kind, EventKind)
'''

WRONG_CALLS = {
    "unit_price=1.5": 'LineItem(name="x", unit_price=1.5)',
    "quantity=[1]": "LineItem(quantity=[1])",
    "lines as text": 'InvoiceDraft(currency="EUR", lines="Consulting")',
    "lines of dicts": 'InvoiceDraft(currency="EUR", lines=[{"name": "Consulting"}])',
    "payment float": "Payment(amount=0.5)",
    "exchange float": 'InvoiceChanges(exchange_rate=1.08)',
    "invoice total float": 'Invoice(id=1, provider="x", status=InvoiceStatus.SENT, total=0.1)',
    "event time as text": "InvoiceEvent(provider='x', kind='paid', invoice_id=1, occurred_at='2026', delivery_id='d')",
}


def _mypy(tmp_path: Path, source: str) -> tuple[str, int]:
    program = tmp_path / "user_program.py"
    program.write_text(textwrap.dedent(source))
    # A process of its own: mypy raises the interpreter's recursion limit for good, which would
    # change what later tests of deeply nested answers see.
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"),
         str(program)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    return done.stdout + done.stderr, done.returncode


def test_the_readme_examples_type_check_under_strict(tmp_path: Path) -> None:
    out, status = _mypy(tmp_path, README_PROGRAM)
    assert status == 0, out


def test_what_the_models_refuse_is_a_type_error(tmp_path: Path) -> None:
    """The converted fields' parameters were typed ``Any`` (mypy's attrs plugin cannot read an
    ``attrs.Converter``): ``LineItem(unit_price=1.5)`` passed ``mypy --strict`` and failed only
    when it ran."""
    header = ("from invoicekit import Invoice, InvoiceChanges, InvoiceDraft, InvoiceStatus, LineItem, Payment; "
              "from invoicekit.events import InvoiceEvent\n")
    body = "".join(f"{call}  # {name}\n" for name, call in WRONG_CALLS.items())
    out, status = _mypy(tmp_path, header + body)
    assert status == 1
    flagged = {line.split(":")[1] for line in out.splitlines() if ": error:" in line}
    assert flagged == {str(n) for n in range(2, 2 + len(WRONG_CALLS))}, out
