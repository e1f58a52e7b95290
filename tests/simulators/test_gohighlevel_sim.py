"""The GoHighLevel simulator against the reference and the official spec, with plain aiohttp."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicekit.testing import GoHighLevelSimulator

from .conftest import GHL_HEADERS, GHL_TOKEN, Portal

HEX24 = re.compile(r"^[0-9a-f]{24}$")
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
RATE_HEADERS = (
    "X-RateLimit-Limit-Daily",
    "X-RateLimit-Daily-Remaining",
    "X-RateLimit-Interval-Milliseconds",
    "X-RateLimit-Max",
    "X-RateLimit-Remaining",
)


def create_body(sim: GoHighLevelSimulator, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "altId": sim.location_id,
        "altType": "location",
        "name": "Website build",
        "title": "INVOICE",
        "currency": "USD",
        "businessDetails": {"name": "Simulated Agency LLC"},
        "items": [
            {"name": "Design", "currency": "USD", "amount": 1000, "qty": 1},
            {
                "name": "Hosting",
                "currency": "USD",
                "amount": 12.5,
                "qty": 3,
                "taxes": [{"_id": "tax1", "name": "Sales", "rate": 10}],
            },
        ],
        "discount": {"type": "fixed", "value": 0},
        "contactDetails": {
            "id": "AmuzcoPBpgKeccNsFlib",
            "name": "Jane Cooper",
            "phoneNo": "+15550100",
            "email": "jane@example.com",
        },
        "issueDate": "2025-02-01",
        "dueDate": "2025-03-01",
        "sentTo": {"email": ["jane@example.com"]},
        "liveMode": False,
    }
    body.update(overrides)
    return body


async def call(ghl: Portal, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
    async with ghl.session.request(
        method, ghl.url + path, headers=GHL_HEADERS if headers is None else headers, **kwargs
    ) as response:
        text = await response.text()
        body = json.loads(text, parse_float=Decimal) if text else None
        return response.status, body, response.headers


def loc(sim: GoHighLevelSimulator, **extra: str) -> dict[str, str]:
    return {"altId": sim.location_id, "altType": "location", **extra}


async def create(ghl: Portal, **overrides: Any) -> dict[str, Any]:
    status, body, _ = await call(ghl, "POST", "/invoices/", json=create_body(ghl.sim, **overrides))
    assert status == 200, body
    return body  # type: ignore[no-any-return]


# -- auth, version, location ---------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "Bearer nope", GHL_TOKEN, f"bearer {GHL_TOKEN}", f"Basic {GHL_TOKEN}"])
async def test_bearer_token_required(ghl: Portal, authorization: str | None) -> None:
    headers = {"Version": "2021-07-28"}
    if authorization:
        headers["Authorization"] = authorization
    status, body, response_headers = await call(ghl, "GET", "/invoices/x", headers=headers, params=loc(ghl.sim))
    assert status == 401
    assert body == {"statusCode": 401, "message": "Invalid JWT", "traceId": body["traceId"]}
    assert all(name in response_headers for name in RATE_HEADERS)


async def test_version_header(ghl: Portal) -> None:
    auth = {"Authorization": f"Bearer {GHL_TOKEN}"}
    status, body, _ = await call(ghl, "GET", "/invoices/generate-invoice-number", headers=auth, params=loc(ghl.sim))
    assert (status, body["message"]) == (400, "Version header was not found")
    status, body, _ = await call(
        ghl, "GET", "/invoices/generate-invoice-number", headers={**auth, "Version": "2021-04-15"}, params=loc(ghl.sim)
    )
    assert status == 400 and "not supported" in body["message"]
    status, _, _ = await call(
        ghl, "GET", "/invoices/generate-invoice-number", headers={**auth, "Version": "v3"}, params=loc(ghl.sim)
    )
    assert status == 200


async def test_alt_id_placement_and_location_access(ghl: Portal) -> None:
    invoice_id = next(iter(ghl.sim.store.invoices))
    status, body, _ = await call(
        ghl, "GET", f"/invoices/{invoice_id}", params={"altId": "other", "altType": "location"}
    )
    assert (status, body["message"], body["error"]) == (
        403,
        "The token does not have access to this location.",
        "Forbidden",
    )
    status, body, _ = await call(ghl, "GET", f"/invoices/{invoice_id}")
    assert status == 422 and "altId should not be empty" in body["message"]
    status, body, _ = await call(ghl, "POST", "/invoices/", json=create_body(ghl.sim, altId="other"))
    assert status == 403
    # altId in the query does not count for a POST: the body must carry it
    body = create_body(ghl.sim)
    del body["altId"]
    status, answer, _ = await call(ghl, "POST", "/invoices/", json=body, params=loc(ghl.sim))
    assert status == 422 and "altId should not be empty" in answer["message"]


async def test_paths_are_case_sensitive_and_unknown_is_404(ghl: Portal) -> None:
    status, body, _ = await call(ghl, "GET", "/Invoices/", params=loc(ghl.sim, limit="1", offset="0"))
    assert status == 401 and "IAM" in body["message"]
    status, body, _ = await call(ghl, "GET", "/invoices/a/b")
    assert (status, body["message"]) == (404, "Cannot GET /invoices/a/b")


# -- create and shape ------------------------------------------------------------------------------


async def test_create_response_shape(ghl: Portal) -> None:
    async with ghl.session.post(ghl.url + "/invoices/", headers=GHL_HEADERS, json=create_body(ghl.sim)) as response:
        raw = await response.text()
        assert response.status == 200
    invoice = json.loads(raw, parse_float=Decimal)
    assert HEX24.match(invoice["_id"]) and "id" not in invoice
    assert invoice["status"] == "draft" and isinstance(invoice["invoiceNumber"], str)
    assert invoice["issueDate"] == "2025-02-01" and ISO_MS.match(invoice["createdAt"])
    assert all(HEX24.match(item["_id"]) for item in invoice["invoiceItems"])
    # 1000 + 37.5 = 1037.5; tax 10% of 37.5 = 3.75
    assert invoice["totalSummary"] == {"subTotal": Decimal("1037.5"), "discount": 0, "tax": Decimal("3.75")}
    assert (invoice["total"], invoice["amountDue"], invoice["amountPaid"]) == (
        Decimal("1041.25"),
        Decimal("1041.25"),
        0,
    )
    assert '"total":1041.25' in raw  # major units as plain JSON numbers
    assert invoice["altId"] == ghl.sim.location_id and invoice["traceId"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": None}, "name should not be empty"),
        ({"items": "x"}, "items must be an array"),
        (
            {"items": [{"name": "A", "currency": "USD", "amount": "10", "qty": 1}]},
            "items.0.amount must be a number conforming to the specified constraints",
        ),
        ({"altType": "company"}, "altType must be one of the following values: location"),
        ({"liveMode": "false"}, "liveMode must be a boolean value"),
        ({"discount": {"value": 5}}, "discount.type should not be empty"),
        ({"sentTo": {"email": "a@example.com"}}, "sentTo.email must be an array"),
        ({"sentTo": {"email": [1]}}, "each value in sentTo.email must be a string"),
        ({"contactDetails": "x"}, "nested property contactDetails must be either object or array"),
        ({"contactDetails": {"id": "c", "name": "n", "email": "e"}}, "contactDetails.phoneNo should not be empty"),
        ({"issueDate": "01/02/2025"}, "issueDate must be a valid ISO 8601 date string"),
    ],
)
async def test_create_422_lists(ghl: Portal, overrides: dict[str, Any], message: str) -> None:
    before = len(ghl.sim.store.invoices)
    status, body, _ = await call(ghl, "POST", "/invoices/", json=create_body(ghl.sim, **overrides))
    assert status == 422
    assert body["statusCode"] == 422 and body["error"] == "Unprocessable Entity"
    assert isinstance(body["message"], list) and message in body["message"]
    assert len(ghl.sim.store.invoices) == before


@pytest.mark.parametrize(("amount", "qty", "field"), [
    ("1e30", "1", "items.0.amount"), ("1e999999", "1", "items.0.amount"), ("1", "1e16", "items.0.qty"),
    ("9007199254740992", "1", "items.0.amount"),  # 2**53: no longer exact in a JavaScript number
])
async def test_a_number_beyond_a_javascript_numbers_exact_range_is_422_not_a_crash(
    ghl: Portal, amount: str, qty: str, field: str
) -> None:
    """#11: 1e30 crashed the totals (decimal.InvalidOperation) and answered 500."""
    before = len(ghl.sim.store.invoices)
    body = json.dumps(create_body(ghl.sim, items=[{"name": "A", "currency": "USD", "amount": 0, "qty": 0}]))
    raw = body.replace('"amount": 0, "qty": 0', f'"amount": {amount}, "qty": {qty}').encode()
    headers = {**GHL_HEADERS, "Content-Type": "application/json"}
    status, answer, _ = await call(ghl, "POST", "/invoices/", data=raw, headers=headers)
    assert status == 422, answer
    assert f"{field} must be a number conforming to the specified constraints" in answer["message"]
    assert len(ghl.sim.store.invoices) == before


