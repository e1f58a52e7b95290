"""``repr()`` and ``str()`` of every invoicekit object a client holds once it has logged in or
refreshed its tokens, reached through attributes from the client down (settings, auth, keeper,
credentials, store, runner, the answers it keeps), show no credential.

An error reporter that records the local variables of a traceback's frames prints exactly these
reprs; so does a debugger, and ``logger.debug("%r", ...)`` in a third-party adapter, whose
``Request`` and ``Response`` come from :mod:`invoicekit.adapter`.
"""

from __future__ import annotations

import asyncio
import types
import weakref
from collections.abc import Iterator, Mapping

import aiohttp
import pytest

import invoicekit
from invoicekit.adapter import Response
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator
from invoicekit.testing.gohighlevel_sim.agency import GoHighLevelAgencySimulator

from .conftest import ghl_secrets

_LEAVES = (str, bytes, bytearray, int, float, bool, type(None))
_NOT_FOLLOWED = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                 types.FrameType, types.CodeType, asyncio.AbstractEventLoop, weakref.ref, aiohttp.ClientSession)


def invoicekit_objects(root: object, limit: int = 20_000) -> Iterator[object]:
    """Every object of an invoicekit class reachable from ``root`` through attributes (instance
    dict and slots) and the items of containers; plain containers are walked, not shown."""
    seen: set[int] = set()
    stack: list[object] = [root]
    while stack and len(seen) < limit:
        value = stack.pop()
        if id(value) in seen or isinstance(value, _LEAVES + _NOT_FOLLOWED):
            continue
        seen.add(id(value))
        if type(value).__module__.startswith("invoicekit."):
            yield value
        if isinstance(value, Mapping):
            stack += list(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            stack += list(value)
        stack += list(getattr(value, "__dict__", {}).values())
        for cls in type(value).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if isinstance(slot, str) and slot not in ("__weakref__", "__dict__") and hasattr(value, slot):
                    stack.append(getattr(value, slot))


def shown_secrets(root: object, secrets: set[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    kinds: set[str] = set()
    for value in invoicekit_objects(root):
        kinds.add(type(value).__name__)
        for text in (repr(value), str(value)):
            found += [(type(value).__name__, secret) for secret in secrets if secret in text]
    assert {"RequestRunner", "Response"} <= kinds, f"the walk missed the runner's answers: {sorted(kinds)}"
    return found


async def test_a_gohighlevel_client_after_refreshes_shows_no_token() -> None:
    sim = GoHighLevelSimulator(invoices=1, refresh_token="seed-for-the-repr-walk")
    async with sim.run() as url:
        config = sim.client_config(url=url, auth="oauth", refresh_token="seed-for-the-repr-walk",
                                   allow_insecure_http=True, rate_limit=50)
        async with invoicekit.connect(config) as client:
            invoice_id = next(iter(sim.store.invoices))
            await client.get(invoice_id)
            sim.expire_tokens()
            await client.get(invoice_id)  # 401, a second refresh: the token answer is the last one read
            assert sim.refreshes == 2
            assert shown_secrets(client, ghl_secrets(sim)) == []


async def test_an_onlyoffice_client_after_a_login_shows_no_password_or_token() -> None:
    # The portal's login answer sets the token as a cookie too (asc_auth_key), as the real one does.
    sim = OnlyOfficeSimulator(invoices=1)
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url, login=True)) as client:
        await client.get(next(iter(sim.store.invoices)))
        assert len(sim.tokens) >= 2
        assert shown_secrets(client, {sim.password, *sim.tokens}) == []


async def test_an_agency_client_and_its_location_clients_show_no_token() -> None:
    sim = GoHighLevelAgencySimulator(invoices=1)
    async with sim.run() as url:
        config = {"provider": "gohighlevel", "base_url": url, "location_id": sim.location_id,
                  "user_type": "Company", "company_id": sim.company_id, "client_id": sim.client_id,
                  "client_secret": sim.client_secret, "refresh_token": sim.refresh_token,
                  "allow_insecure_http": True, "max_retries": 0, "state_store": "memory:"}
        async with invoicekit.connect(config) as client:
            assert [invoice async for invoice in client.list()]
            minted = {token for location in sim.locations.values() for token in location.access_tokens}
            assert minted
            assert shown_secrets(client, ghl_secrets(sim) | minted) == []


@pytest.mark.parametrize("answer", [
    {"headers": {"Content-Type": "application/json"}, "body": b'{"access_token": "at-repr-0123456789"}'},
    {"headers": {"Set-Cookie": "asc_auth_key=at-repr-0123456789; path=/"}, "body": b""},
], ids=["token answer", "login cookie"])
def test_an_answer_given_to_an_adapter_shows_neither_body_nor_headers(answer: dict[str, object]) -> None:
    response = Response(status=200, method="POST", url="https://crm.example.com/api/2.0/authentication.json",
                        headers=answer["headers"], body=answer["body"])  # type: ignore[arg-type]
    assert "at-repr-0123456789" not in repr(response) + str(response)
    assert "200" in repr(response) and "authentication.json" in repr(response)
