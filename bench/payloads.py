"""Realistic wire payloads for the benchmark, encoded once.

The invoices are the committed fixtures (``tests/fixtures/<provider>/``: full-size wrappers as the
live servers write them) with ids, numbers and amounts varied per invoice. They are printed the
way each server prints them, by the simulators' own writers: ONLYOFFICE JSON with .NET decimals
(scale kept) and escaped slashes, its XML twin as Newtonsoft's XmlNodeConverter writes it, and
GoHighLevel as ``JSON.stringify`` prints JavaScript numbers.

Bodies are assembled from pre-encoded invoice fragments, so the server does no encoding work
while the clients are measured.
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

#: Invoice formats served: ONLYOFFICE JSON, ONLYOFFICE XML, GoHighLevel JSON.
FORMATS = ("onlyoffice-json", "onlyoffice-xml", "gohighlevel-json")

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


def get_body(fmt: str) -> bytes:
    """The answer to one ``get``: ONLYOFFICE invoice 42 with lines, or a GHL invoice."""
    if fmt == "gohighlevel-json":
        return _ghl_json(_load("gohighlevel", "invoice_draft.json"))
    tree = _load("onlyoffice", "invoice_42.json")
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
