"""Micro-benchmarks of the helpers on the per-call path of ``get``, in microseconds per call.

Run from the repository root: ``python -m bench.micro`` (``--quick`` for a smoke run,
``--json out.json``). Each case is timed with ``timeit`` in nine batches of 0.1-0.2 s, and the
fastest batch is reported (noise on a shared machine only ever adds time). Where a
helper has an obvious stand-in from the standard library or the stack (``json.loads``,
``datetime.fromisoformat``, ``yarl.URL``), the stand-in is timed on the same input, so a figure
reads as "this much on top of the unavoidable".

These figures used to sit in code comments; they live here (and in bench/README.md,
"Micro-benchmarks") so that they can be re-measured rather than trusted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import platform
import re
import sys
import timeit
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # ``python bench/micro.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import defusedxml.ElementTree
from yarl import URL

from bench import payloads
from bench.decode import response_for

Case = tuple[str, Callable[[], object], str, Callable[[], object] | None]
"""(name, what invoicekit does, what the stand-in is, the stand-in or None)."""

OO_STAMP = "2024-05-02T10:12:45.1830000Z"  # ONLYOFFICE: seven fractional digits
OO_STAMP_OFFSET = "2024-03-04T09:41:27.5378233+01:00"
GHL_STAMP = "2023-12-12T09:27:42.355Z"  # GoHighLevel: JavaScript's toISOString
BASE = "http://127.0.0.1:8080/oo/1/"


def cases() -> list[Case]:
    """The cases, importing invoicekit's internals here so that a rename fails loudly in one place."""
    from invoicekit._http.messages import Request, Response
    from invoicekit._http.transport import is_encoded_path
    from invoicekit._serde import loads_json, parse_datetime
    from invoicekit.gohighlevel import encode as ghl_encode
    from invoicekit.gohighlevel.decode import decode_invoice as ghl_decode_invoice
    from invoicekit.onlyoffice.client import OnlyOfficeClient
    from invoicekit.onlyoffice.encode import positive_id
    from invoicekit.onlyoffice.envelope import decode_envelope
    from invoicekit.onlyoffice.xml_reader import parse_xml

    request = Request(operation="get", method="GET", path="crm/invoice/7.json")
    oo_json = payloads.get_body("onlyoffice-json", "small")
    oo_xml = payloads.get_body("onlyoffice-xml", "small")
    ghl_json = payloads.get_body("gohighlevel-json", "small")
    oo_json_response = response_for("onlyoffice-json", oo_json)
    oo_xml_response = response_for("onlyoffice-xml", oo_xml)
    ghl_response = response_for("gohighlevel-json", ghl_json)
    oo_item = decode_envelope(request, oo_json_response).response
    base = URL(BASE)
    scheme, authority, base_path = base.scheme, base.raw_authority, base.raw_path
    alt_query = {"altId": "ve9EPM428h8vShlRW1KT", "altType": "location"}
    # A different id on each call, as under load: yarl caches what it parsed last.
    oo_paths = itertools.cycle([f"api/2.0/crm/invoice/{n}.json" for n in range(1, 2001)])
    ghl_paths = itertools.cycle([f"invoices/6578278e879ad2646715{n:04x}" for n in range(1, 2001)])

    semaphore = asyncio.Semaphore(100)

    async def acquire_release() -> None:  # what HttpTransport.send does
        await semaphore.acquire()
        try:
            pass
        finally:
            semaphore.release()

    async def async_with() -> None:
        async with semaphore:
            pass

    def oo_get_decode() -> object:
        envelope = decode_envelope(request, oo_json_response)
        return OnlyOfficeClient._decode(request, oo_json_response, envelope.response)

    def oo_get_decode_xml() -> object:
        envelope = decode_envelope(request, oo_xml_response)
        return OnlyOfficeClient._decode(request, oo_xml_response, envelope.response)

    return [
        ("parse_datetime, ONLYOFFICE stamp (7 digits, Z)", lambda: parse_datetime(OO_STAMP),
         "datetime.fromisoformat", lambda: datetime.fromisoformat(OO_STAMP)),
        ("parse_datetime, ONLYOFFICE stamp (+01:00)", lambda: parse_datetime(OO_STAMP_OFFSET),
         "datetime.fromisoformat", lambda: datetime.fromisoformat(OO_STAMP_OFFSET)),
        ("parse_datetime, GoHighLevel stamp", lambda: parse_datetime(GHL_STAMP),
         "datetime.fromisoformat", lambda: datetime.fromisoformat(GHL_STAMP)),
        ("URL of a get: URL.build(encoded=True) from the base's parts",
         lambda: URL.build(scheme=scheme, authority=authority, path=base_path + next(oo_paths), encoded=True),
         "URL(str) parsed and requoted", lambda: URL(BASE + next(oo_paths))),
        ("URL of a GoHighLevel get with altId/altType, query encoded once",
         lambda: URL.build(scheme=scheme, authority=authority, path=base_path + next(ghl_paths),
                           query_string="altId=ve9EPM428h8vShlRW1KT&altType=location", encoded=True),
         "URL(str).with_query(params), as params= does",
         lambda: URL(BASE + next(ghl_paths)).with_query(alt_query)),
        ("Request(...) of a GoHighLevel get (its keyword __init__)",
         lambda: Request(operation="get", method="GET", path="invoices/6578278e879ad2646715ba9c", params=alt_query,
                         headers=alt_query),
         "", None),
        ("Response(...) of an answer (attrs keyword __init__)",
         lambda: Response(status=200, headers=ghl_response.headers, body=ghl_json, method="GET", url=BASE),
         "", None),
        ("semaphore: await acquire() / release(), uncontended", lambda: _drive(acquire_release()),
         "async with semaphore", lambda: _drive(async_with())),
        ("transport's path check (is_encoded_path), a GoHighLevel get",
         lambda: is_encoded_path("invoices/6578278e879ad2646715ba9c"),
         "one alternation per character (the check before #10)",
         lambda: _ALTERNATION_PATH.fullmatch("invoices/6578278e879ad2646715ba9c")),
        ("ONLYOFFICE id check (positive_id)", lambda: positive_id(7, "invoice_id"), "", None),
        ("GoHighLevel id check and path (invoice_path)",
         lambda: ghl_encode.invoice_path("6578278e879ad2646715ba9c"), "", None),
        ("JSON parse, ONLYOFFICE minimal invoice (loads_json)", lambda: loads_json(oo_json),
         "json.loads", lambda: json.loads(oo_json)),
        ("envelope, ONLYOFFICE minimal invoice, JSON (decode_envelope)",
         lambda: decode_envelope(request, oo_json_response), "json.loads", lambda: json.loads(oo_json)),
        ("XML parse, ONLYOFFICE minimal invoice (parse_xml: C parser behind a markup check)",
         lambda: parse_xml(oo_xml), "defusedxml parse",
         lambda: defusedxml.ElementTree.fromstring(oo_xml, forbid_dtd=True)),
        ("envelope, ONLYOFFICE minimal invoice, XML (decode_envelope)",
         lambda: decode_envelope(request, oo_xml_response), "defusedxml parse",
         lambda: defusedxml.ElementTree.fromstring(oo_xml, forbid_dtd=True)),
        ("invoice from parsed dict, ONLYOFFICE minimal (OnlyOfficeClient._decode)",
         lambda: OnlyOfficeClient._decode(request, oo_json_response, oo_item), "", None),
        ("bytes to Invoice, ONLYOFFICE minimal, JSON (envelope + invoice)", oo_get_decode,
         "json.loads", lambda: json.loads(oo_json)),
        ("bytes to Invoice, ONLYOFFICE minimal, XML (envelope + invoice)", oo_get_decode_xml,
         "defusedxml parse", lambda: defusedxml.ElementTree.fromstring(oo_xml, forbid_dtd=True)),
        ("bytes to Invoice, GoHighLevel spec example (decode_invoice)",
         lambda: ghl_decode_invoice(request, ghl_response), "json.loads", lambda: json.loads(ghl_json)),
    ]


