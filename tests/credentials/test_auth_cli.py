"""``invoicekit auth forget`` and ``auth status`` in-process against the simulator: forgetting
never throws away the only working refresh token without being told to."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from invoicekit import registry
from invoicekit.cli import main
from invoicekit.credentials import CredentialPlace, MintedCredentials, StoredCredential, StoredRecord, dump_record
from invoicekit.registry import ProviderEntry
from invoicekit.state import FileStateStore
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .conftest import assert_no_secret, ghl_secrets
from .test_restarts import write_config


async def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def oauth_config(tmp_path: Path, sim: GoHighLevelSimulator, url: str) -> str:
    path = write_config(tmp_path / "oauth.toml", sim, url)
    with path.open("a") as out:
        out.write(f'state_store = "file:{tmp_path / "state.json"}"\n')
    return str(path)


async def test_forget_refuses_to_drop_the_only_working_refresh_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sim = GoHighLevelSimulator(invoices=1, access_token_lifetime=1)
    async with sim.run() as url:
        config = oauth_config(tmp_path, sim, url)
        assert (await cli(capsys, "invoices", "--config", config, "list"))[0] == 0  # rotates the seed
        refused, said = await cli(capsys, "auth", "forget", "--config", config)
        assert refused == 2 and "spent" in said and "--yes" in said
        _, report = await cli(capsys, "auth", "status", "--config", config, "--json")
        assert json.loads(report)["stored"] is True  # nothing was dropped
        sim.expire_tokens()
        again, _ = await cli(capsys, "invoices", "--config", config, "list")
        assert again == 0  # the stored chain still works
        forced, said_forced = await cli(capsys, "auth", "forget", "--config", config, "--yes")
        assert forced == 0 and json.loads((await cli(capsys, "auth", "status", "--config", config, "--json"))[1])[
            "stored"
        ] is False
    assert_no_secret([said, said_forced, report], ghl_secrets(sim))


async def test_forget_drops_a_login_token_without_asking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sim = OnlyOfficeSimulator(invoices=1)
    async with sim.run() as url:
        config = tmp_path / "oo.toml"
        config.write_text(
            f'provider = "onlyoffice"\nbase_url = "{url}"\nusername = "{sim.username}"\n'
            f'password = "{sim.password}"\nallow_insecure_http = true\nmax_retries = 0\n'
            f'state_store = "file:{tmp_path / "state.json"}"\n'
        )
        assert (await cli(capsys, "invoices", "--config", str(config), "list"))[0] == 0
        forgotten, said = await cli(capsys, "auth", "forget", "--config", str(config), "--json")
        assert forgotten == 0 and json.loads(said)["forgotten"] is True  # a password is never spent


def test_building_the_cli_parser_imports_no_adapter() -> None:
    script = (
        "import sys\n"
        "from invoicekit.cli.app import build_parser\n"
        "build_parser()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('invoicekit.gohighlevel', 'invoicekit.onlyoffice'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


@attrs.frozen
class AcmeSettings:
    """A third-party OAuth adapter's settings, as far as ``invoicekit auth`` needs them."""

    provider: str
    state_store: str | None
    account: str

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> AcmeSettings:
        return cls("acme", mapping.get("state_store"), str(mapping["account"]))


def acme_place(settings: AcmeSettings) -> CredentialPlace:
    def read(data: bytes) -> StoredCredential:
        record = StoredRecord(data, kind="acme-oauth")
        return StoredCredential(record.generation, record.chain, record.instant("expires_at"), None)

    return CredentialPlace(
        subject=f"Acme OAuth tokens of {settings.account}", key=f"acme/{settings.account}/oauth", chain="seed-1",
        read=read, spends_seed=True,
    )


async def test_auth_goes_through_the_provider_registry_for_a_third_party_adapter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    entry = ProviderEntry("acme", AcmeSettings, lambda settings, session: None, credentials=acme_place)  # type: ignore[arg-type,return-value]
    monkeypatch.setitem(registry._REGISTRY, "acme", entry)
    state = FileStateStore(tmp_path / "state.json")
    record = dump_record("acme-oauth", chain="seed-1", generation=4, chain_started=None, fields={"token": "t0p"})
    await state.put("acme/a-1/oauth", record, expected_version=None)
    config = tmp_path / "acme.toml"
    config.write_text(f'provider = "acme"\naccount = "a-1"\nstate_store = "file:{tmp_path / "state.json"}"\n')
    status, out = await cli(capsys, "auth", "status", "--config", str(config), "--json")
    report = json.loads(out)
    assert status == 0 and report["credentials"] == "Acme OAuth tokens of a-1" and report["generation"] == 4
    refused, said = await cli(capsys, "auth", "forget", "--config", str(config))
    assert refused == 2 and "spent" in said
    assert "t0p" not in out + said


async def test_a_third_party_adapter_describes_the_credentials_minted_from_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    def read(data: bytes) -> StoredCredential:
        record = StoredRecord(data, kind="acme-oauth")
        return StoredCredential(record.generation, record.chain, record.instant("expires_at"), None)

    def place(settings: AcmeSettings) -> CredentialPlace:
        minted = MintedCredentials(
            kind="shop tokens minted from the account's", known=("acme/shop/main",), prefix="acme/shop/",
            describe=lambda key: f"token of shop {key.rpartition('/')[2]}", read=read,
        )
        return attrs.evolve(acme_place(settings), spends_seed=False, minted=minted)

    entry = ProviderEntry("acme", AcmeSettings, lambda settings, session: None, credentials=place)  # type: ignore[arg-type,return-value]
    monkeypatch.setitem(registry._REGISTRY, "acme", entry)
    state = FileStateStore(tmp_path / "state.json")
    for key, chain in [("acme/a-1/oauth", "seed-1"), ("acme/shop/main", "seed-1"), ("acme/shop/east", "seed-0")]:
        record = dump_record("acme-oauth", chain=chain, generation=1, chain_started=None, fields={"token": "t0p"})
        await state.put(key, record, expected_version=None)
    config = tmp_path / "acme.toml"
    config.write_text(f'provider = "acme"\naccount = "a-1"\nstate_store = "file:{tmp_path / "state.json"}"\n')
    _, out = await cli(capsys, "auth", "status", "--config", str(config), "--json")
    shown = json.loads(out)["minted_credentials"]
    assert [(e["credentials"], e["from_configured_seed"]) for e in shown] == [
        ("token of shop main", True), ("token of shop east", False)]
    forgotten, said = await cli(capsys, "auth", "forget", "--config", str(config), "--json")
    report = json.loads(said)
    assert forgotten == 0 and [e["key"] for e in report["minted_forgotten"]] == ["acme/shop/main"]
    assert [e["key"] for e in report["minted_kept"]] == ["acme/shop/east"]  # another chain's
    assert await state.list_keys("acme/") == ["acme/shop/east"]
    assert "t0p" not in out + said
