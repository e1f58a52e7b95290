"""The read fast path (one pass, neutral models directly) agrees with the cattrs reference path
(wire shapes, then neutral models) on every fixture and on mutated invoices: same invoice, or
both refuse."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit._serde import loads_json
from invoicekit.gohighlevel.decode import _fast_invoice, _reference_invoice, invoice_from_wire

from .conftest import FIXTURES


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


def _outcome(decode: Any, data: Any) -> tuple[str, Any]:
    try:
        return "ok", decode(data)
    except Exception as exc:  # any refusal counts as a refusal
        return "error", type(exc).__name__


def _same(fast: tuple[str, Any], reference: tuple[str, Any]) -> None:
    assert fast[0] == reference[0], (fast, reference)
    if fast[0] == "error":
        return
    a, b = fast[1], reference[1]
    assert a == b
    assert a.raw is b.raw
    assert [dict(line.raw) for line in a.lines] == [dict(line.raw) for line in b.lines]
    for name in ("id", "number", "total", "amount_due", "amount_paid", "issue_date", "created_at", "updated_at"):
        assert type(getattr(a, name)) is type(getattr(b, name)), name


def test_fixtures_decode_the_same_both_ways() -> None:
    assert len(INVOICES) >= 5
    for data in INVOICES:
        fast = _outcome(_fast_invoice, data)  # the fast path itself, with no fallback
        assert fast[0] == "ok", fast
        _same(fast, _outcome(_reference_invoice, data))


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
def test_mutated_invoices_decode_the_same_both_ways(
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
    _same(_outcome(invoice_from_wire, data), _outcome(_reference_invoice, data))
