"""The ONLYOFFICE simulator against the reference (sections 1-8), driven with plain aiohttp."""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from defusedxml import ElementTree

from invoicekit.testing import OnlyOfficeSimulator

from .conftest import OO_AUTH, OO_TOKEN, Portal

DATE_7 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}(Z|[+-]\d{2}:\d{2})$")
GENERIC = "Value does not fall within the expected range."
BASE_KEYS = [
    "id",
    "status",
    "number",
    "issueDate",
    "templateType",
    "contact",
    "consignee",
    "entity",
    "dueDate",
    "language",
    "currency",
    "exchangeRate",
    "purchaseOrderNumber",
    "terms",
    "description",
    "fileID",
    "createOn",
    "createBy",
    "cost",
    "canEdit",
    "canDelete",
]


def invoice_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": "SIM-0001",
        "issueDate": "2025-03-01T00:00:00Z",
        "dueDate": "2025-03-31T00:00:00Z",
        "contactId": 1,
        "currency": "USD",
        "exchangeRate": 1,
        "terms": "Net 30",
        "description": "Test invoice",
        "invoiceLines": [
            {"invoiceItemID": 1, "invoiceTax1ID": 1, "quantity": 3, "price": "0.125", "discount": 0},
            {"invoiceItemID": 2, "quantity": 2, "price": "10.00", "discount": 10, "description": "Hosting"},
        ],
    }
    body.update(overrides)
    return body


async def call(oo: Portal, method: str, path: str, **kwargs: Any) -> tuple[int, Any, str]:
    headers = {**OO_AUTH, **kwargs.pop("headers", {})}
    async with oo.session.request(method, oo.url + path, headers=headers, **kwargs) as response:
        text = await response.text()
        parsed = json.loads(text, parse_float=Decimal) if response.content_type == "application/json" else text
        return response.status, parsed, response.content_type


async def create(oo: Portal, **overrides: Any) -> dict[str, Any]:
    status, body, _ = await call(oo, "POST", "crm/invoice.json", json=invoice_body(**overrides))
    assert status == 201, body
    return body["response"]  # type: ignore[no-any-return]


# -- format, envelope, wrappers ------------------------------------------------------------------


async def test_get_json_envelope_and_wrapper_shape(oo: Portal) -> None:
    async with oo.session.get(oo.url + "crm/invoice/1.json", headers=OO_AUTH) as response:
        raw = await response.text()
        assert response.status == 200
        assert response.content_type == "application/json"
    body = json.loads(raw, parse_float=Decimal)
    assert list(body) == ["count", "status", "statusCode", "response"]
    assert (body["count"], body["status"], body["statusCode"]) == (1, 0, 200)
    invoice = body["response"]
    assert list(invoice) == [*BASE_KEYS, "invoiceLines"]
    assert invoice["status"] == {"id": invoice["status"]["id"], "title": invoice["status"]["title"]}
    assert DATE_7.match(invoice["issueDate"]) and invoice["issueDate"].endswith("Z")
    assert set(invoice["currency"]) == {"title", "symbol", "abbreviation", "cultureName", "isConvertable", "isBasic"}
    assert set(invoice["createBy"]) >= {"id", "displayName", "avatarSmall", "profileUrl"}
    assert set(invoice["invoiceLines"][0]) == {
        "id",
        "invoiceID",
        "invoiceItemID",
        "invoiceTax1ID",
        "invoiceTax2ID",
        "sortOrder",
        "description",
        "quantity",
        "price",
        "discount",
    }
    assert "\\/" in raw  # Newtonsoft escapes "/" in URLs
    assert re.search(r'"exchangeRate":\d+\.\d+', raw)  # decimals always carry a decimal point


async def test_no_suffix_is_json(oo: Portal) -> None:
    status, body, ctype = await call(oo, "GET", "crm/invoice/1")
    assert (status, ctype, body["response"]["id"]) == (200, "application/json", 1)


async def test_xml_suffix_gives_xml_unless_request_is_json(oo: Portal) -> None:
    status, text, ctype = await call(oo, "GET", "crm/invoice/filter.xml?count=2")
    assert (status, ctype) == (200, "text/xml")
    root = ElementTree.fromstring(text)
    assert root.tag == "result"
    assert [child.tag for child in root][:5] == ["count", "nextIndex", "total", "status", "statusCode"]
    responses = root.findall("response")
    assert len(responses) == 2  # a list is repeated siblings, no wrapper
    assert responses[0].find("consignee") is not None and len(responses[0].find("consignee")) == 0
    assert responses[0].findtext("canDelete") == "true"
    assert not text.startswith("<?xml")

    status, text, ctype = await call(oo, "GET", "crm/invoice/1.xml")
    lines = ElementTree.fromstring(text).find("response").findall("invoiceLines")
    assert lines and all(line.find("invoiceItemID") is not None for line in lines)

    _, _, ctype = await call(oo, "GET", "crm/invoice/1.xml", headers={"Content-Type": "application/json"})
    assert ctype == "application/json"


