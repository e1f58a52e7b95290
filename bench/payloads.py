"""Realistic wire payloads for the benchmark, encoded once.

The invoices are the committed fixtures (``tests/fixtures/<provider>/``: full-size wrappers as the
live servers write them) with ids, numbers and amounts varied per invoice. They are printed the
way each server prints them, by the simulators' own writers: ONLYOFFICE JSON with .NET decimals
(scale kept) and escaped slashes, its XML twin as Newtonsoft's XmlNodeConverter writes it, and
GoHighLevel as ``JSON.stringify`` prints JavaScript numbers.

Bodies are assembled from pre-encoded invoice fragments, so the server does no encoding work
while the clients are measured.

Two small answers measure the fixed cost of a ``get`` (what every call pays whatever the invoice
holds): a minimal ONLYOFFICE invoice (``minimal_onlyoffice_invoice``) and GoHighLevel's own
example answer of ``GET /invoices/{invoiceId}`` from its OpenAPI file (``gohighlevel_spec_example``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from invoicekit.testing._jsonwire import dotnet_decimal, dumps, js_number
from invoicekit.testing.onlyoffice_sim.render import envelope, to_xml

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
#: GoHighLevel's OpenAPI file for invoices, as committed for the contract tests.
GHL_INVOICES_SPEC = FIXTURES.parent / "contract" / "specs" / "ghl" / "apps" / "invoices.json"

#: Invoice formats served: ONLYOFFICE JSON, ONLYOFFICE XML, GoHighLevel JSON.
FORMATS = ("onlyoffice-json", "onlyoffice-xml", "gohighlevel-json")
#: What one ``get`` answers with: the full fixture invoice, or the small answer of each format.
SIZES = ("full", "small")
SMALL_LABEL = {
    "onlyoffice-json": "minimal invoice",
    "onlyoffice-xml": "minimal invoice",
    "gohighlevel-json": "spec example",
}

_oo_json = partial(dumps, decimal=dotnet_decimal, escape_slash=True)
_ghl_json = partial(dumps, decimal=js_number)


def _load(provider: str, name: str) -> Any:
    return json.loads((FIXTURES / provider / name).read_bytes(), parse_float=Decimal)


# -- invoices ------------------------------------------------------------------------------


def onlyoffice_invoices(count: int, *, first_id: int = 1) -> list[dict[str, Any]]:
    """``crm/invoice/filter`` items (InvoiceBaseWrapper, no lines), ids ``first_id..``."""
    templates = _load("onlyoffice", "filter_page1.json")["response"] + _load("onlyoffice", "filter_page2.json")[
        "response"
    ]
    out: list[dict[str, Any]] = []
    for i in range(count):
        item = copy.deepcopy(templates[i % len(templates)])
        number = first_id + i
        item["id"] = number
        item["number"] = f"INV-{number:07d}"
        item["cost"] = (item["cost"] + Decimal(i % 997)).quantize(Decimal("0.01"))
        out.append(item)
    return out


def gohighlevel_invoices(count: int, *, first: int = 0) -> list[dict[str, Any]]:
    """``GET /invoices/`` items (full invoices with line items)."""
    templates = _load("gohighlevel", "list_page1.json")["invoices"] + _load("gohighlevel", "list_page2.json")[
        "invoices"
    ]
    out: list[dict[str, Any]] = []
    for i in range(count):
        item = copy.deepcopy(templates[i % len(templates)])
        n = first + i
        item["_id"] = f"6578278e879ad26467{n:06x}"
        item["invoiceNumber"] = str(1000 + n)
        item["name"] = f"Retainer {n}"
        out.append(item)
    return out


# -- single answers (get) ------------------------------------------------------------------


def minimal_onlyoffice_invoice(invoice_id: int = 7) -> dict[str, Any]:
    """An InvoiceWrapper as the server writes it for an invoice created with only what
    ``POST crm/invoice`` requires (reference sections 4-5).

    The required fields are set (a contact, dates, currency, rate 1, terms, one catalogue line
    without taxes); the optional ones are at their defaults, which Newtonsoft still prints
    (``[DataMember]`` without ``EmitDefaultValue=false``): no consignee, deal, purchase order or
    description, no PDF yet. The contact is a person with no currency of its own, and the
    creator's ``title`` is null, which EmployeeWraper omits.
    """
    return {
        "id": invoice_id,
        "status": {"id": 1, "title": "Draft"},
        "number": f"INV-{invoice_id:07d}",
        "issueDate": "2024-05-02T00:00:00.0000000Z",
        "templateType": 0,
        "contact": {
            "id": 12, "smallFotoUrl": "https://portal.example.com/skins/default/images/empty_people_photo_40_40.png",
            "mediumFotoUrl": "https://portal.example.com/skins/default/images/empty_people_photo_82_82.png",
            "displayName": "Ana Ruiz", "isCompany": False, "isPrivate": False, "isShared": False, "shareType": 0,
            "currency": None, "canEdit": False, "canDelete": False,
        },
        "consignee": None,
        "entity": None,
        "dueDate": "2024-06-01T00:00:00.0000000Z",
        "language": "en-US",
        "currency": {"title": "US Dollar", "symbol": "$", "abbreviation": "USD", "cultureName": "en-US",
                     "isConvertable": True, "isBasic": True},
        "exchangeRate": Decimal("1.00"),
        "purchaseOrderNumber": "",
        "terms": "Net 30",
        "description": None,
        "fileID": -1,
        "createOn": "2024-05-02T10:12:45.1830000Z",
        "createBy": {
            "id": "3f7c2a9e-5b1d-4e8a-9c60-1d2b7e4f8a13", "displayName": "Administrator",
            "avatarSmall": "/skins/default/images/default_user_photo_size_32-32.png",
            "profileUrl": "https://portal.example.com/Products/People/Profile.aspx?user=administrator",
        },
        "cost": Decimal("120.00"),
        "canEdit": True,
        "canDelete": True,
        "invoiceLines": [{
            "id": 19, "invoiceID": invoice_id, "invoiceItemID": 3, "invoiceTax1ID": 0, "invoiceTax2ID": 0,
            "sortOrder": 0, "description": "", "quantity": Decimal("1.00"), "price": Decimal("120.00"),
            "discount": Decimal("0.00"),
        }],
    }


def _example_of(schema: Any, doc: dict[str, Any]) -> Any:
    """An instance assembled from a schema's ``example`` values, the way the docs site shows
    the answer (an enum without an example takes its first value)."""
    if "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        return _example_of(node, doc)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_example_of(part, doc))
        return merged
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _example_of(sub, doc) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example_of(schema.get("items", {}), doc)]
    return {"string": "text", "number": 0, "integer": 0, "boolean": False}.get(kind or "")


def gohighlevel_spec_example() -> dict[str, Any]:
    """The example answer of ``GET /invoices/{invoiceId}`` (``GetInvoiceResponseDto``)."""
    doc = json.loads(GHL_INVOICES_SPEC.read_bytes(), parse_float=Decimal)
    return dict(_example_of({"$ref": "#/components/schemas/GetInvoiceResponseDto"}, doc))


def get_body(fmt: str, size: str = "full") -> bytes:
    """The answer to one ``get``. Full: ONLYOFFICE invoice 42 with two lines, or a GHL draft
    with line items. Small: the minimal ONLYOFFICE invoice or GoHighLevel's spec example."""
    if fmt == "gohighlevel-json":
        tree = _load("gohighlevel", "invoice_draft.json") if size == "full" else gohighlevel_spec_example()
        return _ghl_json(tree)
    tree = _load("onlyoffice", "invoice_42.json") if size == "full" else envelope(minimal_onlyoffice_invoice(), 200)
    return to_xml(tree) if fmt == "onlyoffice-xml" else _oo_json(tree)


