"""The decoder builds every neutral model through its public constructor, so a converter or a
validator a model gains later runs on every read: checked on every fixture and on mutated
invoices, and with a validator added on the fly."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit.models import Contact, Invoice, LineItem
from invoicekit.onlyoffice.decode import DECODE_ERRORS, decode_invoice
from invoicekit.onlyoffice.envelope import parse_envelope
from invoicekit.onlyoffice.wire import INVOICE_LISTS, STATUS_BATCH_LISTS

from .test_decode import response

MODELS = (Invoice, LineItem, Contact)


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
                 "filter_single", "status_paid", "sample", "invoice_deleted", "invoices_deleted")
    for ext in ("json", "xml")
]
INVOICES = [item for name in FIXTURE_NAMES for item in _items(name)]


@contextmanager
def public_inits() -> Iterator[set[int]]:
    """The ids of the model instances whose public ``__init__`` ran while inside."""
    seen: set[int] = set()
    originals = {cls: cls.__init__ for cls in MODELS}

    def recording(original: Any) -> Any:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            seen.add(id(self))

        return init

    try:
        for cls, original in originals.items():
            cls.__init__ = recording(original)  # type: ignore[misc]
        yield seen
    finally:
        for cls, original in originals.items():
            cls.__init__ = original  # type: ignore[misc]


def _models(invoice: Invoice) -> list[object]:
    found: list[object] = [invoice, *(invoice.lines or ())]
    if invoice.contact is not None:
        found.append(invoice.contact)
    return found


def _assert_built_publicly(data: Any) -> None:
    with public_inits() as seen:
        try:
            invoice = decode_invoice(data)
        except DECODE_ERRORS:
            return  # a refusal is fine: nothing was built around the constructors
    models = _models(invoice)
    assert all(type(model) in MODELS for model in models)
    bypassed = [type(model).__name__ for model in models if id(model) not in seen]
    assert not bypassed, f"built without the public constructor: {bypassed}"


def test_every_fixture_is_decoded_through_the_public_constructors() -> None:
    assert len(INVOICES) > 20
    assert any(_items(name) and _items(name)[0].get("invoiceLines") for name in FIXTURE_NAMES)
    for data in INVOICES:
        _assert_built_publicly(data)


def test_a_validator_added_to_a_model_runs_on_every_read() -> None:
    data = copy.deepcopy(_items("invoice_42.json")[0])
    data["invoiceLines"][0]["quantity"] = Decimal("1000001")
    original = LineItem.__init__

    def validating(self: LineItem, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.quantity > 1_000_000:
            raise ValueError("quantity beyond what a model now allows")

    decode_invoice(data)  # accepted today
    try:
        LineItem.__init__ = validating  # type: ignore[method-assign]
        with pytest.raises(ValueError, match="beyond what a model now allows"):
            decode_invoice(data)
    finally:
        LineItem.__init__ = original  # type: ignore[method-assign]


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


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from(INVOICES),
    top=st.lists(st.tuples(KEYS, VALUES), max_size=3),
    nested=st.lists(st.tuples(NESTED, VALUES), max_size=2),
    line=st.lists(st.tuples(LINE_KEYS, VALUES), max_size=2),
    drop=st.lists(KEYS, max_size=2),
)
def test_mutated_invoices_are_refused_or_built_publicly(
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
    _assert_built_publicly(data)