async def test_xml_error_envelope(oo: Portal) -> None:
    status, text, ctype = await call(oo, "GET", "crm/invoice/9999.xml")
    assert (status, ctype) == (404, "text/xml")
    root = ElementTree.fromstring(text)
    assert root.findtext("status") == "1" and root.findtext("error/message") == "Not found"


async def test_unknown_route_and_method_are_html_404(oo: Portal) -> None:
    for method, path in (("GET", "crm/nothing.json"), ("PATCH", "crm/invoice/1.json"), ("GET", "crm/invoice/x")):
        status, body, ctype = await call(oo, method, path)
        assert (status, ctype) == (404, "text/html")
        assert "cannot be found" in body


async def test_error_envelope_shape(oo: Portal) -> None:
    status, body, _ = await call(oo, "GET", "crm/invoice/0.json")
    assert status == 400
    assert body == {"status": 1, "statusCode": 400, "error": {"message": GENERIC, "hresult": -2147024809, "data": {}}}
    status, body, _ = await call(oo, "GET", "crm/invoice/4242.json")
    assert (status, body["error"]["message"]) == (404, "Not found")


# -- auth ----------------------------------------------------------------------------------------


async def test_401_is_plain_text_with_challenge_only_when_authorization_sent(oo: Portal) -> None:
    async with oo.session.get(oo.url + "crm/invoice/1.json") as response:
        assert (response.status, response.content_type, await response.text()) == (401, "text/plain", "Unauthorized")
        assert "WWW-Authenticate" not in response.headers
    async with oo.session.get(oo.url + "crm/invoice/1.json", headers={"Authorization": "wrong"}) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer realm=")


@pytest.mark.parametrize(
    "header",
    [OO_TOKEN, f"Bearer {OO_TOKEN}", "Basic " + base64.b64encode(b"admin@example.com:simulator-password").decode()],
)
async def test_accepted_authorization_forms(oo: Portal, header: str) -> None:
    async with oo.session.get(oo.url + "crm/invoice/1.json", headers={"Authorization": header}) as response:
        assert response.status == 200
        assert "asc_auth_key" in response.cookies  # header auth sets the portal cookie too


async def test_login_issues_token_and_wrong_password_is_500(oo: Portal) -> None:
    async with oo.session.post(
        oo.url + "authentication.json", json={"userName": "ADMIN@example.com", "password": "simulator-password"}
    ) as response:
        body = await response.json()
    assert response.status == 201 and body["statusCode"] == 201
    assert set(body["response"]) == {"token", "expires"} and DATE_7.match(body["response"]["expires"])
    token = body["response"]["token"]
    async with oo.session.get(oo.url + "crm/invoice/1.json", headers={"Authorization": token}) as response:
        assert response.status == 200

    async with oo.session.post(
        oo.url + "authentication.json", data={"username": "admin@example.com", "password": "nope"}
    ) as response:
        body = await response.json()
    assert response.status == 500 and body["error"]["message"] == "User authentication failed"
    assert "nope" not in json.dumps([r.body.decode() for r in oo.sim.requests if r.body])


async def test_login_brute_force_block(oo: Portal) -> None:
    for _ in range(5):
        async with oo.session.post(oo.url + "authentication.json", json={"userName": "x", "password": "y"}) as r:
            assert r.status == 500
    async with oo.session.post(oo.url + "authentication.json", json={"userName": "x", "password": "y"}) as r:
        assert (await r.json())["error"]["message"] == "Login Fail. Too many attempts"


async def test_two_factor_login(session: Any) -> None:
    sim = OnlyOfficeSimulator(two_factor=True, tfa_code="654321")
    creds = {"userName": "admin@example.com", "password": "simulator-password"}
    async with sim.run() as url:
        async with session.post(url + "/api/2.0/authentication.json", json=creds) as response:
            first = (await response.json())["response"]
        async with session.post(url + "/api/2.0/authentication/654321.json", json=creds) as response:
            second = (await response.json())["response"]
    assert first["tfa"] is True and "token" not in first
    assert "token" in second


