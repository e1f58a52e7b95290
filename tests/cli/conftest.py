"""Fixtures for the CLI tests: the command runs as a real subprocess (``python -m invoicekit``)
against simulators served by the test's own event loop on 127.0.0.1.

The subprocess is awaited with ``asyncio.create_subprocess_exec``, so the loop keeps serving the
simulator while the command talks to it. Every run is checked for the credentials in play: no
token may appear on stdout or stderr, whatever the command and however it failed.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs
import pytest

from invoicekit.cli import main
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

# Long enough for the log scrubber's by-value masking, distinctive enough to grep for.
OO_TOKEN = "oo-cli-secret-Zq81xKp4"
GHL_TOKEN = "ghl-cli-secret-Hw27kLm9"
WRONG_TOKEN = "wrong-cli-secret-Rt55vNb3"
SECRETS = (OO_TOKEN, GHL_TOKEN, WRONG_TOKEN)
LOCATION = "Jx9kP2mQ7rT4vW8yZ3aB"
ERROR_PREFIX = "invoicekit: error: "


@attrs.frozen
class CliResult:
    args: tuple[str, ...]
    status: int
    out: str
    err: str

    def one_error_line(self) -> str:
        """The single error line on stderr (asserting there is exactly that, and no traceback)."""
        lines = self.err.splitlines()
        assert len(lines) == 1, f"{self.args}: expected one line on stderr, got {self.err!r}"
        assert lines[0].startswith(ERROR_PREFIX), lines[0]
        assert "Traceback" not in self.err
        return lines[0].removeprefix(ERROR_PREFIX)


class RunCli(Protocol):
    def __call__(
        self, *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, stdin: bytes | None = None
    ) -> Awaitable[CliResult]: ...


def clean_environ() -> dict[str, str]:
    # The developer's own INVOICEKIT_* settings must not leak into the command under test.
    return {k: v for k, v in os.environ.items() if not k.startswith("INVOICEKIT_")}


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """``await run_cli("invoices", "list", ...)``: run the CLI in ``tmp_path`` (no stray
    ./invoicekit.toml) and check that no secret shows in its output."""

    async def run(
        *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, stdin: bytes | None = None
    ) -> CliResult:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "invoicekit", *args,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**clean_environ(), **(env or {})}, cwd=cwd or tmp_path,
        )
        out, err = await asyncio.wait_for(process.communicate(stdin), timeout=60)
        assert process.returncode is not None
        result = CliResult(tuple(args), process.returncode, out.decode(), err.decode())
        for secret in SECRETS:
            assert secret not in result.out and secret not in result.err, f"{args}: a token was printed"
        return result

    return run


class InvokeCli(Protocol):
    def __call__(self, *args: str, stdin: str | None = None) -> Awaitable[CliResult]: ...


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InvokeCli:
    """``await invoke("invoices", "list", ...)``: :func:`invoicekit.cli.main` in a worker thread
    (it runs its own event loop there while the test's loop serves the simulator), output
    captured. No interpreter start, so detailed checks stay cheap; one call at a time."""
    for name in [k for k in os.environ if k.startswith("INVOICEKIT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    async def run(*args: str, stdin: str | None = None) -> CliResult:
        capsys.readouterr()  # drop anything printed before
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = await asyncio.to_thread(main, list(args))
        captured = capsys.readouterr()
        result = CliResult(tuple(args), status, captured.out, captured.err)
        for secret in SECRETS:
            assert secret not in result.out and secret not in result.err, f"{args}: a token was printed"
        return result

    return run


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path, profiles: Mapping[str, Mapping[str, Any]], default: str | None = None) -> Path:
    """A TOML file with one table per profile (flat values and one level of sub-tables)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f'default_profile = "{default}"'] if default else []
    for name, settings in profiles.items():
        lines.append(f"[{name}]")
        tables = {k: v for k, v in settings.items() if isinstance(v, Mapping)}
        lines += [f"{k} = {value(v)}" for k, v in settings.items() if k not in tables]
        for table, items in tables.items():
            lines.append(f"[{name}.{table}]")
            lines += [f"{k} = {value(v)}" for k, v in items.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def onlyoffice_settings(url: str, **more: Any) -> dict[str, Any]:
    return {"provider": "onlyoffice", "base_url": url, "token": OO_TOKEN, "default_item_id": 1,
            "max_retries": 0, **more}


def ghl_settings(url: str, **more: Any) -> dict[str, Any]:
    return {"provider": "gohighlevel", "base_url": url, "location_id": LOCATION, "token": GHL_TOKEN,
            "user_id": "Us3rK8dF5gH2jL9pZ4xC", "default_name": "CLI invoice", "max_retries": 0,
            "business": {"name": "Acme Studio LLC"}, **more}


@attrs.define
class Served:
    """Both simulators running, and a config file with a profile for each."""

    onlyoffice: OnlyOfficeSimulator
    ghl: GoHighLevelSimulator
    onlyoffice_url: str
    ghl_url: str
    config: Path


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    onlyoffice = OnlyOfficeSimulator(token=OO_TOKEN, invoices=12)
    ghl = GoHighLevelSimulator(token=GHL_TOKEN, location_id=LOCATION, invoices=12)
    async with onlyoffice.run() as oo_url, ghl.run() as ghl_url:
        config = write_config(
            tmp_path / "profiles.toml",
            {"oo": onlyoffice_settings(oo_url), "ghl": ghl_settings(ghl_url)},
            default="oo",
        )
        yield Served(onlyoffice, ghl, oo_url, ghl_url, config)

