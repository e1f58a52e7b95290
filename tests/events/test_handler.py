"""End to end: a service's aiohttp app receives the GoHighLevel simulator's signed webhooks."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict

from invoicekit import Contact, InvoiceChanges, InvoiceClient, InvoiceDraft, LineItem, Payment
from invoicekit.events import EventKind, InvoiceEvent, WebhookEvent, webhook_handler
from invoicekit.state import MemoryStateStore, StateStoreError
from invoicekit.testing import GoHighLevelSimulator
from invoicekit.testing.gohighlevel_sim.store import GhlStore
from invoicekit.testing.gohighlevel_sim.webhooks import WebhookSender, webhook_payload

from .conftest import DOC_INVOICE, NOW, body_of, serve


def draft(contact: Contact, amount: str = "100.00") -> InvoiceDraft:
    # Named: a nameless draft is named after its number by an update right after the create,
    # one more webhook than the sequences below expect.
    return InvoiceDraft(
        currency="USD", contact=contact, name="Retainer", issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
        lines=[LineItem(name="Retainer", quantity=Decimal(1), unit_price=Decimal(amount))],
    )


def billing_service(seen: list[WebhookEvent], webhooks: WebhookSender) -> web.Application:
    """The service under test: one route, the ready handler, a callback that records."""

    async def on_event(event: WebhookEvent) -> None:
        seen.append(event)

    app = web.Application()
    app.router.add_post("/hooks/gohighlevel", webhook_handler(on_event, verifier=webhooks.verifier()))
    return app


async def test_the_callback_sees_every_state_change_in_order(
    gohighlevel_client: InvoiceClient, gohighlevel_webhooks: WebhookSender, gohighlevel_contact: Contact
) -> None:
    seen: list[WebhookEvent] = []
    async with serve(billing_service(seen, gohighlevel_webhooks)) as url:
        gohighlevel_webhooks.register(url + "/hooks/gohighlevel")
        invoice = await gohighlevel_client.create(draft(gohighlevel_contact))
        await gohighlevel_client.send(invoice.id)
        await gohighlevel_client.record_payment(invoice.id, Payment(amount=Decimal("40")))
        await gohighlevel_client.record_payment(invoice.id, Payment())
        await gohighlevel_client.void(invoice.id)
        scratch = await gohighlevel_client.create(draft(gohighlevel_contact, "5.00"))
        await gohighlevel_client.update(scratch.id, InvoiceChanges(name="Scratch"))
        await gohighlevel_client.delete(scratch.id)

    assert all(isinstance(e, InvoiceEvent) for e in seen)
    events = [e for e in seen if isinstance(e, InvoiceEvent)]
    assert [(e.kind, e.invoice_id) for e in events] == [
        (EventKind.CREATED, invoice.id), (EventKind.SENT, invoice.id), (EventKind.PARTIALLY_PAID, invoice.id),
        (EventKind.PAID, invoice.id), (EventKind.VOIDED, invoice.id), (EventKind.CREATED, scratch.id),
        (EventKind.UPDATED, scratch.id), (EventKind.DELETED, scratch.id),
    ]
    partial = events[2].invoice
    assert partial is not None and partial.amount_paid == Decimal("40") and partial.amount_due == Decimal("60")
    assert events[6].invoice is not None and events[6].invoice.name == "Scratch"
    assert events[7].invoice is None and events[7].raw["status"] == "delete"
    assert len({e.delivery_id for e in events}) == len(events)
    assert [d.status for d in gohighlevel_webhooks.deliveries] == [200] * len(events)
    # Payloads have the documented shape: the business address is one string, items are trimmed.
    first = events[0].raw
    assert first["type"] == "InvoiceCreate" and first["altType"] == "location"
    assert first["locationId"] == gohighlevel_webhooks.location_id
    assert set(first["invoiceItems"][0]) <= {"taxes", "_id", "productId", "priceId", "currency", "name", "qty",
                                             "amount"}
    assert set(first["totalSummary"]) == {"subTotal", "discount"}


def test_the_payload_has_the_documented_shape() -> None:
    wire = {
        "_id": "i1", "status": "sent", "sentTo": {"email": ["a@example.com"]}, "companyId": "c1",
        "businessDetails": GhlStore.business_details(), "termsNotes": "net 30",
        "invoiceItems": [{"_id": "l1", "name": "Retainer", "qty": 1, "amount": 5, "currency": "USD", "taxes": [],
                          "description": "not in the webhook schema", "type": "one_time"}],
        "totalSummary": {"subTotal": 5, "discount": 0, "tax": 0},
    }
    payload = webhook_payload("InvoiceSent", wire, location_id="loc", timestamp="t", webhook_id="w")
    assert payload["businessDetails"]["address"] == "9931 Beechwood, Houston, TX, 77001, US"  # one string
    assert payload["invoiceItems"] == [{"taxes": [], "_id": "l1", "currency": "USD", "name": "Retainer", "qty": 1,
                                        "amount": 5}]
    assert payload["totalSummary"] == {"subTotal": 5, "discount": 0}
    assert "sentTo" not in payload and "companyId" not in payload and "termsNotes" not in payload
    assert (payload["type"], payload["locationId"], payload["timestamp"], payload["webhookId"]) == (
        "InvoiceSent", "loc", "t", "w")
    deleted = webhook_payload("InvoiceDelete", wire, location_id="loc", timestamp="t", webhook_id="w")
    assert deleted["status"] == "delete"


async def test_a_failed_callback_answers_429_and_the_retry_is_accepted(
    gohighlevel_simulator: GoHighLevelSimulator, gohighlevel_client: InvoiceClient,
    gohighlevel_webhooks: WebhookSender, gohighlevel_contact: Contact,
) -> None:
    seen: list[WebhookEvent] = []
    failures = [RuntimeError("database down")]

    async def flaky(event: WebhookEvent) -> None:
        if failures:
            raise failures.pop()
        seen.append(event)

    app = web.Application()
    app.router.add_post("/hook", webhook_handler(flaky, verifier=gohighlevel_webhooks.verifier()))
    async with serve(app) as url:
        gohighlevel_webhooks.register(url + "/hook")
        invoice = await gohighlevel_client.create(draft(gohighlevel_contact))
        await gohighlevel_webhooks.settle()

    attempts = [(d.attempt, d.status) for d in gohighlevel_webhooks.deliveries]
    assert attempts == [(1, 429), (2, 200)]  # GoHighLevel retries only a 429
    assert gohighlevel_webhooks.deliveries[0].body == gohighlevel_webhooks.deliveries[1].body
    assert [(e.kind, getattr(e, "invoice_id", None)) for e in seen] == [(EventKind.CREATED, invoice.id)]


async def test_refusals_get_final_statuses(gohighlevel_webhooks: WebhookSender) -> None:
    seen: list[WebhookEvent] = []
    async with serve(billing_service(seen, gohighlevel_webhooks)) as url, aiohttp.ClientSession() as session:
        target = url + "/hooks/gohighlevel"
        body = body_of({**DOC_INVOICE, "timestamp": gohighlevel_webhooks._stamp()})
        headers = gohighlevel_webhooks.sign(body)
        answers = []
        for sent_body, sent_headers in [
            (body, {}),  # unsigned
            (body.replace(b"999", b"998", 1), headers),  # tampered
            (b"[]", gohighlevel_webhooks.sign(b"[]")),  # signed, but no payload
            (body, headers),  # fine
            (body, headers),  # the same delivery again
        ]:
            async with session.post(target, data=sent_body, headers=sent_headers) as answer:
                answers.append((answer.status, (await answer.json()).get("error")))
    assert answers == [
        (401, "missing_signature"), (401, "bad_signature"), (400, "malformed_payload"), (200, None),
        (200, "duplicate_delivery"),
    ]
    assert len(seen) == 1


async def test_app_install_and_uninstall_reach_the_callback(gohighlevel_webhooks: WebhookSender) -> None:
    seen: list[WebhookEvent] = []
    async with serve(billing_service(seen, gohighlevel_webhooks)) as url:
        gohighlevel_webhooks.register(url + "/hooks/gohighlevel")
        await gohighlevel_webhooks.app_install()
        await gohighlevel_webhooks.app_uninstall()
    install, uninstall = seen
    assert type(install).__name__ == "AppInstall" and type(uninstall).__name__ == "AppUninstall"
    assert install.location_id == uninstall.location_id == gohighlevel_webhooks.location_id  # type: ignore[union-attr]
    assert install.app_id == "sim"  # type: ignore[union-attr]


async def test_the_simulator_gives_up_after_six_retries_like_gohighlevel(
    gohighlevel_client: InvoiceClient, gohighlevel_webhooks: WebhookSender, gohighlevel_contact: Contact
) -> None:
    async def always_failing(event: WebhookEvent) -> None:
        raise RuntimeError("still down")

    app = web.Application()
    app.router.add_post("/hook", webhook_handler(always_failing, verifier=gohighlevel_webhooks.verifier()))
    gohighlevel_webhooks.retry_interval = 0.01
    async with serve(app) as url:
        gohighlevel_webhooks.register(url + "/hook")
        await gohighlevel_client.create(draft(gohighlevel_contact))
        await gohighlevel_webhooks.settle()
    deliveries = gohighlevel_webhooks.deliveries
    assert [(d.attempt, d.status) for d in deliveries] == [(n, 429) for n in range(1, 8)]
    assert len({d.webhook_id for d in deliveries}) == 1


class Request:
    """What the handler reads of an aiohttp request: its headers and raw body."""

    def __init__(self, body: bytes, headers: dict[str, str]) -> None:
        self.headers = CIMultiDict(headers)
        self._body = body

    async def read(self) -> bytes:
        return self._body


class FlakyStore(MemoryStateStore):
    """A shared store that is down for its first ``outages`` claims."""

    def __init__(self, outages: int) -> None:
        super().__init__()
        self.outages = outages

    async def add_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        if self.outages:
            self.outages -= 1
            raise StateStoreError("the shared store is unreachable")
        return await super().add_if_absent(key, value, ttl=ttl)


async def answer(handle: Any, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    response = await handle(Request(body, headers))
    assert response.body is not None
    return response.status, json.loads(response.body)


async def test_a_store_outage_answers_429_so_that_the_delivery_comes_again(signer: WebhookSender) -> None:
    seen: list[WebhookEvent] = []

    async def record(event: WebhookEvent) -> None:
        seen.append(event)

    handle = webhook_handler(record, verifier=signer.verifier(clock=lambda: NOW, state_store=FlakyStore(outages=1)))
    body = body_of(DOC_INVOICE)
    status, data = await answer(handle, body, signer.sign(body))
    assert (status, data["error"], seen) == (429, "store_unavailable", [])
    status, data = await answer(handle, body, signer.sign(body))  # GoHighLevel's retry, the store is back
    assert (status, data.get("ok")) == (200, True) and len(seen) == 1


async def test_a_cancelled_callback_releases_its_claim(signer: WebhookSender) -> None:
    started, seen = asyncio.Event(), []

    async def stuck(event: WebhookEvent) -> None:
        started.set()
        await asyncio.Event().wait()  # until cancelled

    async def record(event: WebhookEvent) -> None:
        seen.append(event)

    verifier = signer.verifier(clock=lambda: NOW)
    body = body_of(DOC_INVOICE)
    handling = asyncio.ensure_future(webhook_handler(stuck, verifier=verifier)(Request(body, signer.sign(body))))
    await asyncio.wait_for(started.wait(), timeout=5)
    handling.cancel()
    with pytest.raises(asyncio.CancelledError):
        await handling
    status, data = await answer(webhook_handler(record, verifier=verifier), body, signer.sign(body))
    assert (status, data.get("ok")) == (200, True) and len(seen) == 1  # not a duplicate: it was never handled


async def test_a_delivery_for_another_location_is_a_final_403(signer: WebhookSender) -> None:
    seen: list[WebhookEvent] = []

    async def record(event: WebhookEvent) -> None:
        seen.append(event)

    handle = webhook_handler(record, verifier=signer.verifier(clock=lambda: NOW, location_ids=["mine"]))
    body = body_of(DOC_INVOICE)
    status, data = await answer(handle, body, signer.sign(body))
    assert (status, data["error"], seen) == (403, "foreign_location", [])


async def test_an_ed25519_delivery_without_a_configured_key_answers_429(signer: WebhookSender) -> None:
    from invoicekit.events import WebhookVerifier

    async def record(event: WebhookEvent) -> None:
        raise AssertionError("not verified, not handled")

    handle = webhook_handler(record, verifier=WebhookVerifier(clock=lambda: NOW))
    body = body_of(DOC_INVOICE)
    headers = {"x-ghl-signature": signer.sign(body)["x-ghl-signature"]}
    status, data = await answer(handle, body, headers)
    assert (status, data["error"]) == (429, "key_not_configured")  # retried while the key is added
