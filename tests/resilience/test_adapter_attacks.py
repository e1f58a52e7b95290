"""Hostile answers through the real adapter clients: XML bombs, HTML pages, broken JSON.

Every answer here comes over real HTTP on 127.0.0.1 (a bare aiohttp app for bodies no simulator
would send, the simulators' ``malformed`` faults otherwise) to a client made by
``invoicekit.connect``. Each must end as an ``APIError`` (``MalformedResponseError`` or the
class of the status) carrying the status and a short excerpt of the body; the XML bombs must be
refused in milliseconds without expanding anything.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

import invoicekit
from invoicekit._http.messages import Request, Response
from invoicekit.errors import APIError, IncompleteResponseError, MalformedResponseError, ServerError
from invoicekit.onlyoffice.envelope import decode_envelope
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .adapters import ghl_config, ghl_invoice_id, oo_config
from .conftest import Harness

# -- XML attacks (ONLYOFFICE answers XML for .xml paths) ----------------------------------------

_ENVELOPE = "<result><count>1</count><status>0</status><statusCode>200</statusCode><response><id>42</id>" \
            "<status><id>1</id></status><number>{payload}</number></response></result>"


def _billion_laughs() -> bytes:
    # lol9 expands to 10**9 "lol"s (3 GB): only a parser that never expands entities survives it.
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return f'<?xml version="1.0"?><!DOCTYPE result [{"".join(entities)}]>{_ENVELOPE.format(payload="&lol9;")}'.encode()


def _quadratic_blowup() -> bytes:
    # One 100 kB entity referenced 10,000 times: 1 GB expanded, without any nesting.
    big = "A" * 100_000
    return (f'<?xml version="1.0"?><!DOCTYPE result [<!ENTITY a "{big}">]>'
            + _ENVELOPE.format(payload="&a;" * 10_000)).encode()


XML_ATTACKS: dict[str, bytes] = {
    "billion-laughs": _billion_laughs(),
    "quadratic-blowup": _quadratic_blowup(),
    "external-entity": (b'<?xml version="1.0"?><!DOCTYPE result [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                        + _ENVELOPE.format(payload="&xxe;").encode()),
    "external-dtd": (b'<?xml version="1.0"?><!DOCTYPE result SYSTEM "http://127.0.0.1:9/evil.dtd">'
                     + _ENVELOPE.format(payload="42").encode()),
    "parameter-entity": (b'<?xml version="1.0"?><!DOCTYPE result [<!ENTITY % remote SYSTEM '
                         b'"http://127.0.0.1:9/x.dtd"> %remote;]>' + _ENVELOPE.format(payload="1").encode()),
    "plain-dtd": b'<?xml version="1.0"?><!DOCTYPE result>' + _ENVELOPE.format(payload="INV-1").encode(),
}


@asynccontextmanager
async def serving(harness: Harness, body: bytes, content_type: str, status: int = 200) -> AsyncIterator[str]:
    """A server that answers every request with ``body``; yields its root URL."""

    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, headers={"Content-Type": content_type})

    server = await harness.web({("*", "/{tail:.*}"): answer})
    yield server.base_url.removesuffix("api/")


def _oo(url: str, **extra: Any) -> dict[str, Any]:
    return {"provider": "onlyoffice", "base_url": url, "token": "attack-test-token-0001", "max_retries": 0, **extra}


def _ghl(url: str) -> dict[str, Any]:
    return {"provider": "gohighlevel", "base_url": url, "location_id": "Jx9kP2mQ7rT4vW8yZ3aB",
            "token": "attack-test-token-0002", "max_retries": 0}


def assert_short_excerpt(error: APIError, status: int) -> None:
    assert error.status == status
    assert isinstance(error.body, str) and 0 < len(error.body) <= 200
    assert len(str(error)) < 1000


@pytest.mark.parametrize("name", list(XML_ATTACKS))
async def test_xml_attacks_through_the_onlyoffice_client(harness: Harness, name: str) -> None:
    body = XML_ATTACKS[name]
    async with serving(harness, body, "text/xml; charset=utf-8") as url:
        config = _oo(url, response_format="xml")
        async with invoicekit.connect(config) as client:
            tracemalloc.start()
            started = time.perf_counter()
            try:
                with pytest.raises(MalformedResponseError) as info:
                    await client.get(42)
                elapsed = time.perf_counter() - started
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    error = info.value
    assert_short_excerpt(error, 200)
    assert "DTDs and entities are not accepted" in str(error)
    # The whole round trip over loopback, with the session opened on the way: well under a
    # second, and memory bounded by the body size (~1.1 MB for the quadratic one), never by its
    # expansion (3 GB / 1 GB).
    assert elapsed < 0.5, elapsed
    assert peak < 3 * len(body) + 2_000_000, peak


@pytest.mark.parametrize("name", list(XML_ATTACKS))
def test_xml_bombs_are_refused_by_the_decoder_in_milliseconds(name: str) -> None:
    body = XML_ATTACKS[name]
    response = Response(status=200, headers={"Content-Type": "text/xml"}, body=body, method="GET",
                        url="https://portal.example.com/api/2.0/crm/invoice/42.xml")
    request = Request(operation="get", method="GET", path="crm/invoice/42.xml")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(MalformedResponseError):
            decode_envelope(request, response)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 0.05, elapsed  # measured: well under 5 ms
    # Nothing is expanded: the parser's buffers stay proportional to the body (130 kB for the
    # quadratic one; expanded it would be 1 GB), whatever the entities would have grown to.
    assert peak < 5 * len(body) + 256 * 1024, peak


# -- broken answers from a bare server ----------------------------------------------------------

BROKEN: dict[str, tuple[int, str, bytes, type[APIError]]] = {
    # name: (status, content type, body, expected class)
    "truncated-json-200": (200, "application/json", b'{"status": 0, "statusCode": 200, "response": {"id": 42, "num',
                           MalformedResponseError),
    "bad-json-200": (200, "application/json", b'{"status": 0, "response": {"id": 1,, "number": ',
                     MalformedResponseError),
    "html-200": (200, "text/html", b"<!DOCTYPE html><html><body><h1>Welcome to the captive portal</h1></body></html>",
                 MalformedResponseError),
    "html-as-json-200": (200, "application/json", b"<html><body>Maintenance</body></html>", MalformedResponseError),
    "octet-stream-200": (200, "application/octet-stream", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                         MalformedResponseError),
    "empty-200": (200, "application/json", b"", MalformedResponseError),
    "json-array-200": (200, "application/json", b"[1, 2, 3]", MalformedResponseError),
    "html-502": (502, "text/html", b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                 ServerError),
    "truncated-json-500": (500, "application/json", b'{"statusCode": 500, "mess', ServerError),
}


@pytest.mark.parametrize("name", list(BROKEN))
@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
async def test_broken_answers_through_both_clients(harness: Harness, provider: str, name: str) -> None:
    status, content_type, body, expected = BROKEN[name]
    async with serving(harness, body, content_type, status) as url:
        config = _oo(url) if provider == "onlyoffice" else _ghl(url)
        async with invoicekit.connect(config) as client:
            with pytest.raises(APIError) as info:
                await client.get(42 if provider == "onlyoffice" else "inv42")
    error = info.value
    assert type(error) is expected or isinstance(error, expected), (type(error), str(error))
    assert error.status == status and error.provider == provider
    if body:
        assert_short_excerpt(error, status)
        assert body[:10].decode("utf-8", "replace").split()[0][:5] in str(error.body)
    assert error.attempts == 1


# -- the simulators' malformed faults -----------------------------------------------------------


def _oo_sim() -> tuple[OnlyOfficeSimulator, Callable[[str], dict[str, Any]], Any]:
    sim = OnlyOfficeSimulator(invoices=3)
    return sim, lambda url: oo_config(sim, url), 1


def _ghl_sim() -> tuple[GoHighLevelSimulator, Callable[[str], dict[str, Any]], Any]:
    sim = GoHighLevelSimulator(invoices=3)
    return sim, lambda url: ghl_config(sim, url), ghl_invoice_id(sim)


@pytest.mark.parametrize("make", [_oo_sim, _ghl_sim], ids=["onlyoffice", "gohighlevel"])
@pytest.mark.parametrize(("kind", "status", "expected"), [
    ("bad_json", 200, MalformedResponseError),
    ("html", 200, MalformedResponseError),
    ("html", 502, ServerError),
])
async def test_simulator_malformed_answers_are_typed_errors(
    make: Callable[[], Any], kind: Any, status: int, expected: type[APIError]
) -> None:
    sim, config, invoice_id = make()
    sim.faults.malformed(kind=kind, status=status)
    async with sim.run() as url, invoicekit.connect(config(url)) as client:
        with pytest.raises(expected) as info:
            await client.get(invoice_id)
        assert_short_excerpt(info.value, status)
        assert sim.count("GET") == 1
        assert (await client.get(invoice_id)).id == invoice_id  # the next answer is fine again


@pytest.mark.parametrize("make", [_oo_sim, _ghl_sim], ids=["onlyoffice", "gohighlevel"])
async def test_cut_off_body_is_an_incomplete_answer_that_keeps_the_status(make: Callable[[], Any]) -> None:
    # The headers promised the whole body, half came: an APIError with the status (retried like a
    # dropped connection for reads; max_retries is 0 here, so one attempt).
    sim, config, invoice_id = make()
    sim.faults.malformed(kind="truncated")
    async with sim.run() as url, invoicekit.connect(config(url)) as client:
        with pytest.raises(IncompleteResponseError) as info:
            await client.get(invoice_id)
    assert isinstance(info.value, MalformedResponseError)
    assert info.value.status == 200 and info.value.attempts == 1 and "get" in str(info.value)


@pytest.mark.parametrize("make", [_oo_sim, _ghl_sim], ids=["onlyoffice", "gohighlevel"])
async def test_a_body_under_a_wrong_content_type_is_refused(make: Callable[[], Any]) -> None:
    # An answer labelled text/html is not the API speaking (a proxy, a login page), even when its
    # bytes happen to parse: MalformedResponseError with the status and an excerpt.
    sim, config, invoice_id = make()
    sim.faults.malformed(kind="wrong_content_type")
    async with sim.run() as url, invoicekit.connect(config(url)) as client:
        with pytest.raises(MalformedResponseError) as info:
            await client.get(invoice_id)
        assert info.value.status == 200 and "text/html" in str(info.value)
        assert_short_excerpt(info.value, 200)
        assert (await client.get(invoice_id)).id == invoice_id
