"""The GoHighLevel client against the GHL simulator over real HTTP on 127.0.0.1: lifecycle
rules, single-use refresh tokens under concurrency, rate limits."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import (
    BatchError,
    InvalidStateError,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    NotFoundError,
    RateLimitError,
)
from invoicekit.gohighlevel import GoHighLevelClient, GoHighLevelSettings, InvalidGrantError
from invoicekit.state import MemoryStateStore
from invoicekit.testing import GoHighLevelSimulator

LOCATION = "Jx9kP2mQ7rT4vW8yZ3aB"
DRAFT = InvoiceDraft(
    currency="USD", name="Simulated", contact=GoHighLevelSimulator.contacts[0],
    lines=[LineItem(name="Consulting", quantity=Decimal(3), unit_price=Decimal("99.90"))],
    issue_date=date(2025, 1, 10), due_date=date(2025, 2, 10),
)


def cfg(url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "provider": "ghl", "base_url": url, "location_id": LOCATION, "user_id": "Us3rK8dF5gH2jL9pZ4xC",
        "client_id": "sim-client-id-0001", "client_secret": "sim-client-secret",
        "refresh_token": "ghl-simulator-refresh-token", "max_retries": 0,
    }
    config.update(overrides)
    return config


async def test_lifecycle_rules_surface_as_typed_errors() -> None:
    sim = GoHighLevelSimulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(cfg(url)) as ghl:
        created = await ghl.create(DRAFT)
        assert created.status is InvoiceStatus.DRAFT and created.total == Decimal("299.70")
        with pytest.raises(InvalidStateError, match="void does not apply"):
            await ghl.void(created.id)  # refused before sending: void reads the invoice first
        sent = await ghl.send(created.id)
        with pytest.raises(InvalidStateError, match="draft to delete"):
            await ghl.delete(created.id)
        voided = await ghl.void(created.id)
        assert (sent.status, voided.status) == (InvoiceStatus.SENT, InvoiceStatus.VOID)
        other = await ghl.create(DRAFT)
        with pytest.raises(BatchError) as info:
            await ghl.delete_many([other.id, created.id, "6578278e879ad2646715ffff"])
        assert [i.id for i in info.value.succeeded] == [other.id]
        assert isinstance(info.value.failures[created.id], InvalidStateError)
        assert isinstance(info.value.failures["6578278e879ad2646715ffff"], NotFoundError)


async def test_expired_tokens_refresh_once_for_fifty_calls_with_single_use_refresh_tokens() -> None:
    sim = GoHighLevelSimulator(invoices=3, burst_limit=1000)  # 50 rejected + 50 retried calls
    store = MemoryStateStore()
    async with sim.run() as url:
        settings = GoHighLevelSettings.from_mapping(cfg(url))
        async with GoHighLevelClient(settings, state_store=store) as ghl:
            ids = [i.id async for i in ghl.list()]
            first = ghl._auth.tokens  # type: ignore[attr-defined]
            sim.expire_tokens()
            results = await asyncio.gather(*(ghl.get(ids[n % 3]) for n in range(50)))
            assert len(results) == 50
            second = ghl._auth.tokens  # type: ignore[attr-defined]
        assert sim.count("POST", "/oauth/token") == 2  # the first token, then one after the 401s
        assert first is not None and second is not None and first.refresh_token != second.refresh_token
        # the spent refresh token is refused, and says so (a store that does not hold the rotation)
        stale = invoicekit.connect({**cfg(url), "state_store": "memory:"})
        async with stale:
            with pytest.raises(InvalidGrantError):
                await stale.get(ids[0])
        # a client that reads the store starts from the rotated tokens: no refresh needed
        async with GoHighLevelClient(settings, state_store=store) as again:
            await again.get(ids[0])
        assert sim.count("POST", "/oauth/token") == 3


async def test_burst_limit_answers_rate_limit_errors_with_the_headers() -> None:
    sim = GoHighLevelSimulator(invoices=1, burst_limit=3, burst_interval=60)
    async with sim.run() as url, invoicekit.connect(cfg(url, token="ghl-simulator-access-token", client_id=None,
                                                        client_secret=None, refresh_token=None)) as ghl:
        assert isinstance(ghl, GoHighLevelClient)
        with pytest.raises(RateLimitError) as info:
            for _ in range(5):
                await ghl.generate_number()
        assert not info.value.daily_quota_exhausted
        assert info.value.retry_after == 60.0
        assert ghl.rate_limit is not None and ghl.rate_limit.remaining == 0 and ghl.rate_limit.limit == 3
