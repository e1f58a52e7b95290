"""The read fast path (one pass, neutral models directly) agrees with the cattrs reference path
(wire shapes, then neutral models) on every fixture and on mutated invoices: same invoice, or
both refuse."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit.models import Invoice
from invoicekit.onlyoffice.envelope import INVOICE_LISTS, STATUS_BATCH_LISTS, parse_envelope
from invoicekit.onlyoffice.wire import _fast_invoice, decode_invoice, structure_invoice, to_invoice

from .test_decode import response


def _items(name: str) -> list[dict[str, Any]]:
    lists = STATUS_BATCH_LISTS if name.startswith("status_") else INVOICE_LISTS
    payload = parse_envelope(response(name), many=name.startswith("filter"), lists=lists)["response"]
    if isinstance(payload, dict) and "key" in payload:
        payload = payload["key"]
    items = payload if isinstance(payload, list) else [payload]
    return [item for item in items if isinstance(item, dict)]


FIXTURE_NAMES = [
    f"{stem}.{ext}"
    for stem in ("invoice_42", "invoice_42_paid", "invoice_42_sent", "invoice_42_archived", "invoice_42_rejected",
                 "invoice_42_pascal", "invoice_created", "invoice_updated", "filter_page1", "filter_page2",
                 "filter_single", "status_paid", "sample")
    for ext in ("json", "xml")
]
INVOICES = [item for name in FIXTURE_NAMES for item in _items(name)]


def _outcome(decode: Any, data: Any) -> tuple[str, Any]:
    try:
        return "ok", decode(data)
    except Exception as exc:  # any refusal counts as a refusal
        return "error", type(exc).__name__


def _reference(data: Any) -> Invoice:
    return to_invoice(structure_invoice(data), data)


def _same(fast: tuple[str, Any], reference: tuple[str, Any]) -> None:
    assert fast[0] == reference[0], (fast, reference)
    if fast[0] == "error":
        return
    a, b = fast[1], reference[1]
    assert a == b
    assert a.raw is b.raw
    assert [dict(line.raw) for line in a.lines] == [dict(line.raw) for line in b.lines]
    for name in ("id", "total", "amount_due", "amount_paid", "exchange_rate", "issue_date", "created_at"):
        assert type(getattr(a, name)) is type(getattr(b, name)), name
    assert [tuple(map(type, line.tax_ids)) for line in a.lines] == [tuple(map(type, line.tax_ids)) for line in b.lines]


def test_fixtures_decode_the_same_both_ways() -> None:
    assert len(INVOICES) > 20
    for data in INVOICES:
        fast = _outcome(_fast_invoice, data)  # the fast path itself, with no fallback
        assert fast[0] == "ok", fast
        _same(fast, _outcome(_reference, data))


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 7), st.sampled_from([Decimal("0"), Decimal("12.50"), Decimal("1E+3")]),
    st.sampled_from(["", "1", "42", "-1", "true", "False", "12.5", "abc", "2024-01-15T00:00:00.0000000+01:00",
                     "0001-01-01T00:00:00", "2024-13-01", "EUR"]),
    st.just({}), st.just([]), st.just({"id": 3, "title": "x"}), st.just([{"id": 1}]),
)
KEYS = st.sampled_from([
    "id", "status", "number", "issueDate", "dueDate", "templateType", "contact", "consignee", "entity", "language",
    "currency", "exchangeRate", "purchaseOrderNumber", "terms", "description", "createOn", "cost", "invoiceLines",
])
NESTED = st.sampled_from([
    ("status", "id"), ("status", "title"), ("contact", "id"), ("contact", "displayName"), ("contact", "isCompany"),
    ("currency", "abbreviation"), ("entity", "entityId"), ("entity", "entityType"),
])
LINE_KEYS = st.sampled_from([
    "invoiceItemID", "invoiceTax1ID", "invoiceTax2ID", "description", "quantity", "price", "discount", "id",
])


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from(INVOICES),
    top=st.lists(st.tuples(KEYS, VALUES), max_size=3),
    nested=st.lists(st.tuples(NESTED, VALUES), max_size=2),
    line=st.lists(st.tuples(LINE_KEYS, VALUES), max_size=2),
    drop=st.lists(KEYS, max_size=2),
)
def test_mutated_invoices_decode_the_same_both_ways(
    base: dict[str, Any], top: list[tuple[str, Any]], nested: list[tuple[tuple[str, str], Any]],
    line: list[tuple[str, Any]], drop: list[str],
) -> None:
    data = copy.deepcopy(base)
    for (outer, key), value in nested:
        if isinstance(data.get(outer), dict):
            data[outer][key] = copy.deepcopy(value)
    lines = data.get("invoiceLines")
    if isinstance(lines, list) and lines and isinstance(lines[0], dict):
        for key, value in line:
            lines[0][key] = copy.deepcopy(value)
    for key, value in top:
        data[key] = copy.deepcopy(value)
    for key in drop:
        data.pop(key, None)
    _same(_outcome(decode_invoice, data), _outcome(_reference, data))
