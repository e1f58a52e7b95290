"""A Redis state store whose URL carries a password: no part of the password in any error, its
chain (cause, context, args, notes, attributes), its pickle, a log record (invoicekit's,
redis-py's or aiohttp's, at DEBUG), or the CLI's output, whether the URL is malformed, the
server is down, or it refuses the password.

A password holding ``/``, ``?`` or ``#`` that is not percent-encoded ends the URL's host part
early: the rest of the password became "the port" (quoted by Python's ValueError) or "the path"
(shown in every message naming the server).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import invoicekit
from invoicekit.cli import main
from invoicekit.errors import ConfigError, InvoiceKitError
from invoicekit.state import StateStoreError, describe_store
from invoicekit.state.redis import RedisStateStore
from invoicekit.testing import GoHighLevelSimulator
from tests.credentials.conftest import error_texts, record_texts

from .conftest import _command, ghl_config

#: Pieces of the password: none may show anywhere, alone or together.
PIECES = ("4321", "Hunter2-Redis-pw")
PASSWORD = "4321/Hunter2-Redis-pw"

#: Malformed URLs, each with the password's two pieces split by a character that must be
#: percent-encoded, or in a place where it cannot be.
MALFORMED = {
    "slash in the password": "redis://:4321/Hunter2-Redis-pw@127.0.0.1:6379/0",
    "hash in the password": "redis://:4321#Hunter2-Redis-pw@127.0.0.1:6379/0",
    "question mark in the password": "redis://:4321?Hunter2-Redis-pw@127.0.0.1:6379/0",
    "user and slash in the password": "redis://worker:Hunter2-Redis-pw/4321@127.0.0.1:6379/0",
    "port not a number": "redis://:Hunter2-Redis-pw@127.0.0.1:4321x/0",
    "query value redis-py refuses": "redis://:Hunter2-Redis-pw@127.0.0.1:6379/0?socket_timeout=4321x",
    "upper-case scheme": "REDIS://:Hunter2-Redis-pw@127.0.0.1:4321/0",
    "lease_hold not a number": "redis://:Hunter2-Redis-pw@127.0.0.1:6379/0?lease_hold=4321x",
    "bracket in the password": "redis://:4321[Hunter2-Redis-pw@127.0.0.1:6379/0",  # urlsplit: "Invalid IPv6 URL"
}


def assert_no_piece(texts: list[str], pieces: tuple[str, ...] = PIECES) -> None:
    for text in texts:
        for piece in pieces:
            assert piece not in text, f"{piece!r} shows in {text[:300]!r}"


async def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def write_config(path: Path, config: Mapping[str, Any]) -> str:
    def value(v: Any) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else str(v) if isinstance(v, int) else f'"{v}"'

    path.write_text("".join(f"{key} = {value(v)}\n" for key, v in config.items()))
    return str(path)


def _settings(url: str) -> dict[str, Any]:
    return {"provider": "gohighlevel", "base_url": "http://127.0.0.1:9/", "allow_insecure_http": True,
            "location_id": "Jx9kP2mQ7rT4vW8yZ3aB", "client_id": "app-1", "client_secret": "cs-redis-secrets-1",
            "refresh_token": "rt-redis-secrets-1", "max_retries": 0, "state_store": url}


# -- a malformed URL: a configuration error, found before anything is opened ----------------

@pytest.mark.parametrize("url", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_redis_url_is_a_config_error_naming_no_part_of_it(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        invoicekit.connect(_settings(url))
    error = info.value
    assert error.key == "state_store" and "state_store" in str(error)
    assert error.__cause__ is None and error.__context__ is None
    assert_no_piece(error_texts(error))


def test_the_message_says_what_to_do_with_a_password_that_holds_a_slash() -> None:
    with pytest.raises(ConfigError, match=r"percent-encoded: %2F"):
        invoicekit.connect(_settings(MALFORMED["slash in the password"]))


@pytest.mark.parametrize("url", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_redis_url_given_in_code_is_a_state_store_error(url: str) -> None:
    with pytest.raises(StateStoreError) as info:
        RedisStateStore(url)
    assert info.value.__context__ is None
    assert_no_piece(error_texts(info.value))


def test_a_percent_encoded_password_is_accepted_and_never_shown() -> None:
    store = RedisStateStore("redis://:4321%2FHunter2-Redis-pw@127.0.0.1:6379/0")
    assert store.where == "redis://127.0.0.1:6379/0"
    assert_no_piece([repr(store), str(store), describe_store(store), store.identity])


@pytest.mark.parametrize("command", [["config", "check"], ["auth", "status"], ["auth", "status", "--json"],
                                     ["auth", "forget", "--yes"], ["invoices", "list", "--debug"]])
@pytest.mark.parametrize("name", ["slash in the password", "port not a number", "query value redis-py refuses"])
async def test_the_cli_reports_a_malformed_redis_url_as_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], name: str
) -> None:
    config = write_config(tmp_path / "invoicekit.toml", _settings(MALFORMED[name]))
    status, output = await run_cli(capsys, *command, "--config", config)
    assert status == 2, output
    assert "state_store" in output and "unexpected" not in output
    assert_no_piece([output])


# -- a real server: down, or refusing the password ------------------------------------------

@pytest.fixture
def redis_user(redis_port: int) -> str:
    """A user of the test server whose password is PASSWORD (an ACL user: the server's default
    user stays open for the other tests)."""
    reply = _command(redis_port, "ACL", "SETUSER", "worker", "on", f">{PASSWORD}", "~*", "&*", "+@all")
    assert reply.startswith(b"+OK"), reply
    return "worker"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _failing_urls(redis_port: int, user: str) -> dict[str, str]:
    encoded = PASSWORD.replace("/", "%2F")
    return {
        "server down": f"redis://{user}:{encoded}@127.0.0.1:{_free_port()}/0",
        "wrong password": f"redis://{user}:{encoded}-not@127.0.0.1:{redis_port}/0",
        "unknown user": f"redis://nobody:{encoded}@127.0.0.1:{redis_port}/0",
    }


@pytest.mark.parametrize("case", ["server down", "wrong password", "unknown user"])
async def test_a_refused_or_unreachable_redis_shows_no_password_in_errors_or_logs(
    redis_port: int, redis_user: str, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: invoicekit's, redis-py's and aiohttp's records
    sim = GoHighLevelSimulator(invoices=1, refresh_token=f"seed-redis-secrets-{case}")
    async with sim.run() as url:
        config = ghl_config(sim, url, state_store=_failing_urls(redis_port, redis_user)[case], rate_limit=5)
        async with invoicekit.connect(config) as client:
            with pytest.raises(InvoiceKitError) as info:
                await client.get(next(iter(sim.store.invoices)))
            assert_no_piece([repr(client), repr(client.settings), str(client.settings)])
    assert isinstance(info.value, StateStoreError)
    assert_no_piece(error_texts(info.value) + record_texts(caplog.records) + [caplog.text])


async def test_a_working_redis_with_a_password_shows_it_nowhere(
    redis_port: int, redis_user: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = GoHighLevelSimulator(invoices=1, refresh_token="seed-redis-secrets-working")
    store_url = f"redis://{redis_user}:{PASSWORD.replace('/', '%2F')}@127.0.0.1:{redis_port}/0"
    config = {"state_store": store_url, "rate_limit": 50}
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, **config)) as client:
        await client.get(next(iter(sim.store.invoices)))
    assert sim.refreshes == 1
    assert caplog.records, "nothing was logged: the capture does not work"
    assert_no_piece([*record_texts(caplog.records), caplog.text])


@pytest.mark.parametrize("command", [["config", "check"], ["config", "check", "--json"], ["auth", "status"],
                                     ["auth", "status", "--json", "--debug"], ["auth", "forget", "--yes"]])
async def test_the_cli_shows_no_password_of_a_redis_that_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], redis_port: int, redis_user: str, command: list[str]
) -> None:
    refused = _failing_urls(redis_port, redis_user)["wrong password"]
    config = write_config(tmp_path / "invoicekit.toml", _settings(refused))
    status, output = await run_cli(capsys, *command, "--config", config)
    assert status != 0 and "Redis" in output and "127.0.0.1" in output
    assert_no_piece([output])


@pytest.mark.parametrize("url", ["unix:///var/run/redis/redis.sock", "unix:///var/run/redis/redis.sock?db=2&prefix=a:",
                                 "unix://:Hunter2-Redis-pw@/var/run/redis/redis.sock"])
def test_a_unix_socket_url_is_accepted(url: str) -> None:
    # Taking our own query parameters out rebuilt 'unix:///path' as 'unix:/path', which
    # redis-py refuses: a socket URL without a password never opened.
    settings = invoicekit.config.parse_settings(_settings(url))
    store = RedisStateStore(settings.state_store)
    assert store.where.endswith("/var/run/redis/redis.sock")
    assert_no_piece([repr(store), describe_store(store), store.identity])
