"""Plain request/response values passed between the adapters and the transport."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, fields, frozen

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: ``Response.content_type`` values that label a JSON body.
JSON_CONTENT_TYPES = frozenset({"application/json", "text/json"})


#: ``idempotent``'s default by method, for the spellings adapters use (others are upper-cased).
_IDEMPOTENT_BY_METHOD = {
    method: method in IDEMPOTENT_METHODS for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
}
_BY_METHOD: Any = object()  # ``idempotent`` not given: decided by the method


@frozen(kw_only=True, init=False)
class Request:
    """One API call as an adapter describes it, before auth headers are added.

    ``path`` is relative to the client's base URL and already percent-encoded. ``json`` is
    encoded with :func:`invoicekit._serde.dumps_json`; ``form`` is sent url-encoded. Bodies and
    headers stay out of the repr: a login or token refresh carries credentials in them.
    """

    operation: str
    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = field(default=None, repr=False)
    form: Mapping[str, str] | None = field(default=None, repr=False)
    #: A body already encoded by the adapter (e.g. an XML document); its Content-Type goes in
    #: ``headers``. Used only when ``json`` and ``form`` are None.
    content: bytes | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(factory=dict, repr=False)
    authenticated: bool = True
    #: Safe to repeat after the request may have reached the server (GET, PUT, DELETE); by
    #: default, whether the method is one of those.
    idempotent: bool = field()

    # Written by hand rather than by attrs: one is built per call, and attrs' keyword __init__
    # with a decorated default costs about twice as much (bench/README.md). It takes the same
    # arguments (attrs.evolve works) and has no converters or validators to skip.
    def __init__(
        self,
        *,
        operation: str,
        method: str,
        path: str,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        form: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        idempotent: bool = _BY_METHOD,
    ) -> None:
        _set_operation(self, operation)
        _set_method(self, method)
        _set_path(self, path)
        _set_params(self, params)
        _set_json(self, json)
        _set_form(self, form)
        _set_content(self, content)
        _set_headers(self, {} if headers is None else headers)
        _set_authenticated(self, authenticated)
        if idempotent is _BY_METHOD:
            by_method = _IDEMPOTENT_BY_METHOD.get(method)
            idempotent = method.upper() in IDEMPOTENT_METHODS if by_method is None else by_method
        _set_idempotent(self, idempotent)


# The slots' own setters (a frozen class refuses ``self.x = ...``), bound once.
(
    _set_operation, _set_method, _set_path, _set_params, _set_json, _set_form, _set_content, _set_headers,
    _set_authenticated, _set_idempotent,
) = (Request.__dict__[a.name].__set__ for a in fields(Request))


@frozen(kw_only=True)
class Response:
    """What came back: status, headers, the whole body (bounded), and what was asked.

    Body and headers stay out of the repr, as a Request's do: a token refresh answers with the
    tokens in its body, an ONLYOFFICE login with its token in a ``Set-Cookie`` header too.
    """

    status: int
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=lambda body: f"<{len(body)} bytes>")
    method: str
    url: str
    #: True when this answers a write retried after an attempt that may have been applied (its
    #: answer was lost): e.g. a batch delete whose answer then omits what that attempt deleted.
    earlier_attempt_may_have_applied: bool = False

    @property
    def content_type(self) -> str:
        """The media type of the body, lower case, without parameters ("" when none is named)."""
        raw = self.headers.get("Content-Type", "")
        # Answers repeat a handful of Content-Type values: each is parsed once (bounded).
        media_type = _MEDIA_TYPES.get(raw)
        if media_type is None:
            media_type = raw.split(";", 1)[0].strip().lower()
            if len(_MEDIA_TYPES) >= _MEDIA_TYPES_SIZE:
                _MEDIA_TYPES.clear()
            _MEDIA_TYPES[raw] = media_type
        return media_type


_MEDIA_TYPES: dict[str, str] = {}
_MEDIA_TYPES_SIZE = 64
