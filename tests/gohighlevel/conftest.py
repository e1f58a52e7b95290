"""Shared helpers for the GoHighLevel adapter tests (aioresponses, fixtures, settings)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from aioresponses import aioresponses
from aioresponses.core import normalize_url
from yarl import URL

from invoicekit import connect
from invoicekit.gohighlevel import GoHighLevelClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gohighlevel"
BASE = "https://services.leadconnectorhq.com/"
LOCATION = "ve9EPM428h8vShlRW1KT"
INVOICE_ID = "6578278e879ad2646715ba9c"
TOKEN = "pit-test-0000-not-a-real-token"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def url(path: str, params: Mapping[str, str] | None = None) -> URL:
    """The normalised URL aioresponses registers and records (query sorted)."""
    target = URL(BASE + path)
    if params:
        target = target.with_query(dict(params))
    return normalize_url(target)


def alt(**extra: str) -> dict[str, str]:
    return {"altId": LOCATION, "altType": "location", **extra}


def listed(offset: str, limit: str = "100") -> dict[str, str]:
    """The query of a list page in the default order (issue date, oldest first)."""
    return alt(limit=limit, offset=offset, sortField="issueDate", sortOrder="ascend")


def config(**overrides: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "provider": "gohighlevel",
        "location_id": LOCATION,
        "token": TOKEN,
        "user_id": "UOb9Ey6WuWmKW5oGbZQY",
        "max_retries": 0,
        "business": {
            "name": "Acme Studio LLC",
            "phone": "+1-214-559-6993",
            "website": "www.acme-studio.example",
            "logo_url": "https://assets.example.com/acme/logo.png",
            "address": {"line1": "9931 Beechwood", "city": "Houston", "state": "TX", "postal_code": "77001",
                        "country_code": "US"},
        },
    }
    cfg.update(overrides)
    return {k: v for k, v in cfg.items() if v is not None}


def make_client(**overrides: Any) -> GoHighLevelClient:
    client = connect(config(**overrides))
    assert isinstance(client, GoHighLevelClient)
    return client


def calls(m: aioresponses, method: str, path: str, params: Mapping[str, str] | None = None) -> list[Any]:
    return list(m.requests.get((method, url(path, params)), []))


def sent_json(call: Any) -> Any:
    data = call.kwargs.get("data")
    assert isinstance(data, bytes), "expected a JSON body"
    return json.loads(data)


def assert_headers(call: Any, token: str = TOKEN) -> None:
    headers = call.kwargs["headers"]
    assert headers["Authorization"] == f"Bearer {token}"
    assert headers["Version"] == "2021-07-28"
    assert headers["Accept"] == "application/json"


@pytest.fixture
def mocked() -> Iterator[aioresponses]:
    with aioresponses() as m:
        yield m


def mock_read(m: aioresponses, status: str, invoice_id: str = INVOICE_ID) -> None:
    """The invoice read that send/void/mark_paid/record_payment make first (their state check),
    answered with the draft fixture in ``status``."""
    invoice = {**load("invoice_draft.json"), "_id": invoice_id, "status": status}
    m.get(url(f"invoices/{invoice_id}", alt()), payload=invoice, repeat=True)
