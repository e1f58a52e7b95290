"""Plain request/response values passed between the adapters and the transport."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: ``Response.content_type`` values that label a JSON body.
JSON_CONTENT_TYPES = frozenset({"application/json", "text/json"})


@frozen(kw_only=True)
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
    #: Safe to repeat after the request may have reached the server (GET, PUT, DELETE).
    idempotent: bool = field()

    @idempotent.default
    def _idempotent_by_method(self) -> bool:
        return self.method.upper() in IDEMPOTENT_METHODS


@frozen(kw_only=True)
class Response:
    """What came back: status, headers, the whole body (bounded), and what was asked."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    method: str
    url: str
    #: True when this answers a write retried after an attempt that may have been applied (its
    #: answer was lost): e.g. a batch delete whose answer then omits what that attempt deleted.
    earlier_attempt_may_have_applied: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
