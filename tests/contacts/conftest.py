"""Helpers for the contacts tests: aioresponses answers in each provider's wire form, and the
requests a client really sent. Nothing leaves the process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses
from aioresponses.core import normalize_url
from yarl import URL

import invoicekit
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.onlyoffice import OnlyOfficeClient
from invoicekit.testing.onlyoffice_sim.render import envelope, to_xml

PORTAL = "https://portal.example.com"
OO_API = f"{PORTAL}/api/2.0/"
OO_TOKEN = "oo-test-token-not-a-secret"
GHL_BASE = "https://services.leadconnectorhq.com/"
GHL_TOKEN = "pit-test-token-not-a-secret"
LOCATION = "ve9EPM428h8vShlRW1KT"


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as m:
        yield m


# -- ONLYOFFICE ------------------------------------------------------------------------------


@pytest.fixture(params=["json", "xml"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def oo(fmt: str) -> AsyncIterator[OnlyOfficeClient]:
    config = {"provider": "onlyoffice", "base_url": PORTAL, "token": OO_TOKEN, "response_format": fmt,
              "max_retries": 0}  # fmt: skip
    async with invoicekit.connect(config) as client:
        assert isinstance(client, OnlyOfficeClient)
        yield client


def oo_url(path: str, fmt: str, query: Mapping[str, str] | None = None) -> URL:
    target = URL(OO_API + path + (".xml" if fmt == "xml" else ".json"))
    return normalize_url(target.with_query(dict(query)) if query else target)


def oo_answer(m: aioresponses, method: str, url: URL, fmt: str, response: Any, *, status: int = 200) -> None:
    """One ONLYOFFICE answer: the envelope around ``response``, as JSON or as the server's XML."""
    tree = envelope(response, status)
    if fmt == "xml":
        m.add(str(url), method, status=status, body=to_xml(tree), content_type="text/xml; charset=utf-8")
    else:
        m.add(str(url), method, status=status, body=json.dumps(tree, default=str), content_type="application/json")


def oo_error(m: aioresponses, method: str, url: URL, fmt: str, status: int, message: str) -> None:
    tree = {"status": 1, "statusCode": status, "error": {"message": message, "hresult": -2146233088}}
    body = to_xml(tree) if fmt == "xml" else json.dumps(tree).encode()
    m.add(str(url), method, status=status, body=body, content_type="text/xml" if fmt == "xml" else "application/json")


def sent(m: aioresponses, method: str, url: URL) -> list[Any]:
    return list(m.requests.get((method, url), []))


def oo_body(call: Any, fmt: str) -> Any:
    """What a call carried: its JSON, or its XML flattened the way the server binds it."""
    data = call.kwargs["data"]
    if fmt == "json":
        return json.loads(data, parse_float=Decimal)
    from xml.etree import ElementTree

    root = ElementTree.fromstring(data)
    assert root.tag == "request"
    return {child.tag: child.text for child in root}


def oo_headers(call: Any, fmt: str) -> dict[str, str]:
    headers = dict(call.kwargs["headers"])
    assert headers["Authorization"] == OO_TOKEN
    assert headers["Accept"] == ("text/xml" if fmt == "xml" else "application/json")
    return headers


def person(contact_id: int, first: str, last: str, *emails: tuple[str, bool]) -> dict[str, Any]:
    """A PersonWrapper with e-mail rows (address, isPrimary), a phone row between them."""
    rows: list[dict[str, Any]] = [
        {"id": 100 + i, "infoType": 1, "category": 1, "data": email, "categoryName": "Work", "isPrimary": primary}
        for i, (email, primary) in enumerate(emails)
    ]
    rows.insert(0, {"id": 99, "infoType": 0, "category": 2, "data": "+1-555-0100", "categoryName": "Mobile",
                    "isPrimary": True})  # fmt: skip
    return {"id": contact_id, "displayName": f"{first} {last}".strip(), "isCompany": False, "isPrivate": False,
            "isShared": True, "shareType": 1, "canEdit": True, "canDelete": True, "firstName": first,
            "lastName": last, "commonData": rows, "addresses": [], "tags": [], "customFields": []}  # fmt: skip


# -- GoHighLevel -----------------------------------------------------------------------------


@pytest.fixture
async def ghl() -> AsyncIterator[GoHighLevelClient]:
    config = {"provider": "gohighlevel", "location_id": LOCATION, "token": GHL_TOKEN, "max_retries": 0}
    async with invoicekit.connect(config) as client:
        assert isinstance(client, GoHighLevelClient)
        yield client


def ghl_url(path: str, query: Mapping[str, str] | None = None) -> URL:
    target = URL(GHL_BASE + path)
    return normalize_url(target.with_query(dict(query)) if query else target)


def ghl_answer(m: aioresponses, method: str, url: URL, payload: Any, *, status: int = 200) -> None:
    m.add(str(url), method, status=status, body=json.dumps(payload), content_type="application/json")


def ghl_headers(call: Any) -> None:
    headers = call.kwargs["headers"]
    assert headers["Authorization"] == f"Bearer {GHL_TOKEN}"
    assert headers["Version"] == "2021-07-28"


def ghl_contact(contact_id: str, first: str, last: str, email: str, **extra: Any) -> dict[str, Any]:
    return {"id": contact_id, "name": f"{first} {last}".strip(), "locationId": LOCATION, "firstName": first,
            "lastName": last, "email": email, "emailLowerCase": email.lower(), "tags": [], "customFields": [],
            "dateAdded": "2025-01-15T10:30:00.000Z", **extra}  # fmt: skip
