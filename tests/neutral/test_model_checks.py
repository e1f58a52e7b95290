"""The models' one validation layer: wrong values are InvalidRequestError naming the field,
at construction, before any adapter sees them (#11, "wrong types" and the draft rules)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from invoicekit import (
    Address,
    Contact,
    InvalidRequestError,
    Invoice,
    InvoiceChanges,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    Payment,
    PaymentMode,
)

LINE = LineItem(name="Consulting", quantity=Decimal(3), unit_price=Decimal("120.00"))


def draft(**overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "EUR", "lines": [LINE], "contact": Contact(name="Jane Doe", email="jane@example.com"),
        "issue_date": date(2026, 11, 21), "due_date": date(2026, 12, 21), "terms": "Net 30",
    }
    values.update(overrides)
    return InvoiceDraft(**values)


def refused(build: Any, field: str) -> InvalidRequestError:
    with pytest.raises(InvalidRequestError) as caught:
        build()
    assert caught.value.field == field, str(caught.value)
    assert field in str(caught.value)
    return caught.value


def test_a_valid_draft_is_built() -> None:
    built = draft()
    assert built.lines == (LINE,)
    assert built.currency == "EUR"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"lines": "abc"}, "lines"),
    ({"lines": b"abc"}, "lines"),
    ({"lines": {"name": "Consulting"}}, "lines"),
    ({"lines": 3}, "lines"),
    ({"lines": [{"name": "Consulting", "quantity": 1}]}, "lines[0]"),
    ({"lines": [LINE, LINE, {"name": "x"}]}, "lines[2]"),
    ({"contact": "Jane"}, "contact"),
    ({"contact": {"name": "Jane"}}, "contact"),
    ({"issue_date": datetime(2026, 11, 21, 9, 30, tzinfo=UTC)}, "issue_date"),
    ({"due_date": datetime(2026, 12, 21, 9, 30)}, "due_date"),
    ({"issue_date": "2026-11-21"}, "issue_date"),
    ({"terms": 30}, "terms"),
    ({"number": 7}, "number"),
    ({"extra": ["templateType"]}, "extra"),
    ({"extra": {1: "x"}}, "extra"),
])
def test_wrong_types_are_refused_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    refused(lambda: draft(**overrides), field)
    if all(name in attrs.fields_dict(InvoiceChanges) for name in overrides):
        refused(lambda: InvoiceChanges(**overrides), field)


def test_a_datetime_is_refused_with_the_way_out() -> None:
    error = refused(lambda: draft(issue_date=datetime(2026, 11, 21, tzinfo=UTC)), "issue_date")
    assert ".date()" in error.reason


@pytest.mark.parametrize(("lines", "field"), [
    ([], "lines"),
    ([LineItem(name="x", quantity=0, unit_price=1)], "lines[0].quantity"),
    ([LINE, LINE, LineItem(name="x", quantity=Decimal("-1"))], "lines[2].quantity"),
    ([LineItem(name="x", unit_price=Decimal("-0.01"))], "lines[0].unit_price"),
])
def test_line_rules_name_the_line(lines: list[LineItem], field: str) -> None:
    refused(lambda: draft(lines=lines), field)
    refused(lambda: InvoiceChanges(currency="EUR", lines=lines), field)


def test_a_unit_price_is_a_rate_and_may_be_finer_than_the_currency() -> None:
    """0.0035 USD per call is a price; the provider rounds each line's amount."""
    assert draft(currency="USD", lines=[LineItem(name="API calls", quantity=1000, unit_price="0.0035")])
    assert draft(currency="JPY", lines=[LineItem(name="x", unit_price=Decimal("1.5"))]).currency == "JPY"


def test_zero_price_is_a_free_line() -> None:
    assert draft(lines=[LineItem(name="Setup", unit_price=0)]).lines[0].unit_price == 0


def test_due_date_before_issue_date_is_refused() -> None:
    refused(lambda: draft(issue_date=date(2026, 12, 1), due_date=date(2026, 11, 30)), "due_date")
    refused(lambda: InvoiceChanges(issue_date=date(2026, 12, 1), due_date=date(2026, 11, 30)), "due_date")
    assert draft(issue_date=date(2026, 12, 1), due_date=date(2026, 12, 1)).due_date == date(2026, 12, 1)


