"""Fault injection and the request log, on both simulators."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest

from invoicekit.testing import Faults, GoHighLevelSimulator, OnlyOfficeSimulator

from .conftest import GHL_HEADERS, OO_AUTH, Portal
from .test_gohighlevel_sim import create_body, loc
from .test_onlyoffice_sim import invoice_body


async def oo_get(oo: Portal, path: str = "crm/invoice/1.json") -> tuple[int, Any, Any]:
    async with oo.session.get(oo.url + path, headers=OO_AUTH) as response:
        return response.status, await response.text(), response.headers


async def test_fail_next_renders_the_provider_error_then_recovers(oo: Portal, ghl: Portal) -> None:
    rule = oo.sim.faults.fail_next(503, times=2, headers={"Retry-After": "1"})
    results = [await oo_get(oo) for _ in range(3)]
    assert [status for status, _, _ in results] == [503, 503, 200]
    assert json.loads(results[0][1])["error"]["message"] and results[0][2]["Retry-After"] == "1"
    assert rule.times == 0 and oo.sim.faults.pending == []

    ghl.sim.faults.fail_next(502, body={"oops": True})
    async with ghl.session.get(ghl.url + "/invoices/x", headers=GHL_HEADERS, params=loc(ghl.sim)) as response:
        assert response.status == 502 and (await response.json())["oops"] is True
        assert "X-RateLimit-Remaining" in response.headers  # still decorated
    ghl.sim.faults.fail_next(500)
    async with ghl.session.get(ghl.url + "/invoices/x", headers=GHL_HEADERS, params=loc(ghl.sim)) as response:
        assert (await response.json())["statusCode"] == 500


async def test_fail_next_filters_by_method_and_path(oo: Portal) -> None:
    oo.sim.faults.fail_next(500, method="POST", path="/api/2.0/crm/invoice*")
    assert (await oo_get(oo))[0] == 200
    async with oo.session.post(oo.url + "crm/invoice.json", headers=OO_AUTH, json=invoice_body()) as response:
        assert response.status == 500
    assert oo.sim.store.by_number("SIM-0001") is None  # not processed


async def test_fail_after_processing_still_writes(oo: Portal) -> None:
    oo.sim.faults.fail_next(500, processed=True)
    async with oo.session.post(oo.url + "crm/invoice.json", headers=OO_AUTH, json=invoice_body()) as response:
        assert response.status == 500
    assert oo.sim.store.by_number("SIM-0001") is not None
    assert oo.sim.count("POST", "/api/2.0/crm/invoice*") == 1


async def test_delay(oo: Portal) -> None:
    oo.sim.faults.delay(0.2)
    started = time.monotonic()
    assert (await oo_get(oo))[0] == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    await oo_get(oo)
    assert time.monotonic() - started < 0.2


async def test_delay_beyond_client_timeout(oo: Portal) -> None:
    oo.sim.faults.delay(1.0)
    with pytest.raises(asyncio.TimeoutError):
        async with oo.session.get(
            oo.url + "crm/invoice/1.json", headers=OO_AUTH, timeout=aiohttp.ClientTimeout(total=0.1)
        ):
            pass


@pytest.mark.parametrize("when", ["before_read", "after_read", "after_processing"])
async def test_drop_connection(oo: Portal, when: Any) -> None:
    oo.sim.faults.drop_connection(when=when)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        async with oo.session.post(oo.url + "crm/invoice.json", headers=OO_AUTH, json=invoice_body()):
            pass
    assert (oo.sim.store.by_number("SIM-0001") is not None) == (when == "after_processing")
    recorded = oo.sim.requests[-1]
    assert (recorded.body is None) == (when == "before_read")
    assert (await oo_get(oo))[0] == 200  # one use only


async def test_malformed_truncated(ghl: Portal) -> None:
    ghl.sim.faults.malformed(kind="truncated")
    with pytest.raises(aiohttp.ClientPayloadError):
        async with ghl.session.post(ghl.url + "/invoices/", headers=GHL_HEADERS, json=create_body(ghl.sim)) as r:
            await r.read()
    assert len(ghl.sim.store.invoices) == 13  # the create happened; only the answer was lost


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("html", "text/html"), ("bad_json", "application/json"), ("wrong_content_type", "text/html")],
)
async def test_malformed_bodies(oo: Portal, kind: Any, content_type: str) -> None:
    oo.sim.faults.malformed(kind=kind)
    _, text, headers = await oo_get(oo)
    assert headers["Content-Type"].startswith(content_type)
    if kind == "wrong_content_type":
        assert json.loads(text)["response"]["id"] == 1
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)


async def test_malformed_html_with_status(oo: Portal) -> None:
    oo.sim.faults.malformed(kind="html", status=502)
    status, text, _ = await oo_get(oo)
    assert status == 502 and "Bad Gateway" in text


async def test_rate_limit_burst(oo: Portal, ghl: Portal) -> None:
    ghl.sim.faults.rate_limit_burst(times=2)
    ghl.sim.faults.rate_limit_burst(daily_exhausted=True)
    seen = []
    for _ in range(4):
        async with ghl.session.get(
            ghl.url + "/invoices/generate-invoice-number", headers=GHL_HEADERS, params=loc(ghl.sim)
        ) as response:
            seen.append(
                (
                    response.status,
                    response.headers["X-RateLimit-Remaining"],
                    response.headers["X-RateLimit-Daily-Remaining"],
                )
            )
    assert [s for s, _, _ in seen] == [429, 429, 429, 200]
    assert seen[0][1:] == ("0", "200000") and seen[2][2] == "0"

    oo.sim.faults.rate_limit_burst(retry_after=2)
    status, text, headers = await oo_get(oo)
    assert status == 503 and headers["Retry-After"] == "2" and json.loads(text)["status"] == 1


async def test_times_none_until_cleared() -> None:
    faults = Faults()
    faults.fail_next(500, times=None)
    for _ in range(5):
        assert faults.take("GET", "/x")[1] is not None
    faults.clear()
    assert faults.take("GET", "/x") == (0.0, None)


def test_argument_checks() -> None:
    faults = Faults()
    with pytest.raises(ValueError):
        faults.fail_next(200)
    with pytest.raises(ValueError):
        faults.fail_next(500, times=0)
    with pytest.raises(ValueError):
        faults.malformed(kind="weird")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        faults.drop_connection(when="never")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        faults.delay(-1)


async def test_request_log_masks_credentials(oo: Portal, ghl: Portal) -> None:
    await oo_get(oo, "crm/invoice/filter.json?count=1")
    recorded = oo.sim.requests[-1]
    assert (recorded.method, recorded.path, recorded.params) == (
        "GET",
        "/api/2.0/crm/invoice/filter.json",
        {"count": "1"},
    )
    assert recorded.headers["Authorization"] == "<redacted>"
    async with ghl.session.post(ghl.url + "/invoices/", headers=GHL_HEADERS, json=create_body(ghl.sim)):
        pass
    recorded = ghl.sim.requests[-1]
    assert recorded.headers["Authorization"] == "Bearer <redacted>"
    assert recorded.json()["name"] == "Website build"
    async with oo.session.post(
        oo.url + "authentication.json", json={"userName": "admin@example.com", "password": "simulator-password"}
    ):
        pass
    assert oo.sim.requests[-1].json()["password"] == "<redacted>"


async def test_run_uses_free_ports_and_cleans_up() -> None:
    first, second = OnlyOfficeSimulator(), GoHighLevelSimulator()
    async with first.run() as url_a, second.run() as url_b:
        assert url_a != url_b and url_a.startswith("http://127.0.0.1:")
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            async with session.get(url_a + "/api/2.0/crm/invoice/1.json"):
                pass
