"""Secrets at adapter level: authenticated runs through both real clients, every text inspected.

Each run captures every log record of the "invoicekit" logger at DEBUG, the reprs of settings,
client, auth strategy and token store, and the text, repr, notes, body and messages of every
error raised on the way (including answers that echo the credential back), then looks for every
credential the run used or obtained: static tokens, the ONLYOFFICE password and the tokens its
logins returned, the GoHighLevel client secret and every access and refresh token issued.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

import invoicekit
from invoicekit._log import RedactingFilter
from invoicekit.errors import AuthenticationError, InvoiceKitError, MalformedResponseError
from invoicekit.secret import Secret
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .adapters import ghl_config, ghl_invoice_id, oo_config, oo_login_config
from .conftest import Harness


class Texts:
    """Everything a user could see or a log could keep."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def error(self, exc: BaseException) -> None:
        self.items += [str(exc), repr(exc), str(exc.args), " ".join(getattr(exc, "__notes__", []))]
        for name in ("body", "messages", "message", "url"):
            self.items.append(str(getattr(exc, name, "")))
        if exc.__cause__ is not None:
            self.error(exc.__cause__)

    async def expect_error(self, call: Callable[[], Awaitable[Any]]) -> BaseException:
        with pytest.raises(InvoiceKitError) as info:
            await call()
        self.error(info.value)
        return info.value

    def objects(self, *objects: object) -> None:
        self.items += [repr(o) for o in objects] + [str(o) for o in objects]

    def leaks(self, secrets: set[str], caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
        texts = [*self.items, caplog.text, *(r.getMessage() for r in caplog.records)]
        assert caplog.records, "the run logged nothing: the capture is not working"
        return [(s, t[:200]) for s in secrets for t in texts if s and s in t]


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="invoicekit")
    return caplog


async def test_onlyoffice_static_token(debug_log: pytest.LogCaptureFixture) -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    texts = Texts()
    async with sim.run() as url:
        config = oo_config(sim, url, max_retries=1, backoff_base=0.01)
        async with invoicekit.connect(config) as client:
            await client.get(1)
            await texts.expect_error(lambda: client.get(999))  # 404 envelope
            sim.faults.fail_next(400, body={"error": {"message": f"token {sim.token} refused"}, "status": 1})
            await texts.expect_error(lambda: client.get(1))  # the server echoes the token
            sim.faults.fail_next(502, body=f"<html>upstream saw Authorization: {sim.token}</html>")
            sim.faults.fail_next(502, body=f"<html>upstream saw Authorization: {sim.token}</html>")
            await texts.expect_error(lambda: client.get(1))
            sim.revoke_tokens()
            await texts.expect_error(lambda: client.get(1))  # 401: a static token is not renewed
            texts.objects(client, client.settings, client._auth, client._runner, client._transport)
        texts.objects(invoicekit.onlyoffice.OnlyOfficeSettings.from_mapping(config))
    assert texts.leaks({sim.token}, debug_log) == []


async def test_onlyoffice_password_login(debug_log: pytest.LogCaptureFixture) -> None:
    sim = OnlyOfficeSimulator(invoices=3)
    texts = Texts()
    async with sim.run() as url:
        async with invoicekit.connect(oo_login_config(sim, url)) as client:
            await client.get(1)
            issued = set(sim.tokens)  # the simulator's own token and the one the login got
            sim.revoke_tokens()
            await client.get(2)  # 401 -> one more login -> retried
            (current,) = set(sim.tokens) - issued  # the token the client logged in for just now
            # The server echoes the credentials this client sent (password, current login token).
            sim.faults.fail_next(500, body={"status": 1, "error": {"message": f"{sim.password} / {current}"}})
            await texts.expect_error(lambda: client.get(1))
            texts.objects(client, client.settings, client._auth)
            assert client._auth.logins == 2  # type: ignore[union-attr]
        issued |= sim.tokens
        # A fresh store: a stored login token of this portal user would be used without a login.
        wrong = {**oo_login_config(sim, url), "password": "wrong-password-1234", "state_store": "memory:"}
        async with invoicekit.connect(wrong) as client:
            error = await texts.expect_error(lambda: client.get(1))
            assert isinstance(error, AuthenticationError)
            texts.objects(client, client.settings)
    assert len(issued) >= 3
    assert texts.leaks({sim.password, "wrong-password-1234", sim.token, *issued}, debug_log) == []


async def test_gohighlevel_static_token(debug_log: pytest.LogCaptureFixture) -> None:
    sim = GoHighLevelSimulator(invoices=3)
    texts = Texts()
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url)) as client:
        await client.get(ghl_invoice_id(sim))
        await texts.expect_error(lambda: client.get("missing-invoice-id"))
        sim.faults.fail_next(400, body={"statusCode": 400, "message": [f"Bearer {sim.token} is odd"]})
        await texts.expect_error(lambda: client.get(ghl_invoice_id(sim)))
        sim.expire_tokens()
        await texts.expect_error(lambda: client.get(ghl_invoice_id(sim)))
        texts.objects(client, client.settings, client._auth, client._runner)
    assert texts.leaks({sim.token}, debug_log) == []


