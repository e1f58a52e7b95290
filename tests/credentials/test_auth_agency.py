"""``invoicekit auth status`` and ``auth forget`` on a GoHighLevel agency (company) profile,
in-process against the agency simulator: the agency's tokens are found under the company's key,
the location tokens minted from them are shown and forgotten with them, and no secret is shown."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

import invoicekit.cli.auth
from invoicekit.config import load_config, parse_settings
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.gohighlevel.agency import LocationToken, location_token_key
from invoicekit.gohighlevel.auth import oauth_key
from invoicekit.secret import Secret
from invoicekit.state import FileStateStore, MemoryStateStore, StateStore
from invoicekit.testing.gohighlevel_sim.agency import GoHighLevelAgencySimulator

from .conftest import StoreView, assert_no_secret, ghl_secrets
from .test_auth_cli import cli

#: A location of the same app whose token another agency grant minted (another chain).
FOREIGN_LOCATION = "Fq3wE8rT1yU6iO9pA2sD"
FOREIGN_TOKEN = "foreign-location-access-token-Zr81"


def agency_secrets(sim: GoHighLevelAgencySimulator) -> set[str]:
    """The agency's credentials and every location token it minted."""
    minted = {token for location in sim.locations.values() for token in location.access_tokens}
    return ghl_secrets(sim) | minted


def agency_profile(
    tmp_path: Path, sim: GoHighLevelAgencySimulator, url: str, state_store: str | None = None
) -> str:
    path = tmp_path / "agency.toml"
    path.write_text(
        f'provider = "gohighlevel"\nbase_url = "{url}"\nlocation_id = "{sim.location_id}"\n'
        f'user_type = "Company"\ncompany_id = "{sim.company_id}"\nclient_id = "{sim.client_id}"\n'
        f'client_secret = "{sim.client_secret}"\nrefresh_token = "{sim.refresh_token}"\n'
        f'allow_insecure_http = true\nmax_retries = 0\n'
        f'state_store = "{state_store or "file:" + str(tmp_path / "state.json")}"\n'
    )
    return str(path)


async def mint_both_locations(
    profile: str, sim: GoHighLevelAgencySimulator, *, store: StateStore | None = None
) -> None:
    """What a worker of the agency profile does: serve its own location and another one."""
    settings = parse_settings(load_config(profile))
    async with GoHighLevelClient(settings, state_store=store) as client:
        assert [invoice async for invoice in client.list()]
        assert [invoice async for invoice in client.for_location(other_location(sim)).list()]
    assert sim.minted == dict.fromkeys(sim.locations, 1)


def other_location(sim: GoHighLevelAgencySimulator) -> str:
    return list(sim.locations)[1]


async def store_foreign_token(store: StateStore, client_id: str) -> None:
    """A location token of the app minted under another agency grant, expired an hour ago."""
    past = datetime.now(UTC) - timedelta(hours=1)
    token = LocationToken(
        access_token=Secret(FOREIGN_TOKEN), expires_at=past, obtained_at=past - timedelta(days=1),
        location_id=FOREIGN_LOCATION, generation=3, chain="another-agency-chain",
    )
    await store.put(location_token_key(client_id, FOREIGN_LOCATION), token.to_record(), expected_version=None)


def by_key(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["key"]: entry for entry in entries}


@attrs.frozen
class AgencyRun:
    """A running agency simulator and a profile for it with a file state store."""

    sim: GoHighLevelAgencySimulator
    profile: str
    state: FileStateStore


@pytest.fixture
async def agency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AgencyRun]:
    monkeypatch.chdir(tmp_path)
    sim = GoHighLevelAgencySimulator(invoices=1)
    async with sim.run() as url:
        yield AgencyRun(sim, agency_profile(tmp_path, sim, url), FileStateStore(tmp_path / "state.json"))


async def test_status_finds_the_agency_tokens_under_the_company_key(
    agency: AgencyRun, capsys: pytest.CaptureFixture[str]
) -> None:
    sim, profile = agency.sim, agency.profile
    assert (await cli(capsys, "invoices", "--config", profile, "list"))[0] == 0  # refreshes, mints
    status, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
    report = json.loads(out)
    assert status == 0 and report["key"] == oauth_key(sim.client_id, sim.company_id)
    assert report["stored"] is True and report["generation"] == 1 and report["from_configured_seed"] is True
    assert f"company {sim.company_id}" in report["credentials"] and "agency" in report["credentials"]
    assert_no_secret([out], agency_secrets(sim))


async def test_forget_drops_the_agency_tokens_only_when_told_the_seed_is_spent(
    agency: AgencyRun, capsys: pytest.CaptureFixture[str]
) -> None:
    sim, profile = agency.sim, agency.profile
    assert (await cli(capsys, "invoices", "--config", profile, "list"))[0] == 0
    refused, said = await cli(capsys, "auth", "forget", "--config", profile)
    assert refused == 2 and "spent" in said and f"company {sim.company_id}" in said
    assert json.loads((await cli(capsys, "auth", "status", "--config", profile, "--json"))[1])["stored"] is True
    forced, report = await cli(capsys, "auth", "forget", "--config", profile, "--yes", "--json")
    assert forced == 0 and json.loads(report)["forgotten"] is True
    _, after = await cli(capsys, "auth", "status", "--config", profile, "--json")
    assert json.loads(after)["stored"] is False
    assert_no_secret([said, report, after], agency_secrets(sim))


