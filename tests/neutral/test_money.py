"""ISO 4217 currencies, minor units and the canonical form of amounts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

import pytest

from invoicekit import InvalidRequestError, Invoice, InvoiceStatus, LineItem
from invoicekit._trusted import trusted_constructor
from invoicekit.money import CURRENCIES, check_precision, currency_code, minor_units, quantize

_decoded_invoice = trusted_constructor(Invoice)
_decoded_line = trusted_constructor(LineItem)


def test_the_table_holds_iso_codes_and_their_minor_units() -> None:
    assert all(len(code) == 3 and code.isalpha() and code.isupper() for code in CURRENCIES)
    assert set(CURRENCIES.values()) == {0, 2, 3, 4}
    assert (minor_units("EUR"), minor_units("JPY"), minor_units("KWD"), minor_units("CLF")) == (2, 0, 3, 4)
    assert "XAU" not in CURRENCIES and "XXX" not in CURRENCIES  # no invoice is written in gold
    with pytest.raises(InvalidRequestError):
        minor_units("XYZ")
    with pytest.raises(TypeError):
        CURRENCIES["XYZ"] = 2  # type: ignore[index]


@pytest.mark.parametrize(("written", "currency", "canonical"), [
    ("360", "EUR", "360.00"), ("360.00", "EUR", "360.00"), ("360.0", "EUR", "360.00"), ("3.6E+2", "EUR", "360.00"),
    ("360.00", "JPY", "360"), ("1.5", "KWD", "1.500"), ("0", "USD", "0.00"),
    ("0.125", "EUR", "0.125"),  # finer than the currency: a stored value is never rounded
    ("360", "XYZ", "360"), ("360", None, "360"),  # unknown currency: as written
])
def test_quantize_gives_one_form_for_one_value(written: str, currency: str | None, canonical: str) -> None:
    result = quantize(Decimal(written), currency)
    assert str(result) == canonical
    assert result == Decimal(written)


def test_quantize_leaves_what_the_context_cannot_hold() -> None:
    huge = Decimal("1E+40")
    assert quantize(huge, "EUR") is huge


@pytest.mark.parametrize(("amount", "currency", "ok"), [
    ("0.01", "EUR", True), ("0.010", "EUR", True), ("0.001", "EUR", False), ("1", "JPY", True),
    ("1.5", "JPY", False), ("0.125", "KWD", True), ("1E+40", "EUR", True), ("12E-1", "EUR", True),
    ("1.00000000000000000000000000001", "EUR", False),
])
def test_check_precision(amount: str, currency: str, ok: bool) -> None:
    if ok:
        check_precision(Decimal(amount), currency, "amount")
    else:
        with pytest.raises(InvalidRequestError) as caught:
            check_precision(Decimal(amount), currency, "amount")
        assert caught.value.field == "amount"


def test_currency_code_normalises_and_refuses() -> None:
    assert currency_code(" eur") == "EUR"
    for bad in ("XYZ", "EURO", "", None, 978):
        with pytest.raises(InvalidRequestError):
            currency_code(bad)


def test_invoices_carry_canonical_amounts_whoever_builds_them() -> None:
    line = LineItem(name="x", unit_price=Decimal(360))
    invoice = Invoice(id=1, provider="p", status=InvoiceStatus.DRAFT, currency="EUR", total=Decimal(360),
                      amount_due=Decimal("360.0"), amount_paid=Decimal(0), lines=(line,))
    assert [str(invoice.total), str(invoice.amount_due), str(invoice.amount_paid)] == ["360.00", "360.00", "0.00"]
    assert str(invoice.lines[0].unit_price) == "360.00"
    assert invoice.lines[0] == line  # the same value, now in its canonical form
    decoded = _decoded_invoice(id=1, provider="p", status=InvoiceStatus.DRAFT, currency="EUR", total=Decimal(360),
                               amount_due=Decimal("360.0"), amount_paid=Decimal(0), lines=(line,))
    assert decoded == invoice and str(decoded.total) == "360.00" and str(decoded.lines[0].unit_price) == "360.00"


def test_the_decoders_constructors_run_the_same_validators() -> None:
    """No bypass: a trusted constructor skips conversion only; a wrong value still fails."""
    with pytest.raises(InvalidRequestError) as caught:
        _decoded_line(quantity=1.5, raw=MappingProxyType({}))
    assert caught.value.field == "quantity"
    with pytest.raises(InvalidRequestError) as caught:
        _decoded_line(discount=Decimal(101))
    assert caught.value.field == "discount"
    with pytest.raises(InvalidRequestError) as caught:
        _decoded_invoice(id=1, provider="p", status=InvoiceStatus.DRAFT, created_at=datetime(2026, 1, 1))
    assert caught.value.field == "created_at"
    with pytest.raises(InvalidRequestError) as caught:
        _decoded_invoice(id=1, provider="p", status=InvoiceStatus.DRAFT, lines=({"name": "x"},))
    assert caught.value.field == "lines[0]"
