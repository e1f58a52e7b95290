"""ONLYOFFICE's answer envelope: found in a JSON or XML body, checked, and unwrapped, or turned
into the typed error it carries. Sans-I/O.

Every API answer is an envelope ``{count, startIndex, nextIndex, total, status, statusCode,
response | error}``, in JSON or, for ``.xml`` paths, as ``<result>...</result>``. Both forms come
out as the same Python values: dicts with camelCase keys, lists, strings (XML) or JSON scalars.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from .._http.messages import JSON_CONTENT_TYPES, Request, Response
from .._serde import parse_int
from ..errors import APIError
from .casing import camel_case, camel_tree, is_pascal
from .errors import BodyError, error_from_envelope, error_without_envelope, malformed
from .lenient_json import parse_json
from .wire import INVOICE_LISTS
from .xml_reader import xml_envelope

_XML_TYPES = frozenset({"text/xml", "application/xml"})
# What an ``error`` member of a success envelope (status 0) may hold and still say "no error":
# JSON null, or the empty element <error /> that null becomes in XML.
_NO_ERROR: tuple[object, ...] = (None, "", {})


@frozen
class Envelope:
    """A successful answer, unwrapped. ``total`` is a hint only (the server caches it)."""

    response: Any
    status_code: int
    count: int | None = None
    start_index: int | None = None
    total: int | None = None


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
        envelope = xml_envelope(response.body, many=many, lists=lists)
    else:
        raise BodyError(f"not an ONLYOFFICE envelope (Content-Type {response.content_type or 'none'})")
    if "status" not in envelope or ("response" not in envelope and "error" not in envelope):
        raise BodyError("not an ONLYOFFICE envelope (no status/response)")
    payload = envelope.get("response")
    if is_pascal(payload):
        envelope["response"] = camel_tree(payload)
    return envelope


def _int_or_none(value: Any) -> int | None:
    if type(value) is int:  # JSON's everyday answer
        return value
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
        if status not in (0, None) or envelope.get("error") not in _NO_ERROR:
            raise error_from_envelope(request, response, envelope, status_code)
        result = Envelope(
            envelope.get("response"),
            status_code,
            _int_or_none(envelope.get("count")),
            _int_or_none(envelope.get("startIndex")),
            _int_or_none(envelope.get("total")),
        )
    except (BodyError, ValueError, TypeError) as exc:
        raise malformed(request, response, str(exc)) from None
    except RecursionError:  # absurdly deep nesting (XML elements, PascalCase re-keying)
        raise malformed(request, response, "nested too deeply") from None
    if many and not isinstance(result.response, list):
        raise malformed(request, response, f"expected a list response, got {type(result.response).__name__}")
    return result


def decode_error(request: Request, response: Response) -> APIError:
    """The typed error an answer with status >= 400 stands for (the request runner's ``decode_error``)."""
    try:
        envelope = parse_envelope(response)
    except (BodyError, ValueError, TypeError, RecursionError):
        return error_without_envelope(request, response)
    return error_from_envelope(request, response, envelope, response.status)
