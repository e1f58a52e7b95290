"""Sans-I/O decoding of ONLYOFFICE answers: the JSON and XML envelopes, and error answers.

Every API answer is an envelope ``{count, startIndex, nextIndex, total, status, statusCode,
response | error}``, in JSON or, for ``.xml`` paths, as ``<result>...</result>`` produced by
Newtonsoft's XmlNodeConverter from the same JSON. The XML form loses list-ness (a one-element list
looks like an object, an empty list is no element at all), so the XML reader is told which names
are lists. Both forms come out as the same Python values: dicts with camelCase keys, lists,
strings (XML) or JSON scalars.

The docs' samples use PascalCase keys (``Number``, ``IssueDate``, ``ID``) and ``True``/``False``;
the live server writes camelCase and lowercase. Both are accepted: PascalCase keys are rewritten
with Newtonsoft's own camel-casing rule so that they match the live spelling exactly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree
from attrs import frozen

from .._http.messages import JSON_CONTENT_TYPES, Request, Response
from .._http.retry import retry_after_from_headers
from .._serde import excerpt, loads_json, parse_int
from .._trusted import trusted_constructor
from ..errors import (
    APIError,
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    error_class_for_status,
)

PROVIDER = "onlyoffice"

#: Names that are lists wherever they occur in invoice payloads.
INVOICE_LISTS = frozenset({"invoiceLines", "accessList"})
#: The status batch answer: ``{"key": [invoices], "value": [items]}``.
STATUS_BATCH_LISTS = INVOICE_LISTS | {"key", "value"}

_XML_TYPES = frozenset({"text/xml", "application/xml"})
@frozen
class Envelope:
    """A successful answer, unwrapped. ``total`` is a hint only (the server caches it)."""

    response: Any
    status_code: int
    count: int | None = None
    start_index: int | None = None
    total: int | None = None


#: Every answer builds one, from values already checked (ints from parse_int): no converters to
#: run, so the keyword __init__ of attrs is skipped (0.8 -> 0.3 us).
_envelope = trusted_constructor(Envelope)


class BodyError(ValueError):
    """The body is not a decodable envelope (bad JSON/XML, not an envelope, refused XML)."""


# -- key casing ----------------------------------------------------------------------------

_camel_cache: dict[str, str] = {}


def camel_case(name: str) -> str:
    """Newtonsoft's ``ToCamelCase``: lower leading capitals until one is followed by a
    lowercase letter. ``ID`` -> ``id``, ``InvoiceItemID`` -> ``invoiceItemID``."""
    cached = _camel_cache.get(name)
    if cached is not None:
        return cached
    chars = list(name)
    for i in range(len(chars)):
        if i == 1 and not chars[i].isupper():
            break
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            if chars[i + 1].isspace():
                chars[i] = chars[i].lower()
            break
        chars[i] = chars[i].lower()
    result = "".join(chars)
    if len(_camel_cache) < 4096:
        _camel_cache[name] = result
    return result


def _camel_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {camel_case(k): _camel_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_tree(v) for v in value]
    return value


def _first_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


#: An invoice's keys as the live server spells them (all camelCase).
_LIVE_INVOICE_KEYS = frozenset({
    "canDelete", "canEdit", "consignee", "contact", "cost", "createBy", "createOn", "currency",
    "description", "dueDate", "entity", "exchangeRate", "fileID", "id", "invoiceLines", "issueDate",
    "language", "number", "purchaseOrderNumber", "status", "templateType", "terms",
})


def _has_upper_key(obj: dict[str, Any]) -> bool:
    if obj.keys() <= _LIVE_INVOICE_KEYS:  # the everyday answer, in one C-level subset test
        return False
    # A plain loop: about twice as fast as any(<genexpr>).
    for key in obj:  # noqa: SIM110 - deliberate, see above
        if key[:1].isupper():
            return True
    return False


def _is_pascal(value: Any) -> bool:
    first = _first_object(value)
    if first is None:
        return False
    if _has_upper_key(first):
        return True
    # The status batch wraps invoices one level deeper: {"Key": [...]} was handled above,
    # {"key": [{"Number": ...}]} is handled here.
    nested = _first_object(first.get("key"))
    return nested is not None and _has_upper_key(nested)


# -- JSON ----------------------------------------------------------------------------------

# A JSON string, or a bare Python-style literal as the docs' samples print them.
_PY_LITERALS = re.compile(r'"(?:[^"\\]|\\.)*"|\b(True|False|None)\b')
_LITERAL_MAP = {"True": "true", "False": "false", "None": "null"}


def _lenient_literals(text: str) -> str:
    return _PY_LITERALS.sub(lambda m: _LITERAL_MAP[m[1]] if m[1] else m[0], text)


def parse_json(body: bytes) -> Any:
    """JSON with Decimal numbers; bare ``True``/``False`` (docs samples) are tolerated."""
    try:
        return loads_json(body)
    except (ValueError, RecursionError) as first:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BodyError(f"not UTF-8 JSON: {first}") from None
        fixed = _lenient_literals(text)
        if fixed == text:
            raise BodyError(f"invalid JSON: {first}") from None
        try:
            return loads_json(fixed)
        except (ValueError, RecursionError):
            raise BodyError(f"invalid JSON: {first}") from None


# -- XML -----------------------------------------------------------------------------------


_DECLARED_ENCODING = re.compile(r"""\A\ufeff?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")