async def test_revoked_tokens_and_inactive_portal(oo: Portal) -> None:
    oo.sim.portal_active = False
    status, body, _ = await call(oo, "GET", "crm/invoice/1.json")
    assert status == 402 and body["error"]["message"] == "Payment Required."
    oo.sim.revoke_tokens()
    status, _, ctype = await call(oo, "GET", "crm/invoice/1.json")
    assert (status, ctype) == (401, "text/plain")


# -- create / update -------------------------------------------------------------------------------


async def test_create_is_201_draft_with_server_cost(oo: Portal) -> None:
    invoice = await create(oo)
    assert invoice["status"] == {"id": 1, "title": "Draft"}
    assert invoice["canEdit"] is True
    # line 1: round(0.375, 2) = 0.38 (half even), VAT 20% -> round(0.076) = 0.08
    # line 2: 20.00 - 10% = 18.00, no tax.  0.38 + 0.08 + 18.00 = 18.46
    assert invoice["cost"] == Decimal("18.46")
    assert [line["sortOrder"] for line in invoice["invoiceLines"]] == [0, 1]
    assert invoice["contact"]["id"] == 1 and invoice["currency"]["abbreviation"] == "USD"
    assert oo.sim.invoice(invoice["id"]).number == "SIM-0001"


async def test_cost_uses_bankers_rounding(oo: Portal) -> None:
    # 0.125 * 1 = 0.125 -> 0.12 with half-even (0.13 with half-up)
    line = {"invoiceItemID": 2, "quantity": 1, "price": "0.125"}
    invoice = await create(oo, invoiceLines=[line])
    assert invoice["cost"] == Decimal("0.12")


@pytest.mark.parametrize("key", ["invoiceItemID", "InvoiceItemID", "invoiceitemid"])
async def test_line_keys_the_binder_accepts(oo: Portal, key: str) -> None:
    invoice = await create(oo, invoiceLines=[{key: 3, "quantity": 1, "price": 5}])
    assert invoice["invoiceLines"][0]["invoiceItemID"] == 3


@pytest.mark.parametrize("key", ["invoiceItemId", "InvoiceItemId", "item_id"])
async def test_misspelled_line_key_is_silently_dropped_then_400(oo: Portal, key: str) -> None:
    status, body, _ = await call(
        oo, "POST", "crm/invoice.json", json=invoice_body(invoiceLines=[{key: 3, "quantity": 1, "price": 5}])
    )
    assert (status, body["error"]["message"]) == (400, GENERIC)


@pytest.mark.parametrize(
    "overrides",
    [
        {"number": ""},
        {"number": "INV-0000001"},  # duplicate of a seeded invoice
        {"issueDate": None},
        {"dueDate": ""},
        {"contactId": 999},
        {"contactId": 0},
        {"currency": "XXX"},
        {"exchangeRate": 0},
        {"terms": "  "},
        {"invoiceLines": []},
        {"invoiceLines": [{"invoiceItemID": 1, "quantity": 1, "price": 1, "discount": 101}]},
        {"invoiceLines": [{"invoiceItemID": 1, "quantity": -1, "price": 1}]},
        {"invoiceLines": [{"invoiceItemID": 1, "invoiceTax1ID": 99, "quantity": 1, "price": 1}]},
        {"invoiceLines": [{"invoiceItemID": 999, "quantity": 1, "price": 1}]},
        {"entityId": 2},  # contact 1 is not a member of deal 2
        {"issueDate": "2025"},
    ],
)
async def test_create_validation_is_generic_400(oo: Portal, overrides: dict[str, Any]) -> None:
    before = len(oo.sim.store.invoices)
    status, body, _ = await call(oo, "POST", "crm/invoice.json", json=invoice_body(**overrides))
    assert (status, body["error"]["message"]) == (400, GENERIC)
    assert len(oo.sim.store.invoices) == before