async def test_gohighlevel_oauth_refresh_and_refused_refresh(debug_log: pytest.LogCaptureFixture) -> None:
    sim = GoHighLevelSimulator(invoices=3)
    texts = Texts()
    invoice_id = ghl_invoice_id(sim)
    async with sim.run() as url:
        async with invoicekit.connect(ghl_config(sim, url, oauth=True)) as client:
            await client.get(invoice_id)  # no access token yet: refresh first
            sim.expire_tokens()
            await client.get(invoice_id)  # 401 -> refresh -> retried
            auth = client._auth
            texts.objects(client, client.settings, auth, auth._store, auth.tokens)  # type: ignore[attr-defined]
            assert auth.refresh_count == 2  # type: ignore[attr-defined]
        # The settings' refresh token was used up by the first refresh: GHL refuses it now (to a
        # client whose state store does not hold the rotated one).
        async with invoicekit.connect({**ghl_config(sim, url, oauth=True), "state_store": "memory:"}) as client:
            error = await texts.expect_error(lambda: client.get(invoice_id))
            assert isinstance(error, AuthenticationError)
            texts.objects(client, client._auth)
        wrong_secret = {**ghl_config(sim, url, oauth=True), "client_secret": "wrong-client-secret-5678"}
        async with invoicekit.connect(wrong_secret) as client:
            await texts.expect_error(lambda: client.get(invoice_id))
    secrets = {sim.client_secret, "wrong-client-secret-5678", *sim.access_tokens, *sim.refresh_tokens,
               *sim.used_refresh_tokens}
    assert len(secrets) >= 6
    assert texts.leaks(secrets, debug_log) == []


async def test_runtime_credentials_are_held_as_secrets() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, oauth=True)) as client:
        await client.get(ghl_invoice_id(sim))
        tokens = client._auth.tokens  # type: ignore[attr-defined]
        assert isinstance(tokens.access_token, Secret) and isinstance(tokens.refresh_token, Secret)
        assert isinstance(client.settings.client_secret, Secret)
    oo = OnlyOfficeSimulator(invoices=1)
    async with oo.run() as url, invoicekit.connect(oo_login_config(oo, url)) as client:
        await client.get(1)
        assert isinstance(client._auth.token.value, Secret)  # type: ignore[union-attr]
        assert isinstance(client.settings.password, Secret)


def test_every_invoicekit_logger_redacts() -> None:
    # A filter only sees records logged on its own logger: a module that took its logger from
    # logging.getLogger() would bypass the redaction. Import every module and check them all.
    import invoicekit as package

    for info in pkgutil.walk_packages(package.__path__, "invoicekit."):
        if info.name.endswith(("__main__", "pytest_plugin")):
            continue
        importlib.import_module(info.name)
    loggers = {name: logging.getLogger(name) for name in logging.root.manager.loggerDict
               if name.startswith("invoicekit")
               and isinstance(logging.root.manager.loggerDict[name], logging.Logger)}
    assert {"invoicekit.http", "invoicekit.gohighlevel"} <= set(loggers)
    unfiltered = [n for n, lg in loggers.items()
                  if not any(isinstance(f, RedactingFilter) for f in lg.filters) and lg.handlers == []
                  and _used_by_a_module(n)]
    assert unfiltered == []


def _used_by_a_module(name: str) -> bool:
    """True when some invoicekit module holds this logger (parents made by getLogger do not)."""
    import sys

    return any(getattr(m, "logger", None) is logging.getLogger(name)
               for n, m in list(sys.modules.items()) if n.startswith("invoicekit") and m is not None)


async def test_onlyoffice_unreadable_login_answer_does_not_show_the_token(harness: Harness) -> None:
    # Cut off after the token: the answer is undecodable, and its excerpt is the error's body.
    leaked = "half-read-login-token-0123456789"

    async def login(request: web.Request) -> web.Response:
        body = f'{{"count": 1, "status": 0, "statusCode": 201, "response": {{"token": "{leaked}", "expi'
        return web.Response(status=201, text=body, content_type="application/json")

    server = await harness.web({("POST", "/api/2.0/authentication.json"): login})
    config = {"provider": "onlyoffice", "base_url": server.base_url.removesuffix("api/"), "username": "admin",
              "password": "login-password-0001", "max_retries": 0}
    async with invoicekit.connect(config) as client:
        with pytest.raises(MalformedResponseError) as info:
            await client.get(1)
    error = info.value
    assert error.status == 201 and "<redacted>" in str(error.body)
    assert leaked not in f"{error} {error!r} {error.body}"