async def test_the_largest_exact_numbers_multiply_without_a_crash(ghl: Portal) -> None:
    big = 2**53 - 1
    invoice = await create(ghl, items=[{"name": "A", "currency": "USD", "amount": big, "qty": big}])
    assert Decimal(str(invoice["total"])) == Decimal(big) * Decimal(big)


async def test_a_payment_beyond_the_exact_range_is_422(ghl: Portal) -> None:
    invoice = await create(ghl)
    payment = {**loc(ghl.sim), "mode": "cash", "card": {"brand": "", "last4": ""}, "cheque": {"number": ""},
               "notes": "x", "amount": 1e30}
    status, body, _ = await call(ghl, "POST", f"/invoices/{invoice['_id']}/record-payment", json=payment)
    assert status == 422 and "amount must be a number conforming to the specified constraints" in body["message"]
    assert ghl.sim.store.get(invoice["_id"]).amount_paid == 0


async def test_malformed_json_body_is_400(ghl: Portal) -> None:
    headers = {**GHL_HEADERS, "Content-Type": "application/json"}
    status, body, _ = await call(ghl, "POST", "/invoices/", data=b"{oops", headers=headers)
    assert status == 400 and body["statusCode"] == 400


# -- lifecycle -------------------------------------------------------------------------------------


