"""Shared helpers for the ONLYOFFICE adapter tests: fixtures on disk, mocked portal, request
inspection. Every test runs against aioresponses; nothing leaves the process."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yarl
from aioresponses import CallbackResult, aioresponses
from aioresponses.core import normalize_url

from invoicekit.onlyoffice import OnlyOfficeClient, OnlyOfficeSettings

FIXTURES = Path(__file__).parent.parent / "fixtures" / "onlyoffice"
PORTAL = "https://portal.example.com"
API = f"{PORTAL}/api/2.0/"
TOKEN = "test-token-0001-not-a-real-token"
TOKEN_2 = "test-token-0002-not-a-real-token"
CONTENT_TYPES = {"json": "application/json", "xml": "text/xml"}


# Lines are named after their catalogue items: every item the tests' invoices use answers as
# "Item <id>", in the format its URL asks for.
_ITEM_URL = re.compile(re.escape(API) + r"crm/invoiceitem/([0-9]+)\.(json|xml)")


def _item_answer(url: yarl.URL, **_: Any) -> CallbackResult:
    found = _ITEM_URL.fullmatch(str(url))
    assert found is not None
    item_id, fmt = found.groups()
    if fmt == "json":
        body = json.dumps({"count": 1, "status": 0, "statusCode": 200,
                           "response": {"id": int(item_id), "title": f"Item {item_id}"}})
    else:
        body = (f"<result><count>1</count><status>0</status><statusCode>200</statusCode>"
                f"<response><id>{item_id}</id><title>Item {item_id}</title></response></result>")
    return CallbackResult(status=200, body=body, content_type=CONTENT_TYPES[fmt])


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(f"{name}.json"), parse_float=Decimal)


def url(path: str, fmt: str, query: str = "") -> str:
    """The absolute URL of an API path with the format suffix and an optional query."""
    suffix = ".xml" if fmt == "xml" else ".json"
    return API + path + suffix + (f"?{query}" if query else "")


def answer(m: aioresponses, method: str, path: str, fixture: str, fmt: str, *, status: int = 200,
           query: str = "", repeat: bool = False, headers: dict[str, str] | None = None) -> None:
    """Mock one ONLYOFFICE answer from a fixture in the client's format."""
    m.add(url(path, fmt, query), method, status=status, body=fixture_bytes(f"{fixture}.{fmt}"),
          content_type=f"{CONTENT_TYPES[fmt]}; charset=utf-8", repeat=repeat, headers=headers)


def calls(m: aioresponses, method: str, absolute_url: str) -> list[Any]:
    return list(m.requests.get((method, normalize_url(yarl.URL(absolute_url))), []))


def request_keys(m: aioresponses) -> list[tuple[str, str]]:
    """(method, path?query) of every request made, in order of first use, apart from the reads of
    catalogue items that name lines (``item_requests`` counts those)."""
    return [(method, str(u.relative())) for method, u in m.requests if not _ITEM_URL.fullmatch(str(u))]


def only_call(m: aioresponses, method: str, absolute_url: str) -> Any:
    found = calls(m, method, absolute_url)
    assert len(found) == 1, f"expected one {method} {absolute_url}, got {len(found)}; all: {list(m.requests)}"
    return found[0]


def expected_headers(fmt: str, *, body: bool = False, token: str = TOKEN) -> dict[str, str]:
    from invoicekit import __version__

    headers = {
        "User-Agent": f"invoicekit/{__version__}",
        "Accept": "text/xml" if fmt == "xml" else "application/json",
        "Authorization": token,
    }
    if body:
        headers["Content-Type"] = "text/xml; charset=UTF-8" if fmt == "xml" else "application/json"
    return headers


def xml_to_plain(element: ElementTree.Element) -> Any:
    """A request XML body as nested dicts/lists of strings, for comparing with the JSON form."""
    children = list(element)
    if not children:
        return element.text or ""
    out: dict[str, Any] = {}
    for child in children:
        value = xml_to_plain(child)
        if child.tag in out:
            if not isinstance(out[child.tag], list) or child.tag not in _REPEATED:
                out[child.tag] = [out[child.tag]]
                _REPEATED.add(child.tag)
            out[child.tag].append(value)
        else:
            out[child.tag] = value
    return out


_REPEATED: set[str] = set()


def sent_body(call: Any, fmt: str) -> Any:
    """The body a call carried: parsed JSON (Decimals kept) or the XML document's text."""
    data = call.kwargs["data"]
    assert isinstance(data, bytes)
    if fmt == "json":
        return json.loads(data, parse_float=Decimal)
    return data.decode("utf-8")


@pytest.fixture(params=["json", "xml"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def item_requests(m: aioresponses) -> int:
    """How many catalogue item reads (``GET crm/invoiceitem/{id}``) were made."""
    return sum(len(calls) for (_, u), calls in m.requests.items() if _ITEM_URL.fullmatch(str(u)))


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as m:
        m.get(_ITEM_URL, callback=_item_answer, repeat=True)
        yield m


def make_settings(fmt: str = "json", **overrides: Any) -> OnlyOfficeSettings:
    values: dict[str, Any] = {"base_url": PORTAL, "token": TOKEN, "response_format": fmt}
    values.update(overrides)
    options = values.pop("options", None)
    from invoicekit import ClientOptions

    values["options"] = options or ClientOptions(max_retries=0)
    return OnlyOfficeSettings(**values)


@pytest.fixture
async def client(fmt: str) -> AsyncIterator[OnlyOfficeClient]:
    async with OnlyOfficeClient(make_settings(fmt)) as c:
        yield c


#: The order every listing asks for: issue date, oldest first.
SORTED = "sortBy=issueDate&sortOrder=ascending"
