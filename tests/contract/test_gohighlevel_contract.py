"""The GoHighLevel adapter against GHL's official OpenAPI files (vendored in specs/ghl/).

1. Every request the adapter builds (path, query, ``Version`` header, JSON or form body) is
   validated against the operation the spec defines for it. Validation is stricter than the spec
   in one way: object schemas that list properties accept no others, so a misspelt or invented
   key (``invoiceItem``, ``exchangeRate``) fails here instead of in production.
2. The spec's own response examples (assembled from its per-property ``example`` values) and its
   error examples decode into models / typed errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aioresponses import aioresponses
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from yarl import URL

from invoicekit import (
    Contact,
    InvalidStateError,
    InvoiceChanges,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    NotFoundError,
    Payment,
    PaymentMode,
    connect,
)
from invoicekit._http.messages import Request, Response
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.gohighlevel.auth import OAuthTokens
from invoicekit.gohighlevel.errors import decode_error
from invoicekit.gohighlevel.wire import invoice_from_wire

SPECS = Path(__file__).resolve().parent / "specs" / "ghl"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gohighlevel"
BASE = "https://services.leadconnectorhq.com/"
LOCATION = "ve9EPM428h8vShlRW1KT"
INVOICE_ID = "6578278e879ad2646715ba9c"
FILES = ("apps/invoices.json", "apps/oauth.json", "common/common-schemas.json")


def _strict(node: Any) -> Any:
    """The spec with ``additionalProperties: false`` on every object schema that lists properties."""
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if isinstance(out.get("properties"), dict) and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def _uri(name: str) -> str:
    return (SPECS / name).as_uri()


DOCS = {name: json.loads((SPECS / name).read_text(encoding="utf-8")) for name in FILES}
REGISTRY: Registry = Registry().with_resources(  # type: ignore[call-arg]
    (_uri(name), Resource(contents=_strict(doc), specification=DRAFT7)) for name, doc in DOCS.items()
)


def validator(file: str, pointer: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator({"$ref": f"{_uri(file)}#{pointer}"}, registry=REGISTRY)


def errors_of(file: str, pointer: str, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator(file, pointer).iter_errors(instance)]


# -- matching a request to its operation ------------------------------------------------------


def _operation(file: str, method: str, path: str) -> tuple[str, dict[str, Any]]:
    """(spec path, operation) for a concrete request path; literal paths beat templated ones."""
    paths = DOCS[file]["paths"]
    candidates = []
    for template, ops in paths.items():
        if method.lower() not in ops:
            continue
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            candidates.append((template.count("{"), template, ops[method.lower()]))
    assert candidates, f"{method} {path} is not an operation of {file}"
    _, template, op = min(candidates, key=lambda c: c[0])
    return template, op


def check_request(method: str, url: URL, kwargs: dict[str, Any]) -> list[str]:
    """Every way this request breaks the spec (empty: it conforms)."""
    path = "/" + url.path.removeprefix("/")
    file = "apps/oauth.json" if path.startswith("/oauth/") else "apps/invoices.json"
    template, op = _operation(file, method, path)
    problems: list[str] = []
    # The client sends its query in the URL; a test that mutates the query passes ``params``.
    params = dict(kwargs["params"]) if kwargs.get("params") is not None else dict(url.query)
    headers = kwargs.get("headers") or {}
    query_schema: dict[str, Any] = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
    for param in op.get("parameters", []):
        if param["in"] == "query":
            query_schema["properties"][param["name"]] = param["schema"]
            if param.get("required"):
                query_schema["required"].append(param["name"])
        elif param["in"] == "header":
            value = headers.get(param["name"])
            if value is None:
                if param.get("required"):
                    problems.append(f"header {param['name']} missing")
            else:
                problems += [f"header {param['name']}: {e.message}"
                             for e in jsonschema.Draft7Validator(param["schema"]).iter_errors(value)]
    problems += [f"query {e.message}" for e in jsonschema.Draft7Validator(query_schema).iter_errors(params)]
    body_spec = op.get("requestBody")
    data = kwargs.get("data")
    if body_spec is None:
        if data is not None:
            problems.append("a body was sent to an operation without one")
        return problems
    content = body_spec["content"]
    if "application/json" in content:
        assert isinstance(data, bytes), f"{method} {template}: expected a JSON body"
        assert headers.get("Content-Type") == "application/json"
        body = json.loads(data)
        pointer = content["application/json"]["schema"]["$ref"].removeprefix("#")
    else:
        assert isinstance(data, dict), f"{method} {template}: expected a form body"
        body = data
        pointer = content["application/x-www-form-urlencoded"]["schema"]["$ref"].removeprefix("#")
    problems += errors_of(file, pointer, body)
    return problems


def all_requests(m: aioresponses) -> Iterator[tuple[str, URL, dict[str, Any]]]:
    for (method, url), calls in m.requests.items():
        for call in calls:
            yield method, url, call.kwargs


# -- the scenario: every operation, with plain and full inputs ---------------------------------


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def client(**overrides: Any) -> GoHighLevelClient:
    cfg: dict[str, Any] = {
        "provider": "gohighlevel", "location_id": LOCATION, "token": "pit-test-0000-not-a-real-token",
        "user_id": "UOb9Ey6WuWmKW5oGbZQY", "max_retries": 0,
        "business": {"name": "Acme Studio LLC", "phone": "+1-214-559-6993", "website": "www.acme.example",
                     "logo_url": "https://assets.example.com/logo.png",
                     "address": {"line1": "9931 Beechwood", "city": "Houston", "state": "TX",
                                 "postal_code": "77001", "country_code": "US"}},
    }
    cfg.update(overrides)
    result = connect(cfg)
    assert isinstance(result, GoHighLevelClient)
    return result


SENT_ID = "6578278e879ad2646715b0a1"


def mock_everything(m: aioresponses) -> None:
    anything = re.compile(r"^https://services\.leadconnectorhq\.com/invoices/.*$")
    invoice = fixture("invoice_draft.json")
    listing = r"^https://services\.leadconnectorhq\.com/invoices/\?"
    m.get(re.compile(listing + r"(.*&)?offset=0(&.*)?$"), payload=fixture("list_page1.json"), repeat=True)
    m.get(re.compile(listing + ".*$"), payload=fixture("list_page2.json"), repeat=True)
    m.get(re.compile(r".*/invoices/generate-invoice-number\?.*"), payload=fixture("generate_number.json"), repeat=True)
    # (sent: a partially paid invoice is not updated)
    m.get(re.compile(r".*/invoices/6578278e879ad2646715b003\?.*"),
          payload={**fixture("list_page2.json")["invoices"][0], "status": "sent"}, repeat=True)
    # A sent invoice to void: void reads the invoice first and refuses a draft before sending.
    m.get(re.compile(rf".*/invoices/{SENT_ID}\?.*"), payload={**invoice, "_id": SENT_ID, "status": "sent"},
          repeat=True)
    # The location's invoice settings, as the spec's example (its termsNote fills a draft without terms).
    m.get(re.compile(r".*/invoices/settings\?.*"), payload=settings_example(), repeat=True)
    m.get(anything, payload=invoice, repeat=True)
    m.put(anything, payload=invoice, repeat=True)
    m.delete(anything, payload=invoice, repeat=True)
    m.post(re.compile(r".*/send$"), payload=fixture("send_response.json"), repeat=True)
    m.post(re.compile(r".*/record-payment$"), payload=fixture("record_payment_response.json"), repeat=True)
    m.post(re.compile(r".*/void$"), payload=fixture("void_response.json"), repeat=True)
    m.post(f"{BASE}invoices/", payload=invoice, repeat=True)
    m.post(f"{BASE}oauth/token", payload=fixture("token_response.json"), repeat=True)


async def run_every_operation() -> aioresponses:
    # The least a create takes: the contact's id (from contacts.ensure), name and e-mail.
    contact_min = Contact(id="AmuzcoPBpgKeccNsFlib", name="Alex Morgan", email="alex.morgan@example.com")
    contact_full = Contact(id="AmuzcoPBpgKeccNsFlib", name="Alex Morgan", email="alex.morgan@example.com",
                           phone="+1-555-010-2030", company_name="Morgan & Co")
    line = LineItem(name="Design sprint", quantity=Decimal(2), unit_price=Decimal("1250.50"))
    with aioresponses() as m:
        mock_everything(m)
        async with client() as ghl:
            await ghl.create(InvoiceDraft(currency="USD", name="Plain", contact=contact_min, lines=[line],
                                          issue_date=date(2024, 3, 1), due_date=date(2024, 3, 1)))
            await ghl.create(InvoiceDraft(
                currency="USD", name="Full", contact=contact_full, number="1042", due_date=date(2024, 3, 31),
                issue_date=date(2024, 3, 1), terms="<p>Thanks</p>", description="March work",
                lines=[LineItem(name="Hosting", description="1 year", item_id="65d0f00d0000000000000102",
                                quantity=Decimal(1), unit_price=Decimal("199.99"))],
                extra={"title": "INVOICE", "invoiceNumberPrefix": "INV-",
                       "discount": {"type": "fixed", "value": 10}},
            ))
            await ghl.get(INVOICE_ID)
            [i async for i in ghl.list()]
            [i async for i in ghl.list(status=InvoiceStatus.PAID, issued_from=date(2024, 1, 1),
                                       issued_to=date(2024, 12, 31), contact_id="AmuzcoPBpgKeccNsFlib",
                                       search="Alex", provider_filters={"payment_mode": "test"}, order="-issue_date",
                                       page_size=25)]
            await ghl.update(INVOICE_ID, InvoiceChanges(name="Renamed"))
            await ghl.update(INVOICE_ID, InvoiceChanges(
                lines=[line], contact=contact_full, description="Spring work", terms="", currency="EUR",
                due_date=date(2024, 4, 30),
            ))
            # an invoice whose businessDetails.address came back as a plain string
            await ghl.update("6578278e879ad2646715b003", InvoiceChanges(name="String address"))
            await ghl.delete(INVOICE_ID)
            await ghl.delete_many([INVOICE_ID, "6578278e879ad2646715b001"])
            await ghl.send(INVOICE_ID)
            await ghl.send(INVOICE_ID, action="send_manually", user_id="OtherUser00000000001",
                           from_name="Billing", from_email="billing@acme.example")
            await ghl.void(SENT_ID)
            await ghl.mark_paid(INVOICE_ID)
            await ghl.record_payment(INVOICE_ID, Payment(mode=PaymentMode.CARD, amount=Decimal("100.25"),
                                                         card_brand="visa", card_last4="4242", notes="desk",
                                                         paid_at=datetime(2024, 3, 4, 12, 30, tzinfo=UTC)))
            await ghl.record_payment(INVOICE_ID, Payment(mode=PaymentMode.CHEQUE, cheque_number="129-129"))
            await ghl.generate_number()
        async with client(token=None, client_id="cid-example", client_secret="test-client-secret",
                          refresh_token="test-refresh-token-0001") as oauth:
            await oauth.get(INVOICE_ID)
    return m


async def test_every_request_conforms_to_the_spec() -> None:
    m = await run_every_operation()
    seen: set[tuple[str, str]] = set()
    failures: dict[str, list[str]] = {}
    for method, url, kwargs in all_requests(m):
        path = "/" + url.path.removeprefix("/")
        file = "apps/oauth.json" if path.startswith("/oauth/") else "apps/invoices.json"
        seen.add((method, _operation(file, method, path)[0]))
        problems = check_request(method, url, kwargs)
        if problems:
            failures[f"{method} {url}"] = problems
    assert not failures, json.dumps(failures, indent=2)
    assert seen == {
        ("POST", "/invoices/"), ("GET", "/invoices/"), ("GET", "/invoices/{invoiceId}"),
        ("PUT", "/invoices/{invoiceId}"), ("DELETE", "/invoices/{invoiceId}"),
        ("POST", "/invoices/{invoiceId}/send"), ("POST", "/invoices/{invoiceId}/void"),
        ("POST", "/invoices/{invoiceId}/record-payment"), ("GET", "/invoices/generate-invoice-number"),
        ("GET", "/invoices/settings"), ("POST", "/oauth/token"),
    }


async def test_a_draft_without_terms_gets_the_settings_example_termsnote() -> None:
    """The spec's own GetInvoiceSettingsResponseDto example is read (one GET, then kept) and its
    ``termsNote`` sent as the invoice's ``termsNotes``, as it is; the update's blank terms too."""
    m = await run_every_operation()
    note = settings_example()["termsNote"]
    reads = [u for mm, u, _ in all_requests(m) if mm == "GET" and u.path == "/invoices/settings"]
    assert [dict(u.query) for u in reads] == [{"altId": LOCATION, "altType": "location"}]
    posts = [json.loads(k["data"]) for mm, u, k in all_requests(m) if mm == "POST" and u.path == "/invoices/"]
    assert [body.get("termsNotes") for body in posts] == [note, "<p>&lt;p&gt;Thanks&lt;/p&gt;</p>"]
    puts = [json.loads(k["data"]) for mm, u, k in all_requests(m) if mm == "PUT"]
    assert note in [body.get("termsNotes") for body in puts]


@pytest.mark.parametrize(
    ("method", "path", "mutate", "expected"),
    [
        ("POST", "invoices/", lambda b: b.pop("discount"), "'discount' is a required property"),
        ("POST", "invoices/", lambda b: b.update(invoiceItems=b.pop("items")), "'items' is a required property"),
        ("POST", "invoices/", lambda b: b["items"][0].update(qty="2"), "is not of type 'number'"),
        ("POST", "invoices/", lambda b: b.update(exchangeRate=1), "Additional properties"),
        ("POST", "invoices/", lambda b: b["contactDetails"].pop("phoneNo"), "'phoneNo' is a required property"),
        ("PUT", f"invoices/{INVOICE_ID}", lambda b: b.pop("dueDate"), "'dueDate' is a required property"),
        ("PUT", f"invoices/{INVOICE_ID}", lambda b: b.update(altType="company"), "is not one of ['location']"),
        ("POST", f"invoices/{INVOICE_ID}/send", lambda b: b.update(action="fax"), "is not one of"),
        ("POST", f"invoices/{INVOICE_ID}/record-payment", lambda b: b.pop("cheque"), "'cheque' is a required"),
    ],
)
async def test_a_request_the_spec_rejects_fails(method: str, path: str, mutate: Any, expected: str) -> None:
    m = await run_every_operation()
    target = URL(BASE + path)
    (method_, url, kwargs) = next((mm, u, k) for mm, u, k in all_requests(m) if mm == method and u == target)
    body = json.loads(kwargs["data"])
    mutate(body)
    problems = check_request(method_, url, {**kwargs, "data": json.dumps(body).encode()})
    assert any(expected in p for p in problems), problems


async def test_bad_queries_and_headers_fail() -> None:
    m = await run_every_operation()
    method, url, kwargs = next((mm, u, k) for mm, u, k in all_requests(m) if mm == "GET" and u.path == "/invoices/")
    params = dict(url.query)
    assert any("'limit' is a required" in p for p in check_request(method, url, {**kwargs, "params": {
        k: v for k, v in params.items() if k != "limit"}}))
    assert any("is not of type 'string'" in p for p in check_request(method, url, {**kwargs, "params": {
        **params, "offset": 0}}))
    assert any("Additional properties" in p for p in check_request(method, url, {**kwargs, "params": {
        **params, "locationId": LOCATION}}))
    assert any("header Version" in p for p in check_request(method, url, {**kwargs, "headers": {
        **kwargs["headers"], "Version": "2021-04-15"}}))


# -- the spec's examples decode ---------------------------------------------------------------


def example_of(schema: Any, doc: dict[str, Any]) -> Any:
    """An instance assembled from a schema's ``example`` values (what the docs site shows)."""
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        node: Any = doc
        for part in ref[2:].split("/"):
            node = node[part]
        return example_of(node, doc)
    if "example" in schema:
        return schema["example"]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(example_of(part, doc))
        return merged
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: example_of(sub, doc) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), doc)]
    return {"string": "text", "number": 0, "integer": 0, "boolean": False}.get(kind or "")