async def test_lifecycle_rules(ghl: Portal) -> None:
    sim = ghl.sim
    invoice = await create(ghl)
    iid = invoice["_id"]
    status, body, _ = await call(ghl, "POST", f"/invoices/{iid}/void", json=loc(sim))
    assert (status, body["message"]) == (400, "Can not void draft invoice. You can delete draft invoice!")

    send = {**loc(sim), "userId": sim.user_id, "action": "send_manually", "liveMode": False}
    status, body, _ = await call(ghl, "POST", f"/invoices/{iid}/send", json=send)
    assert (
        status == 200
        and body["invoice"]["status"] == "sent"
        and set(body) == {"invoice", "smsData", "emailData", "traceId"}
    )

    status, body, _ = await call(ghl, "DELETE", f"/invoices/{iid}", params=loc(sim))
    assert (status, body["message"]) == (400, "Invoice status need to be draft to delete an invoice")

    payment = {**loc(sim), "mode": "cash", "card": {"brand": "", "last4": ""}, "cheque": {"number": ""}, "notes": "x"}
    status, body, _ = await call(ghl, "POST", f"/invoices/{iid}/record-payment", json={**payment, "amount": 41.25})
    assert status == 200 and body["success"] is True
    assert (body["invoice"]["status"], body["invoice"]["amountDue"]) == ("partially_paid", 1000)
    status, body, _ = await call(ghl, "POST", f"/invoices/{iid}/record-payment", json=payment)
    assert (body["invoice"]["status"], body["invoice"]["amountPaid"], body["invoice"]["amountDue"]) == (
        "paid",
        Decimal("1041.25"),
        0,
    )

    status, body, _ = await call(ghl, "POST", f"/invoices/{iid}/void", json=loc(sim))
    assert status == 200 and body["status"] == "void"

    draft = await create(ghl)
    status, body, _ = await call(ghl, "DELETE", f"/invoices/{draft['_id']}", params=loc(sim))
    assert status == 200 and body["_id"] == draft["_id"]
    status, body, _ = await call(ghl, "GET", f"/invoices/{draft['_id']}", params=loc(sim))
    assert (status, body["message"]) == (400, "Unable to find an invoice with the given invoice id")


async def test_record_payment_requires_the_spec_fields(ghl: Portal) -> None:
    invoice = await create(ghl)
    status, body, _ = await call(
        ghl, "POST", f"/invoices/{invoice['_id']}/record-payment", json={**loc(ghl.sim), "mode": "cash"}
    )
    assert status == 422 and {
        "nested property card must be either object or array",
        "notes should not be empty",
    } <= set(body["message"])
    status, body, _ = await call(
        ghl, "POST", f"/invoices/{invoice['_id']}/send", json={**loc(ghl.sim), "action": "fax"}
    )
    assert (
        status == 422
        and "action must be one of the following values: sms_and_email, send_manually, email, sms" in body["message"]
    )


