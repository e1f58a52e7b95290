"""The simulators' contacts endpoints follow the real servers' rules (the references), checked
over raw HTTP so that no adapter behaviour hides them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator


@pytest.fixture
async def oo_portal() -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    simulator = OnlyOfficeSimulator()
    async with simulator.run() as url, aiohttp.ClientSession(headers={"Authorization": simulator.token}) as http:
        yield http, f"{url.rstrip('/')}/api/2.0/crm/contact"


async def _oo(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as reply:
        return reply.status, json.loads(await reply.read())


async def test_oo_bycontactinfo_needs_an_info_type(oo_portal: tuple[aiohttp.ClientSession, str]) -> None:
    http, base = oo_portal
    status, body = await _oo(http, "GET", f"{base}/bycontactinfo.json", params={"data": "jane"})
    assert (status, body["status"]) == (400, 1)


@pytest.mark.parametrize(("data", "ids"), [
    ("JANE.COOPER@example.com", [2]),
    ("jane_cooper", [2]),  # "_" is LIKE's one-character wildcard, not escaped
    ("%.com", [1, 2, 3, 5]),
    ("", [1, 2, 3, 5]),  # empty data matches every e-mail row
    ("nobody", []),
])  # fmt: skip
async def test_oo_bycontactinfo_matches_like_the_server(oo_portal: tuple[aiohttp.ClientSession, str], data: str,
                                                        ids: list[int]) -> None:
    http, base = oo_portal
    status, body = await _oo(http, "GET", f"{base}/bycontactinfo.json", params={"infoType": "1", "data": data})
    assert status == 200
    assert [c["id"] for c in body["response"]] == ids


async def test_oo_person_create_rules(oo_portal: tuple[aiohttp.ClientSession, str]) -> None:
    http, base = oo_portal
    assert (await _oo(http, "POST", f"{base}/person.json", json={"firstName": "Ann"}))[0] == 500  # null lastName
    assert (await _oo(http, "POST", f"{base}/person.json", json={"firstName": " ", "lastName": "X"}))[0] == 400
    status, _ = await _oo(http, "POST", f"{base}/person.json", json={"firstName": "A", "lastName": "", "companyId": 99})
    assert status == 404
    status, body = await _oo(http, "POST", f"{base}/person.json", json={"firstName": "Ann", "lastName": ""})
    assert status == 201
    assert body["response"]["displayName"] == "Ann" and body["response"]["commonData"] == []


@pytest.mark.parametrize(("category", "status"), [("Work", 201), ("work", 400), ("1", 400), (None, 400)])
async def test_oo_contact_info_category_is_an_enum_name(oo_portal: tuple[aiohttp.ClientSession, str],
                                                        category: str | None, status: int) -> None:
    http, base = oo_portal
    body = {"infoType": "Email", "data": "ann@example.org", "isPrimary": True, "category": category}
    assert (await _oo(http, "POST", f"{base}/5/data.json", json=body))[0] == status


async def test_oo_contact_info_needs_data_and_a_contact(oo_portal: tuple[aiohttp.ClientSession, str]) -> None:
    http, base = oo_portal
    body = {"infoType": "Email", "data": "", "category": "Work"}
    assert (await _oo(http, "POST", f"{base}/5/data.json", json=body))[0] == 400
    assert (await _oo(http, "POST", f"{base}/99/data.json", json={**body, "data": "a@b.org"}))[0] == 404


async def test_oo_get_and_delete_rules(oo_portal: tuple[aiohttp.ClientSession, str]) -> None:
    http, base = oo_portal
    assert (await _oo(http, "GET", f"{base}/0.json"))[0] == 400
    assert (await _oo(http, "GET", f"{base}/99.json"))[0] == 404
    assert (await _oo(http, "DELETE", f"{base}/2.json"))[0] == 403  # seeded invoices refer to Jane
    _, created = await _oo(http, "POST", f"{base}/person.json", json={"firstName": "Ann", "lastName": "Lee"})
    new_id = created["response"]["id"]
    assert (await _oo(http, "DELETE", f"{base}/{new_id}.json"))[0] == 200
    assert (await _oo(http, "GET", f"{base}/{new_id}.json"))[0] == 404


@pytest.fixture
async def ghl_location() -> AsyncIterator[tuple[aiohttp.ClientSession, str, GoHighLevelSimulator]]:
    simulator = GoHighLevelSimulator()
    headers = {"Authorization": f"Bearer {simulator.token}", "Version": "2021-07-28"}
    async with simulator.run() as url, aiohttp.ClientSession(headers=headers) as http:
        yield http, f"{url.rstrip('/')}/contacts", simulator


async def _ghl(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as reply:
        return reply.status, json.loads(await reply.read())


async def test_ghl_duplicate_lookup_needs_its_location(
    ghl_location: tuple[aiohttp.ClientSession, str, GoHighLevelSimulator],
) -> None:
    http, base, sim = ghl_location
    assert (await _ghl(http, "GET", f"{base}/search/duplicate", params={"email": "a@b.org"}))[0] == 422
    wrong = {"locationId": "OtherLocation0000001", "email": "a@b.org"}
    assert (await _ghl(http, "GET", f"{base}/search/duplicate", params=wrong))[0] == 403
    status, body = await _ghl(http, "GET", f"{base}/search/duplicate",
                              params={"locationId": sim.location_id, "email": "ROBERT.fox@example.com"})  # fmt: skip
    assert (status, body["contact"]["id"]) == (200, "Ct9RobertFox00000002")
    status, body = await _ghl(http, "GET", f"{base}/search/duplicate",
                              params={"locationId": sim.location_id, "email": "nobody@example.org"})  # fmt: skip
    assert (status, body["contact"]) == (200, None)


async def test_ghl_contacts_need_the_version_header(
    ghl_location: tuple[aiohttp.ClientSession, str, GoHighLevelSimulator],
) -> None:
    http, base, _ = ghl_location
    status, _ = await _ghl(http, "GET", f"{base}/Ct9RobertFox00000002", headers={"Version": ""})
    assert status == 400


async def test_ghl_upsert_creates_then_updates_by_email(
    ghl_location: tuple[aiohttp.ClientSession, str, GoHighLevelSimulator],
) -> None:
    http, base, sim = ghl_location
    body = {"locationId": sim.location_id, "firstName": "Ann", "lastName": "Lee", "email": "ann@example.org"}
    status, created = await _ghl(http, "POST", f"{base}/upsert", json=body)
    assert (status, created["new"], created["contact"]["name"]) == (200, True, "Ann Lee")
    status, updated = await _ghl(http, "POST", f"{base}/upsert", json={**body, "email": "ANN@example.org",
                                                                       "lastName": "Smith"})  # fmt: skip
    assert (updated["new"], updated["contact"]["id"], updated["contact"]["name"]) == (
        False, created["contact"]["id"], "Ann Smith")
    status, read = await _ghl(http, "GET", f"{base}/{created['contact']['id']}")
    assert (status, read["contact"]["name"]) == (200, "Ann Smith")


@pytest.mark.parametrize(("body", "message"), [
    ({"firstName": "Ann"}, "locationId should not be empty"),
    ({"email": "not-an-email"}, "email must be an email"),
    ({"email": "a@b.org", "additionalEmails": [{"email": "c@d.org"}]}, "property additionalEmails should not exist"),
    ({"firstName": 5}, "firstName must be a string"),
])  # fmt: skip
async def test_ghl_upsert_validation(ghl_location: tuple[aiohttp.ClientSession, str, GoHighLevelSimulator],
                                     body: dict[str, Any], message: str) -> None:
    http, base, sim = ghl_location
    if "locationId" not in message:
        body = {"locationId": sim.location_id, **body}
    status, answer = await _ghl(http, "POST", f"{base}/upsert", json=body)
    assert status == 422 and message in answer["message"]


async def test_ghl_unknown_contact_is_a_400(
    ghl_location: tuple[aiohttp.ClientSession, str, GoHighLevelSimulator],
) -> None:
    http, base, _ = ghl_location
    status, body = await _ghl(http, "GET", f"{base}/Missing0000000000001")
    assert (status, body["message"]) == (400, "Contact not found")
