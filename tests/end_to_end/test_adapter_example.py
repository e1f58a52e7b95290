"""README's "Writing an adapter" example, run as written against a local Acme API server."""

from __future__ import annotations

import ast
import json
import re
import sys
import types
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import invoicekit
from invoicekit import registry

README = Path(__file__).resolve().parents[2] / "README.md"
TOKEN = "acme-token-0001-not-real"
INVOICES = [
    {"id": f"inv_{n}", "status": "sent", "number": f"A-{n:03}", "currency": "EUR", "total": f"{n}0.05"}
    for n in range(1, 6)
]


def readme_example() -> str:
    """The first Python block of the section: the adapter module itself."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Writing an adapter\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert blocks, "README's 'Writing an adapter' section has no python block"
    return str(blocks[0])


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """The README module, imported as ``acme_invoices``; the registry is restored afterwards."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    module = types.ModuleType("acme_invoices")
    sys.modules[module.__name__] = module
    try:
        exec(compile(readme_example(), "README.md:acme_invoices", "exec"), module.__dict__)
        yield module
    finally:
        del sys.modules[module.__name__]


class AcmeServer:
    def __init__(self) -> None:
        self.seen: list[web.Request] = []
        self.broken = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/invoices", self.list)
        app.router.add_get("/v1/invoices/{id}", self.get)
        return app

    def _authorised(self, request: web.Request) -> None:
        self.seen.append(request)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            raise web.HTTPUnauthorized(text="bad token")

    async def get(self, request: web.Request) -> web.Response:
        self._authorised(request)
        if self.broken:
            return web.json_response({"id": request.match_info["id"]})
        for invoice in INVOICES:
            if invoice["id"] == request.match_info["id"]:
                return web.Response(text=_json(invoice), content_type="application/json")
        raise web.HTTPNotFound(text="no such invoice")

    async def list(self, request: web.Request) -> web.Response:
        self._authorised(request)
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        page = {"invoices": INVOICES[offset: offset + limit], "total": len(INVOICES)}
        return web.Response(text=_json(page), content_type="application/json")


def _json(value: Any) -> str:
    # Totals as JSON numbers with their digits, as a real API writes them.
    return re.sub(r'"total": "([0-9.]+)"', r'"total": \1', json.dumps(value))


@pytest.fixture
async def server() -> AsyncIterator[tuple[AcmeServer, str]]:
    acme_server = AcmeServer()
    runner = web.AppRunner(acme_server.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield acme_server, f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def test_the_example_imports_only_public_modules() -> None:
    imported = {
        node.module or "" for node in ast.walk(ast.parse(readme_example())) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name for node in ast.walk(ast.parse(readme_example())) if isinstance(node, ast.Import)
        for alias in node.names
    }
    ours = {name for name in imported if name.split(".")[0] == "invoicekit"}
    assert ours == {"invoicekit", "invoicekit.adapter"}
    assert not [name for name in imported if any(part.startswith("_") for part in name.split("."))
                and name != "__future__"]


async def test_a_registered_toy_provider_is_configured_like_a_builtin_one(
    acme: types.ModuleType, server: tuple[AcmeServer, str]
) -> None:
    acme_server, url = server
    config = {"provider": "ACME", "base_url": url, "token": TOKEN, "max_retries": "0"}
    async with invoicekit.connect(config) as client:
        assert isinstance(client, acme.AcmeClient)
        assert TOKEN not in repr(client)
        invoice = await client.get("inv_3")
        assert invoice == invoicekit.Invoice(
            id="inv_3", provider="acme", status=invoicekit.InvoiceStatus.SENT, number="A-003", currency="EUR",
            total=Decimal("30.05"), raw=invoice.raw,
        )
        assert isinstance(invoice.total, Decimal) and str(invoice.total) == "30.05"
        listed = [i.id async for i in client.list(page_size=2)]
        assert listed == [i["id"] for i in INVOICES]
    assert [(r.method, r.path, dict(r.query)) for r in acme_server.seen] == [
        ("GET", "/v1/invoices/inv_3", {}),
        ("GET", "/v1/invoices", {"offset": "0", "limit": "2"}),
        ("GET", "/v1/invoices", {"offset": "2", "limit": "2"}),
        ("GET", "/v1/invoices", {"offset": "4", "limit": "2"}),
    ]
    assert {r.headers["Authorization"] for r in acme_server.seen} == {f"Bearer {TOKEN}"}


async def test_the_toy_provider_gets_the_shared_errors(
    acme: types.ModuleType, server: tuple[AcmeServer, str]
) -> None:
    acme_server, url = server
    async with invoicekit.connect({"provider": "acme", "base_url": url, "token": TOKEN}) as client:
        with pytest.raises(invoicekit.NotFoundError, match="no such invoice") as missing:
            await client.get("inv_404")
        assert missing.value.status == 404 and missing.value.provider == "acme"
        before = len(acme_server.seen)
        with pytest.raises(invoicekit.InvalidRequestError, match="no filters"):
            [i async for i in client.list(status="sent")]
        with pytest.raises(invoicekit.InvalidRequestError):
            await client.get("")
        with pytest.raises(invoicekit.UnsupportedOperationError):
            await client.void("inv_1")
        with pytest.raises(invoicekit.UnsupportedOperationError):
            await client.delete("inv_1")
        assert len(acme_server.seen) == before  # refused before anything was sent
        acme_server.broken = True
        with pytest.raises(invoicekit.MalformedResponseError, match="not an invoice"):
            await client.get("inv_1")
    async with invoicekit.connect({"provider": "acme", "base_url": url, "token": "wrong-token-0002"}) as client:
        with pytest.raises(invoicekit.AuthenticationError) as refused:
            await client.get("inv_1")
        assert "wrong-token-0002" not in str(refused.value)


def test_the_toy_provider_settings_refuse_typos_and_missing_keys(acme: types.ModuleType) -> None:
    with pytest.raises(invoicekit.ConfigError, match="unknown setting 'timout'"):
        invoicekit.connect({"provider": "acme", "base_url": "https://api.acme.example", "token": TOKEN, "timout": 3})
    with pytest.raises(invoicekit.ConfigError, match="missing required setting 'token'"):
        invoicekit.connect({"provider": "acme", "base_url": "https://api.acme.example"})
