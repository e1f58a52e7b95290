"""The issue's "done when": two processes run one after the other with one OAuth configuration
(fresh state directory, 1 s access tokens) both succeed, the second sending the stored refresh
token; the same through the CLI; ``auth status``/``auth forget``; no secret anywhere."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import attrs

from invoicekit.testing import GoHighLevelSimulator

from .conftest import assert_no_secret, ghl_secrets


@attrs.frozen
class Run:
    status: int
    out: str
    err: str


async def run(*args: str, state_home: Path) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOICEKIT_")}
    env["XDG_STATE_HOME"] = str(state_home)
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


def write_config(path: Path, sim: GoHighLevelSimulator, url: str) -> Path:
    path.write_text(textwrap.dedent(f"""\
        provider = "gohighlevel"
        base_url = "{url}"
        location_id = "{sim.location_id}"
        client_id = "{sim.client_id}"
        client_secret = "{sim.client_secret}"
        refresh_token = "{sim.refresh_token}"
        allow_insecure_http = true
        max_retries = 0
    """))
    return path


LIST_SCRIPT = textwrap.dedent("""
    import asyncio, sys
    import invoicekit

    async def main() -> None:
        async with invoicekit.connect(invoicekit.load_config(sys.argv[1])) as client:
            print(len([invoice async for invoice in client.list()]))

    asyncio.run(main())
""")


def check_state_directory(state_home: Path, secrets: set[str]) -> None:
    directory = state_home / "invoicekit"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    state = directory / "state.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert_no_secret([p.name for p in directory.iterdir()], secrets)


async def test_two_processes_one_after_the_other(tmp_path: Path) -> None:
    sim = GoHighLevelSimulator(invoices=2, access_token_lifetime=1)
    async with sim.run() as url:
        config = write_config(tmp_path / "oauth.toml", sim, url)
        first = await run("-c", LIST_SCRIPT, str(config), state_home=tmp_path / "state")
        await asyncio.sleep(1.1)  # the first run's access token is spent: the second must refresh
        second = await run("-c", LIST_SCRIPT, str(config), state_home=tmp_path / "state")
    assert (first.status, first.out.strip()) == (0, "2"), first.err
    assert (second.status, second.out.strip()) == (0, "2"), second.err
    assert sim.refreshes == 2
    seed, stored = sim.presented_refresh_tokens
    assert seed == sim.refresh_token and stored != seed  # the second run sent the rotated token
    check_state_directory(tmp_path / "state", ghl_secrets(sim))


async def test_the_cli_twice_then_auth_status_and_forget(tmp_path: Path) -> None:
    sim = GoHighLevelSimulator(invoices=2, access_token_lifetime=1)
    state_home = tmp_path / "state"
    async with sim.run() as url:
        config = str(write_config(tmp_path / "oauth.toml", sim, url))
        runs = [await run("-m", "invoicekit", "invoices", "--config", config, "list", state_home=state_home)]
        await asyncio.sleep(1.1)
        runs.append(await run("-m", "invoicekit", "invoices", "--config", config, "list", state_home=state_home))
        status = await run("-m", "invoicekit", "auth", "status", "--config", config, "--json", state_home=state_home)
        text_status = await run("-m", "invoicekit", "auth", "status", "--config", config, state_home=state_home)
        refused = await run("-m", "invoicekit", "auth", "forget", "--config", config, state_home=state_home)
        forget = await run("-m", "invoicekit", "auth", "forget", "--config", config, "--yes", state_home=state_home)
        after = await run("-m", "invoicekit", "auth", "status", "--config", config, "--json", state_home=state_home)
    assert [r.status for r in runs] == [0, 0], [r.err for r in runs]
    assert sim.refreshes == 2 and sim.presented_refresh_tokens[1] != sim.refresh_token
    report = json.loads(status.out)
    assert report["stored"] is True and report["generation"] == 2 and report["from_configured_seed"] is True
    assert report["store"] == f"file {str(state_home / 'invoicekit' / 'state.json')!r}"
    assert report["key"] == f"gohighlevel/{sim.client_id}/{sim.location_id}/oauth"
    assert report["expires_at"] is not None
    assert "generation" in text_status.out and text_status.status == 0
    assert refused.status == 2 and "spent" in refused.err  # the configured refresh token was rotated
    assert forget.status == 0 and "forgotten" in forget.out
    assert json.loads(after.out)["stored"] is False
    every = [*runs, status, text_status, refused, forget, after]
    assert_no_secret([r.out + r.err for r in every], ghl_secrets(sim))
    check_state_directory(state_home, ghl_secrets(sim))


LOOP_SCRIPT = textwrap.dedent("""
    import asyncio, sys, time
    import invoicekit

    async def main() -> None:
        async with invoicekit.connect(invoicekit.load_config(sys.argv[1])) as client:
            invoice_id = sys.argv[2]
            deadline = time.monotonic() + 2.5
            calls = 0
            while time.monotonic() < deadline:
                await client.get(invoice_id)
                calls += 1
                await asyncio.sleep(0.02)
            print(calls)

    asyncio.run(main())
""")


async def test_processes_at_the_same_time_never_spend_one_refresh_token_twice(tmp_path: Path) -> None:
    sim = GoHighLevelSimulator(invoices=1, access_token_lifetime=1, burst_limit=100_000)
    async with sim.run() as url:
        config = write_config(tmp_path / "oauth.toml", sim, url)
        invoice_id = next(iter(sim.store.invoices))
        runs = await asyncio.gather(
            *(run("-c", LOOP_SCRIPT, str(config), invoice_id, state_home=tmp_path / "state") for _ in range(3))
        )
    assert [r.status for r in runs] == [0, 0, 0], [r.err for r in runs]
    assert all(int(r.out) > 10 for r in runs)
    # The file store's lease and compare-and-set: no refresh token was presented twice (each
    # would have been an invalid_grant), and the processes shared the refreshes.
    assert len(sim.presented_refresh_tokens) == len(set(sim.presented_refresh_tokens)) == sim.refreshes
    assert sim.refreshes <= 6  # about 2.5 s / 0.75 s of freshness, not three times that