def _markup_free_text(body: bytes) -> str | None:
    """The body as text when it is UTF-8 and holds no ``<!`` at all, else None.

    Every attack on an XML parser (billion laughs, quadratic blowup, external and parameter
    entities) needs a DTD, and a DTD needs ``<!DOCTYPE``. In well-formed XML a ``<`` outside
    markup is always escaped, so a document without ``<!`` has no DOCTYPE, no entity
    declarations, no comments and no CDATA; a reference to any entity but the five predefined
    ones is then a parse error. The check runs on the decoded text, and a str parsed by
    ElementTree is read as UTF-8 whatever its XML declaration says, so no other encoding can
    hide a ``<!`` from it.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<!" in text:
        return None
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared[1].lower() != "utf-8":  # pyexpat knows no "utf8"
        return None  # honour the declaration: defusedxml reads the bytes as it says
    return text


def parse_xml(body: bytes) -> Element:
    """The root element, parsed without DTDs, entities or external references.

    Plain documents (see :func:`_markup_free_text`) go straight to ElementTree's C parser, about
    3x faster than setting up defusedxml's guarded parser for every answer; anything else, and
    anything the plain parse rejects, gets defusedxml's verdict.
    """
    text = _markup_free_text(body)
    if text is not None:
        try:
            return ElementTree.fromstring(text)
        except ParseError:
            pass  # defusedxml below decides, with its own message
    try:
        root: Element = defusedxml.ElementTree.fromstring(body, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise BodyError(f"XML refused ({type(exc).__name__}): DTDs and entities are not accepted") from None
    except (ParseError, ValueError, LookupError) as exc:  # LookupError: an unknown encoding
        raise BodyError(f"invalid XML: {exc}") from None
    return root


def xml_value(element: Element, lists: frozenset[str]) -> Any:
    """An element as JSON would carry it: children -> dict, text -> str, empty -> None.

    A child named in ``lists`` is always a list; any other repeated child becomes a list too.
    """
    children = list(element)
    if not children:
        text = element.text
        return text if text else None
    out: dict[str, Any] = {}
    repeated: set[str] = set()
    for child in children:
        name = camel_case(child.tag)
        value = xml_value(child, lists)
        if name in lists:
            out.setdefault(name, []).append(value)
        elif name in out:
            if name not in repeated:
                out[name] = [out[name]]
                repeated.add(name)
            out[name].append(value)
        else:
            out[name] = value
    return out


def _xml_envelope(root: Element, *, many: bool, lists: frozenset[str]) -> dict[str, Any]:
    if root.tag.lower() != "result":
        raise BodyError(f"XML root is <{root.tag}>, not <result>")
    envelope: dict[str, Any] = {}
    items: list[Any] = []
    for child in root:
        name = camel_case(child.tag)
        if name == "response":
            items.append(xml_value(child, lists))
        else:
            envelope[name] = xml_value(child, lists)
    if many:
        envelope["response"] = items
    elif items:
        envelope["response"] = items[0] if len(items) == 1 else items
    return envelope


# -- the envelope --------------------------------------------------------------------------


def body_format(response: Response) -> str:
    """``json`` or ``xml`` by Content-Type; by the first byte only when there is no Content-Type;
    ``other`` for anything else. A body labelled ``text/html`` is not the API speaking (a proxy,
    a login page), so it is never parsed as an envelope, however it looks."""
    ctype = response.content_type
    if ctype in JSON_CONTENT_TYPES:
        return "json"
    if ctype in _XML_TYPES:
        return "xml"
    if ctype:
        return "other"
    head = response.body.lstrip()[:7]
    if head.startswith((b"{", b"[")):
        return "json"
    if head.lower().startswith(b"<result"):
        return "xml"
    return "other"


def parse_envelope(
    response: Response, *, many: bool = False, lists: frozenset[str] = INVOICE_LISTS
) -> dict[str, Any]:
    """The envelope as a camelCase dict. Raises :class:`BodyError` if there is none."""
    fmt = body_format(response)
    if fmt == "json":
        data = parse_json(response.body)
        if not isinstance(data, dict):
            raise BodyError(f"expected an envelope object, got a JSON {type(data).__name__}")
        envelope: dict[str, Any] = data if "status" in data else {camel_case(k): v for k, v in data.items()}
        if many and envelope.get("response") is None and "response" in envelope:
            envelope["response"] = []
    elif fmt == "xml":
        envelope = _xml_envelope(parse_xml(response.body), many=many, lists=lists)
    else:
        raise BodyError(f"not an ONLYOFFICE envelope (Content-Type {response.content_type or 'none'})")
    if "status" not in envelope or ("response" not in envelope and "error" not in envelope):
        raise BodyError("not an ONLYOFFICE envelope (no status/response)")
    payload = envelope.get("response")
    if _is_pascal(payload):
        envelope["response"] = _camel_tree(payload)
    return envelope


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return parse_int(value)


def decode_envelope(
    request: Request,
    response: Response,
    *,
    many: bool = False,
    lists: frozenset[str] = INVOICE_LISTS,
) -> Envelope:
    """A successful answer's envelope, or the typed error it really carries."""
    try:
        envelope = parse_envelope(response, many=many, lists=lists)
        status = _int_or_none(envelope.get("status"))
        status_code = _int_or_none(envelope.get("statusCode")) or response.status
        if status not in (0, None) or "error" in envelope:
            raise _from_error_envelope(request, response, envelope, status_code)
        result = _envelope(
            response=envelope.get("response"),
            status_code=status_code,
            count=_int_or_none(envelope.get("count")),
            start_index=_int_or_none(envelope.get("startIndex")),
            total=_int_or_none(envelope.get("total")),
        )
    except (BodyError, ValueError, TypeError) as exc:
        raise malformed(request, response, str(exc)) from None
    except RecursionError:  # absurdly deep nesting (XML elements, PascalCase re-keying)
        raise malformed(request, response, "nested too deeply") from None
    if many and not isinstance(result.response, list):
        raise malformed(request, response, f"expected a list response, got {type(result.response).__name__}")
    return result