#: The transport's path check before issue #10: one alternation per character, the stand-in.
_ALTERNATION_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")


def _drive(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine that never suspends, without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration:
        return
    raise RuntimeError("the coroutine suspended")


def per_call_us(function: Callable[[], object], quick: bool) -> float:
    """Fastest of nine batches of 0.1-0.2 s each (quick: five of 20 calls), in microseconds per
    call."""
    timer = timeit.Timer(function)
    if quick:
        return min(timer.repeat(repeat=5, number=20)) / 20 * 1e6
    number = max(1, timer.autorange()[0] // 2)  # autorange: calls that take at least 0.2 s
    return min(timer.repeat(repeat=9, number=number)) / number * 1e6


def measure(quick: bool) -> list[dict[str, Any]]:
    rows = []
    for name, function, stand_in, baseline in cases():
        ours = per_call_us(function, quick)
        theirs = per_call_us(baseline, quick) if baseline is not None else None
        rows.append({"case": name, "us": round(ours, 3), "stand_in": stand_in or None,
                     "stand_in_us": round(theirs, 3) if theirs is not None else None})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    header = ("case", "us/call", "stand-in", "us/call ")
    lines = [(r["case"], f"{r['us']:.2f}", r["stand_in"] or "-",
              f"{r['stand_in_us']:.2f}" if r["stand_in_us"] is not None else "-") for r in rows]
    widths = [max(len(x) for x in column) for column in zip(header, *lines, strict=True)]
    align = "lrlr"

    def render(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) if a == "l" else c.rjust(w)
                                 for c, w, a in zip(cells, widths, align, strict=True)) + " |"

    return "\n".join([render(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(render(line) for line in lines)])


def main(argv: list[str] | None = None) -> int:
    summary = __doc__.split("\n\n")[0] if __doc__ else ""
    parser = argparse.ArgumentParser(prog="python -m bench.micro", description=summary)
    parser.add_argument("--quick", action="store_true", help="tiny batches (a smoke run; figures meaningless)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = parser.parse_args(argv)
    rows = measure(args.quick)
    print(f"invoicekit micro-benchmarks: Python {platform.python_version()}, fastest of 9 batches, us per call")
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"python": platform.python_version(), "quick": args.quick,
                                               "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
