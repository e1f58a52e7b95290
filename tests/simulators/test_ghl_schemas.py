"""The embedded GoHighLevel request schemas: same as the vendored official spec, and the
hand-written validator agrees with jsonschema on what is valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from invoicekit.testing.gohighlevel_sim.spec import SCHEMAS
from invoicekit.testing.gohighlevel_sim.validate import validate

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

SPEC = Path(__file__).parents[1] / "contract" / "specs" / "ghl" / "apps" / "invoices.json"
_KEEP = {
    "type",
    "properties",
    "required",
    "enum",
    "items",
    "$ref",
    "allOf",
    "oneOf",
    "anyOf",
    "format",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "pattern",
    "additionalProperties",
    "nullable",
}


def _strip(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            result[key] = {name: _strip(sub) for name, sub in value.items()}
        elif key == "items":
            result[key] = _strip(value)
        elif key in ("allOf", "oneOf", "anyOf"):
            result[key] = [_strip(sub) for sub in value]
        elif key in _KEEP:
            result[key] = value
    return result


@pytest.mark.skipif(not SPEC.exists(), reason="vendored GHL spec not present")
def test_embedded_schemas_match_the_vendored_spec() -> None:
    components = json.loads(SPEC.read_text())["components"]["schemas"]
    for name, schema in SCHEMAS.items():
        assert _strip(components[name]) == schema, name


def _validator(name: str) -> Any:
    document = {"components": {"schemas": SCHEMAS}}
    resource = referencing.Resource.from_contents(document, default_specification=referencing.jsonschema.DRAFT202012)
    registry = referencing.Registry().with_resource("urn:ghl", resource)
    return jsonschema.Draft202012Validator({"$ref": f"urn:ghl#/components/schemas/{name}"}, registry=registry)


CREATE = {
    "altId": "loc",
    "altType": "location",
    "name": "n",
    "currency": "USD",
    "businessDetails": {},
    "items": [{"name": "a", "currency": "USD", "amount": 1, "qty": 1}],
    "discount": {"type": "percentage"},
    "contactDetails": {"id": "c", "name": "n", "phoneNo": "p", "email": "e"},
    "issueDate": "2025-01-01",
    "sentTo": {"email": ["e"]},
    "liveMode": True,
}


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


CASES = [
    ("CreateInvoiceDto", CREATE),
    ("CreateInvoiceDto", _without(CREATE, "discount")),
    ("CreateInvoiceDto", {**CREATE, "items": [{"name": "a", "currency": "USD", "amount": "1", "qty": 1}]}),
    (
        "CreateInvoiceDto",
        {
            **CREATE,
            "items": [{"name": "a", "currency": "USD", "amount": 1, "qty": 1, "taxes": [{"_id": "t", "name": "n"}]}],
        },
    ),
    ("CreateInvoiceDto", {**CREATE, "altType": "company"}),
    ("CreateInvoiceDto", {**CREATE, "paymentSchedule": {"type": "fixed", "schedules": ["x"]}}),
    ("CreateInvoiceDto", {**CREATE, "tipsConfiguration": {"tipsEnabled": True}}),
    ("CreateInvoiceDto", {**CREATE, "unknownField": 1}),
    (
        "UpdateInvoiceDto",
        {
            "altId": "l",
            "altType": "location",
            "name": "n",
            "currency": "USD",
            "issueDate": "d",
            "dueDate": "d",
            "invoiceItems": [],
        },
    ),
    ("UpdateInvoiceDto", {"altId": "l", "altType": "location", "name": "n", "currency": "USD", "issueDate": "d"}),
    ("SendInvoiceDto", {"altId": "l", "altType": "location", "userId": "u", "action": "email", "liveMode": True}),
    ("SendInvoiceDto", {"altId": "l", "altType": "location", "userId": "u", "action": "fax", "liveMode": True}),
    (
        "SendInvoiceDto",
        {
            "altId": "l",
            "altType": "location",
            "userId": "u",
            "action": "email",
            "liveMode": True,
            "autoPayment": {"enable": True, "card": {"brand": "visa"}},
        },
    ),
    (
        "RecordPaymentDto",
        {
            "altId": "l",
            "altType": "location",
            "mode": "cash",
            "card": {"brand": "", "last4": ""},
            "cheque": {"number": ""},
            "notes": "",
        },
    ),
    ("RecordPaymentDto", {"altId": "l", "altType": "location", "mode": "cash", "notes": ""}),
    (
        "RecordPaymentDto",
        {
            "altId": "l",
            "altType": "location",
            "mode": "crypto",
            "card": {"brand": "", "last4": ""},
            "cheque": {"number": ""},
            "notes": "",
            "amount": 5,
        },
    ),
    ("VoidInvoiceDto", {"altId": "l", "altType": "location"}),
    ("VoidInvoiceDto", {"altId": 5, "altType": "location"}),
]


@pytest.mark.parametrize(("schema", "body"), CASES)
def test_validator_agrees_with_jsonschema(schema: str, body: dict[str, Any]) -> None:
    expected_valid = _validator(schema).is_valid(body)
    messages = validate(body, schema)
    assert (not messages) == expected_valid, messages