INVOICES = DOCS["apps/invoices.json"]


def settings_example() -> Any:
    return example_of({"$ref": "#/components/schemas/GetInvoiceSettingsResponseDto"}, INVOICES)
INVOICE_SHAPES = ["GetInvoiceResponseDto", "CreateInvoiceResponseDto", "UpdateInvoiceResponseDto",
                  "DeleteInvoiceResponseDto", "VoidInvoiceResponseDto", "DefaultInvoiceResponseDto"]


@pytest.mark.parametrize("name", INVOICE_SHAPES)
def test_spec_invoice_examples_decode(name: str) -> None:
    example = example_of({"$ref": f"#/components/schemas/{name}"}, INVOICES)
    invoice = invoice_from_wire(json.loads(json.dumps(example), parse_float=Decimal))
    assert invoice.id == "6578278e879ad2646715ba9c"
    assert invoice.number == "19"  # typed number, sent as a string: kept as a string
    assert invoice.status is InvoiceStatus.DRAFT
    assert invoice.total == Decimal(999)
    assert invoice.issue_date == date(2023, 1, 1)
    assert invoice.created_at == datetime(2023, 12, 12, 9, 27, 42, 355000, tzinfo=UTC)
    assert invoice.contact is not None and invoice.contact.email == "alex@example.com"
    (line,) = invoice.lines  # typed "array of string", really objects
    assert (line.name, line.quantity, line.unit_price) == ("Macbook Pro", Decimal(1), Decimal(999))
    assert invoice.raw["businessDetails"]["address"]["countryCode"] == "USA"