async def test_update_takes_invoice_items(ghl: Portal) -> None:
    invoice = await create(ghl)
    body = {
        **loc(ghl.sim),
        "name": "Renamed",
        "currency": "USD",
        "issueDate": "2025-02-02",
        "dueDate": "2025-02-20",
        "invoiceItems": [{"name": "Only", "currency": "USD", "amount": 5, "qty": 2}],
    }
    status, updated, _ = await call(ghl, "PUT", f"/invoices/{invoice['_id']}", json=body)
    assert status == 200 and updated["name"] == "Renamed" and updated["total"] == 10
    assert updated["contactDetails"] == invoice["contactDetails"]

    items = body.pop("invoiceItems")
    with_items = {**body, "items": items}
    status, answer, _ = await call(ghl, "PUT", f"/invoices/{invoice['_id']}", json=with_items)
    assert status == 422 and "invoiceItems should not be empty" in answer["message"]


# -- list and number -------------------------------------------------------------------------------


async def test_list_paging_filters_and_required_query(ghl: Portal) -> None:
    sim = ghl.sim
    status, body, _ = await call(ghl, "GET", "/invoices/", params=loc(sim))
    assert status == 422 and {"limit should not be empty", "offset should not be empty"} <= set(body["message"])

    seen = []
    for offset in (0, 5, 10):
        status, body, _ = await call(ghl, "GET", "/invoices/", params=loc(sim, limit="5", offset=str(offset)))
        assert status == 200 and body["total"] == 12
        seen += [i["_id"] for i in body["invoices"]]
    assert len(seen) == len(set(seen)) == 12

    status, body, _ = await call(ghl, "GET", "/invoices/", params=loc(sim, limit="50", offset="0", status="draft"))
    assert body["invoices"] and all(i["status"] == "draft" for i in body["invoices"])
    status, body, _ = await call(
        ghl, "GET", "/invoices/", params=loc(sim, limit="50", offset="0", sortField="issueDate", sortOrder="ascend")
    )
    dates = [i["issueDate"] for i in body["invoices"]]
    assert dates == sorted(dates)
    status, body, _ = await call(
        ghl, "GET", "/invoices/", params=loc(sim, limit="50", offset="0", startAt=dates[2], endAt=dates[4])
    )
    assert body["total"] == 3
    status, body, _ = await call(ghl, "GET", "/invoices/", params=loc(sim, limit="ten", offset="0"))
    assert status == 422 and "limit must be a number string" in body["message"]


async def test_generate_invoice_number(ghl: Portal) -> None:
    status, body, _ = await call(ghl, "GET", "/invoices/generate-invoice-number", params=loc(ghl.sim))
    assert status == 200 and body["invoiceNumber"] == 13


# -- rate limits -----------------------------------------------------------------------------------


async def test_burst_limit_answers_429_with_headers(session: Any) -> None:
    sim = GoHighLevelSimulator(token=GHL_TOKEN, burst_limit=3, daily_limit=1000)
    async with sim.run() as url:
        statuses, remaining = [], []
        for _ in range(4):
            async with session.get(
                url + "/invoices/generate-invoice-number", headers=GHL_HEADERS, params=loc(sim)
            ) as response:
                statuses.append(response.status)
                remaining.append(response.headers["X-RateLimit-Remaining"])
                last = await response.json()
                headers = response.headers
    assert statuses == [200, 200, 200, 429] and remaining == ["2", "1", "0", "0"]
    assert last["statusCode"] == 429
    assert headers["X-RateLimit-Max"] == "3" and headers["X-RateLimit-Daily-Remaining"] == "997"
    assert headers["X-RateLimit-Interval-Milliseconds"] == "10000"


async def test_daily_quota(session: Any) -> None:
    sim = GoHighLevelSimulator(token=GHL_TOKEN, daily_limit=1)
    async with sim.run() as url:
        for expected in (200, 429):
            async with session.get(
                url + "/invoices/generate-invoice-number", headers=GHL_HEADERS, params=loc(sim)
            ) as response:
                assert response.status == expected
        assert response.headers["X-RateLimit-Daily-Remaining"] == "0"


# -- OAuth -----------------------------------------------------------------------------------------


