"""Tokens from a token or login answer are checked before they are stored or used: one that a
header cannot carry is a MalformedResponseError (no excerpt of it), never a bare ValueError on
every later call, nor saved for the next process."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aioresponses import aioresponses

import invoicekit
from invoicekit import AuthenticationError, InvalidRequestError, MalformedResponseError
from invoicekit._http.auth import StaticAuth
from invoicekit._http.messages import Request
from invoicekit._http.runner import RequestRunner
from invoicekit._http.transport import HttpTransport
from invoicekit.errors import ServerError
from invoicekit.gohighlevel import GoHighLevelClient, GoHighLevelSettings
from invoicekit.onlyoffice import OnlyOfficeClient, OnlyOfficeSettings
from invoicekit.options import ClientOptions
from invoicekit.state import MemoryStateStore
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .conftest import assert_no_secret, error_texts

EVIL = "live-token-\r\nX-Injected: 1"
GHL_BASE = "https://services.leadconnectorhq.com/"
PORTAL = "https://portal.example.com"


@pytest.mark.parametrize("field", ["access_token", "refresh_token"])
async def test_a_gohighlevel_token_answer_with_a_control_character_is_malformed(field: str) -> None:
    answer: dict[str, Any] = {"access_token": "fresh-access", "refresh_token": "fresh-refresh", "expires_in": 86399}
    answer[field] = EVIL
    store = MemoryStateStore()
    settings = GoHighLevelSettings.from_mapping({
        "provider": "gohighlevel", "location_id": "loc-1", "client_id": "app-1", "client_secret": "cs-secret-1",
        "refresh_token": "seed-refresh-1", "max_retries": 0,
    })
    with aioresponses() as mock:
        mock.post(GHL_BASE + "oauth/token", payload=answer)
        async with GoHighLevelClient(settings, state_store=store) as client:
            with pytest.raises(MalformedResponseError, match="cannot carry") as info:
                await client.get("inv-1")
    assert_no_secret(error_texts(info.value), [EVIL, "live-token-", "cs-secret-1", "seed-refresh-1"])
    assert await store.get("gohighlevel/app-1/loc-1/oauth") is None  # nothing saved for the next run


async def test_an_onlyoffice_login_token_with_a_control_character_is_malformed() -> None:
    store = MemoryStateStore()
    settings = OnlyOfficeSettings.from_mapping({
        "provider": "onlyoffice", "base_url": PORTAL, "username": "ana", "password": "pw-secret-1", "max_retries": 0,
    })
    body = {"status": 0, "statusCode": 201, "count": 1, "response": {"token": EVIL, "expires": "2027-01-01T00:00:00Z"}}
    with aioresponses() as mock:
        mock.post(PORTAL + "/api/2.0/authentication.json", status=201, payload=body)
        async with OnlyOfficeClient(settings, state_store=store) as client:
            with pytest.raises(MalformedResponseError, match="cannot carry") as info:
                await client.get(1)
    assert_no_secret(error_texts(info.value), [EVIL, "live-token-", "pw-secret-1"])
    assert await store.get("onlyoffice/portal.example.com/ana/login") is None


async def test_a_header_aiohttp_refuses_is_a_typed_error_naming_no_value() -> None:
    async def items(_request: web.Request) -> web.Response:
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/api/items", items)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{server.port}/api/"
            options = ClientOptions(max_retries=0, timeout=5, allow_insecure_http=True)
            transport = HttpTransport(provider="testapi", base_url=base, options=options, session=session)

            def decode_error(request: Request, response: Any) -> ServerError:
                return ServerError("x", status=response.status, provider="testapi", method="GET", url=base)

            runner = RequestRunner(transport=transport, auth=StaticAuth({"Authorization": EVIL}),
                                   decode_error=decode_error)
            with pytest.raises(InvalidRequestError, match="not sent") as info:
                await runner(Request(operation="get_item", method="GET", path="items"), options)
    finally:
        await server.close()
    assert_no_secret(error_texts(info.value), [EVIL, "live-token-"])


@pytest.mark.parametrize("password", ["pässwörd-ünicode-1", "пароль-секрет-2"])
async def test_a_non_ascii_password_logs_in_to_the_simulator_and_a_wrong_one_is_refused(password: str) -> None:
    # The simulators compared credentials with secrets.compare_digest on str, which raises
    # TypeError for non-ASCII text: a login with an accented password was a 500 "Server got
    # itself in trouble" instead of a login (or a refusal).
    sim = OnlyOfficeSimulator(invoices=1, password=password)
    async with sim.run() as url:
        config = sim.client_config(url=url, login=True, max_retries=0)
        async with invoicekit.connect(config) as client:
            await client.get(next(iter(sim.store.invoices)))
        async with invoicekit.connect({**config, "password": password + "x"}) as client:
            with pytest.raises(AuthenticationError) as info:
                await client.get(next(iter(sim.store.invoices)))
    assert_no_secret(error_texts(info.value), [password])
    assert sim.logins == 1


async def test_a_non_ascii_client_secret_refreshes_with_the_gohighlevel_simulator() -> None:
    sim = GoHighLevelSimulator(invoices=1, client_secret="sécret-client-ünicode-1")
    async with sim.run() as url:
        async with invoicekit.connect(sim.client_config(url=url, auth="oauth", max_retries=0)) as client:
            await client.get(next(iter(sim.store.invoices)))
        wrong = sim.client_config(url=url, auth="oauth", max_retries=0, client_secret="sécret-client-ünicode-2")
        async with invoicekit.connect(wrong) as client:
            with pytest.raises(AuthenticationError, match="client_secret"):
                await client.get(next(iter(sim.store.invoices)))
    assert sim.refreshes == 1
