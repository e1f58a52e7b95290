"""Decode only: one list page from bytes to models, through the adapters' own code path."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml.ElementTree

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


def page(fmt: str, count: int) -> bytes:
    if fmt.startswith("onlyoffice"):
        items = payloads.onlyoffice_invoices(count)
    else:
        items = payloads.gohighlevel_invoices(count)
    fragments = payloads.encode_items(fmt, items)
    return payloads.page_body(fmt, payloads.join_items(fmt, fragments), count=count, start=0, total=count)
