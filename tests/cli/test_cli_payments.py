"""``invoicekit invoices record-payment`` and ``generate-number`` on both simulators: what went
over the wire, what the provider stored, and the usual error for a provider without the operation."""

from __future__ import annotations

import json
from decimal import Decimal

from invoicekit import connect

from .conftest import InvokeCli, RunCli, Served, ghl_settings, onlyoffice_settings
from .test_cli_errors import failed
from .test_cli_invoices import ok


def _sent_ghl_invoice(served: Served) -> str:
    return next(i.id for i in served.ghl.store.invoices.values() if i.status == "sent" and i.amount_due > 100)


async def test_record_payment_goes_over_the_wire_as_given(served: Served, invoke: InvokeCli) -> None:
    invoice_id = _sent_ghl_invoice(served)
    stored = served.ghl.store.invoices[invoice_id]
    due_before = stored.amount_due
    result = ok(await invoke(
        "invoices", "record-payment", invoice_id, "--amount", "12.50", "--mode", "cash", "--date", "2025-03-05",
        "--note", "paid at the desk", "--config", str(served.config), "--profile", "ghl", "--json",
    ))
    shown = json.loads(result.out)
    assert shown["id"] == invoice_id and shown["status"] == "partially_paid"
    assert Decimal(shown["amount_due"]) == due_before - Decimal("12.50")
    request = served.ghl.requests[-1]
    assert (request.method, request.path) == ("POST", f"/invoices/{invoice_id}/record-payment")
    body = json.loads(request.body or b"")
    assert body["mode"] == "cash" and body["notes"] == "paid at the desk"
    assert Decimal(str(body["amount"])) == Decimal("12.50")
    assert body["fulfilledAt"] == "2025-03-05T12:00:00.000Z"  # a bare date is noon UTC
    assert stored.amount_due == due_before - Decimal("12.50")
    assert stored.payments[-1]["mode"] == "cash"

    # A timestamp with its offset goes as that instant; without --mode the payment is "other".
    ok(await invoke("invoices", "record-payment", invoice_id, "--amount", "1", "--date", "2025-03-05T23:30:00+02:00",
                    "--config", str(served.config), "--profile", "ghl"))
    body = json.loads(served.ghl.requests[-1].body or b"")
    assert body["fulfilledAt"] == "2025-03-05T21:30:00.000Z" and body["mode"] == "other"


async def test_record_payment_errors(served: Served, invoke: InvokeCli) -> None:
    cfg = ("--config", str(served.config))
    before = len(served.onlyoffice.requests)
    unsupported = await invoke("invoices", "record-payment", "1", "--amount", "5", *cfg)
    failed(unsupported, 6, "onlyoffice does not support 'record_payment'")
    assert len(served.onlyoffice.requests) == before  # refused before anything was sent

    invoice_id = _sent_ghl_invoice(served)
    ghl = (*cfg, "--profile", "ghl")
    before = len(served.ghl.requests)
    # The adapter's own check, before sending: an amount must be positive.
    failed(await invoke("invoices", "record-payment", invoice_id, "--amount", "0", *ghl), 3, "amount: must be greater")
    assert len(served.ghl.requests) == before
    # More than is due: known from the read the state check makes, so refused before the payment.
    failed(await invoke("invoices", "record-payment", invoice_id, "--amount", "999999", *ghl), 3,
           "amount: 999999 USD is more than the amount due")
    assert not [r for r in served.ghl.requests[before:] if r.path.endswith("/record-payment")]


async def test_generate_number_on_both_providers(served: Served, run_cli: RunCli) -> None:
    cfg = str(served.config)
    oo_text = ok(await run_cli("invoices", "generate-number", "--config", cfg))
    ghl_json = ok(await run_cli("invoices", "generate-number", "--config", cfg, "--profile", "ghl", "--json"))
    async with connect(onlyoffice_settings(served.onlyoffice_url)) as oo, connect(ghl_settings(served.ghl_url)) as ghl:
        assert oo_text.out == await oo.generate_number() + "\n" == "INV-0000013\n"
        assert json.loads(ghl_json.out) == {"number": await ghl.generate_number()}
    assert served.ghl.requests[-1].path == "/invoices/generate-invoice-number"


async def test_record_payment_as_subprocess(served: Served, run_cli: RunCli) -> None:
    invoice_id = _sent_ghl_invoice(served)
    due = served.ghl.store.invoices[invoice_id].amount_due
    result = ok(await run_cli("invoices", "record-payment", invoice_id, "--amount", str(due), "--mode", "card",
                              "--config", str(served.config), "--profile", "ghl"))
    assert any(line.split()[:2] == ["status", "paid"] for line in result.out.splitlines())
    assert served.ghl.store.invoices[invoice_id].status == "paid"
