"""Helpers for the credential life-cycle tests: simulator configs and stores that misbehave."""

from __future__ import annotations

import asyncio
import logging
import pickle
import traceback
from collections.abc import Iterable
from typing import Any

import pytest

from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.state import MemoryStateStore, Versioned
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

TOKEN_PATH = "/oauth/token"
LOGIN_PATH = "/api/2.0/authentication*"


def ghl_config(sim: GoHighLevelSimulator, url: str, **overrides: Any) -> dict[str, Any]:
    """OAuth settings for ``sim``: no access token yet, so the first call refreshes."""
    config: dict[str, Any] = {
        "provider": "gohighlevel",
        "base_url": url,
        "location_id": sim.location_id,
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "refresh_token": sim.refresh_token,
        "allow_insecure_http": True,
        "max_retries": 0,
    }
    config.update(overrides)
    return config


def oo_config(sim: OnlyOfficeSimulator, url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "provider": "onlyoffice",
        "base_url": url,
        "username": sim.username,
        "password": sim.password,
        "allow_insecure_http": True,
        "max_retries": 0,
    }
    config.update(overrides)
    return config


def ghl_secrets(sim: GoHighLevelSimulator) -> set[str]:
    """Every credential the simulator issued or knows."""
    return {sim.client_secret, sim.token, *sim.access_tokens, *sim.refresh_tokens, *sim.used_refresh_tokens}


def assert_no_secret(texts: Iterable[str], secrets: Iterable[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, "a secret leaked"


def error_texts(error: BaseException) -> list[str]:
    """The text, repr, args, notes and attributes of an error and of every error in its
    cause/context chain (both links of each), and the error's pickle."""
    texts: list[str] = [pickle.dumps(error).decode("latin-1"), "".join(traceback.format_exception(error))]
    chain: list[BaseException | None] = [error]
    seen: set[int] = set()
    while chain:
        link = chain.pop()
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        texts += [str(link), repr(link), str(getattr(link, "body", ""))]
        texts += [repr(link.args), repr(getattr(link, "__notes__", [])), repr(vars(link))]
        # bytes in args (UnicodeDecodeError.object) show as they are, not escaped by repr
        texts += [bytes(a).decode("latin-1") for a in link.args if isinstance(a, bytes | bytearray)]
        chain += [link.__cause__, link.__context__]
    return texts


def record_texts(records: list[logging.LogRecord]) -> list[str]:
    """Every text of log records: the message, the raw args, the traceback of ``exc_info`` (and
    its chain) and every attribute, ``extra=`` fields included."""
    texts: list[str] = []
    for record in records:
        texts += [record.getMessage(), repr(record.args), repr(vars(record))]
        if record.exc_info and record.exc_info[1] is not None:
            texts += error_texts(record.exc_info[1])
    return texts


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def first_invoice_id(sim: GoHighLevelSimulator) -> str:
    return next(iter(sim.store.invoices))


class FlakyStore(MemoryStateStore):
    """A store whose next ``get``/``put`` calls fail (``fail_gets``/``fail_puts`` of them), or
    wait on an event first (to cancel a caller at that very await point)."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_gets = 0
        self.fail_puts = 0
        self.gate_gets: asyncio.Event | None = None
        self.gate_puts: asyncio.Event | None = None
        self.reached = asyncio.Event()
        self.puts = 0

    async def get(self, key: str) -> Versioned | None:
        if self.gate_gets is not None:
            self.reached.set()
            await self.gate_gets.wait()
        if self.fail_gets:
            self.fail_gets -= 1
            raise OSError("database connection reset")
        return await super().get(key)

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Versioned | None:
        if self.gate_puts is not None:
            self.reached.set()
            await self.gate_puts.wait()
        if self.fail_puts:
            self.fail_puts -= 1
            raise OSError("database connection reset")
        self.puts += 1
        return await super().put(key, value, expected_version=expected_version)


class StoreView:
    """Another object over the same records (a second connection to one database): clients
    holding different views do not share an in-process flight, as two processes would not."""

    def __init__(self, backend: MemoryStateStore) -> None:
        self._backend = backend

    async def get(self, key: str) -> Versioned | None:
        return await self._backend.get(key)

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Versioned | None:
        return await self._backend.put(key, value, expected_version=expected_version)

    async def delete(self, key: str) -> None:
        await self._backend.delete(key)

    async def add_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        return await self._backend.add_if_absent(key, value, ttl=ttl)

    async def aclose(self) -> None:
        return None


def keeper_of(client: Any) -> Any:
    """The credential keeper behind a client."""
    return client._auth.keeper


def after_backoff(client: Any) -> None:
    """Let a day pass on the monotonic clock of ``client``'s credential keeper: a remembered
    failure's backoff is over, so the next call tries again (a dead grant stays dead)."""
    keeper = keeper_of(client)
    clock = keeper._monotonic
    keeper._monotonic = lambda: clock() + 86400.0


def ghl_client(settings: Any, store: Any) -> GoHighLevelClient:
    return GoHighLevelClient(settings, state_store=store)


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="invoicekit")
    return caplog
