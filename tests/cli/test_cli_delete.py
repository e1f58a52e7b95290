"""Deletes ask first on a terminal, refuse without one unless --yes, and --dry-run only reads.
In process with a stdin that says it is a terminal, and as a subprocess on a real pseudo-terminal."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import LOCATION, CliResult, InvokeCli, RunCli, Served, clean_environ, write_config
from .test_cli_errors import failed
from .test_cli_invoices import ok


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _drafts(served: Served) -> list[int]:
    return [i.id for i in served.onlyoffice.store.invoices.values() if i.status == 1]


async def test_without_a_terminal_delete_needs_yes(served: Served, invoke: InvokeCli, run_cli: RunCli) -> None:
    draft = str(_drafts(served)[0])
    since = len(served.onlyoffice.requests)
    refused = await run_cli("invoices", "delete", draft, "--config", str(served.config))
    failed(refused, 2, "delete asks for confirmation and stdin is not a terminal: pass --yes")
    assert served.onlyoffice.requests[since:] == []  # refused before connecting
    assert int(draft) in served.onlyoffice.store.invoices
    deleted = ok(await invoke("invoices", "delete", draft, "-y", "--config", str(served.config)))
    assert deleted.out == f"deleted invoice {draft} (INV-{int(draft):07d})\n"


async def test_on_a_terminal_delete_asks(
    served: Served, invoke: InvokeCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = ("--config", str(served.config))
    first, second, third = _drafts(served)[:3]
    store = served.onlyoffice.store
    stored = store.invoices[first]
    price = f"{store.cost(stored)} {stored.currency}"

    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    declined = await invoke("invoices", "delete", str(first), *cfg)
    assert declined.status == 1 and declined.out == ""
    assert declined.err == (f"Delete invoice {first} (INV-{first:07d}, {price})? [y/N] "
                            "invoicekit: not confirmed; nothing was deleted\n")
    assert first in store.invoices and served.onlyoffice.count("DELETE") == 0

    monkeypatch.setattr(sys, "stdin", _Terminal(""))  # end of input: no
    assert (await invoke("invoices", "delete", str(first), *cfg)).status == 1

    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    assert ok_after_prompt(await invoke("invoices", "delete", str(first), *cfg)).out.startswith("deleted invoice")
    assert first not in store.invoices

    # Several: the table of what would go, then one question for all of them.
    monkeypatch.setattr(sys, "stdin", _Terminal("YES\n"))
    both = await invoke("invoices", "delete", str(second), str(third), *cfg)
    assert both.status == 0 and both.out.startswith("deleted 2 of 2:")
    assert both.err.splitlines()[0].split()[:2] == ["id", "number"]
    assert both.err.endswith("Delete these 2 invoices? [y/N] ")
    assert second not in store.invoices and third not in store.invoices

    # Reading first also refuses what the batch would refuse: an unknown id, one id twice.
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    failed(await invoke("invoices", "delete", "999", *cfg), 4, "HTTP 404")
    fourth = next(iter(store.invoices))
    failed(await invoke("invoices", "delete", str(fourth), f"0{fourth}", *cfg), 3, f"ID: {fourth} is listed twice")
    assert fourth in store.invoices


def ok_after_prompt(result: CliResult) -> CliResult:
    assert result.status == 0, result.err
    assert result.err.endswith("? [y/N] ")
    return result


async def test_dry_run_reads_and_lists(served: Served, invoke: InvokeCli) -> None:
    cfg = ("--config", str(served.config))
    drafts = [str(i) for i in _drafts(served)[:2]]
    text = ok(await invoke("invoices", "delete", *drafts, "--dry-run", *cfg))
    assert text.out.splitlines()[0] == "dry run: nothing was deleted; delete would delete 2:"
    ghl_draft = next(i.id for i in served.ghl.store.invoices.values() if i.status == "draft")
    as_json = json.loads(ok(await invoke("invoices", "delete", ghl_draft, "--dry-run", "--json", *cfg,
                                         "--profile", "ghl")).out)
    assert as_json["dry_run"] is True and [i["id"] for i in as_json["would_delete"]] == [ghl_draft]
    assert served.onlyoffice.count("DELETE") == 0 and served.ghl.count("DELETE") == 0
    assert ghl_draft in served.ghl.store.invoices


async def _on_a_terminal(*args: str, answer: bytes | None) -> tuple[int, str, str]:
    """The CLI as a subprocess whose stdin is a pseudo-terminal. With ``answer`` None, Ctrl+C
    (SIGINT) is sent once the question is on stderr."""
    controller, terminal = os.openpty()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "invoicekit", *args,
            stdin=terminal, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=clean_environ(),
        )
        assert process.stderr is not None
        asked = b""
        try:
            while not asked.endswith(b"[y/N] "):  # bounded by the timeout
                chunk = await asyncio.wait_for(process.stderr.read(256), timeout=30)
                assert chunk, asked
                asked += chunk
            if answer is None:
                process.send_signal(signal.SIGINT)
            else:
                os.write(controller, answer)
            out, err = await asyncio.wait_for(process.communicate(), timeout=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    finally:
        os.close(terminal)
        os.close(controller)
    assert process.returncode is not None
    return process.returncode, out.decode(), (asked + err).decode()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
async def test_confirmation_on_a_real_terminal(served: Served, tmp_path: Path) -> None:
    # OAuth with a single-use refresh token: reading, asking and deleting use one client, so the
    # token is refreshed once (a second connection would present the spent refresh token).
    config = write_config(tmp_path / "oauth.toml", {"oauth": {
        "provider": "gohighlevel", "base_url": served.ghl_url, "location_id": LOCATION,
        "client_id": "sim-client-id-0001", "client_secret": "sim-client-secret",
        "refresh_token": "ghl-simulator-refresh-token", "max_retries": 0,
    }})
    draft = next(i for i in served.ghl.store.invoices.values() if i.status == "draft")
    status, out, err = await _on_a_terminal("invoices", "delete", draft.id, "--config", str(config), answer=b"y\n")
    assert status == 0, err
    question = err.removeprefix(f"Delete invoice {draft.id} ({draft.invoice_number}, ")
    assert question.endswith(f" {draft.currency})? [y/N] ")
    assert Decimal(question.split()[0]) == draft.total
    assert out == f"deleted invoice {draft.id} ({draft.invoice_number})\n"
    assert draft.id not in served.ghl.store.invoices
    assert served.ghl.count("POST", "/oauth/token") == 1

    # Ctrl+C at the question stops at once: status 130, nothing deleted.
    oo_draft = _drafts(served)[0]
    status, out, err = await _on_a_terminal("invoices", "delete", str(oo_draft), "--config", str(served.config),
                                            answer=None)
    assert status == 130 and out == "" and err.endswith("[y/N] invoicekit: interrupted\n"), err
    assert oo_draft in served.onlyoffice.store.invoices and served.onlyoffice.count("DELETE") == 0
