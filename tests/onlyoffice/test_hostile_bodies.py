"""Hostile answer bodies: every parse and repair is linear in the body's size.

No fine timing here: the bodies are about a megabyte, so a quadratic step (the old literal repair
took 1.4 s on 16 KB and grows with the square) would take an hour or more, while a linear one
takes a fraction of a second; the bound is a generous 20 s of CPU for each.
"""

from __future__ import annotations

import time

import pytest

from invoicekit import MalformedResponseError
from invoicekit._http.messages import Request, Response
from invoicekit.onlyoffice.envelope import decode_envelope
from invoicekit.onlyoffice.lenient_json import repair_literals

REQUEST = Request(operation="get", method="GET", path="crm/invoice/42.json")
SIZE = 500_000  # repetitions of each hostile unit: bodies of 0.5-1.5 MB

JSON_BODIES = {
    "unterminated string of escaped quotes": b'{"status": 0, "response": "' + b'\\"' * SIZE,
    "unterminated string of backslashes": b'{"status": 0, "response": "' + b"\\\\" * SIZE + b"\\",
    "many strings and literals, broken at the end": b'{"status": 0, "response": [' + b'"a\\"", True, ' * (SIZE // 6),
    "quotes and escaped quotes alternating": b'{"status": 0, "response": "' + b'"\\"' * (SIZE // 2),
    "literals glued to words": b'{"status": 0, "response": [' + b"TrueFalseNone" * (SIZE // 6),
    "deep nesting": b'{"status": 0, "response": ' + b"[" * SIZE,
}
XML_BODIES = {
    "unclosed elements": b"<result><status>0</status><response>" + b"<a>" * (SIZE // 2),
    "long declaration": b'<?xml version="1.0"' + b" encoding" * (SIZE // 4) + b"?><result/>",
    "many siblings, broken at the end": b"<result><status>0</status>" + b"<response><id>1</id></response>" * (
        SIZE // 16) + b"<response>",
}


def _answer(body: bytes, content_type: str) -> Response:
    return Response(status=200, headers={"Content-Type": content_type}, body=body, method="GET", url="u")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b, "application/json") for b in JSON_BODIES.values()] + [(b, "text/xml") for b in XML_BODIES.values()],
    ids=[*JSON_BODIES, *XML_BODIES],
)
def test_hostile_bodies_are_refused_in_linear_time(body: bytes, content_type: str) -> None:
    started = time.process_time()
    with pytest.raises(MalformedResponseError):
        decode_envelope(REQUEST, _answer(body, content_type))
    assert time.process_time() - started < 20


def test_the_repair_keeps_strings_and_rewrites_only_bare_literals() -> None:
    text = '{"a": True, "b": "True \\" None", "c": [False, None], "d": "x\\\\", "e": NoneTrue, "f": xTrue}'
    assert repair_literals(text) == (
        '{"a": true, "b": "True \\" None", "c": [false, null], "d": "x\\\\", "e": NoneTrue, "f": xTrue}'
    )
    assert repair_literals('[True, "unterminated True') == '[true, "unterminated True'


def test_a_docs_style_answer_still_parses() -> None:
    body = b'{"count": 1, "status": 0, "statusCode": 200, "response": {"id": 1, "canEdit": True, "x": None}}'
    envelope = decode_envelope(REQUEST, _answer(body, "application/json"))
    assert envelope.response == {"id": 1, "canEdit": True, "x": None}
