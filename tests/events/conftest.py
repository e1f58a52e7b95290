"""Shared pieces of the events tests: the simulator's signer (keys made once per session),
a fixed clock, GoHighLevel's documented invoice payload, and a receiver app served on
127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from invoicekit.events import WebhookVerifier
from invoicekit.testing.gohighlevel_sim.webhooks import WebhookSender

NOW = datetime(2025, 1, 28, 14, 35, 30, tzinfo=UTC)
STAMP = "2025-01-28T14:35:00Z"  # 30 s before NOW

#: GoHighLevel's InvoiceCreate example (docs/webhook events/InvoiceCreate.md), with the
#: ``type``, ``locationId``, ``timestamp`` and ``webhookId`` a delivery carries.
DOC_INVOICE: dict[str, Any] = {
    "type": "InvoiceCreate",
    "locationId": "otg8dTQqGLh3Q6iQI55w",
    "_id": "6578278e879ad2646715ba9c",
    "status": "draft",
    "liveMode": False,
    "amountPaid": 0,
    "altId": "6578278e879ad2646715ba9c",
    "altType": "location",
    "name": "New Invoice",
    "businessDetails": {
        "name": "ABC Corp.", "address": "9931 Beechwood, TX", "phoneNo": "+1-214-559-6993",
        "website": "wwww.example.com", "logoUrl": "https://example.com/logo.png", "customValues": ["string"],
    },
    "invoiceNumber": "19",
    "currency": "USD",
    "contactDetails": {
        "id": "6578278e879ad2646715ba9c", "phoneNo": "+1-214-559-6993", "email": "alex@example.com",
        "customFields": ["string"], "name": "Alex",
        "address": {
            "countryCode": "US", "addressLine1": "9931 Beechwood", "addressLine2": "Beechwood",
            "city": "St. Houston", "state": "TX", "postalCode": "559-6993",
        },
        "additionalEmails": [{"email": "alex@example.com"}],
        "companyName": "ABC Corp.",
    },
    "issueDate": "2023-01-01",
    "dueDate": "2023-01-01",
    "discount": {"type": "percentage", "value": 10},
    "invoiceItems": [{
        "taxes": [], "_id": "c6tZZU0rJBf30ZXx9Gli", "productId": "c6tZZU0rJBf30ZXx9Gli",
        "priceId": "c6tZZU0rJBf30ZXx9Gli", "currency": "USD", "name": "Macbook Pro", "qty": 1, "amount": 999,
    }],
    "total": 999,
    "title": "INVOICE",
    "amountDue": 999,
    "createdAt": "2023-12-12T09:27:42.355Z",
    "updatedAt": "2023-12-12T09:27:42.355Z",
    "totalSummary": {"subTotal": 999, "discount": 0},
    "timestamp": STAMP,
    "webhookId": "abc123xyz",
}


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.fixture(scope="session")
def signer() -> WebhookSender:
    """The simulator's signing side, keys generated once for the whole run."""
    sender = WebhookSender(location_id="loc", company_id="co", app_id="app", clock=lambda: NOW)
    sender.ed25519_public_key  # noqa: B018 (generates the key pair now)
    return sender


@pytest.fixture(scope="session")
def other_signer() -> WebhookSender:
    """Another key pair: what a forger (or a rotated GoHighLevel key) signs with."""
    sender = WebhookSender(location_id="loc", company_id="co", app_id="app", clock=lambda: NOW)
    sender.ed25519_public_key  # noqa: B018
    return sender


@pytest.fixture
def verifier(signer: WebhookSender) -> WebhookVerifier:
    return signer.verifier(clock=lambda: NOW)


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1:<free port>; the base URL."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
