"""Observability: structured log fields, request/response hooks, OpenTelemetry spans (one per
request the library makes, one CLIENT span per attempt with HTTP semantic-convention attributes)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import invoicekit
from invoicekit.observe import Attempt, path_template
from invoicekit.testing import GoHighLevelSimulator


def config(sim: GoHighLevelSimulator, url: str) -> dict[str, Any]:
    return sim.client_config(url=url, max_retries=2, backoff_base=0.001, backoff_cap=0.001)


def test_path_templates_hide_ids() -> None:
    assert path_template("invoices/6578278e879ad2646715ba9c") == "invoices/{id}"
    assert path_template("invoices/6578278e879ad2646715ba9c/send") == "invoices/{id}/send"
    assert path_template("crm/invoice/12.json") == "crm/invoice/{id}.json"
    assert path_template("invoices/") == "invoices/"
    assert path_template("crm/invoice/filter.json") == "crm/invoice/filter.json"


async def test_hooks_see_every_attempt_and_a_failing_hook_breaks_nothing(caplog: pytest.LogCaptureFixture) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    invoice_id = next(iter(sim.store.invoices))
    seen: list[tuple[str, Attempt]] = []
    async with sim.run() as url, invoicekit.connect(config(sim, url)) as client:
        client.hooks.on_request(lambda attempt: seen.append(("request", attempt)))

        @client.hooks.on_response
        async def record(attempt: Attempt) -> None:
            seen.append(("response", attempt))

        @client.hooks.on_response
        def broken(attempt: Attempt) -> None:
            raise RuntimeError("a bug in the user's hook")

        sim.faults.fail_next(503, path="/invoices/*")
        invoice = await client.get(invoice_id)
        # A with_options view shares the hooks.
        assert client.with_options(timeout=5).hooks is client.hooks
    assert invoice.id == invoice_id
    assert [(kind, a.attempt, a.status) for kind, a in seen] == [
        ("request", 1, None), ("response", 1, 503), ("request", 2, None), ("response", 2, 200)]
    first = seen[1][1]
    assert (first.provider, first.method, first.path_template) == ("gohighlevel", "GET", "invoices/{id}")
    assert first.url == f"{url.rstrip('/')}/invoices/{invoice_id}" and first.elapsed is not None
    assert any("hook 'broken' failed" in r.getMessage() for r in caplog.records)


async def test_log_records_carry_structured_fields(caplog: pytest.LogCaptureFixture) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    invoice_id = next(iter(sim.store.invoices))
    caplog.set_level(logging.DEBUG, logger="invoicekit")
    async with sim.run() as url, invoicekit.connect(config(sim, url)) as client:
        sim.faults.fail_next(503, path="/invoices/*")
        await client.get(invoice_id)
    answers = [r for r in caplog.records if getattr(r, "status", None) is not None]
    assert [(r.status, r.attempt) for r in answers] == [(503, 1), (200, 2)]  # type: ignore[attr-defined]
    failed = answers[0]
    assert failed.provider == "gohighlevel" and failed.method == "GET"  # type: ignore[attr-defined]
    assert failed.path_template == "invoices/{id}" and failed.elapsed > 0  # type: ignore[attr-defined]
    assert failed.request_id  # type: ignore[attr-defined]  # the simulator's traceId
    retry = next(r for r in caplog.records if hasattr(r, "retry_in"))
    assert retry.attempt == 1 and retry.operation == answers[0].operation  # type: ignore[attr-defined]


async def test_opentelemetry_spans_per_request_and_attempt(spans: InMemorySpanExporter) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    invoice_id = next(iter(sim.store.invoices))
    async with sim.run() as url, invoicekit.connect(config(sim, url)) as client:
        sim.faults.fail_next(503, path="/invoices/*")
        await client.get(invoice_id)
    finished = spans.get_finished_spans()
    attempts = [s for s in finished if s.kind == trace.SpanKind.CLIENT]
    operations = [s for s in finished if s.kind == trace.SpanKind.INTERNAL]
    assert len(operations) == 1 and operations[0].name.startswith("gohighlevel ")
    assert [s.attributes["http.response.status_code"] for s in attempts] == [503, 200]  # type: ignore[index]
    assert all(s.parent is not None and s.parent.span_id == operations[0].context.span_id for s in attempts)
    first, second = attempts
    assert first.attributes is not None and second.attributes is not None
    assert first.attributes["http.request.method"] == "GET" and first.attributes["server.address"] == "127.0.0.1"
    assert first.attributes["url.full"] == f"{url.rstrip('/')}/invoices/{invoice_id}"
    assert first.attributes["error.type"] == "503" and "http.request.resend_count" not in first.attributes
    assert second.attributes["http.request.resend_count"] == 1
    assert isinstance(first.attributes["server.port"], int)