def refresh_form(sim: GoHighLevelSimulator, token: str, **extra: str) -> dict[str, str]:
    return {
        "client_id": sim.client_id,
        "client_secret": "sim-client-secret",
        "grant_type": "refresh_token",
        "refresh_token": token,
        "user_type": "Location",
        **extra,
    }


async def test_oauth_refresh_rotates_and_refresh_tokens_are_single_use(ghl: Portal) -> None:
    sim = ghl.sim
    first = "ghl-simulator-refresh-token"
    status, tokens, _ = await call(ghl, "POST", "/oauth/token", headers={}, data=refresh_form(sim, first))
    assert status == 200
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 86399
    assert tokens["refresh_token"] != first and tokens["locationId"] == sim.location_id

    status, body, _ = await call(ghl, "POST", "/oauth/token", headers={}, data=refresh_form(sim, first))
    assert status == 400 and body["error"] == "invalid_grant"
    assert body["message"] == "Invalid grant: refresh token is invalid"

    sim.expire_tokens()
    fresh = {"Authorization": f"Bearer {tokens['access_token']}", "Version": "2021-07-28"}
    status, _, _ = await call(ghl, "GET", "/invoices/generate-invoice-number", params=loc(sim))
    assert status == 401
    status, body, _ = await call(
        ghl, "POST", "/oauth/token", headers={}, data=refresh_form(sim, tokens["refresh_token"])
    )
    assert status == 200
    fresh = {"Authorization": f"Bearer {body['access_token']}", "Version": "2021-07-28"}
    status, _, _ = await call(ghl, "GET", "/invoices/generate-invoice-number", headers=fresh, params=loc(sim))
    assert status == 200
    # secrets never reach the request log
    assert all(b"sim-client-secret" not in (r.body or b"") for r in sim.requests)
    assert all(first.encode() not in (r.body or b"") for r in sim.requests)


async def test_oauth_errors(ghl: Portal) -> None:
    sim = ghl.sim
    token = "ghl-simulator-refresh-token"
    cases = [
        ({k: v for k, v in refresh_form(sim, token).items() if k != "client_id"}, "Missing parameter: client_id"),
        (refresh_form(sim, token, client_secret="wrong"), "Invalid parameter: client_secret"),
        (refresh_form(sim, token, grant_type="password"), "Invalid parameter: grant_type"),
    ]
    for form, message in cases:
        status, body, _ = await call(ghl, "POST", "/oauth/token", headers={}, data=form)
        assert (status, body["message"]) == (400, message)
    status, body, _ = await call(ghl, "POST", "/oauth/token", headers={}, json=refresh_form(sim, token))
    assert status == 400 and body["message"].startswith("Missing parameter")  # v2 takes a form only

    sim.location_active = False
    status, body, _ = await call(ghl, "POST", "/oauth/token", headers={}, data=refresh_form(sim, token))
    assert (status, body["message"]) == (400, "Location is not active")
    sim.location_active = True
    status, _, _ = await call(ghl, "POST", "/oauth/token", headers={}, data=refresh_form(sim, token))
    assert status == 200  # the refresh token survived the inactive period


async def test_invoice_settings_answer_the_spec_shape_with_the_locations_terms(ghl: Portal) -> None:
    """``GET /invoices/settings``: GetInvoiceSettingsResponseDto, ``termsNote`` as configured."""
    status, body, _ = await call(ghl, "GET", "/invoices/settings", params=loc(ghl.sim))
    assert status == 200
    assert (body["altId"], body["altType"]) == (ghl.sim.location_id, "location")
    assert body["termsNote"] == "<p>Payment is due within 30 days of the invoice date.</p>"
    spec = json.loads((Path(__file__).parents[1] / "contract" / "specs" / "ghl" / "apps" / "invoices.json")
                      .read_text(encoding="utf-8"))
    properties = spec["components"]["schemas"]["GetInvoiceSettingsResponseDto"]["properties"]
    assert set(body) - {"traceId"} <= set(properties)  # (every invoices answer carries a traceId)
    ghl.sim.terms_note = None
    status, body, _ = await call(ghl, "GET", "/invoices/settings", params=loc(ghl.sim))
    assert status == 200 and "termsNote" not in body
    status, body, _ = await call(ghl, "GET", "/invoices/settings", params={"altId": ghl.sim.location_id})
    assert status == 422 and "altType must be one of the following values: location" in body["message"]
    status, body, _ = await call(ghl, "GET", "/invoices/settings", params={"altId": "other", "altType": "location"})
    assert status == 403
