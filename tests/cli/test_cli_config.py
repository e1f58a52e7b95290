"""``invoicekit config check``: every bad setting one line naming the key (never a value), then one
authenticated read, with distinct exit statuses for an invalid config, an unreachable provider
and refused credentials. The fixtures check every output for the tokens in play."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from . import conftest as cli
from .conftest import CliResult, InvokeCli, RunCli, Served, free_port, onlyoffice_settings, write_config
from .test_cli_errors import failed
from .test_cli_invoices import ok


def error_lines(result: CliResult) -> list[str]:
    lines = result.err.splitlines()
    assert lines and all(line.startswith("invoicekit: error: ") for line in lines), result.err
    assert "Traceback" not in result.err
    return [line.removeprefix("invoicekit: error: ") for line in lines]


async def test_a_working_profile_is_reached_with_one_authenticated_read(served: Served, invoke: InvokeCli) -> None:
    before = len(served.onlyoffice.requests)
    result = ok(await invoke("config", "check", "--config", str(served.config), "--profile", "oo"))
    host = served.onlyoffice_url.removeprefix("http://").rstrip("/")
    assert result.out.splitlines() == [
        f"config:   {served.config}, profile oo: valid onlyoffice settings",
        f"provider: onlyoffice at {host} accepted the credentials",
        "read:     the first page of the invoice list (page size 1): invoice 1 (INV-0000001)",
    ]
    (request,) = served.onlyoffice.requests[before:]
    assert request.method == "GET" and request.path == "/api/2.0/crm/invoice/filter.json"
    assert dict(request.query)["count"] == "1" and "Authorization" in request.headers

    ghl = ok(await invoke("config", "check", "--config", str(served.config), "--profile", "ghl", "--json"))
    assert json.loads(ghl.out) == {
        "ok": True, "config": f"{served.config}, profile ghl", "provider": "gohighlevel",
        "host": served.ghl_url.removeprefix("http://").rstrip("/"), "authenticated": True,
        "read": {"operation": "list", "page_size": 1, "invoices": 1},
    }
    assert served.ghl.requests[-1].path == "/invoices/" and dict(served.ghl.requests[-1].query)["limit"] == "1"


async def test_every_bad_setting_is_one_line_naming_the_key(served: Served, invoke: InvokeCli, tmp_path: Path) -> None:
    config = write_config(tmp_path / "bad.toml", {"bad": {
        "provider": "onlyoffice", "base_url": served.onlyoffice_url, "tokn": cli.OO_TOKEN,
        "timeout": "soon-ish", "default_item_id": "eleven",
    }})
    before = len(served.onlyoffice.requests)
    result = await invoke("config", "check", "--config", str(config))
    assert result.status == 2 and result.out == ""
    lines = error_lines(result)
    assert lines == [
        "onlyoffice: setting 'default_item_id' must be an integer, not str",
        "onlyoffice: setting 'timeout' must be a number, not str",
        lines[2],
        "onlyoffice: set 'token', or 'username' and 'password'",
    ]
    assert lines[2].startswith("onlyoffice: unknown setting 'tokn' (known: ")
    for value in ("soon-ish", "eleven"):
        assert value not in result.err
    assert len(served.onlyoffice.requests) == before  # an invalid config never connects

    missing = await invoke("config", "check", "--config", str(tmp_path / "nope.toml"))
    failed(missing, 2, "config file", "does not exist")


async def test_unreachable_refused_and_other_errors_have_their_own_status(
    served: Served, run_cli: RunCli, tmp_path: Path
) -> None:
    closed = free_port()
    config = write_config(tmp_path / "cases.toml", {
        "down": onlyoffice_settings(f"http://127.0.0.1:{closed}"),
        "wrong": onlyoffice_settings(served.onlyoffice_url, token=cli.WRONG_TOKEN),
        "login": {"provider": "onlyoffice", "base_url": served.onlyoffice_url, "username": "admin@example.com",
                  "password": cli.WRONG_TOKEN, "max_retries": 0},
        "ghlrefresh": {"provider": "gohighlevel", "base_url": served.ghl_url, "location_id": "Jx9kP2mQ7rT4vW8yZ3aB",
                       "client_id": "sim-client-id-0001", "client_secret": cli.GHL_TOKEN,
                       "refresh_token": cli.WRONG_TOKEN, "max_retries": 0},
        "path": onlyoffice_settings(served.onlyoffice_url.rstrip("/") + "/somewhere/else"),
    })
    host = served.onlyoffice_url.removeprefix("http://").rstrip("/")
    down, wrong, login, refresh, path = await asyncio.gather(*(
        run_cli("config", "check", "--config", str(config), "--profile", name)
        for name in ("down", "wrong", "login", "ghlrefresh", "path")
    ))
    failed(down, 5, f"cannot reach onlyoffice at 127.0.0.1:{closed}: ", "cannot connect")
    failed(wrong, 8, f"onlyoffice at {host} refused the credentials: ", "HTTP 401")
    failed(login, 8, f"onlyoffice at {host} refused the credentials: ", "login as 'admin@example.com' failed")
    failed(refresh, 8, "gohighlevel at ", "refused the credentials: ", "token refresh")
    failed(path, 4, f"onlyoffice at {host} answered the read with an error: ", "HTTP 404")
    for result in (down, wrong, login, refresh, path):
        assert result.out == ""


async def test_a_profile_file_saved_with_a_byte_order_mark_works(served: Served, invoke: InvokeCli) -> None:
    # Windows Notepad's "UTF-8" starts the file with a byte-order mark.
    marked = served.config.with_name("notepad.toml")
    marked.write_bytes(b"\xef\xbb\xbf" + served.config.read_bytes())
    result = ok(await invoke("config", "check", "--config", str(marked), "--profile", "oo"))
    assert result.out.splitlines()[0] == f"config:   {marked}, profile oo: valid onlyoffice settings"


async def test_an_unreachable_host_is_reported_promptly_with_the_default_retries(
    run_cli: RunCli, tmp_path: Path
) -> None:
    # No max_retries: the defaults (retries for up to retry_timeout, 60 s) that a real command
    # uses. A check is a diagnostic: it reports the closed port instead of retrying for a minute.
    closed = free_port()
    config = write_config(tmp_path / "down.toml", {"down": {
        "provider": "onlyoffice", "base_url": f"http://127.0.0.1:{closed}", "token": cli.OO_TOKEN,
    }})
    async with asyncio.timeout(20):  # a third of retry_timeout, interpreter start-up included
        down = await run_cli("config", "check", "--config", str(config))
    failed(down, 5, f"cannot reach onlyoffice at 127.0.0.1:{closed}: ", "cannot connect")
    assert down.out == ""


async def test_a_check_retries_at_most_once_while_commands_keep_their_retries(
    served: Served, invoke: InvokeCli, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "flaky.toml", {"oo": onlyoffice_settings(
        served.onlyoffice_url, max_retries=3, backoff_base=0, retry_timeout=30)})
    path = "/api/2.0/crm/invoice/filter*"
    served.onlyoffice.faults.fail_next(503, times=None, path=path)
    check = await invoke("config", "check", "--config", str(config))
    assert check.status == 4 and served.onlyoffice.count("GET", path) == 2  # one attempt, one retry
    listed = await invoke("invoices", "--config", str(config), "list", "--limit", "1")
    assert listed.status != 0 and served.onlyoffice.count("GET", path) == 2 + 4  # as configured


async def test_environment_configuration(served: Served, run_cli: RunCli) -> None:
    env = {"INVOICEKIT_PROVIDER": "onlyoffice", "INVOICEKIT_BASE_URL": served.onlyoffice_url,
           "INVOICEKIT_TOKEN": cli.OO_TOKEN, "INVOICEKIT_MAX_RETRIES": "0"}
    result = ok(await run_cli("config", "check", "--env", env=env))
    assert result.out.splitlines()[0] == "config:   the INVOICEKIT_* environment: valid onlyoffice settings"
    bad = await run_cli("config", "check", "--env", env={**env, "INVOICEKIT_TIMEOUT": "-3"})
    assert bad.status == 2 and error_lines(bad) == [bad.err.splitlines()[0].removeprefix("invoicekit: error: ")]
    assert "timeout" in bad.err and "-3" not in bad.err