# -- pages (list) --------------------------------------------------------------------------


def encode_items(fmt: str, items: Sequence[dict[str, Any]]) -> list[bytes]:
    """Each invoice as the fragment a page body is joined from."""
    if fmt == "onlyoffice-json":
        return [_oo_json(item) for item in items]
    if fmt == "onlyoffice-xml":
        # <result><response>...</response></result> -> <response>...</response>
        return [to_xml({"response": item})[len(b"<result>") : -len(b"</result>")] for item in items]
    return [_ghl_json(item) for item in items]


def join_items(fmt: str, fragments: Sequence[bytes]) -> bytes:
    """Fragments as they sit inside a page body (the part worth caching)."""
    return (b"" if fmt == "onlyoffice-xml" else b",").join(fragments)


def page_body(fmt: str, joined: bytes, *, count: int, start: int, total: int) -> bytes:
    """A list page around ``joined`` (``count`` invoices), with the envelope each server writes."""
    if fmt == "gohighlevel-json":
        return b'{"invoices":[' + joined + b'],"total":' + str(total).encode() + b"}"
    # ONLYOFFICE: nextIndex is off by one on the live server; the client ignores it.
    head = envelope([None] * count, 200, start_index=start, next_index=start + count + 1, total=total)
    head["response"] = []
    if fmt == "onlyoffice-xml":
        return to_xml(head)[: -len(b"</result>")] + joined + b"</result>"
    return _oo_json(head)[: -len(b"]}")] + joined + b"]}"


def content_type(fmt: str) -> str:
    return "text/xml" if fmt == "onlyoffice-xml" else "application/json"
