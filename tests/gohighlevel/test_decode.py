"""Decoding what GHL really sends, beyond what its spec types say."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from invoicekit import Address, InvoiceStatus
from invoicekit._serde import loads_json
from invoicekit.gohighlevel.wire import invoice_from_wire, map_status

from .conftest import FIXTURES


def invoice(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = loads_json((FIXTURES / "invoice_draft.json").read_bytes())
    data.update(changes)
    return data


@pytest.mark.parametrize("status", ["draft", "sent", "payment_processing", "partially_paid", "paid", "void"])
def test_documented_statuses_map_by_name(status: str) -> None:
    assert invoice_from_wire(invoice(status=status)).status is InvoiceStatus(status)


def test_unknown_status_reads_as_sent_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="invoicekit.gohighlevel"):
        decoded = invoice_from_wire(invoice(status="scheduled"))
    assert decoded.status is InvoiceStatus.SENT
    assert decoded.raw["status"] == "scheduled"
    assert "scheduled" in caplog.text
    assert map_status(None) is InvoiceStatus.SENT
    assert map_status("PAID") is InvoiceStatus.PAID


@pytest.mark.parametrize(
    ("wire", "number"), [(19, "19"), ("19", "19"), (Decimal("1043"), "1043"), ("INV-0007", "INV-0007"), (None, None)]
)
def test_invoice_number_is_kept_as_text(wire: object, number: str | None) -> None:
    assert invoice_from_wire(invoice(invoiceNumber=wire)).number == number


def test_id_falls_back_to_id_and_missing_parts_are_none() -> None:
    data = invoice(id="65f0000000000000000000ff")
    del data["_id"]
    for key in ("contactDetails", "invoiceItems", "amountDue", "createdAt", "termsNotes"):
        del data[key]
    decoded = invoice_from_wire(data)
    assert decoded.id == "65f0000000000000000000ff"
    assert decoded.contact is None
    assert decoded.lines == ()
    assert decoded.amount_due is None and decoded.created_at is None and decoded.terms is None


def test_loose_shapes_decode() -> None:
    data = invoice(
        invoiceItems=["65e1a2b3c4d5e6f708192a01", {"name": "Bare", "amount": "12.5"}],
        contactDetails={"id": "c1", "name": "Alex", "email": "a@example.com", "address": "12 Harbor Road, Austin"},
        issueDate="2024-03-01T00:00:00.000Z",
        total=Decimal("0.10"),
        updatedAt="2024-03-01T10:00:00+02:00",
    )
    decoded = invoice_from_wire(data)
    ids_only, bare = decoded.lines
    assert ids_only.item_id == "65e1a2b3c4d5e6f708192a01"
    assert bare.unit_price == Decimal("12.5") and bare.quantity == Decimal(1)
    assert decoded.contact is not None and decoded.contact.address == Address(line1="12 Harbor Road, Austin")
    assert decoded.issue_date == date(2024, 3, 1)
    assert decoded.total == Decimal("0.10")
    assert decoded.updated_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def test_raw_is_the_received_dict_and_keeps_unknown_fields() -> None:
    data = invoice(brandNewField={"a": 1})
    decoded = invoice_from_wire(data)
    assert decoded.raw is data
    assert decoded.raw["brandNewField"] == {"a": 1}
    assert decoded.lines[0].raw == data["invoiceItems"][0]


@pytest.mark.parametrize("bad", [{"total": "lots"}, {"issueDate": "yesterday"}, {"invoiceItems": [{"qty": []}]}])
def test_bad_shapes_raise(bad: dict[str, Any]) -> None:
    with pytest.raises(Exception):  # noqa: B017 - the client turns any of these into MalformedResponseError
        invoice_from_wire(invoice(**bad))