def malformed(request: Request, response: Response, why: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"{request.operation}: undecodable answer: {why}",
        status=response.status, provider=PROVIDER, method=request.method, url=response.url,
        body=excerpt(response.body),
    )


# -- errors --------------------------------------------------------------------------------

_NOT_EDITABLE = (
    " (ONLYOFFICE also answers 404 when the invoice exists but is not editable: it is not a Draft, "
    "or you are neither a CRM administrator nor its creator)"
)


def _error_message(envelope: Mapping[str, Any]) -> str | None:
    error = envelope.get("error")
    if isinstance(error, Mapping):
        message = error.get("message") or error.get("Message")
        if isinstance(message, str) and message.strip():
            return message.strip()
    return None


def _build(
    cls: type[APIError],
    message: str,
    request: Request,
    response: Response,
    status: int,
    body: Mapping[str, Any] | str | None,
) -> APIError:
    kwargs: dict[str, Any] = {
        "status": status, "provider": PROVIDER, "method": request.method, "url": response.url, "body": body,
    }
    if cls is RateLimitError or status == 503:
        retry_after = retry_after_from_headers(response.headers)
        if status == 429 or retry_after is not None:
            return RateLimitError(message, retry_after=retry_after, **kwargs)
    if status == 404 and request.operation == "update":
        message += _NOT_EDITABLE
    return cls(message, **kwargs)


def _from_error_envelope(
    request: Request, response: Response, envelope: Mapping[str, Any], status_code: int
) -> APIError:
    # An error envelope in a 200 answer names its status in statusCode; one that is no HTTP
    # error status (1, 600, -5...) says nothing usable, and the answer's own status stands.
    status = response.status if response.status >= 400 or not 400 <= status_code <= 599 else status_code
    message = _error_message(envelope) or f"HTTP {status} without a message"
    return _build(_class_for(status), message, request, response, status, envelope)


def _class_for(status: int) -> type[APIError]:
    if status == 503:
        return ServerError
    return error_class_for_status(status)


def decode_error(request: Request, response: Response) -> APIError:
    """The typed error an answer with status >= 400 stands for (the request runner's ``decode_error``)."""
    status = response.status
    try:
        envelope = parse_envelope(response)
    except (BodyError, ValueError, TypeError, RecursionError):
        envelope = None
    if envelope is not None:
        return _from_error_envelope(request, response, envelope, status)
    text = excerpt(response.body)
    if status == 401:
        # The API answers 401 with a plain-text "Unauthorized", never an envelope.
        return AuthenticationError(
            f"{text or 'Unauthorized'}: the token is missing, invalid, expired or revoked",
            status=401, provider=PROVIDER, method=request.method, url=response.url, body=text,
        )
    if status == 402 and not text:
        return PaymentRequiredError(
            "the portal is unpaid or inactive (empty 402 answer)",
            status=402, provider=PROVIDER, method=request.method, url=response.url, body=text,
        )
    if status == 404 and request.operation != "update":
        # A path the API does not route gets the web server's own 404 page.
        message = f"not found (a web server page, not an API answer): {text}" if text else "not found"
        return NotFoundError(message, status=404, provider=PROVIDER, method=request.method,
                             url=response.url, body=text)
    ctype = response.content_type or "no Content-Type"
    message = f"HTTP {status} ({ctype}): {text}" if text else f"HTTP {status} with an empty body"
    return _build(_class_for(status), message, request, response, status, text)

