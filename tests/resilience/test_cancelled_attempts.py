"""A cancelled attempt is an attempt that ended: hooks and spans see it end.

``on_request``/``on_response`` hooks are the pair a metrics exporter counts requests in flight
with; before, an attempt cancelled by the caller (``task.cancel()``, ``asyncio.timeout``,
``wait_for``) got its ``on_request`` and never its ``on_response``, so such a gauge only grew
under timeouts, and its OpenTelemetry span ended without an error.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from invoicekit import InvoiceClient
from invoicekit.observe import Attempt
from invoicekit.testing import Simulator

pytestmark = [
    pytest.mark.invoicekit_onlyoffice(config={"max_retries": 0}, invoices=2),
    pytest.mark.invoicekit_gohighlevel(config={"max_retries": 0}, invoices=2),
]

STYLES = ["cancel", "timeout", "wait_for"]


async def _cancelled_get(client: InvoiceClient, invoice_id: Any, style: str, started: asyncio.Event) -> None:
    if style == "cancel":
        task = asyncio.create_task(client.get(invoice_id))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    elif style == "timeout":
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await client.get(invoice_id)
    else:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.get(invoice_id), 0.2)


@pytest.mark.parametrize("style", STYLES)
async def test_every_attempt_a_hook_saw_start_is_seen_to_end(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, style: str
) -> None:
    (invoice_id,) = [invoice.id async for invoice in invoicekit_client.list(limit=1)]
    await invoicekit_client.get(invoice_id)  # ONLYOFFICE names lines once: one request below
    started = asyncio.Event()
    requests: list[Attempt] = []
    responses: list[Attempt] = []

    @invoicekit_client.hooks.on_request
    def count_request(attempt: Attempt) -> None:
        requests.append(attempt)
        started.set()

    invoicekit_client.hooks.on_response(responses.append)
    invoicekit_simulator.faults.delay(2.0, method="GET")
    async with asyncio.timeout(5):
        await _cancelled_get(invoicekit_client, invoice_id, style, started)
    assert len(requests) == len(responses) == 1
    assert responses[0].error == "CancelledError" and responses[0].status is None
    assert responses[0].elapsed is not None


async def test_a_cancelled_attempt_span_ends_with_its_error(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, spans: InMemorySpanExporter
) -> None:
    (invoice_id,) = [invoice.id async for invoice in invoicekit_client.list(limit=1)]
    await invoicekit_client.get(invoice_id)
    spans.clear()
    invoicekit_simulator.faults.delay(2.0, method="GET")
    async with asyncio.timeout(5):
        await _cancelled_get(invoicekit_client, invoice_id, "timeout", asyncio.Event())
    (attempt,) = [s for s in spans.get_finished_spans() if s.kind == trace.SpanKind.CLIENT]
    assert attempt.attributes is not None and attempt.attributes["error.type"] == "CancelledError"
