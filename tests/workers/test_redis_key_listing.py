"""Listing the keys of the Redis state store: ``SCAN`` with ``MATCH`` under the store's prefix,
glob characters taken literally, leases left out; ``auth status`` and ``auth forget`` of an agency
profile find every location token in it, and a ``forget`` stopped half-way is finished by a retry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis.asyncio

import invoicekit.cli.auth
from invoicekit.gohighlevel.agency import location_token_key
from invoicekit.state import KeyListingStateStore
from invoicekit.state.redis import RedisStateStore
from invoicekit.testing.gohighlevel_sim.agency import GoHighLevelAgencySimulator
from tests.credentials.conftest import assert_no_secret
from tests.credentials.test_auth_agency import agency_profile, agency_secrets, mint_both_locations
from tests.credentials.test_auth_agency_forget import AGENCY_KEY, OLD, OTHER, SECRETS, minted_key, seed, write_profile
from tests.credentials.test_auth_cli import cli


async def test_redis_lists_the_keys_under_a_prefix(redis_url: str) -> None:
    client = redis.asyncio.Redis.from_url(redis_url)
    await client.config_resetstat()  # other tests of the session may have sent KEYS
    store = RedisStateStore(redis_url)
    neighbour = RedisStateStore(redis_url, prefix="other:")
    try:
        assert isinstance(store, KeyListingStateStore)
        for n in range(1, 1201):  # more than one SCAN batch
            await store.put(f"gohighlevel/app-1/loc-{n:04}/location-token", b"{}", expected_version=None)
        await store.put("gohighlevel/app-1/company-1/oauth", b"{}", expected_version=None)
        await store.put("gohighlevel/app-*/loc-9/location-token", b"{}", expected_version=None)
        await store.put("gohighlevel/app-12/loc-1/location-token", b"{}", expected_version=None)
        await neighbour.put("gohighlevel/app-1/loc-x/location-token", b"{}", expected_version=None)
        async with store.lease("gohighlevel/app-1/company-1/oauth", ttl=5):
            listed = await store.list_keys("gohighlevel/app-1/")
            everything = await store.list_keys("")
        assert listed == sorted(
            ["gohighlevel/app-1/company-1/oauth"]
            + [f"gohighlevel/app-1/loc-{n:04}/location-token" for n in range(1, 1201)]
        )
        assert await store.list_keys("gohighlevel/app-*/") == ["gohighlevel/app-*/loc-9/location-token"]
        assert not [key for key in everything if key.startswith("lease:")]  # a lease is no record
        assert len(everything) == 1203
        # Never KEYS: the server's command statistics show SCAN calls only.
        stats = await client.info("commandstats")
        assert "cmdstat_scan" in stats and "cmdstat_keys" not in stats
    finally:
        await store.aclose()
        await neighbour.aclose()
        await client.aclose()


async def test_auth_status_lists_an_agency_s_location_tokens_in_redis(
    redis_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # A grant of its own: other tests of this session ran the same agency against the same Redis
    # URL, and a credential slot of theirs may still be alive in this process until it is
    # collected (with the default refresh token it would be this grant's chain, rotated by
    # another simulator).
    sim = GoHighLevelAgencySimulator(invoices=1, refresh_token="ghl-agency-refresh-token-key-listing")
    async with sim.run() as url:
        profile = agency_profile(tmp_path, sim, url, state_store=redis_url)
        await mint_both_locations(profile, sim)
        status, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
        forced, forgot = await cli(capsys, "auth", "forget", "--config", profile, "--yes", "--json")
    report = json.loads(out)
    expected = [location_token_key(sim.client_id, location) for location in sim.locations]
    assert status == 0 and report["store"].startswith("Redis redis://127.0.0.1") and report["minted_listed"] is True
    assert [(e["key"], e["stored"], e["from_stored_chain"]) for e in report["minted_credentials"]] == [
        (key, True, True) for key in expected]
    assert forced == 0 and [e["key"] for e in json.loads(forgot)["minted_forgotten"]] == expected
    store = RedisStateStore(redis_url)
    try:
        assert await store.list_keys("") == []  # the agency's tokens and both location tokens are gone
    finally:
        await store.aclose()
    assert_no_secret([out, forgot], agency_secrets(sim))


async def test_a_forget_stopped_half_way_in_redis_is_finished_by_a_retry(
    redis_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invoicekit.cli.auth, "_FORGET_LEASE_WAIT", 0.2)
    profile = write_profile(tmp_path, state_store=redis_url)
    store, worker = RedisStateStore(redis_url), RedisStateStore(redis_url)
    try:
        await seed(store, chain=OLD)  # re-authorised: only the stored record knows the old chain
        async with worker.lease(minted_key(OTHER), ttl=5):  # a worker minting that location's token
            stopped, said = await cli(capsys, "auth", "forget", "--config", profile, "--json")
        assert stopped == 1 and "lease" in said
        assert await store.list_keys("") == [AGENCY_KEY, minted_key(OTHER)]  # the chain is still named
        finished, report = await cli(capsys, "auth", "forget", "--config", profile, "--json")
        assert finished == 0 and [e["key"] for e in json.loads(report)["minted_forgotten"]] == [minted_key(OTHER)]
        assert await store.list_keys("") == []
    finally:
        await store.aclose()
        await worker.aclose()
    assert_no_secret([said, report], SECRETS)
