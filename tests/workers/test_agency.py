"""Agency (company) installs: the agency's OAuth grant refreshed as ``user_type=Company``,
location tokens minted with ``/oauth/locationToken`` and kept in the state store, installed
locations listed, and one client serving two locations through ``for_location``."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl

import pytest
import redis.asyncio

import invoicekit
from invoicekit.config import parse_settings
from invoicekit.errors import ConfigError
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.testing.gohighlevel_sim.agency import GoHighLevelAgencySimulator


def agency_config(sim: GoHighLevelAgencySimulator, url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "provider": "gohighlevel", "base_url": url, "location_id": sim.location_id,
        "user_type": "Company", "company_id": sim.company_id,
        "client_id": sim.client_id, "client_secret": sim.client_secret, "refresh_token": sim.refresh_token,
        "allow_insecure_http": True, "max_retries": 0, "state_store": "memory:",
    }
    config.update(overrides)
    return config


def form_of(body: bytes | None) -> dict[str, str]:
    return dict(parse_qsl((body or b"").decode()))


async def test_one_client_serves_two_locations_through_minted_location_tokens(redis_url: str) -> None:
    sim = GoHighLevelAgencySimulator(invoices=2)
    first, second = sim.locations
    async with sim.run() as url, invoicekit.connect(agency_config(sim, url, state_store=redis_url)) as client:
        assert isinstance(client, GoHighLevelClient)
        installed = await client.installed_locations()
        other = client.for_location(second)
        mine = [invoice.id async for invoice in client.list()]
        theirs = [invoice.id async for invoice in other.list()]
        assert client.for_location(second) is not other  # a new view, the same location token keeper
        await client.for_location(second).get(theirs[0])
    assert [(loc.id, loc.name, loc.is_installed) for loc in installed] == [
        (first, "Location 1", True), (second, "Location 2", True)]
    assert sorted(mine) == sorted(sim.locations[first].store.invoices)
    assert sorted(theirs) == sorted(sim.locations[second].store.invoices)
    assert sim.refreshes == 1 and sim.minted == {first: 1, second: 1}
    # What went over the wire.
    token_call = next(r for r in sim.requests if r.path == "/oauth/token")
    assert form_of(token_call.body)["user_type"] == "Company"
    mints = [r for r in sim.requests if r.path == "/oauth/locationToken"]
    assert [form_of(r.body) for r in mints] == [
        {"companyId": sim.company_id, "locationId": first}, {"companyId": sim.company_id, "locationId": second}]
    assert all(r.headers["Version"] == "2021-07-28" and r.headers["Authorization"].startswith("Bearer ")
               for r in mints)
    listing = next(r for r in sim.requests if r.path == "/oauth/installedLocations")
    assert dict(listing.query)["appId"] == sim.client_id.split("-")[0]
    assert dict(listing.query)["companyId"] == sim.company_id
    invoice_calls = [r for r in sim.requests if r.path.startswith("/invoices")]
    assert {dict(r.query).get("altId") for r in invoice_calls} == {first, second}
    # The store holds the agency's tokens and one location token per location; no secret in a key.
    store = redis.asyncio.Redis.from_url(redis_url)
    try:
        keys = sorted(k.decode() for k in await store.keys("*"))
    finally:
        await store.aclose()
    assert keys == sorted([
        f"invoicekit:gohighlevel/{sim.client_id}/{sim.company_id}/oauth",
        f"invoicekit:gohighlevel/{sim.client_id}/{first}/location-token",
        f"invoicekit:gohighlevel/{sim.client_id}/{second}/location-token",
    ])


async def test_location_tokens_are_minted_again_when_they_expire_and_the_agency_token_refreshed() -> None:
    sim = GoHighLevelAgencySimulator(invoices=1, access_token_lifetime=1)
    first, second = sim.locations
    async with sim.run() as url, invoicekit.connect(agency_config(sim, url)) as client:
        other = client.for_location(second)
        for _ in range(3):
            await asyncio.gather(client.get(next(iter(sim.locations[first].store.invoices))),
                                 other.get(next(iter(sim.locations[second].store.invoices))))
            await asyncio.sleep(0.8)
    assert sim.minted[first] >= 2 and sim.minted[second] >= 2
    assert sim.refreshes >= 2  # the agency token (1 s as well) was refreshed to mint them
    assert len(sim.presented_refresh_tokens) == len(set(sim.presented_refresh_tokens))


async def test_a_company_token_does_not_open_a_location() -> None:
    sim = GoHighLevelAgencySimulator(invoices=1)
    async with sim.run() as url:
        config = {"provider": "gohighlevel", "base_url": url, "location_id": sim.location_id,
                  "token": sim.token, "allow_insecure_http": True, "max_retries": 0}
        async with invoicekit.connect(config) as client:
            with pytest.raises(invoicekit.AuthenticationError):
                await client.get("whatever")
            with pytest.raises(ConfigError, match="not an agency install"):
                client.for_location("Lc2vB7nM4qW9eR1tY6uI")


def test_company_settings_need_company_id_and_oauth() -> None:
    base = {"provider": "gohighlevel", "location_id": "loc", "client_id": "c", "client_secret": "s-123456",
            "refresh_token": "r-123456", "user_type": "Company"}
    with pytest.raises(ConfigError, match="company_id") as info:
        parse_settings(base)
    assert info.value.key == "company_id"
    with pytest.raises(ConfigError, match="user_type"):
        parse_settings({**base, "user_type": "Agency", "company_id": "co"})
    settings = parse_settings({**base, "user_type": "company", "company_id": "co"})
    assert (settings.user_type, settings.company_id) == ("Company", "co")
