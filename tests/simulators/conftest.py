"""Fixtures for the simulator tests: each simulator served on 127.0.0.1:<free port> with a plain
aiohttp session (no cookie jar, so the header stays the only credential)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

OO_TOKEN = "oo-test-token-not-a-secret"
GHL_TOKEN = "ghl-test-token-not-a-secret"
GHL_VERSION = "2021-07-28"


class Portal:
    """A running simulator plus helpers that build its URLs and headers."""

    def __init__(self, sim: Any, url: str, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.url = url
        self.session = session


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
        yield client


@pytest.fixture
def oo_sim() -> OnlyOfficeSimulator:
    return OnlyOfficeSimulator(token=OO_TOKEN, invoices=12)


@pytest.fixture
async def oo(oo_sim: OnlyOfficeSimulator, session: aiohttp.ClientSession) -> AsyncIterator[Portal]:
    async with oo_sim.run() as url:
        yield Portal(oo_sim, url + "/api/2.0/", session)


@pytest.fixture
def ghl_sim() -> GoHighLevelSimulator:
    return GoHighLevelSimulator(token=GHL_TOKEN, invoices=12)


@pytest.fixture
async def ghl(ghl_sim: GoHighLevelSimulator, session: aiohttp.ClientSession) -> AsyncIterator[Portal]:
    async with ghl_sim.run() as url:
        yield Portal(ghl_sim, url, session)


OO_AUTH = {"Authorization": OO_TOKEN}
GHL_HEADERS = {"Authorization": f"Bearer {GHL_TOKEN}", "Version": GHL_VERSION}
