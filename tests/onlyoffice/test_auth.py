"""Authentication: raw token header, lazy password login, one re-login per 401 wave however many
requests hit it, two-factor and failed logins as AuthenticationError."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses

from invoicekit import AuthenticationError, ClientOptions, Secret
from invoicekit.onlyoffice import OnlyOfficeClient
from invoicekit.onlyoffice.auth import LoginAuth, Token

from .conftest import (
    API,
    TOKEN,
    TOKEN_2,
    answer,
    calls,
    expected_headers,
    fixture_bytes,
    make_settings,
    only_call,
    url,
)

LOGIN_URL = API + "authentication.json"
PASSWORD = "correct horse battery staple"


def login_settings(fmt: str = "json", **kw: Any) -> Any:
    return make_settings(fmt, token=None, username="jana.hofmann@example.com", password=PASSWORD, **kw)


def answer_login(m: aioresponses, fixture: str, *, status: int = 201, repeat: bool = False) -> None:
    m.post(LOGIN_URL, status=status, body=fixture_bytes(f"{fixture}.json"), content_type="application/json",
           repeat=repeat)


async def test_static_token_goes_raw_in_authorization(mock: aioresponses, fmt: str) -> None:
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    async with OnlyOfficeClient(make_settings(fmt)) as client:
        await client.get(42)
    assert only_call(mock, "GET", url("crm/invoice/42", fmt)).kwargs["headers"]["Authorization"] == TOKEN


async def test_static_token_401_is_final(mock: aioresponses, fmt: str) -> None:
    mock.get(url("crm/invoice/42", fmt), status=401, body=fixture_bytes("unauthorized.txt"), content_type="text/plain")
    async with OnlyOfficeClient(make_settings(fmt)) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get(42)
    assert info.value.status == 401
    assert info.value.message.startswith("Unauthorized")
    assert len(mock.requests) == 1  # no login, no retry


async def test_login_is_lazy_and_sends_credentials_as_json(mock: aioresponses, fmt: str) -> None:
    answer_login(mock, "auth_token")
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    async with OnlyOfficeClient(login_settings(fmt)) as client:
        assert not mock.requests  # nothing before the first call
        await client.get(42)
    login = only_call(mock, "POST", LOGIN_URL)
    assert json.loads(login.kwargs["data"]) == {"userName": "jana.hofmann@example.com", "password": PASSWORD}
    assert "Authorization" not in login.kwargs["headers"]
    assert login.kwargs["headers"]["Content-Type"] == "application/json"
    get = only_call(mock, "GET", url("crm/invoice/42", fmt))
    assert get.kwargs["headers"] == expected_headers(fmt)


async def test_a_401_logs_in_again_once_and_retries(mock: aioresponses, fmt: str) -> None:
    answer_login(mock, "auth_token")
    answer_login(mock, "auth_token_2")
    mock.get(url("crm/invoice/42", fmt), status=401, body=b"Unauthorized", content_type="text/plain")
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    async with OnlyOfficeClient(login_settings(fmt)) as client:
        assert (await client.get(42)).id == 42
    gets = calls(mock, "GET", url("crm/invoice/42", fmt))
    assert [c.kwargs["headers"]["Authorization"] for c in gets] == [TOKEN, TOKEN_2]
    assert len(calls(mock, "POST", LOGIN_URL)) == 2


async def test_a_second_401_after_relogin_is_raised(mock: aioresponses) -> None:
    answer_login(mock, "auth_token", repeat=True)
    mock.get(url("crm/invoice/42", "json"), status=401, body=b"Unauthorized", content_type="text/plain", repeat=True)
    async with OnlyOfficeClient(login_settings()) as client:
        with pytest.raises(AuthenticationError):
            await client.get(42)
    assert len(calls(mock, "POST", LOGIN_URL)) == 2
    assert len(calls(mock, "GET", url("crm/invoice/42", "json"))) == 2


async def test_fifty_concurrent_401s_cause_exactly_one_login(mock: aioresponses, fmt: str) -> None:
    tokens = iter([TOKEN, TOKEN_2])
    logins: list[str] = []
    revoked = {TOKEN: False}

    def login(_url: Any, **_kw: Any) -> CallbackResult:
        token = next(tokens)
        logins.append(token)
        body = {"status": 0, "statusCode": 201, "response": {"token": token, "expires": "0001-01-01T00:00:00.0000000Z"}}
        return CallbackResult(status=201, body=json.dumps(body), content_type="application/json")

    async def invoice(_url: Any, **kwargs: Any) -> CallbackResult:
        await asyncio.sleep(0.01)  # keep all fifty in flight together
        if revoked.get(kwargs["headers"]["Authorization"], False):
            return CallbackResult(status=401, body="Unauthorized", content_type="text/plain")
        return CallbackResult(status=200, body=fixture_bytes(f"invoice_42.{fmt}"),
                              content_type="text/xml" if fmt == "xml" else "application/json")

    mock.post(LOGIN_URL, callback=login, repeat=True)
    mock.get(url("crm/invoice/42", fmt), callback=invoice, repeat=True)
    settings = login_settings(fmt, options=ClientOptions(max_retries=0, max_concurrency=50))
    async with OnlyOfficeClient(settings) as client:
        await client.get(42)
        assert logins == [TOKEN]
        revoked[TOKEN] = True  # e.g. the user changed their password
        results = await asyncio.gather(*(client.get(42) for _ in range(50)))
    assert len(results) == 50 and all(r.id == 42 for r in results)
    assert logins == [TOKEN, TOKEN_2]  # one login for the whole wave of 401s


async def test_fifty_concurrent_first_requests_log_in_once(mock: aioresponses) -> None:
    answer_login(mock, "auth_token")
    answer(mock, "GET", "crm/invoice/42", "invoice_42", "json", repeat=True)
    async with OnlyOfficeClient(login_settings(options=ClientOptions(max_retries=0, max_concurrency=50))) as client:
        await asyncio.gather(*(client.get(42) for _ in range(50)))
    assert len(calls(mock, "POST", LOGIN_URL)) == 1


@pytest.mark.parametrize(("fixture", "match"), [("auth_sms", "two-factor.*SMS"), ("auth_tfa", "two-factor.*app")])
async def test_two_factor_is_a_clear_authentication_error(mock: aioresponses, fixture: str, match: str) -> None:
    answer_login(mock, fixture)
    async with OnlyOfficeClient(login_settings()) as client:
        with pytest.raises(AuthenticationError, match=match) as info:
            await client.get(42)
    assert info.value.status == 201
    assert "pre-issued token" in info.value.message
    assert PASSWORD not in str(info.value)
    assert not calls(mock, "GET", url("crm/invoice/42", "json"))


@pytest.mark.parametrize(("fixture", "message"), [
    ("auth_failed", "User authentication failed"), ("auth_blocked", "Login Fail. Too many attempts"),
])
async def test_failed_login_is_an_authentication_error(mock: aioresponses, fixture: str, message: str) -> None:
    answer_login(mock, fixture, status=500)
    async with OnlyOfficeClient(login_settings()) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get(42)
    assert info.value.status == 500
    assert message in info.value.message
    assert "jana.hofmann@example.com" in info.value.message
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value)


async def test_token_is_renewed_shortly_before_it_expires() -> None:
    now = datetime(2024, 3, 12, 9, 0, tzinfo=UTC)
    issued: list[int] = []

    async def login() -> Token:
        issued.append(1)
        return Token(Secret(f"t{len(issued)}"), now + timedelta(hours=1))

    auth = LoginAuth(login, clock=lambda: now)
    assert await auth.headers() == {"Authorization": "t1"}
    assert await auth.headers() == {"Authorization": "t1"}
    now += timedelta(minutes=59, seconds=30)  # inside the one-minute margin
    assert await auth.headers() == {"Authorization": "t2"}
    assert len(issued) == 2
    assert "t2" not in repr(auth)


async def test_recover_after_someone_else_renewed_does_not_log_in_again() -> None:
    count = 0

    async def login() -> Token:
        nonlocal count
        count += 1
        return Token(Secret(f"t{count}"))

    auth = LoginAuth(login)
    await auth.headers()
    assert await auth.recover({"Authorization": "t1"}) is True
    assert await auth.recover({"Authorization": "t1"}) is True  # stale rejection: t2 is already there
    assert count == 2
