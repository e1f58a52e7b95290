from datetime import date
from decimal import Decimal

import attrs
import pytest

import invoicekit
from invoicekit import Contact, InvalidRequestError, Invoice, InvoiceChanges, InvoiceDraft, InvoiceStatus, LineItem


def test_line_item_money_is_decimal_from_int_str_and_decimal() -> None:
    line = LineItem(name="Design", quantity=3, unit_price="19.99", discount=Decimal("10"))
    assert line.quantity == Decimal(3)
    assert line.unit_price == Decimal("19.99")
    assert isinstance(line.unit_price, Decimal)
    assert line.discount == Decimal(10)


@pytest.mark.parametrize("bad", [0.1, True, float("nan"), "ten", "Infinity", None, [1]])
def test_line_item_refuses_floats_bools_and_non_numbers_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        LineItem(name="x", unit_price=bad)
    assert caught.value.field == "unit_price"
    assert "unit_price" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_models_are_frozen_and_evolve() -> None:
    line = LineItem(name="a")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.name = "b"  # type: ignore[misc]
    assert attrs.evolve(line, quantity=2).quantity == Decimal(2)


def test_draft_normalises_currency_and_tuple_lines() -> None:
    draft = InvoiceDraft(currency=" eur", lines=[LineItem(name="a")], contact=Contact(id=5, name="Acme"))
    assert draft.currency == "EUR"
    assert draft.lines == (LineItem(name="a"),)
    assert draft.extra == {}


@pytest.mark.parametrize("bad", ["EURO", "E1R", "", 978])
def test_draft_refuses_bad_currency(bad: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        InvoiceDraft(currency=bad, lines=[])  # type: ignore[arg-type]
    assert caught.value.field == "currency"


def test_changes_default_to_keep_everything() -> None:
    changes = InvoiceChanges(due_date=date(2026, 12, 31))
    assert changes.lines is None
    assert changes.currency is None
    assert changes.due_date == date(2026, 12, 31)
    assert InvoiceChanges(lines=[LineItem(name="x")]).lines == (LineItem(name="x"),)


def test_extra_is_read_only() -> None:
    draft = InvoiceDraft(currency="USD", lines=[LineItem(name="a")], extra={"templateType": 1})
    with pytest.raises(TypeError):
        draft.extra["x"] = 1  # type: ignore[index]


def test_every_frozen_model_is_hashable_and_extra_is_compared_not_hashed() -> None:
    """Frozen models go in sets and serve as cache keys: a draft with ``extra`` raised
    "unhashable type: 'mappingproxy'"."""
    line = LineItem(name="a", raw={"id": 1})
    one = InvoiceDraft(currency="USD", lines=[line], extra={"templateType": 1})
    same = InvoiceDraft(currency="USD", lines=[line], extra={"templateType": 1})
    other = InvoiceDraft(currency="USD", lines=[line], extra={"templateType": 2})
    assert hash(one) == hash(same) and one == same
    assert one != other and len({one, same, other}) == 2
    changes = InvoiceChanges(terms="Net 30", extra={"language": "de"})
    assert {changes, InvoiceChanges(terms="Net 30", extra={"language": "de"})} == {changes}
    invoice = Invoice(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT, lines=(line,), raw={"id": 1})
    assert len({invoice, Invoice(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT, lines=(line,))}) == 1


def test_invoice_raw_is_kept_but_not_compared_or_shown() -> None:
    a = Invoice(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT, raw={"secretish": "payload"})
    b = Invoice(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT)
    assert a == b
    assert "payload" not in repr(a)
    assert a.raw["secretish"] == "payload"


def test_status_is_a_str_enum() -> None:
    assert InvoiceStatus("partially_paid") is InvoiceStatus.PARTIALLY_PAID
    assert InvoiceStatus.PAID == "paid"
    assert {s.value for s in InvoiceStatus} == {
        "draft", "sent", "payment_processing", "partially_paid", "paid", "void", "rejected", "archived"
    }


def test_public_names_are_exported() -> None:
    for name in invoicekit.__all__:
        assert hasattr(invoicekit, name), name


def test_request_repr_never_shows_bodies_or_headers() -> None:
    from invoicekit._http.messages import Request

    request = Request(
        operation="login", method="POST", path="authentication.json",
        json={"userName": "a", "password": "hunter2-pw"}, form={"client_secret": "cs-123"},
        content=b"<request><password>hunter2-pw</password></request>", headers={"Authorization": "tok-999"},
    )
    text = repr(request)
    assert "hunter2-pw" not in text and "cs-123" not in text and "tok-999" not in text
    assert "authentication.json" in text
