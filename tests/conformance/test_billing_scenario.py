"""The billing-service scenario's own checks: a read-back that differs from the draft is named
field by field, and so is a difference between two harnesses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from invoicekit import InvoiceClient, InvoiceId
from invoicekit.models import Invoice
from invoicekit.testing.conformance import (
    BILLING_CUSTOMER,
    BillingRun,
    OnlyOfficeSimulatorHarness,
    billing_draft,
    compare_runs,
    run_billing_service,
)

TERMS = billing_draft(BILLING_CUSTOMER).terms


class LosingHarness(OnlyOfficeSimulatorHarness):
    """ONLYOFFICE whose client's ``get`` drops the first line's description and changes the
    terms: what a decoding bug would do to one read path only."""

    def connect(self, config: Mapping[str, Any]) -> InvoiceClient:
        client = super().connect(config)
        get = client.get

        async def losing_get(invoice_id: InvoiceId) -> Invoice:
            invoice = await get(invoice_id)
            first, *rest = invoice.lines or ()
            return attrs.evolve(invoice, terms="<p>Payable within 30 days.</p>",
                                lines=(attrs.evolve(first, description=None), *rest))  # fmt: skip

        client.get = losing_get  # type: ignore[method-assign]
        return client


async def test_a_read_back_that_differs_is_named_by_step_and_field() -> None:
    run = await run_billing_service(LosingHarness(response_format="xml"))

    found = set(run.mismatches)
    for step in ("get", "get paid"):
        assert (step, "lines[0].description: expected 'On-site workshop, March', got None") in found
        assert (step, f"terms: expected {TERMS!r}, got '<p>Payable within 30 days.</p>'") in found
    # The other reads are right: create, send and mark_paid answer with the invoice themselves.
    wrong = {step for step, problem in run.mismatches if "lines[0].description" in problem}
    assert wrong.isdisjoint({"create", "send", "mark paid"})
    # ONLYOFFICE has no record_payment: it was refused without a request, so no problem there.
    assert not [problem for step, problem in run.mismatches if step == "record payment"]
    assert f"terms: expected {TERMS!r}, got '<p>Payable within 30 days.</p>' (at get, " in run.report()


def _run(provider: str, **reads: Mapping[str, object]) -> BillingRun:
    return BillingRun(provider, reads, ())


def test_compare_runs_names_each_field_that_differs_once_with_its_steps() -> None:
    same = {"status": "sent", "terms": "Net 30", "lines[0].quantity": "3"}
    runs = {
        "A": _run("one", create={**same, "status": "draft"}, send=same, **{"record payment": same}),
        "B": _run("two", create={**same, "status": "draft", "terms": "<p>Net 30</p>"},
                  send={**same, "terms": "<p>Net 30</p>", "lines[0].quantity": "3.5"}),
        "C": _run("three", create={**same, "status": "draft", "extra": 1}),
    }  # fmt: skip

    assert compare_runs(runs) == [
        "A vs B: terms: 'Net 30' != '<p>Net 30</p>' (at create, send)",
        "A vs B: lines[0].quantity: '3' != '3.5' (at send)",
        # "record payment" is taken only by clients that record payments: not a difference.
        "A vs C: extra: '<absent>' != 1 (at create)",
        "A vs C: a step only one of them took (at send)",
    ]
    assert compare_runs({"A": runs["A"], "A again": runs["A"]}) == []
    assert compare_runs({}) == []