def test_spec_wrapped_and_list_examples_decode() -> None:
    listing = example_of({"$ref": "#/components/schemas/ListInvoicesResponseDto"}, INVOICES)
    assert [invoice_from_wire(i).number for i in listing["invoices"]] == ["19"]
    for name in ("SendInvoicesResponseDto", "RecordPaymentResponseDto"):
        wrapped = example_of({"$ref": f"#/components/schemas/{name}"}, INVOICES)
        assert invoice_from_wire(wrapped["invoice"]).id == "6578278e879ad2646715ba9c"
    number = example_of({"$ref": "#/components/schemas/GenerateInvoiceNumberResponseDto"}, INVOICES)
    assert number == {"invoiceNumber": "19"}


def _response(status: int, body: Any) -> Response:
    return Response(status=status, headers={}, body=json.dumps(body).encode(), method="DELETE",
                    url=f"{BASE}invoices/{INVOICE_ID}")


def test_spec_error_examples_decode() -> None:
    request = Request(operation="delete", method="DELETE", path=f"invoices/{INVOICE_ID}")
    expected = {
        "UnableToFindInvoiceResponse": NotFoundError,
        "DeleteDraftInvoiceBadResponse": InvalidStateError,
        "VoidDraftInvoiceBadResponse": InvalidStateError,
        "VoidProviderInvoiceBadResponse": InvalidStateError,
    }
    found = 0
    for ops in INVOICES["paths"].values():
        for op in ops.values():
            content = op["responses"].get("400", {}).get("content", {}).get("application/json", {})
            for name, example in content.get("examples", {}).items():
                error = decode_error(request, _response(400, example["value"]))
                assert type(error) is expected[name], name
                assert error.message == example["value"]["message"]
                found += 1
    assert found >= 5
    common = DOCS["common/common-schemas.json"]
    for name, status in (("BadRequestDTO", 400), ("UnauthorizedDTO", 401), ("UnprocessableDTO", 422)):
        body = example_of({"$ref": f"#/components/schemas/{name}"}, common)
        error = decode_error(request, _response(status, body))
        assert error.status == status
        assert list(error.messages) == (body["message"] if isinstance(body["message"], list) else [body["message"]])


