"""``invoicekit auth status`` and ``auth forget`` on a GoHighLevel agency (company) profile,
in-process against the agency simulator: the agency's tokens are found under the company's key,
the location tokens minted from them are shown and forgotten with them, and no secret is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoicekit.gohighlevel.auth import oauth_key
from invoicekit.testing.gohighlevel_sim.agency import GoHighLevelAgencySimulator

from .conftest import assert_no_secret, ghl_secrets
from .test_auth_cli import cli


def agency_secrets(sim: GoHighLevelAgencySimulator) -> set[str]:
    """The agency's credentials and every location token it minted."""
    minted = {token for location in sim.locations.values() for token in location.access_tokens}
    return ghl_secrets(sim) | minted


def agency_profile(tmp_path: Path, sim: GoHighLevelAgencySimulator, url: str, state_store: str | None = None) -> str:
    path = tmp_path / "agency.toml"
    path.write_text(
        f'provider = "gohighlevel"\nbase_url = "{url}"\nlocation_id = "{sim.location_id}"\n'
        f'user_type = "Company"\ncompany_id = "{sim.company_id}"\nclient_id = "{sim.client_id}"\n'
        f'client_secret = "{sim.client_secret}"\nrefresh_token = "{sim.refresh_token}"\n'
        f'allow_insecure_http = true\nmax_retries = 0\n'
        f'state_store = "{state_store or "file:" + str(tmp_path / "state.json")}"\n'
    )
    return str(path)


async def test_status_finds_the_agency_tokens_under_the_company_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sim = GoHighLevelAgencySimulator(invoices=1)
    async with sim.run() as url:
        profile = agency_profile(tmp_path, sim, url)
        assert (await cli(capsys, "invoices", "--config", profile, "list"))[0] == 0  # refreshes, mints
        status, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
    report = json.loads(out)
    assert status == 0 and report["key"] == oauth_key(sim.client_id, sim.company_id)
    assert report["stored"] is True and report["generation"] == 1 and report["from_configured_seed"] is True
    assert f"company {sim.company_id}" in report["credentials"] and "agency" in report["credentials"]
    assert_no_secret([out], agency_secrets(sim))


async def test_forget_drops_the_agency_tokens_only_when_told_the_seed_is_spent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sim = GoHighLevelAgencySimulator(invoices=1)
    async with sim.run() as url:
        profile = agency_profile(tmp_path, sim, url)
        assert (await cli(capsys, "invoices", "--config", profile, "list"))[0] == 0
        refused, said = await cli(capsys, "auth", "forget", "--config", profile)
        assert refused == 2 and "spent" in said and f"company {sim.company_id}" in said
        assert json.loads((await cli(capsys, "auth", "status", "--config", profile, "--json"))[1])["stored"] is True
        forced, report = await cli(capsys, "auth", "forget", "--config", profile, "--yes", "--json")
        assert forced == 0 and json.loads(report)["forgotten"] is True
        _, after = await cli(capsys, "auth", "status", "--config", profile, "--json")
    assert json.loads(after)["stored"] is False
    assert_no_secret([said, report, after], agency_secrets(sim))