@pytest.mark.parametrize("code", ["XYZ", "EUX", "ABC", "EURO", "", 978, None])
def test_unknown_currency_codes_are_refused(code: object) -> None:
    refused(lambda: draft(currency=code), "currency")
    if code is not None:
        refused(lambda: InvoiceChanges(currency=code), "currency")


@pytest.mark.parametrize("rate", [Decimal(0), Decimal("-1.5")])
def test_exchange_rate_must_be_positive(rate: Decimal) -> None:
    refused(lambda: draft(exchange_rate=rate), "exchange_rate")
    refused(lambda: InvoiceChanges(exchange_rate=rate), "exchange_rate")


@pytest.mark.parametrize("discount", [Decimal("100.01"), Decimal(-1)])
def test_line_discount_is_a_percentage(discount: Decimal) -> None:
    refused(lambda: LineItem(name="x", discount=discount), "discount")


@pytest.mark.parametrize(("values", "field"), [
    ({"name": 5}, "name"),
    ({"quantity": 1.5}, "quantity"),
    ({"item_id": True}, "item_id"),
    ({"item_id": 1.0}, "item_id"),
    ({"tax_ids": "ab"}, "tax_ids"),
    ({"tax_ids": [1, None]}, "tax_ids[1]"),
    ({"raw": ["x"]}, "raw"),
])
def test_line_types(values: dict[str, Any], field: str) -> None:
    refused(lambda: LineItem(**values), field)


@pytest.mark.parametrize(("values", "field"), [
    ({"id": 1.5}, "id"),
    ({"name": ["Jane"]}, "name"),
    ({"address": "1 Main St"}, "address"),
])
def test_contact_types(values: dict[str, Any], field: str) -> None:
    refused(lambda: Contact(**values), field)
    refused(lambda: Address(city=5), "city")


def test_payment_mode_takes_its_value_and_refuses_the_rest() -> None:
    assert Payment(mode="cash").mode is PaymentMode.CASH  # type: ignore[arg-type]
    refused(lambda: Payment(mode="bitcoin"), "mode")  # type: ignore[arg-type]
    refused(lambda: Payment(mode=None), "mode")  # type: ignore[arg-type]


@pytest.mark.parametrize(("values", "field"), [
    ({"amount": Decimal("0.001"), "currency": "EUR"}, "amount"),
    ({"amount": Decimal("0.5"), "currency": "JPY"}, "amount"),
    ({"amount": Decimal(0)}, "amount"),
    ({"amount": Decimal("-5")}, "amount"),
    ({"amount": 0.5}, "amount"),
    ({"currency": "XYZ"}, "currency"),
    ({"card_last4": "12345"}, "card_last4"),
    ({"paid_at": datetime(2026, 11, 21, 9, 0)}, "paid_at"),
    ({"paid_at": date(2026, 11, 21)}, "paid_at"),
    ({"notes": 5}, "notes"),
])
def test_payment_rules(values: dict[str, Any], field: str) -> None:
    refused(lambda: Payment(**values), field)


def test_payment_within_the_minor_units_is_kept_exactly() -> None:
    assert Payment(amount=Decimal("0.01"), currency="eur").amount == Decimal("0.01")
    assert Payment(amount=Decimal("0.010"), currency="EUR").currency == "EUR"
    assert Payment(amount=Decimal("0.125"), currency="KWD").amount == Decimal("0.125")