def test_spec_token_example_decodes() -> None:
    oauth = DOCS["apps/oauth.json"]
    body = example_of({"$ref": "#/components/schemas/GetAccessCodeSuccessfulResponseDto"}, oauth)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    tokens = OAuthTokens.from_response(body, now=now)
    assert tokens.access_token is not None and tokens.access_token.reveal() == "ab12dc0ae1234a7898f9ff06d4f69gh"
    assert tokens.refresh_token.reveal() == "xy34dc0ae1234a4858f9ff06d4f66ba"
    assert tokens.expires_at == datetime(2024, 1, 1, 23, 59, 59, tzinfo=UTC)
    assert tokens.location_id == "l1C08ntBrFjLS0elLIYU"


# -- update() sends back only what the request DTO accepts ------------------------------------

#: Stored values a read-back invoice may carry that UpdateInvoiceDto refuses as they are.
ODD_STORED: list[tuple[str, dict[str, Any]]] = [
    ("empty schedule", {"paymentSchedule": {}}),
    ("partial schedule", {"paymentSchedule": {"type": "fixed"}}),
    ("schedule of objects", {"paymentSchedule": {"type": "fixed", "schedules": [{"value": 50}]}}),
    ("schedule with nulls", {"paymentSchedule": {"type": None, "schedules": None}}),
    ("unknown schedule type", {"paymentSchedule": {"type": "weekly", "schedules": []}}),
    ("empty tips", {"tipsConfiguration": {}}),
    ("tips as numbers", {"tipsConfiguration": {"tipsEnabled": True, "tipsPercentage": [5, Decimal("7.5")]}}),
    ("tips with null", {"tipsConfiguration": {"tipsEnabled": None, "tipsPercentage": []}}),
    ("empty payment methods", {"paymentMethods": {}}),
    ("payment methods with extras", {"paymentMethods": {"stripe": {"enableBankDebitOnly": False, "x": 1},
                                                        "paypal": {}}}),
    ("partial attachment", {"attachments": [{"id": "a1", "name": "spec.pdf"},
                                            {"id": "a2", "name": "b.pdf", "url": "https://x/b.pdf",
                                             "type": "pdf", "size": 12}]}),
    ("attachments null", {"attachments": None}),
    ("empty misc charges", {"miscellaneousCharges": {}}),
    ("misc charges", {"miscellaneousCharges": {"charges": [[{"a": 1}], []], "collectedMiscellaneousCharges": 0,
                                               "paidCharges": [{"name": "fee"}]}}),
    ("xero not an object", {"xeroDetails": "x"}),
    ("xero with an absurd number", {"xeroDetails": {"n": Decimal("1E+999999")}}),
    ("nulls in scalars", {"title": None, "invoiceNumberPrefix": None, "automaticTaxesEnabled": None,
                          "liveMode": None}),
    ("wrong scalar types", {"title": 7, "invoiceNumberPrefix": Decimal("1E+999999"), "automaticTaxesEnabled": "yes",
                            "liveMode": "false"}),
    ("empty discount", {"discount": {}}),
    ("discount with nulls", {"discount": {"type": None, "value": None, "validOnProductIds": None}}),
    ("discount as text", {"discount": {"type": "fixed", "value": "12.50", "validOnProductIds": [None, "p1"]}}),
    ("unknown discount type", {"discount": {"type": "amount", "value": 5}}),
    ("discount with absurd value", {"discount": {"type": "fixed", "value": Decimal("1E+999999")}}),
    ("business with nulls", {"businessDetails": {"name": None, "phoneNo": None, "address": None,
                                                 "customValues": [None, {"a": 1}, "ok"], "_id": "x"}}),
    ("business address as text", {"businessDetails": {"name": "Acme", "address": "1 Main St, Austin"}}),
    ("business address with nulls", {"businessDetails": {"address": {"addressLine1": None, "city": 5}}}),
    ("contact with nulls", {"contactDetails": {"id": None, "name": None, "email": None, "phoneNo": None,
                                               "companyName": None, "address": None, "customFields": None,
                                               "additionalEmails": [{"email": None}, {"email": "b@example.com"}]}}),
    ("contact with objects", {"contactDetails": {"id": "c1", "name": "A", "email": "a@example.com",
                                                 "phoneNo": 5550100, "customFields": [{"id": "f", "value": 1}]}}),
    ("contact not an object", {"contactDetails": "Alex"}),
    ("business not an object", {"businessDetails": ["x"]}),
]
ODD_LINES: list[tuple[str, dict[str, Any]]] = [
    ("line with nulls", {"priceId": None, "type": None, "taxInclusive": None, "automaticTaxCategoryId": None,
                         "isSetupFeeItem": None}),
    ("line with odd types", {"priceId": 5, "type": "weekly", "taxInclusive": "no", "isSetupFeeItem": 1}),
    ("tax with nulls", {"taxes": [{"_id": "65a1c0ffee0000000000aa01", "name": "Sales tax", "rate": 8,
                                   "calculation": None, "description": None, "taxId": None, "extra": 1}]}),
    ("tax missing its name", {"taxes": [{"_id": "65a1c0ffee0000000000aa01", "name": None, "rate": 8}]}),
    ("tax rate as text", {"taxes": [{"_id": "65a1c0ffee0000000000aa01", "name": "Sales tax", "rate": "8.25",
                                     "calculation": "inclusive"}]}),
]


