"""``--dry-run`` on every write: the same checks as the real call (models, the adapter's own checks,
the reads it needs), then the first write request printed instead of sent. The simulators' request
logs and stores show that no write reached them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from .conftest import InvokeCli, RunCli, Served
from .test_cli_errors import failed
from .test_cli_invoices import DRAFT, ok

WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})


def writes(log: list[Any], since: int) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in log[since:] if r.method in WRITES and "authentication" not in r.path]


async def test_create_and_update_show_the_request_and_send_no_write(
    served: Served, invoke: InvokeCli, tmp_path: Path
) -> None:
    cfg = ("--config", str(served.config))
    draft = tmp_path / "draft.json"
    # A line named after a catalogue item the portal has: found by a read, nothing to create.
    line = {**DRAFT["lines"][0], "name": "Consulting hour"}
    draft.write_text(json.dumps({**DRAFT, "contact": {"id": 2}, "lines": [line]}))
    sim = served.onlyoffice
    count, since = len(sim.store.invoices), len(sim.requests)

    created = ok(await invoke("invoices", "create", "--file", str(draft), "--dry-run", "--json", *cfg))
    shown = json.loads(created.out)
    assert shown["dry_run"] is True
    request = shown["would_send"]
    assert request["method"] == "POST" and request["url"] == served.onlyoffice_url.rstrip("/") + (
        "/api/2.0/crm/invoice.json")
    # The body the real create sends, the portal's next number and the line's item included (read
    # for real: GETs).
    assert request["body"]["number"] == "INV-0000013" and request["body"]["currency"] == "USD"
    assert request["body"]["invoiceLines"][0]["invoiceItemID"] == 1
    assert [(r.method, r.path) for r in sim.requests[since:]] == [
        ("GET", "/api/2.0/crm/invoiceitem/filter.json"), ("GET", "/api/2.0/crm/invoice/sample.json")]
    assert len(sim.store.invoices) == count

    # Text output: the request line, then the body as indented JSON.
    text = ok(await invoke("invoices", "create", "--file", str(draft), "--dry-run", *cfg)).out
    first, *body = text.splitlines()
    assert first == f"dry run: nothing was sent; the first write would be POST {request['url']}"
    assert json.loads("\n".join(body)) == request["body"]

    # update reads the invoice, checks it, builds the whole body, and stops there.
    draft_id = next(i.id for i in sim.store.invoices.values() if i.status == 1)
    before = sim.store.invoices[draft_id].description
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"description": "changed by a dry run"}))
    updated = json.loads(ok(await invoke(
        "invoices", "update", str(draft_id), "--file", str(changes), "--dry-run", "--json", *cfg)).out)
    assert updated["would_send"]["method"] == "PUT"
    assert updated["would_send"]["url"].endswith(f"/api/2.0/crm/invoice/{draft_id}.json")
    assert updated["would_send"]["body"]["description"] == "changed by a dry run"
    assert sim.store.invoices[draft_id].description == before
    assert writes(sim.requests, since) == []


async def test_the_real_calls_checks_still_refuse(served: Served, invoke: InvokeCli, tmp_path: Path) -> None:
    cfg = ("--config", str(served.config))
    oo, ghl = served.onlyoffice, served.ghl
    oo_since, ghl_since = len(oo.requests), len(ghl.requests)
    # The model: the file is read exactly as for the real call.
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**DRAFT, "lines": [{"quantity": "lots"}]}))
    failed(await invoke("invoices", "create", "--file", str(bad), "--dry-run", *cfg), 3, "lines[0].quantity")
    # The neutral check before sending: the contact needs the provider's id.
    no_contact = tmp_path / "no-contact.json"
    no_contact.write_text(json.dumps(DRAFT))
    failed(await invoke("invoices", "create", "--file", str(no_contact), "--dry-run", *cfg, "--profile", "ghl"), 3,
           "contact.id", "contacts.ensure")
    # The adapter's own check before sending: GoHighLevel needs the contact's e-mail.
    no_email = tmp_path / "no-email.json"
    no_email.write_text(json.dumps({**DRAFT, "contact": {"id": "Ct9JaneCooper0000001", "name": "Jane Cooper"}}))
    failed(await invoke("invoices", "create", "--file", str(no_email), "--dry-run", *cfg, "--profile", "ghl"), 3,
           "contact.email", "required by GoHighLevel")
    # What reading the invoice tells: ONLYOFFICE only edits drafts.
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"terms": "Net 15"}))
    sent_id = next(str(i.id) for i in oo.store.invoices.values() if i.status == 2)
    failed(await invoke("invoices", "update", sent_id, "--file", str(changes), "--dry-run", *cfg), 4,
           "ONLYOFFICE only edits Draft invoices")
    failed(await invoke("invoices", "send", "999", "--dry-run", *cfg), 4, "HTTP 404")
    failed(await invoke("invoices", "void", "1", "--dry-run", *cfg), 6, "onlyoffice does not support 'void'")
    failed(await invoke("invoices", "record-payment", "1", "--amount", "5", "--dry-run", *cfg), 6,
           "does not support 'record_payment'")
    assert writes(oo.requests, oo_since) == [] and writes(ghl.requests, ghl_since) == []


async def test_status_moves_and_payments(served: Served, invoke: InvokeCli) -> None:
    cfg = ("--config", str(served.config))
    oo, ghl = served.onlyoffice, served.ghl
    oo_since, ghl_since = len(oo.requests), len(ghl.requests)
    ghl_sent = next(i for i in ghl.store.invoices.values() if i.status == "sent")
    due = ghl_sent.amount_due
    paid = json.loads(ok(await invoke(
        "invoices", "record-payment", ghl_sent.id, "--amount", "10.25", "--mode", "card", "--dry-run", "--json",
        *cfg, "--profile", "ghl")).out)["would_send"]
    assert paid["method"] == "POST" and paid["url"].endswith(f"/invoices/{ghl_sent.id}/record-payment")
    assert paid["body"]["mode"] == "card" and Decimal(str(paid["body"]["amount"])) == Decimal("10.25")
    assert ghl_sent.amount_due == due

    ghl_draft = next(i for i in ghl.store.invoices.values() if i.status == "draft")
    sent = json.loads(ok(await invoke(
        "invoices", "send", ghl_draft.id, "--dry-run", "--json", *cfg, "--profile", "ghl")).out)["would_send"]
    assert sent["url"].endswith(f"/invoices/{ghl_draft.id}/send") and ghl_draft.status == "draft"

    # ONLYOFFICE moves a draft to paid in two writes (through sent): the first is shown.
    oo_draft = next(i for i in oo.store.invoices.values() if i.status == 1)
    move = json.loads(ok(await invoke("invoices", "mark-paid", str(oo_draft.id), "--dry-run", "--json", *cfg)).out)
    assert move["would_send"]["method"] == "PUT" and move["would_send"]["url"].endswith("/crm/invoice/status/2.json")
    assert move["would_send"]["body"] == {"invoiceids": [oo_draft.id]} and oo_draft.status == 1
    # An invoice already paid needs no write: said so, with the invoice as it is.
    oo_paid = next(i for i in oo.store.invoices.values() if i.status == 4)
    nothing = ok(await invoke("invoices", "mark-paid", str(oo_paid.id), "--dry-run", *cfg)).out
    assert nothing.splitlines()[0] == "dry run: no write needed; the invoice as it is:"
    assert f"{oo_paid.id}" in nothing.splitlines()[1] and "paid" in nothing
    assert writes(oo.requests, oo_since) == [] and writes(ghl.requests, ghl_since) == []


async def test_dry_run_as_subprocess_with_the_xml_format(served: Served, run_cli: RunCli, tmp_path: Path) -> None:
    from .conftest import onlyoffice_settings, write_config

    config = write_config(tmp_path / "xml.toml", {"xml": onlyoffice_settings(served.onlyoffice_url,
                                                                              response_format="xml")})
    draft_id = next(i.id for i in served.onlyoffice.store.invoices.values() if i.status == 1)
    since = len(served.onlyoffice.requests)
    result = ok(await run_cli("invoices", "send", str(draft_id), "--dry-run", "--config", str(config)))
    first, *body = result.out.splitlines()
    assert first.endswith("would be PUT " + served.onlyoffice_url.rstrip("/") + "/api/2.0/crm/invoice/status/2.xml")
    assert "<invoiceids>" in "".join(body)  # the XML body the real call sends, as text
    assert writes(served.onlyoffice.requests, since) == []
