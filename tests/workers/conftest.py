"""A private Redis server for the many-workers tests: a free 127.0.0.1 port, persistence off,
stopped after the session. Each test starts from an empty database."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from invoicekit.testing import GoHighLevelSimulator

pytest.importorskip("redis", reason="the 'redis' extra (in the 'test' extra) is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _command(port: int, *words: str) -> bytes:
    """One RESP command over a plain socket (the fixture needs no event loop)."""
    payload = f"*{len(words)}\r\n".encode() + b"".join(f"${len(w)}\r\n{w}\r\n".encode() for w in words)
    with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
        connection.sendall(payload)
        return connection.recv(1024)


@pytest.fixture(scope="session")
def redis_port() -> Iterator[int]:
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed (.ci/run installs the Debian package)")
    port = _free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if _command(port, "PING").startswith(b"+PONG"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("the test Redis server did not start")
            time.sleep(0.02)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_port: int) -> str:
    _command(redis_port, "FLUSHALL")
    return f"redis://127.0.0.1:{redis_port}/0"


def ghl_config(sim: GoHighLevelSimulator, url: str, **overrides: Any) -> dict[str, Any]:
    """OAuth settings for ``sim``: no access token yet, so the first call refreshes."""
    config: dict[str, Any] = {
        "provider": "gohighlevel", "base_url": url, "location_id": sim.location_id,
        "client_id": sim.client_id, "client_secret": sim.client_secret, "refresh_token": sim.refresh_token,
        "allow_insecure_http": True, "max_retries": 0,
    }
    config.update(overrides)
    return config
