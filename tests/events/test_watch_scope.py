"""Where the watcher keeps its checkpoint: the client's state store, under a key of the account
(review findings 9 and 10)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import invoicekit
from invoicekit import Contact, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.events import EventKind
from invoicekit.state import FileStateStore, MemoryStateStore
from invoicekit.testing import OnlyOfficeSimulator


def draft(contact: Contact) -> InvoiceDraft:
    return InvoiceDraft(
        currency="USD", contact=contact, issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
        terms="Net 30", lines=[LineItem(name="Retainer", unit_price=Decimal(100))],
    )


def test_the_client_names_its_store_and_its_account(
    invoicekit_client: InvoiceClient, invoicekit_config: Mapping[str, Any]
) -> None:
    client = invoicekit_client
    assert client.state_store is None  # a static token, no setting: no store is needed
    if client.provider == "gohighlevel":
        assert client.account_key == f"gohighlevel/{invoicekit_config['location_id']}"
    else:
        host = invoicekit_config["base_url"].split("://", 1)[1].rstrip("/")
        prefix = f"onlyoffice/{host}/token-"
        assert client.account_key.startswith(prefix) and len(client.account_key) == len(prefix) + 16
        assert invoicekit_config["token"] not in client.account_key


async def test_an_onlyoffice_login_is_scoped_by_its_user(tmp_path: Path) -> None:
    simulator = OnlyOfficeSimulator(invoices=0)
    async with simulator.run() as url:
        config = simulator.client_config(url=url, login=True, state_store=f"file:{tmp_path / 'state.json'}")
        async with invoicekit.connect(config) as client:
            assert isinstance(client.state_store, FileStateStore)
            host = url.split("://", 1)[1]
            assert client.account_key == f"onlyoffice/{host}/{config['username'].lower()}"


async def test_watch_checkpoints_in_the_clients_store_so_a_new_client_resumes(
    invoicekit_config: Mapping[str, Any], invoicekit_contact: Contact, tmp_path: Path
) -> None:
    config = {**invoicekit_config, "state_store": f"file:{tmp_path / 'state.json'}"}
    async with invoicekit.connect(config) as client:
        assert [e async for e in client.watch(interval=0.5, polls=1)] == []  # the baseline
        made = await client.create(draft(invoicekit_contact))
    async with invoicekit.connect(config) as client:  # a new process, the same setting
        events = [e async for e in client.watch(interval=0.5, polls=1)]
        assert [(e.kind, e.invoice_id) for e in events] == [(EventKind.CREATED, made.id)]
        assert client.state_store is not None
        assert await client.state_store.get(f"invoicekit/watch/{client.account_key}") is not None


async def test_two_accounts_sharing_a_store_keep_their_own_checkpoints() -> None:
    store = MemoryStateStore()
    first, second = OnlyOfficeSimulator(invoices=3), OnlyOfficeSimulator(invoices=0)
    async with (
        first.run() as first_url, second.run() as second_url,
        invoicekit.connect(first.client_config(url=first_url, state_store=store)) as one,
        invoicekit.connect(second.client_config(url=second_url, state_store=store)) as two,
    ):
        assert one.account_key != two.account_key
        assert [e async for e in one.watch(interval=0.5, polls=1)] == []
        assert [e async for e in two.watch(interval=0.5, polls=1)] == []
        # Each resumes from its own baseline: nothing changed on either portal.
        assert [e async for e in one.watch(interval=0.5, polls=1)] == []
        assert [e async for e in two.watch(interval=0.5, polls=1)] == []
        made = await two.create(draft(OnlyOfficeSimulator.contacts[0]))
        events = [e async for e in two.watch(interval=0.5, polls=1)]
        assert [(e.kind, e.invoice_id) for e in events] == [(EventKind.CREATED, made.id)]
        assert [e async for e in one.watch(interval=0.5, polls=1)] == []


@pytest.mark.parametrize("value", ["mysql://localhost", "s3:bucket", 42])
def test_a_webhook_verifier_refuses_an_unknown_store_setting(value: Any) -> None:
    from invoicekit.events import WebhookVerifier

    with pytest.raises(invoicekit.ConfigError, match="state_store"):
        WebhookVerifier(state_store=value)


@pytest.mark.parametrize("spelling", ["memory:", "file:{tmp}/webhooks.json"])
async def test_a_webhook_verifier_takes_the_settings_spellings(spelling: str, tmp_path: Path) -> None:
    from invoicekit.testing.gohighlevel_sim.webhooks import WebhookSender

    from .conftest import DOC_INVOICE, NOW, body_of

    signer = WebhookSender(location_id="loc", company_id="co", app_id="app", clock=lambda: NOW)
    setting = spelling.format(tmp=tmp_path)
    body = body_of(DOC_INVOICE)
    first = signer.verifier(state_store=setting, clock=lambda: NOW)
    try:
        await first.verify_and_parse(signer.sign(body), body)
        with pytest.raises(invoicekit.InvoiceKitError, match="duplicate_delivery"):
            await first.verify_and_parse(signer.sign(body), body)
    finally:
        await first.aclose()
    if setting.startswith("file:"):  # another worker on the same file drops the same duplicate
        second = signer.verifier(state_store=setting, clock=lambda: NOW)
        try:
            with pytest.raises(invoicekit.InvoiceKitError, match="duplicate_delivery"):
                await second.verify_and_parse(signer.sign(body), body)
        finally:
            await second.aclose()
