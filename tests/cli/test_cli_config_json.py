"""``config check --json`` on a failure: one JSON object on stdout saying it failed and why.

Before, an invalid config printed its lines on stderr and nothing on stdout, so a script reading
the JSON got an empty document. The exit status stays the text form's, the stderr lines stay,
and no value of a setting (any could be a secret) is ever printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import conftest as cli
from .conftest import CliResult, InvokeCli, Served, write_config


def failure(result: CliResult, status: int) -> dict[str, Any]:
    assert result.status == status, (result.args, result.status, result.err)
    assert len(result.out.splitlines()) == 1, result.out
    document = json.loads(result.out)
    assert isinstance(document, dict) and document["ok"] is False
    # The same reasons as the text form's lines on stderr, which stay.
    stderr = [line.removeprefix("invoicekit: error: ") for line in result.err.splitlines()]
    assert [p["message"] for p in document["problems"]] == stderr
    return document


async def test_an_invalid_config_is_one_json_object_naming_each_key(
    served: Served, invoke: InvokeCli, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "bad.toml", {"bad": {
        "provider": "onlyoffice", "base_url": served.onlyoffice_url, "token": cli.OO_TOKEN,
        "timeout": "soon-ish", "default_item_id": "eleven",
    }})
    text = await invoke("config", "check", "--config", str(config))
    result = await invoke("config", "check", "--config", str(config), "--json")
    document = failure(result, text.status)
    assert text.status == 2 and text.err == result.err
    assert document == {
        "ok": False, "config": str(config), "stage": "settings",
        "problems": [
            {"key": "default_item_id", "message": "onlyoffice: setting 'default_item_id' must be an integer, not str"},
            {"key": "timeout", "message": "onlyoffice: setting 'timeout' must be a number, not str"},
        ],
    }
    for value in ("soon-ish", "eleven"):
        assert value not in result.out
    assert served.onlyoffice.requests == []


async def test_a_config_that_cannot_be_found_is_a_json_failure(invoke: InvokeCli, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.toml")
    document = failure(await invoke("config", "check", "--config", missing, "--json"), 2)
    assert document["config"] == missing and document["stage"] == "settings"
    [problem] = document["problems"]
    assert problem["key"] is None and "does not exist" in problem["message"]


async def test_refused_credentials_are_a_json_failure_with_the_read_status(
    served: Served, invoke: InvokeCli, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "wrong.toml", {
        "wrong": cli.onlyoffice_settings(served.onlyoffice_url, token=cli.WRONG_TOKEN)})
    document = failure(await invoke("config", "check", "--config", str(config), "--json"), 8)
    host = served.onlyoffice_url.removeprefix("http://").rstrip("/")
    assert {k: document[k] for k in ("config", "stage", "provider", "host", "authenticated")} == {
        "config": str(config), "stage": "read", "provider": "onlyoffice", "host": host, "authenticated": False,
    }
    [problem] = document["problems"]
    assert problem["key"] is None
    assert problem["message"].startswith(f"onlyoffice at {host} refused the credentials: ")
