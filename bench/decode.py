"""Decode only: one list page from bytes to models, through the adapters' own code path."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import attrs
import defusedxml.ElementTree
import msgspec

from invoicekit import Invoice
from invoicekit._http.messages import Request, Response
from invoicekit.gohighlevel.decode import decode_invoices
from invoicekit.onlyoffice.client import OnlyOfficeClient
from invoicekit.onlyoffice.envelope import decode_envelope

from . import payloads

_REQUEST = Request(operation="list", method="GET", path="bench")


def response_for(fmt: str, body: bytes) -> Response:
    headers = {"Content-Type": f"{payloads.content_type(fmt)}; charset=utf-8"}
    return Response(status=200, headers=headers, body=body, method="GET", url="http://127.0.0.1/bench")


def invoicekit_page(fmt: str, response: Response) -> list[Invoice]:
    """What ``list()`` does with one page (minus the HTTP): envelope, then each invoice."""
    if fmt == "gohighlevel-json":
        return decode_invoices(_REQUEST, response)[0]
    envelope = decode_envelope(_REQUEST, response, many=True)
    return [OnlyOfficeClient._decode(_REQUEST, response, item) for item in envelope.response]


def raw_page(fmt: str, body: bytes) -> Any:
    if fmt == "onlyoffice-xml":
        return defusedxml.ElementTree.fromstring(body, forbid_dtd=True)
    return json.loads(body)


def stdlib_xml(body: bytes) -> Any:
    """The fastest parse there is, and unsafe for answers from the network: context only."""
    return ET.fromstring(body)


_PARSE = msgspec.json.Decoder(float_hook=Decimal)


def floor_recipes(invoices: list[Invoice]) -> list[Recipe]:
    """What :func:`floor_page` builds again: each invoice as its class and field values."""
    return [_recipe(invoice) for invoice in invoices]


# A model to build: its class, its plain field values, and its nested models (a recipe, or a
# list of recipes for a tuple of models).
Recipe = tuple[type, dict[str, Any], dict[str, Any]]


def _recipe(model: Any) -> Recipe:
    plain: dict[str, Any] = {}
    nested: dict[str, Any] = {}
    for a in attrs.fields(type(model)):
        value = getattr(model, a.name)
        if attrs.has(type(value)):
            nested[a.name] = _recipe(value)
        elif type(value) is tuple and value and attrs.has(type(value[0])):
            nested[a.name] = [_recipe(each) for each in value]
        else:
            plain[a.name] = value
    return type(model), plain, nested


def _build(recipe: Recipe) -> Any:
    cls, plain, nested = recipe
    values = dict(plain)
    for name, inner in nested.items():
        values[name] = tuple([_build(each) for each in inner]) if type(inner) is list else _build(inner)
    return cls(**values)


def floor_page(body: bytes, recipes: list[Any]) -> list[Invoice]:
    """The least any decoder that keeps ``raw`` as parsed JSON and builds checked models must do:
    msgspec's parse of the page (Decimal numbers), then the same models built through their own
    constructors from values made already. No wire value is read, converted or checked."""
    _PARSE.decode(body)
    return [_build(recipe) for recipe in recipes]


def page(fmt: str, count: int) -> bytes:
    if fmt.startswith("onlyoffice"):
        items = payloads.onlyoffice_invoices(count)
    else:
        items = payloads.gohighlevel_invoices(count)
    fragments = payloads.encode_items(fmt, items)
    return payloads.page_body(fmt, payloads.join_items(fmt, fragments), count=count, start=0, total=count)
