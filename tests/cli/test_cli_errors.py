"""Every way the CLI can fail ends as one line on stderr, a distinct exit status, no traceback
(unless --debug) and no credential, whether the config, the input, the provider or the network
is at fault. The run_cli/invoke fixtures check every output for the tokens in play."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from invoicekit.cli import app as cli
from invoicekit.cli import demo as cli_demo
from invoicekit.cli.common import UsageError, resolve_config

from .conftest import (
    GHL_TOKEN,
    OO_TOKEN,
    WRONG_TOKEN,
    InvokeCli,
    RunCli,
    Served,
    free_port,
    onlyoffice_settings,
    write_config,
)


def failed(result: object, status: int, *fragments: str) -> str:
    from .conftest import CliResult

    assert isinstance(result, CliResult)
    assert result.status == status, (result.args, result.status, result.err)
    line = result.one_error_line()
    for fragment in fragments:
        assert fragment in line, (result.args, line)
    return line


async def test_error_paths_as_subprocess(served: Served, run_cli: RunCli, tmp_path: Path) -> None:
    closed = free_port()
    broken = write_config(tmp_path / "broken.toml", {
        "down": onlyoffice_settings(f"http://127.0.0.1:{closed}"),
        "typo": {"provider": "onlyoffice", "base_url": served.onlyoffice_url, "tokn": OO_TOKEN},
        "wrong": onlyoffice_settings(served.onlyoffice_url, token=WRONG_TOKEN),
        "ghlwrong": {"provider": "gohighlevel", "base_url": served.ghl_url, "location_id": "Jx9kP2mQ7rT4vW8yZ3aB",
                     "client_id": "sim-client-id-0001", "client_secret": GHL_TOKEN, "refresh_token": WRONG_TOKEN,
                     "max_retries": 0},
    })
    cfg = ("--config", str(served.config))
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"terms": "Net 15"}))
    sent_id = next(str(i.id) for i in served.onlyoffice.store.invoices.values() if i.status == 2)
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    results = await asyncio.gather(
        run_cli("invoices", "list", "--config", str(tmp_path / "missing.toml")),
        run_cli("invoices", "list", *cfg, "--profile", "nope"),
        run_cli("invoices", "list", "--config", str(broken), "--profile", "typo"),
        run_cli("invoices", "list", cwd=empty_dir),
        run_cli("invoices", "get", "abc", *cfg),
        run_cli("invoices", "get", "999", *cfg),
        run_cli("invoices", "update", sent_id, "--file", str(changes), *cfg),
        run_cli("invoices", "void", "1", *cfg),
        run_cli("invoices", "list", "--config", str(broken), "--profile", "down"),
        run_cli("invoices", "get", "1", "--config", str(broken), "--profile", "wrong"),
        run_cli("invoices", "get", "x1", "--config", str(broken), "--profile", "ghlwrong"),
        run_cli("--debug", "invoices", "get", "abc", *cfg),
    )
    (missing, no_profile, typo, no_config, bad_id, not_found, invalid_state, unsupported, unreachable,
     wrong_token, refused_refresh, debug) = results
    failed(missing, 2, "config file", "missing.toml", "does not exist")
    failed(no_profile, 2, "profile 'nope' not found", "(profiles: ghl, oo)")
    failed(typo, 2, "onlyoffice: unknown setting 'tokn'")
    failed(no_config, 2, "no configuration")
    failed(bad_id, 3, "ID: must be a positive integer id, got 'abc'")
    failed(not_found, 4, "onlyoffice GET", "/crm/invoice/999.json -> HTTP 404")
    failed(invalid_state, 4, f"invoice {sent_id} is sent; update does not apply",
           "ONLYOFFICE only edits Draft invoices")
    failed(unsupported, 6, "onlyoffice does not support 'void'")
    failed(unreachable, 5, "onlyoffice list", f"127.0.0.1:{closed}", "cannot connect")
    failed(wrong_token, 8, "HTTP 401")
    failed(refused_refresh, 8, "gohighlevel")
    for result in results:
        assert result.out == "", result.args
    # --debug: the traceback, then the same one line at the end.
    assert debug.status == 3 and "Traceback (most recent call last)" in debug.err
    assert debug.err.splitlines()[-1].startswith("invoicekit: error: ID: must be a positive integer id")


async def test_more_error_paths_in_process(served: Served, invoke: InvokeCli, tmp_path: Path) -> None:
    cfg = ("--config", str(served.config))
    bad_draft = tmp_path / "bad.json"
    bad_draft.write_text('{"currency": "USD", "lines": [{"quantity": "two", "colour": "red"}], "issue_date": 7}')
    not_json = tmp_path / "not.json"
    not_json.write_text("{currency: USD}")

    failed(await invoke("invoices", "create", "--file", str(tmp_path / "nope.json"), *cfg), 2, "does not exist")
    line = failed(await invoke("invoices", "create", "--file", str(bad_draft), *cfg), 3, "bad.json")
    assert "issue_date: must be an ISO date string" in line and "lines[0]" in line
    failed(await invoke("invoices", "create", "--file", str(not_json), *cfg), 3, "is not valid JSON")
    from_stdin = await invoke("invoices", "create", "--file", "-", *cfg, stdin="[1, 2]")
    failed(from_stdin, 3, "stdin must hold one JSON object")
    # Client-side checks of the provider: nothing is sent.
    before = len(served.onlyoffice.requests)
    failed(await invoke("invoices", "list", *cfg, "--currency", "EURO"), 3, "currency")
    assert len(served.onlyoffice.requests) == before
    failed(await invoke("invoices", "--env", "list", "--profile", "oo"), 2, "--env")

    # A batch that is partly done: what was deleted on stdout, the rest as the error line.
    draft = next(str(i.id) for i in served.onlyoffice.store.invoices.values() if i.status == 1)
    partial = await invoke("invoices", "delete", draft, "999", "--yes", *cfg)
    failed(partial, 7, "delete_many: 1 of 2 failed: 999: invoice 999 was not deleted")
    assert partial.out.startswith("deleted 1 of 2:") and f"INV-{int(draft):07d}" in partial.out

    # GoHighLevel: a draft cannot be voided (the provider says so), an unknown id is not found.
    ghl = (*cfg, "--profile", "ghl")
    ghl_draft = next(i.id for i in served.ghl.store.invoices.values() if i.status == "draft")
    failed(await invoke("invoices", "void", ghl_draft, *ghl), 4, "gohighlevel void (POST", "not sent", "is draft")
    failed(await invoke("invoices", "get", "no-such-invoice", *ghl), 4, "Unable to find an invoice")


async def test_argument_errors_are_one_line(invoke: InvokeCli, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        ("invoices", "list", "--status", "lost"): "invoices list: argument --status: invalid choice: 'lost'",
        ("invoices", "get"): "invoices get: the following arguments are required: ID",
        ("invoices", "list", "--limit", "0"): "invoices list: argument --limit: '0' is not a positive integer",
        ("export", "--issued-from", "yesterday"): "export: argument --issued-from: 'yesterday' is not a date",
        ("invoices",): "invoices: the following arguments are required: ACTION",
        ("invoices", "record-payment", "7", "--amount", "12,50"): "argument --amount: '12,50' is not an amount",
        ("invoices", "record-payment", "7", "--amount", "1", "--date", "2025-03-05T10:00"): "has no UTC offset",
        ("simulate", "onlyoffice", "--invoices", "-1"): "simulate onlyoffice: argument --invoices: '-1' is not",
        ("nonsense",): "argument COMMAND: invalid choice: 'nonsense'",
    }
    for argv, fragment in cases.items():
        with pytest.raises(SystemExit) as exit_info:
            cli.main(list(argv))
        assert exit_info.value.code == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        (line,) = captured.err.splitlines()
        assert line.startswith("invoicekit: error: ") and fragment in line, (argv, line)
        # The hint names the command the error is about; its words are the line's own prefix.
        command = line.removeprefix("invoicekit: error: ").split(": ")[0]
        command = "" if command.startswith("argument ") else command
        assert line.endswith(f"(see '{f'invoicekit {command}'.strip()} --help')"), line
    # --help keeps argparse's page.
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["invoices", "list", "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: invoicekit invoices list [-h]")


async def test_argument_error_as_subprocess(run_cli: RunCli) -> None:
    result = await run_cli("invoices", "delete")
    assert result.status == 2 and result.out == ""
    assert result.one_error_line() == (
        "invoices delete: the following arguments are required: ID (see 'invoicekit invoices delete --help')"
    )


def test_unexpected_errors_interrupts_and_closed_pipes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: object) -> int:
        raise RuntimeError(f"adapter bug near token {OO_TOKEN}")

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    # A Secret is alive in this process with the token's value: the scrubber masks it by value.
    from invoicekit import Secret

    secret = Secret(OO_TOKEN)
    monkeypatch.setattr(cli_demo, "run_demo", boom)
    assert cli.main(["demo"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("invoicekit: error: unexpected RuntimeError: adapter bug near token <redacted>")
    assert "--debug" in err and OO_TOKEN not in err and len(err.splitlines()) == 1
    assert cli.main(["demo", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and OO_TOKEN not in err

    monkeypatch.setattr(cli_demo, "run_demo", interrupted)
    assert cli.main(["demo"]) == 130
    assert capsys.readouterr().err == "invoicekit: interrupted\n"
    del secret


def test_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    a = write_config(tmp_path / "a.toml", {"one": {"provider": "onlyoffice", "base_url": "https://a.example"}})
    b = write_config(tmp_path / "b.toml", {"x": {"provider": "onlyoffice", "base_url": "https://b.example"},
                                           "y": {"provider": "gohighlevel", "base_url": "https://y.example"}})
    env = {"INVOICEKIT_CONFIG": str(b), "INVOICEKIT_PROFILE": "y", "INVOICEKIT_PROVIDER": "onlyoffice",
           "INVOICEKIT_BASE_URL": "https://env.example"}

    def resolve(*argv: str, environ: dict[str, str]) -> str:
        args = cli.build_parser().parse_args(["invoices", *argv, "list"])
        return str(resolve_config(args, environ)["base_url"])

    # --env: the environment only; the CLI's own variables are not provider settings.
    assert resolve("--env", environ=env) == "https://env.example"
    # --config beats $INVOICEKIT_CONFIG; --profile beats $INVOICEKIT_PROFILE.
    assert resolve("--config", str(a), environ={**env, "INVOICEKIT_PROFILE": ""}) == "https://a.example"
    assert resolve("--profile", "x", environ=env) == "https://b.example"
    assert resolve(environ=env) == "https://y.example"
    # Then ./invoicekit.toml, then the environment when INVOICEKIT_PROVIDER is set.
    env_only = {k: v for k, v in env.items() if k not in ("INVOICEKIT_CONFIG", "INVOICEKIT_PROFILE")}
    assert resolve(environ=env_only) == "https://env.example"
    write_config(tmp_path / "invoicekit.toml", {"only": {"provider": "onlyoffice", "base_url": "https://cwd.example"}})
    assert resolve(environ=env_only) == "https://cwd.example"
    (tmp_path / "invoicekit.toml").unlink()
    with pytest.raises(UsageError, match="--profile needs a config file"):
        resolve("--profile", "x", environ=env_only)
    with pytest.raises(UsageError, match="--env reads the environment only"):
        resolve("--env", "--config", str(a), environ=env)


async def test_env_configuration_as_subprocess(served: Served, run_cli: RunCli, tmp_path: Path) -> None:
    env = {"INVOICEKIT_PROVIDER": "onlyoffice", "INVOICEKIT_BASE_URL": served.onlyoffice_url,
           "INVOICEKIT_TOKEN": OO_TOKEN, "INVOICEKIT_MAX_RETRIES": "0",
           # Read by the CLI itself, ignored with --env (and never taken for a provider setting).
           "INVOICEKIT_CONFIG": str(tmp_path / "missing.toml"), "INVOICEKIT_PROFILE": "nope"}
    result = await run_cli("invoices", "--env", "get", "3", "--json", env=env)
    assert result.status == 0, result.err
    assert json.loads(result.out)["number"] == "INV-0000003"


@pytest.mark.parametrize(("argv", "command"), [
    (("invoices", "get", "1", "2"), "invoices get"),
    (("invoices", "list", "--stauts", "sent"), "invoices list"),
    (("config", "check", "extra"), "config check"),
    (("demo", "--json"), "demo"),
])
def test_an_unknown_argument_is_reported_by_its_command(
    argv: tuple[str, ...], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``invoices get 1 2`` said "unrecognized arguments: 2 (see 'invoicekit --help')": the top
    level's page, which does not list get's arguments."""
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"invoicekit: error: {command}: unrecognized arguments: "), line
    assert line.endswith(f"(see 'invoicekit {command} --help')"), line
