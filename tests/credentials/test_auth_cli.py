"""``invoicekit auth forget`` and ``auth status`` in-process against the simulator: forgetting
never throws away the only working refresh token without being told to."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from invoicekit.cli import main
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