async def test_conversion_and_json_errors(oo: Portal) -> None:
    status, body, _ = await call(oo, "POST", "crm/invoice.json", json=invoice_body(contactId="abc"))
    assert (status, body["error"]["message"]) == (400, "Input string was not in a correct format.")
    status, body, _ = await call(
        oo, "POST", "crm/invoice.json", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert status == 400 and body["error"]["message"].startswith("Unexpected character")


async def test_create_from_form_and_xml_bodies(oo: Portal) -> None:
    form = {
        "number": "FORM-1",
        "issueDate": "2025-01-01",
        "dueDate": "2025-01-31",
        "contactid": "2",
        "Currency": "eur",
        "exchangeRate": "1.1",
        "terms": "t",
        "invoiceLines[0][invoiceItemID]": "1",
        "invoiceLines[0][quantity]": "2",
        "invoiceLines[0][price]": "3.5",
        "invoiceLines[1][invoiceItemID]": "4",
        "invoiceLines[1][quantity]": "1",
        "invoiceLines[1][price]": "1",
    }
    status, body, _ = await call(oo, "POST", "crm/invoice.json", data=form)
    assert status == 201, body
    assert body["response"]["currency"]["abbreviation"] == "EUR" and len(body["response"]["invoiceLines"]) == 2

    xml = (
        "<invoice><number>XML-1</number><issueDate>2025-01-01</issueDate><dueDate>2025-01-31</dueDate>"
        "<contactId>2</contactId><currency>USD</currency><exchangeRate>1</exchangeRate><terms>t</terms>"
        "<invoiceLines><invoiceItemID>1</invoiceItemID><quantity>1</quantity><price>9.99</price></invoiceLines>"
        "</invoice>"
    )
    status, text, ctype = await call(
        oo, "POST", "crm/invoice.xml", data=xml.encode(), headers={"Content-Type": "text/xml"}
    )
    assert (status, ctype) == (201, "text/xml")
    assert ElementTree.fromstring(text).findtext("response/number") == "XML-1"


async def test_dates_in_portal_zone(session: Any) -> None:
    from datetime import timedelta

    sim = OnlyOfficeSimulator(utc_offset=timedelta(hours=-7))
    async with sim.run() as url:
        body = invoice_body(issueDate="2025-03-01T10:00:00Z", dueDate="2025-03-31")
        headers = {"Authorization": "onlyoffice-simulator-token"}
        async with session.post(url + "/api/2.0/crm/invoice.json", json=body, headers=headers) as response:
            invoice = (await response.json())["response"]
    assert invoice["issueDate"] == "2025-03-01T03:00:00.0000000-07:00"
    assert invoice["dueDate"] == "2025-03-31T00:00:00.0000000-07:00"  # no zone = portal-local


async def test_update_is_full_replacement_of_drafts_only(oo: Portal) -> None:
    invoice = await create(oo)
    old_line_ids = [line["id"] for line in invoice["invoiceLines"]]
    body = invoice_body(
        number="IGNORED", terms="Net 15", invoiceLines=[{"invoiceItemID": 4, "quantity": 1, "price": 12.5}]
    )
    status, updated, _ = await call(oo, "PUT", f"crm/invoice/{invoice['id']}.json", json=body)
    assert status == 200
    updated = updated["response"]
    assert updated["number"] == "SIM-0001" and updated["terms"] == "Net 15"
    assert len(updated["invoiceLines"]) == 1 and updated["invoiceLines"][0]["id"] not in old_line_ids

    await call(oo, "PUT", "crm/invoice/status/sent.json", json={"invoiceids": [invoice["id"]]})
    status, body, _ = await call(oo, "PUT", f"crm/invoice/{invoice['id']}.json", json=invoice_body())
    assert (status, body["error"]["message"]) == (404, "Not found")  # non-draft reads as not found
    status, _, _ = await call(oo, "PUT", "crm/invoice/99999.json", json=invoice_body())
    assert status == 404


# -- delete and status -----------------------------------------------------------------------------


async def test_delete_single_and_batch(oo: Portal) -> None:
    status, body, _ = await call(oo, "DELETE", "crm/invoice/3.json")
    assert status == 200 and body["response"]["id"] == 3 and "invoiceLines" not in body["response"]
    status, _, _ = await call(oo, "DELETE", "crm/invoice/3.json")
    assert status == 404

    status, body, _ = await call(oo, "DELETE", "crm/invoice.json", json={"invoiceids": [4, 3, 5, 777]})
    assert status == 200 and [i["id"] for i in body["response"]] == [4, 5]  # unknown skipped silently
    status, body, _ = await call(oo, "DELETE", "crm/invoice.json?invoiceids=6&invoiceids=7")
    assert [i["id"] for i in body["response"]] == [6, 7]
    status, body, _ = await call(oo, "DELETE", "crm/invoice.json", json={"invoiceids": []})
    assert status == 400


@pytest.mark.parametrize(
    ("path", "start", "target", "applied"),
    [
        ("sent", 1, 2, True),
        ("paid", 2, 4, True),
        ("Rejected", 2, 3, True),
        ("draft", 3, 1, True),
        ("2", 4, 2, True),
        ("paid", 1, 4, False),
        ("draft", 2, 1, False),
        ("archived", 4, 5, False),
    ],
)
async def test_status_transition_graph(oo: Portal, path: str, start: int, target: int, applied: bool) -> None:
    oo.sim.store.invoices[1].status = start
    status, body, _ = await call(oo, "PUT", f"crm/invoice/status/{path}.json", json={"invoiceids": [1, 999]})
    assert status == 200
    assert body["response"]["value"] == []
    assert [i["id"] for i in body["response"]["key"]] == [1]
    assert body["response"]["key"][0]["status"]["id"] == (target if applied else start)


async def test_status_bad_name_is_400(oo: Portal) -> None:
    status, _, _ = await call(oo, "PUT", "crm/invoice/status/bogus.json", json={"invoiceids": [1]})
    assert status == 400


# -- listing ---------------------------------------------------------------------------------------


async def test_paging_envelope_and_off_by_one_next_index(session: Any) -> None:
    sim = OnlyOfficeSimulator(token="t", invoices=250)
    async with sim.run() as url:
        pages = []
        for start in (0, 100, 200):
            async with session.get(
                f"{url}/api/2.0/crm/invoice/filter.json?startIndex={start}&count=100", headers={"Authorization": "t"}
            ) as response:
                pages.append(await response.json())
        async with session.get(f"{url}/api/2.0/crm/invoice/filter.json", headers={"Authorization": "t"}) as response:
            everything = await response.json()
    first, second, last = pages
    assert (first["count"], first["nextIndex"], first["total"], "startIndex" in first) == (100, 101, 250, False)
    assert (second["startIndex"], second["nextIndex"]) == (100, 201)
    assert (last["count"], last["startIndex"], last["total"], "nextIndex" in last) == (50, 200, 250, False)
    assert "invoiceLines" not in first["response"][0]
    numbers = [i["number"] for page in pages for i in page["response"]]
    assert numbers == sorted(numbers) and len(set(numbers)) == 250
    assert everything["count"] == 250  # default page size is the 1000 maximum


async def test_filters(oo: Portal) -> None:
    async def numbers(query: str) -> list[str]:
        status, body, _ = await call(oo, "GET", "crm/invoice/filter.json?" + query)
        assert status == 200, body
        return [i["number"] for i in body["response"]]

    drafts = await numbers("status=draft")
    assert drafts and all(oo.sim.store.by_number(n).status == 1 for n in drafts)  # type: ignore[union-attr]
    assert await numbers("status=1") == drafts
    # invoice 1 is issued 2024-01-04: a date-only "To" bound includes that whole day
    assert "INV-0000001" in await numbers("issueDateFrom=2024-01-04&issueDateTo=2024-01-04")
    assert await numbers("issueDateFrom=2024-01-05&issueDateTo=2024-01-05") == []
    assert await numbers("entityid=1") == []  # entityid without entityType
    assert set(await numbers("entityType=contact&entityid=2")) == {
        i.number for i in oo.sim.store.invoices.values() if i.contact_id == 2
    }
    assert all(oo.sim.store.by_number(n).currency == "EUR" for n in await numbers("currency=EUR"))  # type: ignore[union-attr]
    assert await numbers("filterValue=0000012") == ["INV-0000012"]
    assert (await numbers("sortBy=number&sortOrder=descending"))[0] == "INV-0000012"
    ids = await numbers("sortBy=issueDate")
    assert ids[0] == "INV-0000001"
    status, _, _ = await call(oo, "GET", "crm/invoice/filter.json?entityType=person&entityid=1")
    assert status == 400


async def test_sample_exist_bynumber_and_helpers(oo: Portal) -> None:
    _, body, _ = await call(oo, "GET", "crm/invoice/sample.json")
    assert body["response"]["number"] == "INV-0000013" and body["response"]["invoiceLines"][0]["quantity"] == 1
    _, body, _ = await call(oo, "GET", "crm/invoice/bynumber/exist.json?number=INV-0000002")
    assert body["response"] is True
    _, body, _ = await call(oo, "GET", "crm/invoice/bynumber/exist.json?number=NOPE")
    assert body["response"] is False
    _, body, _ = await call(oo, "GET", "crm/invoice/bynumber.json?number=INV-0000002")
    assert body["response"]["contact"] is None and body["response"]["cost"] == 0
    for path in ("crm/invoice/tax.json", "crm/invoiceitem/filter.json", "crm/settings/currency.json"):
        status, body, _ = await call(oo, "GET", path)
        assert status == 200 and body["count"] >= 3
    _, body, _ = await call(oo, "GET", "crm/invoiceitem/5.json")
    assert "trackInvenory" in body["response"]
    _, body, _ = await call(oo, "GET", "crm/contact/invoicelist/2.json")
    assert body["count"] >= 1