async def test_status_shows_the_location_tokens_minted_from_the_agency_tokens(
    agency: AgencyRun, capsys: pytest.CaptureFixture[str]
) -> None:
    sim, profile = agency.sim, agency.profile
    own, other = sim.location_id, other_location(sim)
    await mint_both_locations(profile, sim)
    await store_foreign_token(agency.state, sim.client_id)
    status, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
    _, text = await cli(capsys, "auth", "status", "--config", profile)
    report = json.loads(out)
    assert status == 0 and report["stored"] is True and report["minted_listed"] is True
    assert report["minted"] == f"location tokens minted from the tokens of company {sim.company_id}"
    minted = report["minted_credentials"]
    keys = [location_token_key(sim.client_id, location) for location in (own, FOREIGN_LOCATION, other)]
    assert [entry["key"] for entry in minted] == [keys[0], *sorted(keys[1:])]  # the profile's own first
    for location in (own, other):
        entry = by_key(minted)[location_token_key(sim.client_id, location)]
        assert entry["credentials"] == f"location token of location {location} (app {sim.client_id})"
        assert entry["stored"] is True and entry["generation"] == 1 and entry["expired"] is False
        assert datetime.fromisoformat(entry["expires_at"]) > datetime.now(UTC)
        assert entry["from_configured_seed"] is True and entry["from_stored_chain"] is True
    foreign = by_key(minted)[keys[1]]
    assert foreign["stored"] is True and foreign["expired"] is True and foreign["generation"] == 3
    assert foreign["from_configured_seed"] is False and foreign["from_stored_chain"] is False
    # The text form says the same, one block per location token.
    assert f"- location token of location {other} (app {sim.client_id})" in text
    assert "minted credentials: 3" in text and "from stored chain" in text and keys[2] in text
    assert_no_secret([out, text], agency_secrets(sim) | {FOREIGN_TOKEN})


async def test_forget_drops_the_agency_tokens_and_the_location_tokens_minted_from_them(
    agency: AgencyRun, capsys: pytest.CaptureFixture[str]
) -> None:
    sim, profile = agency.sim, agency.profile
    own, other = sim.location_id, other_location(sim)
    state = agency.state
    await mint_both_locations(profile, sim)
    await store_foreign_token(state, sim.client_id)
    refused, said = await cli(capsys, "auth", "forget", "--config", profile)
    assert refused == 2 and "spent" in said
    # Refused: nothing at all was dropped, the location tokens neither.
    assert await state.list_keys(f"gohighlevel/{sim.client_id}/") == sorted([
        oauth_key(sim.client_id, sim.company_id),
        *(location_token_key(sim.client_id, location) for location in (own, other, FOREIGN_LOCATION)),
    ])
    forced, out = await cli(capsys, "auth", "forget", "--config", profile, "--yes", "--json")
    _, after = await cli(capsys, "auth", "status", "--config", profile, "--json")
    report = json.loads(out)
    assert forced == 0 and report["forgotten"] is True
    assert [entry["key"] for entry in report["minted_forgotten"]] == [
        location_token_key(sim.client_id, own), location_token_key(sim.client_id, other)]
    assert [entry["key"] for entry in report["minted_kept"]] == [location_token_key(sim.client_id, FOREIGN_LOCATION)]
    status = json.loads(after)
    assert status["stored"] is False
    assert [(entry["key"], entry["stored"]) for entry in status["minted_credentials"]] == [
        (location_token_key(sim.client_id, own), False), (location_token_key(sim.client_id, FOREIGN_LOCATION), True)]
    assert_no_secret([said, out, after], agency_secrets(sim) | {FOREIGN_TOKEN})


async def test_a_store_that_cannot_list_keys_shows_the_profile_location_only(
    agency: AgencyRun, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, profile = agency.sim, agency.profile
    backend = MemoryStateStore()
    # A third-party store (a database table, say) that has no key listing.
    monkeypatch.setattr(
        invoicekit.cli.auth, "open_state_store", lambda setting, needs_state: (StoreView(backend), False)
    )
    await mint_both_locations(profile, sim, store=backend)
    status, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
    forced, forgot = await cli(capsys, "auth", "forget", "--config", profile, "--yes", "--json")
    report = json.loads(out)
    assert status == 0 and report["stored"] is True and report["minted_listed"] is False
    assert "cannot list its keys" in report["minted_note"]
    assert [(entry["key"], entry["from_stored_chain"]) for entry in report["minted_credentials"]] == [
        (location_token_key(sim.client_id, sim.location_id), True)]
    assert forced == 0 and [entry["key"] for entry in json.loads(forgot)["minted_forgotten"]] == [
        location_token_key(sim.client_id, sim.location_id)]
    assert await backend.list_keys("") == [location_token_key(sim.client_id, other_location(sim))]  # not named: kept
    assert_no_secret([out, forgot], agency_secrets(sim))
