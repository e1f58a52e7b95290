"""Authenticated runs through faults: the token never shows in logs, reprs or error texts."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web

from invoicekit._http.auth import StaticAuth
from invoicekit.errors import InvoiceKitError
from invoicekit.options import ClientOptions
from invoicekit.secret import Secret

from .conftest import TOKEN, Harness, create, free_port, get, text


async def _echo_everything(request: web.Request) -> web.Response:
    """A hostile or careless server: echoes the credential back in every shape it can."""
    auth = request.headers.get("Authorization", "")
    kind = request.match_info["kind"]
    if kind == "json":
        return text(f'{{"message": "bad token {auth}", "token": "{auth}"}}', status=400)
    if kind == "html":
        return web.Response(status=502, text=f"<html><body>proxy saw {auth}</body></html>", content_type="text/html")
    if kind == "unauthorized":
        return web.Response(status=401, text=f"Unauthorized: {auth}")
    if kind == "busy":
        return text(f'{{"message": "{auth} slow down"}}', status=429, headers={"Retry-After": "7200"})
    return text(f'{{"ok": true, "echo": "{auth}"}}')


@pytest.mark.parametrize("header", [TOKEN, f"Bearer {TOKEN}"], ids=["onlyoffice-raw", "bearer"])
async def test_token_never_leaks_during_an_authenticated_run(
    harness: Harness, caplog: pytest.LogCaptureFixture, header: str
) -> None:
    server = await harness.web({("GET", "/api/echo/{kind}"): _echo_everything,
                                ("POST", "/api/echo/{kind}"): _echo_everything})
    options = ClientOptions(max_retries=1)
    auth = StaticAuth({"Authorization": header})
    caller, _ = harness.caller(server.base_url, options, auth=auth)
    refused, _ = harness.caller(f"http://127.0.0.1:{free_port()}/api/", options, auth=auth)
    texts: list[str] = []

    with caplog.at_level(logging.DEBUG, logger="invoicekit"):
        await caller(get("echo/ok"), options)
        for kind in ("json", "html", "unauthorized", "busy"):
            for request in (get(f"echo/{kind}"), create(f"echo/{kind}")):
                with pytest.raises(InvoiceKitError) as info:
                    await caller(request, options)
                err = info.value
                texts += [str(err), repr(err), str(getattr(err, "body", "")), str(getattr(err, "messages", "")),
                          str(err.args)]
        with pytest.raises(InvoiceKitError) as info:
            await refused(get(), options)
        texts += [str(info.value), repr(info.value)]

    texts += [repr(auth), repr(caller), repr(caller.transport), repr(options), caplog.text]
    texts += [r.getMessage() for r in caplog.records]
    assert any("GET" in r.getMessage() for r in caplog.records)  # the requests were logged...
    assert "<redacted>" in caplog.text  # ...with the Authorization header masked
    leaked = [t for t in texts if TOKEN in t]
    assert leaked == []


async def test_a_secret_registered_by_an_adapter_is_scrubbed_from_errors(harness: Harness) -> None:
    # e.g. a password sent in a login form that the server echoes back in its error page
    password = Secret("correct-horse-battery-staple")

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        return web.Response(status=500, text=f"User authentication failed for password {form['password']}")

    server = await harness.web({("POST", "/api/authentication"): login})
    options = ClientOptions(max_retries=0)
    caller, _ = harness.caller(server.base_url, options)
    from invoicekit._http.messages import Request

    request = Request(operation="login", method="POST", path="authentication", authenticated=False,
                      form={"userName": "admin", "password": password.reveal()})
    with pytest.raises(InvoiceKitError) as info:
        await caller(request, options)
    assert password.reveal() not in f"{info.value} {info.value!r} {getattr(info.value, 'body', '')}"
    assert "User authentication failed" in str(info.value)
