"""The decoder is one path (cattrs hooks over the neutral models' public constructors): every
fixture decodes, any mutated invoice decodes or is refused with an exception, and a check a model
gains applies to what the decoder builds (nothing bypasses the models' converters)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit import Address, Contact, InvalidRequestError, Invoice, LineItem, MalformedResponseError
from invoicekit._http.messages import Request, Response
from invoicekit._serde import loads_json
from invoicekit.gohighlevel.decode import decode_invoices
from invoicekit.gohighlevel.wire import invoice_from_wire

from .conftest import FIXTURES

REQUEST = Request(operation="list", method="GET", path="invoices/")


def _invoices() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in ("invoice_draft.json", "list_page1.json", "list_page2.json", "send_response.json",
                 "void_response.json", "record_payment_response.json", "record_partial_payment_response.json"):
        data = loads_json((FIXTURES / name).read_bytes())
        if "invoices" in data:
            out.extend(data["invoices"])
        elif isinstance(data.get("invoice"), dict):
            out.append(data["invoice"])
        else:
            out.append(data)
    return out


INVOICES = _invoices()



def test_fixtures_decode_into_the_models() -> None:
    assert len(INVOICES) >= 5
    for data in INVOICES:
        invoice = invoice_from_wire(data)
        assert type(invoice) is Invoice and invoice.raw is data
        assert all(type(line) is LineItem for line in invoice.lines)
        assert [dict(line.raw) for line in invoice.lines] == [i for i in data.get("invoiceItems", ()) if
                                                             isinstance(i, dict)]


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 7), st.sampled_from([Decimal("0"), Decimal("12.50"), Decimal("1E+3")]),
    st.sampled_from(["", "1", "abc", "draft", "PAID", "true", "12.5", "2024-02-01", "2024-03-01T09:27:42.355Z",
                     "2024-13-01", "0001-01-01"]),
    st.just({}), st.just([]), st.just({"addressLine1": "x"}), st.just(["65d0f00d"]), st.just([{"_id": 1}]),
)
KEYS = st.sampled_from([
    "_id", "id", "status", "name", "title", "description", "invoiceNumber", "currency", "contactDetails",
    "issueDate", "dueDate", "invoiceItems", "total", "amountDue", "amountPaid", "termsNotes", "liveMode",
    "createdAt", "updatedAt",
])
CONTACT_KEYS = st.sampled_from(["id", "name", "email", "phoneNo", "companyName", "address"])
ITEM_KEYS = st.sampled_from(["name", "description", "qty", "amount", "productId", "priceId", "currency", "taxes"])
TAX_KEYS = st.sampled_from(["_id", "name", "rate"])


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from(INVOICES),
    top=st.lists(st.tuples(KEYS, VALUES), max_size=3),
    contact=st.lists(st.tuples(CONTACT_KEYS, VALUES), max_size=2),
    item=st.lists(st.tuples(ITEM_KEYS, VALUES), max_size=2),
    tax=st.lists(st.tuples(TAX_KEYS, VALUES), max_size=2),
    drop=st.lists(KEYS, max_size=2),
)
def test_mutated_invoices_decode_or_are_refused(
    base: dict[str, Any], top: list[tuple[str, Any]], contact: list[tuple[str, Any]],
    item: list[tuple[str, Any]], tax: list[tuple[str, Any]], drop: list[str],
) -> None:
    data = copy.deepcopy(base)
    if isinstance(data.get("contactDetails"), dict):
        for key, value in contact:
            data["contactDetails"][key] = copy.deepcopy(value)
    items = data.get("invoiceItems")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        for key, value in item:
            items[0][key] = copy.deepcopy(value)
        taxes = items[0].get("taxes")
        if isinstance(taxes, list) and taxes and isinstance(taxes[0], dict):
            for key, value in tax:
                taxes[0][key] = copy.deepcopy(value)
    for key, value in top:
        data[key] = copy.deepcopy(value)
    for key in drop:
        data.pop(key, None)
    try:
        invoice = invoice_from_wire(data)
    except Exception:  # any refusal is fine: the client turns it into MalformedResponseError
        return
    assert invoice.raw is data
    for amount in (invoice.total, *(line.quantity for line in invoice.lines), *(line.unit_price for line in
                                                                               invoice.lines)):
        assert type(amount) is Decimal and amount.is_finite()
    assert invoice.number is None or type(invoice.number) is str


# -- nothing bypasses the models' own checks ---------------------------------------------------


def _refusing(cls: type[Any], field: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give ``cls.field`` a validator that refuses every value but the default (as a model that
    gains validation would)."""
    original = cls.__init__

    def checked(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        default = attrs.fields_dict(cls)[field].default
        if getattr(self, field) != default:
            raise InvalidRequestError("refused by the model", field=field)

    monkeypatch.setattr(cls, "__init__", checked)


@pytest.mark.parametrize(("cls", "field"), [
    (Invoice, "total"), (LineItem, "unit_price"), (Contact, "email"), (Address, "city"),
])
def test_a_check_a_model_gains_applies_to_decoding(cls: type[Any], field: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy.deepcopy(INVOICES[0])
    assert getattr(_part(invoice_from_wire(data), cls), field) not in (None, Decimal(0), Decimal(1))
    _refusing(cls, field, monkeypatch)
    with pytest.raises(InvalidRequestError, match="refused by the model"):
        invoice_from_wire(data)
    # and the same through a list page, split and decoded invoice by invoice
    body = json.dumps({"invoices": [INVOICES[0]], "total": 1}, default=str).encode()
    response = Response(status=200, headers={"Content-Type": "application/json"}, body=body, method="GET",
                        url="https://x/invoices/")
    with pytest.raises(MalformedResponseError, match="refused by the model"):
        decode_invoices(REQUEST, response)


def _part(invoice: Invoice, cls: type[Any]) -> Any:
    if cls is Invoice:
        return invoice
    if cls is LineItem:
        return invoice.lines[0]
    assert invoice.contact is not None
    return invoice.contact if cls is Contact else invoice.contact.address