def test_read_models_accept_what_a_provider_stores() -> None:
    """A stored invoice may be past due, carry a zero-quantity line or an exchange rate with
    many digits: read models check types only."""
    line = LineItem(name="Removed", quantity=0, unit_price=Decimal("12.5"))
    invoice = Invoice(
        id=7, provider="onlyoffice", status=InvoiceStatus.SENT, currency="EUR", lines=(line,),
        issue_date=date(2026, 12, 1), due_date=date(2020, 1, 1), exchange_rate=Decimal("1.123456789"),
    )
    assert invoice.lines[0].quantity == 0
    assert invoice.exchange_rate == Decimal("1.123456789")
    refused(lambda: Invoice(id=7, provider="onlyoffice", status="sent"), "status")
    refused(lambda: Invoice(id=7, provider="x", status=InvoiceStatus.SENT, lines=[{"name": "x"}]), "lines[0]")
    refused(lambda: Invoice(id=None, provider="x", status=InvoiceStatus.SENT), "id")
    refused(lambda: Invoice(id=1, provider="x", status=InvoiceStatus.SENT, created_at=datetime(2026, 1, 1)),
            "created_at")


def test_an_invoice_built_by_hand_takes_what_every_model_takes() -> None:
    """README "Checked when built": money is a Decimal, int or numeric string on every model.
    An Invoice refused ``total=5`` ("must be a finite Decimal, not int"), kept ``lines`` given as
    a list as that list (unhashable, and unequal to the same invoice read back) and took any
    ``raw`` at all. A fake client in a user's tests builds invoices like this, and
    ``attrs.evolve(invoice, amount_due=0)`` goes through the same constructor."""
    line = LineItem(name="Consulting", quantity=3, unit_price="120")
    invoice = Invoice(
        id=7, provider="onlyoffice", status=InvoiceStatus.SENT, currency="EUR", lines=[line], total=360,
        amount_due="360", amount_paid=0, exchange_rate=1,
    )
    assert invoice.lines == (LineItem(name="Consulting", quantity=3, unit_price=Decimal("120.00")),)
    assert type(invoice.lines) is tuple and hash(invoice) == hash(attrs.evolve(invoice))
    assert (invoice.total, invoice.amount_due, invoice.amount_paid) == (Decimal("360.00"),) * 2 + (Decimal("0.00"),)
    assert str(invoice.total) == "360.00" and invoice.exchange_rate == Decimal(1)
    assert attrs.evolve(invoice, amount_due=0, amount_paid="360").amount_due == Decimal("0.00")
    sent = Invoice(id=7, provider="onlyoffice", status=InvoiceStatus.SENT)
    refused(lambda: attrs.evolve(sent, total=0.1), "total")
    refused(lambda: attrs.evolve(sent, amount_due=True), "amount_due")
    refused(lambda: attrs.evolve(sent, exchange_rate="1,5"), "exchange_rate")
    refused(lambda: attrs.evolve(sent, lines="abc"), "lines")
    refused(lambda: attrs.evolve(sent, raw=["id", 7]), "raw")
    assert attrs.evolve(sent, raw={"id": 7}).raw == {"id": 7}


def _nested(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(("extra", "field"), [
    ({"discount": object()}, "extra['discount']"),
    ({"tags": {"vip", "eu"}}, "extra['tags']"),
    ({"discount": {"value": float("nan")}}, "extra['discount']['value']"),
    ({"items": [1, Decimal("Infinity")]}, "extra['items'][1]"),
    ({"meta": {1: "x"}}, "extra['meta']"),
    ({"deep": _nested(40)}, "extra['deep']"),
])
def test_extra_holds_only_what_a_json_body_can_carry(extra: dict[str, Any], field: str) -> None:
    """``extra`` goes into the request body as it is. A value JSON cannot carry was a bare
    TypeError ("cannot encode object as JSON") when ``create`` ran, and a NaN was sent as ``NaN``,
    which is no JSON (GoHighLevel's answer echoing it could not be read either)."""
    error = refused(lambda: draft(extra=extra), field)
    assert error.field == field
    refused(lambda: InvoiceChanges(extra=extra), field)


def test_extra_takes_every_json_value() -> None:
    extra = {"discount": {"type": "percentage", "value": Decimal("10.5")}, "tags": ["a", 1, 2.5, True, None],
             "sentAt": date(2026, 1, 1), "nested": ({"ok": (1, 2)},)}
    assert draft(extra=extra).extra["discount"] == {"type": "percentage", "value": Decimal("10.5")}
