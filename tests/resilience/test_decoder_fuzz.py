"""Property-based tests: hostile bodies never make a decoder leak a bare Python exception.

Every decoder the adapters run on an answer gets random and mutated bodies, starting from the
realistic fixtures in tests/fixtures/ (keys dropped, types changed, null/lists/objects/huge
numbers/NaN/strings swapped in, bytes truncated, garbage injected). What may come out: a valid
model, or an invoicekit error (``InvoiceKitError``; for answers, an ``APIError`` carrying the
status and a short excerpt). A bare ``KeyError``/``TypeError``/``ValueError``/``JSONDecodeError``
fails the property.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicekit._http.messages import Request, Response
from invoicekit.errors import APIError, InvoiceKitError, MalformedResponseError
from invoicekit.gohighlevel import decode as ghl_decode
from invoicekit.gohighlevel import errors as ghl_errors
from invoicekit.gohighlevel.auth import OAuthTokens, tokens_from_answer
from invoicekit.models import Invoice
from invoicekit.onlyoffice import envelope as oo_envelope
from invoicekit.onlyoffice import lenient_json as oo_json
from invoicekit.onlyoffice.client import OnlyOfficeClient
from invoicekit.secret import Secret

FIXTURES = Path(__file__).parent.parent / "fixtures"
URL = "https://portal.example.com/api/2.0/crm/invoice/42.json"
REQUEST = Request(operation="get", method="GET", path="crm/invoice/42.json")
LIST_REQUEST = Request(operation="list", method="GET", path="crm/invoice/filter.json")
TOKEN_REQUEST = Request(operation="refresh_token", method="POST", path="oauth/token", authenticated=False)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fixtures(provider: str, suffix: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((FIXTURES / provider).glob(f"*{suffix}")) if p.name[0] != "_"}


OO_JSON = _fixtures("onlyoffice", ".json")
OO_XML = {k: v for k, v in _fixtures("onlyoffice", ".xml").items() if k != "billion_laughs.xml"}
GHL_JSON = _fixtures("gohighlevel", ".json")
GHL_ERRORS: dict[str, Any] = json.loads(GHL_JSON["errors.json"])
GHL_INVOICES = {k: v for k, v in GHL_JSON.items() if k not in ("errors.json",) and not k.startswith("token")}
GHL_TOKENS = {k: v for k, v in GHL_JSON.items() if k.startswith("token")}


# -- mutations ---------------------------------------------------------------------------------

#: What a mutation swaps in: wrong types, null, containers, huge and non-finite numbers, text.
REPLACEMENTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31, -1, 0, 10**400 // 10**300, 1e308]),
    st.sampled_from([Decimal("1E+99999999"), Decimal("-1E-99999999"), Decimal("0.5"), Decimal("1E+30")]),
    st.sampled_from(["NaN", "Infinity", "", " ", "0001-01-01T00:00:00", "2024-13-45", "9999-99-99T99:99",
                     "1e999", "true", "False", "null", "<x>", "ÿ\u0000\ud7ff", "x" * 5000]),
    st.text(max_size=30),
    st.just([]),
    st.just({}),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["id", "_id", "status", "number", "Number", "response", "x"]),
                    st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
)


@st.composite
def mutated_tree(draw: st.DrawFn, tree: Any, max_mutations: int = 4) -> Any:
    """``tree`` with 1..max_mutations random edits, each at a random depth."""
    tree = copy.deepcopy(tree)  # a private copy to edit in place
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        holder: Any = None
        key: Any = None
        node = tree
        # Walk down a random path; stop at a leaf or when the draw says so.
        while isinstance(node, dict | list) and node and draw(st.booleans()):
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            holder, key = node, draw(st.sampled_from(keys))
            node = node[key]
        if holder is None:
            if isinstance(tree, dict) and tree:
                holder, key = tree, draw(st.sampled_from(list(tree)))
            else:
                tree = draw(REPLACEMENTS)
                continue
        action = draw(st.sampled_from(["drop", "replace", "replace", "wrap", "duplicate"]))
        if action == "drop":
            if isinstance(holder, dict):
                del holder[key]
            else:
                holder.pop(key)
        elif action == "replace":
            holder[key] = draw(REPLACEMENTS)
        elif action == "wrap":
            holder[key] = [holder[key]] if draw(st.booleans()) else {"value": holder[key]}
        elif isinstance(holder, list):
            holder.append(holder[key])
        else:
            holder[key.upper() if isinstance(key, str) else key] = holder[key]
    return tree


def _dump(tree: Any) -> bytes:
    def default(value: object) -> object:
        if isinstance(value, Decimal):
            return float(value) if not value.is_finite() else _RawNumber(value)
        raise TypeError

    text = json.dumps(tree, default=default, allow_nan=True)
    return text.replace('"__raw__:', "").replace(':__raw__"', "").encode()


class _RawNumber(str):
    """A Decimal written as a bare JSON number (1E+99999999 cannot go through float)."""

    def __new__(cls, value: Decimal) -> _RawNumber:
        return super().__new__(cls, f"__raw__:{value}:__raw__")


@st.composite
def byte_mutation(draw: st.DrawFn, body: bytes) -> bytes:
    """Truncate, inject garbage, or splice: what a broken proxy or connection produces."""
    kind = draw(st.sampled_from(["truncate", "inject", "flip", "splice"]))
    at = draw(st.integers(min_value=0, max_value=len(body)))
    if kind == "truncate":
        return body[:at]
    if kind == "inject":
        garbage = draw(st.one_of(st.binary(max_size=16), st.sampled_from(
            [b"\x00", b"\xff\xfe", b"}", b"]]", b'"', b"<", b"</result>", b"&lol;", b"<!DOCTYPE x>", b",,", b"NaN"])))
        return body[:at] + garbage + body[at:]
    if kind == "flip":
        return body[:at] + bytes([draw(st.integers(0, 255))]) + body[at + 1:]
    end = draw(st.integers(min_value=at, max_value=len(body)))
    return body[:at] + body[end:]


def json_bodies(fixtures: dict[str, bytes]) -> st.SearchStrategy[bytes]:
    names = st.sampled_from(sorted(fixtures))
    # parse_json: the docs-style fixtures carry bare True/False, which the adapter tolerates.
    trees = names.flatmap(lambda n: mutated_tree(oo_json.parse_json(fixtures[n])).map(_dump))
    raw = names.flatmap(lambda n: byte_mutation(fixtures[n]))
    return st.one_of(trees, trees, raw, st.binary(max_size=64))


@st.composite
def mutated_xml(draw: st.DrawFn, body: bytes) -> bytes:
    """Element-level edits: drop, duplicate, re-text, re-tag, nest."""
    root = ET.fromstring(body)
    elements = list(root.iter())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        parent = draw(st.sampled_from(elements))
        children = list(parent)
        action = draw(st.sampled_from(["drop", "duplicate", "text", "retag", "nest"]))
        if action == "text" or not children:
            parent.text = draw(st.one_of(st.text(max_size=20), st.sampled_from(
                ["", "NaN", "1E+99999999", "99999999999999999999999", "true", "-1", "0001-01-01T00:00:00"])))
            for child in children:
                parent.remove(child)
            continue
        child = draw(st.sampled_from(children))
        if action == "drop":
            parent.remove(child)
        elif action == "duplicate":
            parent.append(child)
        elif action == "retag":
            child.tag = draw(st.sampled_from(["response", "status", "ID", "Number", "invoiceLines", "x-y", "key"]))
        else:
            wrapper = ET.SubElement(parent, child.tag)
            parent.remove(child)
            wrapper.append(child)
    return ET.tostring(root)


def xml_bodies() -> st.SearchStrategy[bytes]:
    names = st.sampled_from(sorted(OO_XML))
    return st.one_of(
        names.flatmap(lambda n: mutated_xml(OO_XML[n])),
        names.flatmap(lambda n: byte_mutation(OO_XML[n])),
        st.binary(max_size=64).map(lambda b: b"<result>" + b),
    )


CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/xml", "application/xml", "text/html", "",
     "text/plain", "application/octet-stream"]
)


def response(body: bytes, content_type: str = "application/json", status: int = 200) -> Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return Response(status=status, headers=headers, body=body, method="GET", url=URL)


# -- the property ------------------------------------------------------------------------------


def outcome(run: Callable[[], Any], answer: Response) -> Any:
    """Run a decoder; only a valid result or an invoicekit error may come out."""
    try:
        result = run()
    except MalformedResponseError as exc:
        assert exc.status == answer.status
        if exc.body is not None:
            assert isinstance(exc.body, str) and len(exc.body) <= 200  # an excerpt, not the body
        return exc
    except APIError as exc:
        # An ONLYOFFICE error envelope may come with HTTP 200 and name its status inside.
        assert (isinstance(exc.status, int) and 100 <= exc.status <= 599) or exc.status == answer.status
        assert len(str(exc)) < 2000
        return exc
    except InvoiceKitError as exc:  # pragma: no cover - decoders raise APIErrors, but these are allowed too
        return exc
    # Anything else propagates and fails the test with the leaked exception.
    return result


def assert_valid(invoice: Invoice) -> None:
    assert isinstance(invoice, Invoice)
    assert invoice.id is not None and not isinstance(invoice.id, bool)
    for amount in (invoice.total, invoice.amount_due, invoice.amount_paid):
        assert amount is None or (isinstance(amount, Decimal) and amount.is_finite())
    for day in (invoice.issue_date, invoice.due_date):
        assert day is None or isinstance(day, date)
    for when in (invoice.created_at, invoice.updated_at):
        assert when is None or (isinstance(when, datetime) and when.tzinfo is not None)
    for line in invoice.lines or ():  # None: listed without lines
        assert isinstance(line.quantity, Decimal) and line.quantity.is_finite()


def oo_invoices(request: Request, answer: Response, many: bool) -> list[Invoice]:
    envelope = oo_envelope.decode_envelope(request, answer, many=many)
    items = envelope.response if many else [envelope.response]
    return [OnlyOfficeClient._decode(request, answer, item) for item in items]


# -- ONLYOFFICE --------------------------------------------------------------------------------


@FUZZ
@given(body=json_bodies(OO_JSON), content_type=CONTENT_TYPES, many=st.booleans())
def test_onlyoffice_json_envelopes_and_invoices(body: bytes, content_type: str, many: bool) -> None:
    answer = response(body, content_type)
    result = outcome(lambda: oo_invoices(LIST_REQUEST if many else REQUEST, answer, many), answer)
    if isinstance(result, list):
        for invoice in result:
            assert_valid(invoice)


@FUZZ
@given(body=xml_bodies(), content_type=st.sampled_from(["text/xml", "application/xml", ""]), many=st.booleans())
def test_onlyoffice_xml_envelopes_and_invoices(body: bytes, content_type: str, many: bool) -> None:
    answer = response(body, content_type)
    result = outcome(lambda: oo_invoices(LIST_REQUEST if many else REQUEST, answer, many), answer)
    if isinstance(result, list):
        for invoice in result:
            assert_valid(invoice)


@FUZZ
@given(body=st.one_of(json_bodies(OO_JSON), xml_bodies()), content_type=CONTENT_TYPES,
       status=st.sampled_from([400, 401, 402, 403, 404, 429, 500, 503]),
       operation=st.sampled_from(["get", "update", "login"]))
def test_onlyoffice_error_decoder_always_returns_an_api_error(
    body: bytes, content_type: str, status: int, operation: str
) -> None:
    answer = response(body, content_type, status)
    error = oo_envelope.decode_error(Request(operation=operation, method="GET", path="x.json"), answer)
    assert isinstance(error, APIError) and error.status == status


# -- GoHighLevel -------------------------------------------------------------------------------


@FUZZ
@given(body=json_bodies(GHL_INVOICES), content_type=CONTENT_TYPES, key=st.sampled_from([None, "invoice"]))
def test_gohighlevel_invoice_decoding(body: bytes, content_type: str, key: str | None) -> None:
    answer = response(body, content_type)
    result = outcome(lambda: ghl_decode.decode_invoice(REQUEST, answer, key=key), answer)
    if isinstance(result, Invoice):
        assert_valid(result)


@FUZZ
@given(body=json_bodies({k: GHL_JSON[k] for k in ("list_page1.json", "list_page2.json")}))
def test_gohighlevel_list_decoding(body: bytes) -> None:
    answer = response(body)
    result = outcome(lambda: ghl_decode.decode_invoices(LIST_REQUEST, answer), answer)
    if isinstance(result, tuple):
        invoices, total = result
        assert total is None or isinstance(total, int)
        for invoice in invoices:
            assert_valid(invoice)


GHL_ERROR_BODIES = {name: json.dumps(body).encode() for name, body in GHL_ERRORS.items()}


@FUZZ
@given(body=json_bodies(GHL_ERROR_BODIES), status=st.sampled_from([400, 401, 403, 404, 422, 429, 500, 502]),
       headers=st.dictionaries(
           st.sampled_from(["Retry-After", "X-RateLimit-Remaining", "X-RateLimit-Interval-Milliseconds",
                            "X-RateLimit-Daily-Remaining", "X-RateLimit-Max", "traceid", "retry-after-ms"]),
           st.sampled_from(["0", "10000", "-5", "1.5", "NaN", "inf", "1e999", "", "abc", "9" * 400,
                            "Wed, 21 Oct 2015 07:28:00 GMT"]), max_size=4),
       token=st.booleans())
def test_gohighlevel_error_decoders_always_return_an_api_error(
    body: bytes, status: int, headers: dict[str, str], token: bool
) -> None:
    answer = Response(status=status, headers={"Content-Type": "application/json", **headers}, body=body,
                      method="POST", url=URL)
    decode = ghl_errors.decode_token_error if token else ghl_errors.decode_error
    error = decode(TOKEN_REQUEST if token else REQUEST, answer)
    assert isinstance(error, APIError) and error.status == status
    retry_after = getattr(error, "retry_after", None)
    assert retry_after is None or (retry_after >= 0 and retry_after == retry_after)


NOW = datetime(2025, 3, 1, tzinfo=UTC)
PREVIOUS = OAuthTokens(refresh_token=Secret("previous-refresh-token-fuzz"))


@FUZZ
@given(body=json_bodies(GHL_TOKENS))
def test_gohighlevel_token_answers(body: bytes) -> None:
    answer = response(body)
    result = outcome(lambda: tokens_from_answer(TOKEN_REQUEST, answer, now=NOW, previous=PREVIOUS), answer)
    if isinstance(result, MalformedResponseError):
        assert result.body is None  # a half-readable token answer still holds live tokens
    elif not isinstance(result, InvoiceKitError):
        assert isinstance(result.access_token, Secret) and result.access_token
        assert isinstance(result.refresh_token, Secret) and result.refresh_token
        assert result.expires_at is not None and result.expires_at.tzinfo is not None


# -- explicit worst cases (hypothesis rarely builds these) ------------------------------------


DEEP_JSON = b'{"status": 0, "response": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
DEEP_PASCAL = b'{"status": 0, "response": ' + b'{"A": ' * 5000 + b"1" + b"}" * 5000 + b"}"
DEEP_XML = b"<result><status>0</status><response>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</response></result>"
HUGE_ID = b'{"status": 0, "response": {"id": 1E+99999999, "status": {"id": 1}}}'
HUGE_STATUS = b'{"status": 1E+99999999, "response": {}}'
NAN = b'{"status": 0, "response": {"id": 42, "status": {"id": 1}, "cost": NaN}}'


@pytest.mark.parametrize("body", [DEEP_JSON, DEEP_PASCAL, DEEP_XML, HUGE_ID, HUGE_STATUS, NAN],
                         ids=["deep-json", "deep-pascal", "deep-xml", "huge-id", "huge-status", "nan"])
def test_onlyoffice_worst_cases_are_malformed_responses(body: bytes) -> None:
    answer = response(body, "text/xml" if body.startswith(b"<") else "application/json")
    with pytest.raises(MalformedResponseError) as info:
        oo_invoices(REQUEST, answer, many=False)
    assert info.value.status == 200 and len(info.value.body or "") <= 200
    error = oo_envelope.decode_error(REQUEST, response(body, "application/json", 500))
    assert error.status == 500


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"_id": "a", "total": NaN}',
    b'{"_id": "a", "total": Infinity}',
    b'{"_id": "a", "total": 1E+99999999, "invoiceItems": [{"qty": 1E+99999999}]}',
], ids=["deep", "nan", "infinity", "huge"])
def test_gohighlevel_worst_cases(body: bytes) -> None:
    answer = response(body)
    result = outcome(lambda: ghl_decode.decode_invoice(REQUEST, answer), answer)
    if isinstance(result, Invoice):
        assert_valid(result)  # a huge but finite total is a number, just a big one
    else:
        assert isinstance(result, MalformedResponseError)
    listing = b'{"invoices": [], "total": 1E+99999999}'
    with pytest.raises(MalformedResponseError):
        ghl_decode.decode_invoices(LIST_REQUEST, response(listing))
    assert isinstance(ghl_errors.decode_error(REQUEST, response(body, status=400)), APIError)


@pytest.mark.parametrize("expires_in", [b"1E+99999999", b"-1E+30", b"NaN", b'"soon"', b"true", b"[]"])
def test_gohighlevel_token_answer_with_unusable_expiry(expires_in: bytes) -> None:
    body = b'{"access_token": "fuzz-access-token-1", "refresh_token": "fuzz-refresh-token-1", "expires_in": '
    answer = response(body + expires_in + b"}")
    with pytest.raises(MalformedResponseError) as info:
        tokens_from_answer(TOKEN_REQUEST, answer, now=NOW, previous=PREVIOUS)
    assert "fuzz-access-token-1" not in str(info.value) and info.value.body is None