def _odd_invoices() -> Iterator[tuple[str, dict[str, Any]]]:
    bases = {"fixture": fixture("invoice_draft.json"),
             "spec example": json.loads(json.dumps(example_of(
                 {"$ref": "#/components/schemas/GetInvoiceResponseDto"}, INVOICES)), parse_float=Decimal)}
    for base_name, base in bases.items():
        yield f"{base_name} as read", base
        for name, changes in ODD_STORED:
            yield f"{base_name}, {name}", {**base, **changes}
        for name, changes in ODD_LINES:
            items = [{**base["invoiceItems"][0], **changes}, *base["invoiceItems"][1:]]
            yield f"{base_name}, {name}", {**base, "invoiceItems": items}


ODD_INVOICES = list(_odd_invoices())


def _answer(invoice: dict[str, Any]) -> bytes:
    return json.dumps(invoice, default=str).replace('"1E+999999"', "1E+999999").encode()


@pytest.mark.parametrize("changes", [
    InvoiceChanges(name="Renamed"),
    InvoiceChanges(description="Spring work", terms="", due_date=date(2030, 1, 1)),
    InvoiceChanges(contact=Contact(name="Alex Morgan", email="alex.morgan@example.com")),
], ids=["rename", "texts", "contact"])
@pytest.mark.parametrize(("case", "invoice"), ODD_INVOICES, ids=[case for case, _ in ODD_INVOICES])
async def test_update_of_odd_stored_values_sends_what_the_dto_accepts(
    case: str, invoice: dict[str, Any], changes: InvoiceChanges
) -> None:
    answer = _answer(invoice)
    with aioresponses() as m:
        target = re.compile(r"^https://services\.leadconnectorhq\.com/invoices/.*$")
        m.get(target, body=answer, content_type="application/json", repeat=True)
        m.put(target, body=answer, content_type="application/json", repeat=True)
        async with client() as ghl:
            await ghl.update(INVOICE_ID, changes)
    puts = [(method, url, kwargs) for method, url, kwargs in all_requests(m) if method == "PUT"]
    assert len(puts) == 1
    method, url, kwargs = puts[0]
    assert check_request(method, url, kwargs) == []
    sent = json.loads(kwargs["data"])
    # what fits is sent back as it was read
    for key, kind in (("title", str), ("invoiceNumberPrefix", str), ("liveMode", bool),
                      ("automaticTaxesEnabled", bool)):
        if isinstance(invoice.get(key), kind):
            assert sent[key] == invoice[key], key
    stored_schedule = invoice.get("paymentSchedule")
    if stored_schedule == {"type": "fixed", "schedules": []}:
        assert sent["paymentSchedule"] == stored_schedule


