"""The CLI's JSON shapes, in and out: drafts read exactly, invoices written exactly."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from invoicekit import Contact, InvalidRequestError, Invoice, InvoiceChanges, InvoiceDraft, InvoiceStatus, LineItem
from invoicekit.cli.input import read_model
from invoicekit.cli.output import dumps, invoice_json, write_detail


def test_draft_file_mirrors_invoice_draft_with_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "draft.json"
    path.write_text(json.dumps({
        "currency": "eur", "number": "A-1", "issue_date": "2025-03-01", "due_date": "2025-03-31",
        "contact": {"id": "c-7", "name": "Jane", "address": {"city": "Riga", "country_code": "LV"}},
        "lines": [{"name": "Hosting", "quantity": 12, "unit_price": "19.99", "discount": 5, "item_id": 3,
                   "tax_ids": [1, "vat"]}],
        "exchange_rate": "1.0825", "extra": {"title": "INVOICE", "discount": {"type": "percentage"}},
    }).replace('"19.99"', "19.99"))  # a JSON number with a fraction
    draft = read_model(str(path), InvoiceDraft)
    assert draft.currency == "EUR" and draft.issue_date == date(2025, 3, 1)
    line = draft.lines[0]
    assert line.unit_price == Decimal("19.99") and isinstance(line.unit_price, Decimal)
    assert (line.quantity, line.discount, line.item_id, line.tax_ids) == (Decimal(12), Decimal(5), 3, (1, "vat"))
    assert draft.contact is not None and draft.contact.id == "c-7" and draft.contact.address is not None
    assert draft.exchange_rate == Decimal("1.0825") and draft.extra["discount"] == {"type": "percentage"}

    path.write_text('{"due_date": "2025-04-30", "lines": [{"name": "X", "unit_price": 1}]}')
    changes = read_model(str(path), InvoiceChanges)
    assert changes.due_date == date(2025, 4, 30) and changes.currency is None and len(changes.lines or ()) == 1


def test_invoice_json_keeps_ids_dates_and_decimals_exact() -> None:
    invoice = Invoice(
        id=7, provider="onlyoffice", status=InvoiceStatus.SENT, number="INV-7", currency="USD",
        issue_date=date(2025, 3, 1), contact=Contact(id=2, name="Jane"), total=Decimal("0.10"),
        lines=(LineItem(name="A", quantity=Decimal("2.5"), unit_price=Decimal("0.04"), raw={"cost": Decimal("0.1")}),),
        created_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC), raw={"id": 7, "cost": Decimal("0.10")},
    )
    plain = json.loads(dumps(invoice_json(invoice)))
    assert plain["id"] == 7 and plain["status"] == "sent" and plain["total"] == "0.10"
    assert plain["issue_date"] == "2025-03-01" and plain["created_at"] == "2025-03-01T09:30:00+00:00"
    assert plain["lines"][0]["quantity"] == "2.5" and "raw" not in plain and "raw" not in plain["lines"][0]
    assert plain["contact"]["id"] == 2
    with_raw = json.loads(dumps(invoice_json(invoice, raw=True)))
    assert with_raw["raw"] == {"id": 7, "cost": "0.10"} and with_raw["lines"][0]["raw"] == {"cost": "0.1"}


def test_detail_view_is_one_line_per_field() -> None:
    import io

    invoice = Invoice(id="abc", provider="gohighlevel", status=InvoiceStatus.DRAFT, number="12",
                      terms="<p>Thank you\nfor your business.</p>", total=Decimal("3000"),
                      contact=Contact(name="Maria Rivera", email="maria@example.com", id="c1"))
    out = io.StringIO()
    write_detail(invoice, out)
    lines = out.getvalue().splitlines()
    assert "contact   Maria Rivera <maria@example.com> (id c1)" in lines
    assert "terms     <p>Thank you for your business.</p>" in lines
    assert "total     3000" in lines


@pytest.mark.parametrize(("fields", "problem"), [
    ({"lines": "Consulting"}, "lines: must be a list, not str"),
    ({"lines": {"name": "Consulting"}}, "lines: must be a list, not dict"),
    ({"lines": ["Consulting"]}, "lines[0]: must be an object, not str"),
    ({"lines": [{"name": "A", "tax_ids": "12"}]}, "lines[0].tax_ids: must be a list, not str"),
    ({"lines": [{"name": "A", "tax_ids": {"vat": 1}}]}, "lines[0].tax_ids: must be a list, not dict"),
    ({"contact": "Jane Cooper"}, "contact: must be an object, not str"),
    ({"contact": {"id": 2, "address": "1 Main St"}}, "contact.address: must be an object, not str"),
])
def test_a_file_of_the_wrong_shape_is_refused_naming_the_field(
    tmp_path: Path, fields: dict[str, object], problem: str
) -> None:
    """A string where a list belongs was read character by character (``"tax_ids": "12"`` became
    the tax ids ``"1"`` and ``"2"``), an object's keys became its items, and a string where an
    object belongs read as "invalid value (AttributeError)"."""
    path = tmp_path / "draft.json"
    path.write_text(json.dumps({"currency": "EUR", "lines": [{"name": "A"}], **fields}))
    with pytest.raises(InvalidRequestError) as caught:
        read_model(str(path), InvoiceDraft)
    assert str(caught.value) == f"{path}: {problem}"
    if "lines" in fields:
        path.write_text(json.dumps({"lines": fields["lines"]}))
        with pytest.raises(InvalidRequestError, match=f"^{re.escape(str(path))}: {re.escape(problem)}$"):
            read_model(str(path), InvoiceChanges)


@pytest.mark.parametrize(("fields", "problem"), [
    ({"lines": []}, "lines: an invoice needs at least one line"),
    ({"lines": [{"name": "A"}, {"name": "B", "quantity": "-1"}]}, "lines[1].quantity: must be greater than 0"),
    ({"lines": [{"name": "A", "discount": 101}]}, "lines[0].discount: is a percentage and must be within 0..100"),
    ({"issue_date": "2026-11-21", "due_date": "2026-01-01"}, "due_date: 2026-01-01 is before issue_date 2026-11-21"),
    ({"currency": "XYZ"}, "currency: 'XYZ' is not an ISO 4217 currency code"),
    ({"exchange_rate": 0}, "exchange_rate: must be > 0 (1 for the account's base currency)"),
    ({"lines": [{"name": "A", "quantity": True}]},
     "lines[0].quantity: must be a Decimal, int or numeric string, not bool"),
])
def test_a_value_the_models_refuse_is_reported_with_its_field(
    tmp_path: Path, fields: dict[str, object], problem: str
) -> None:
    """The file's errors lost the field the model named: ``qty -1`` said "draft.json: must be
    greater than 0", not which line or which value."""
    path = tmp_path / "draft.json"
    path.write_text(json.dumps({"currency": "EUR", "lines": [{"name": "A"}], **fields}))
    with pytest.raises(InvalidRequestError) as caught:
        read_model(str(path), InvoiceDraft)
    assert str(caught.value) == f"{path}: {problem}"
