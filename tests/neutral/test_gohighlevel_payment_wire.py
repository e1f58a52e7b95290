"""GoHighLevel record_payment checks the amount against the invoice's currency when the payment
names none, and refuses a payment in another currency: the invoice is read first anyway (the
state check), and the payment is not sent (#11: 0.001 EUR was recorded as nothing)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aioresponses import aioresponses

from invoicekit import InvalidRequestError, Payment
from tests.gohighlevel.conftest import INVOICE_ID, alt, calls, load, make_client, mocked, sent_json, url

__all__ = ["mocked"]  # the fixture, used by name

INVOICE = load("invoice_draft.json")  # in USD


def mock_sent_invoice(m: aioresponses) -> None:
    m.get(url(f"invoices/{INVOICE_ID}", alt()), payload={**INVOICE, "status": "sent"})


@pytest.mark.parametrize(("payment", "field"), [
    (Payment(amount=Decimal("0.001")), "amount"),
    (Payment(amount=Decimal("10.005")), "amount"),
    (Payment(amount=Decimal("10"), currency="EUR"), "currency"),  # the invoice is in USD
])
async def test_a_payment_that_does_not_fit_the_invoices_currency_is_not_sent(
    mocked: aioresponses, payment: Payment, field: str
) -> None:
    mock_sent_invoice(mocked)
    async with make_client() as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.record_payment(INVOICE_ID, payment)
    assert caught.value.field == field
    assert len(calls(mocked, "GET", f"invoices/{INVOICE_ID}", alt())) == 1  # the state check's read went
    assert not calls(mocked, "POST", f"invoices/{INVOICE_ID}/record-payment")


@pytest.mark.parametrize("payment", [
    Payment(amount=Decimal("10.01")), Payment(amount=Decimal("10.10"), currency="USD"),
    Payment(amount=Decimal("2907.34")),  # exactly what is due
])
async def test_a_payment_within_the_invoices_currency_is_sent(mocked: aioresponses, payment: Payment) -> None:
    mock_sent_invoice(mocked)
    mocked.post(url(f"invoices/{INVOICE_ID}/record-payment"),
                payload={"success": True, "invoice": {**INVOICE, "status": "partially_paid"}})
    async with make_client() as client:
        await client.record_payment(INVOICE_ID, payment)
    (post,) = calls(mocked, "POST", f"invoices/{INVOICE_ID}/record-payment")
    assert Decimal(str(sent_json(post)["amount"])) == payment.amount


async def test_a_payment_above_the_amount_due_is_not_sent(mocked: aioresponses) -> None:
    """#11: GoHighLevel answers 400 "Payment amount can not be more than the amount due"; the
    invoice was just read for the state check, so the client knows it first."""
    mock_sent_invoice(mocked)  # amountDue 2907.34 USD
    async with make_client() as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.record_payment(INVOICE_ID, Payment(amount=1000000))
    assert caught.value.field == "amount"
    assert "more than the amount due, 2907.34 USD" in str(caught.value)
    assert len(calls(mocked, "GET", f"invoices/{INVOICE_ID}", alt())) == 1
    assert not calls(mocked, "POST", f"invoices/{INVOICE_ID}/record-payment")