def test_tips_stored_as_numbers_are_sent_as_their_text() -> None:
    from invoicekit.gohighlevel.dto import UPDATE_INVOICE, conform

    tips = conform(UPDATE_INVOICE.properties["tipsConfiguration"],
                   {"tipsEnabled": True, "tipsPercentage": [5, Decimal("7.50"), "10"]})
    assert tips == {"tipsEnabled": True, "tipsPercentage": ["5", "7.50", "10"]}


def _dto_as_schema(shape: Any) -> Any:
    """invoicekit.gohighlevel.dto's description of a DTO, in the spec's own terms."""
    from invoicekit.gohighlevel import dto

    if isinstance(shape, dto.Shape):
        return {"properties": {k: _dto_as_schema(v) for k, v in shape.properties.items()},
                "required": sorted(shape.required)}
    if isinstance(shape, dto.Array):
        return {"type": "array", "items": _dto_as_schema(shape.items)}
    if isinstance(shape, dto.Enum):
        return {"type": "string", "enum": sorted(shape.values)}
    return {} if shape == dto.ANY else {"type": shape}


def _spec_as_schema(node: Any) -> Any:
    """A spec schema reduced to what dto.py describes (refs and allOf resolved)."""
    while "$ref" in node or "allOf" in node:
        ref = node["$ref"] if "$ref" in node else node["allOf"][0]["$ref"]
        node = INVOICES["components"]["schemas"][ref.rsplit("/", 1)[1]]
    if "properties" in node:
        return {"properties": {k: _spec_as_schema(v) for k, v in node["properties"].items()},
                "required": sorted(node.get("required", []))}
    if node.get("type") == "array":
        return {"type": "array", "items": _spec_as_schema(node.get("items", {}))}
    if "enum" in node:
        return {"type": node.get("type", "string"), "enum": sorted(node["enum"])}
    return {"type": node["type"]} if "type" in node else {}


def test_the_adapters_dto_shapes_are_the_specs() -> None:
    from invoicekit.gohighlevel.dto import UPDATE_INVOICE

    spec = _spec_as_schema(INVOICES["components"]["schemas"]["UpdateInvoiceDto"])
    assert _dto_as_schema(UPDATE_INVOICE) == spec


def test_a_default_completes_a_stored_value_but_never_replaces_a_wrong_one() -> None:
    from invoicekit.gohighlevel.dto import DISCOUNT, INVALID, conform

    assert conform(DISCOUNT, {"value": 5}) == {"value": 5, "type": "percentage"}
    assert conform(DISCOUNT, {"value": 5, "type": None}) == {"value": 5, "type": "percentage"}
    assert conform(DISCOUNT, {"value": 5, "type": "amount"}) is INVALID  # not silently 5 %
