"""``invoicekit simulate`` as a real subprocess, and the argparse surface."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys

import aiohttp
import pytest

from invoicekit.cli import build_parser, main


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("provider", "path", "headers"),
    [
        ("onlyoffice", "/api/2.0/crm/invoice/1.json", {"Authorization": "cli-token"}),
        (
            "gohighlevel",
            "/invoices/generate-invoice-number?altId=Jx9kP2mQ7rT4vW8yZ3aB&altType=location",
            {"Authorization": "Bearer cli-token", "Version": "2021-07-28"},
        ),
    ],
)
async def test_simulate_subprocess_serves_until_terminated(provider: str, path: str, headers: dict[str, str]) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "invoicekit",
        "simulate",
        provider,
        "--port",
        str(port),
        "--token",
        "cli-token",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=20)
        assert f"listening on http://127.0.0.1:{port}" in line.decode()
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}{path}", headers=headers) as r,
        ):
            assert r.status == 200
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
    assert b"simulator stopped" in stdout


def test_parser_shape() -> None:
    args = build_parser().parse_args(["simulate", "onlyoffice", "--port", "9000", "--host", "0.0.0.0"])
    assert (args.provider, args.port, args.host, args.token) == (
        "onlyoffice",
        9000,
        "0.0.0.0",
        "onlyoffice-simulator-token",
    )
    args = build_parser().parse_args(["simulate", "ghl"])
    assert args.port == 8080 and args.func is not None


def test_main_without_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "simulate" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate"])
    assert exit_info.value.code == 2


def test_port_in_use_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["simulate", "onlyoffice", "--port", str(port)]) == 1
    assert "cannot listen" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["65536", "99999"])
def test_a_port_out_of_range_is_an_argument_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--port 99999`` ended as "unexpected OverflowError" with exit status 1."""
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", "onlyoffice", "--port", port])
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"invoicekit: error: simulate onlyoffice: argument --port: '{port}' is not a port")


def test_an_address_that_cannot_be_listened_on_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Every CLI error is one line starting ``invoicekit: error:`` (README "Command line"); this
    one began ``invoicekit simulate:``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["simulate", "onlyoffice", "--port", str(port)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"invoicekit: error: simulate: cannot listen on 127.0.0.1:{port}: ")
