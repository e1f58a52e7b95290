"""GoHighLevel error answers -> typed invoicekit errors.

GHL error bodies vary: ``{statusCode, message, error}`` (NestJS), ``{status, message, name,
traceId}`` (plan restrictions), ``message`` as a string or a list of validation messages, the
v3 "AIP" envelope ``{error: {code, message}}``, and what proxies and other services in front of it
write (``detail``, ``msg``, ``errors``); :func:`read_error_body` is the one place that reads
them. Domain errors arrive as plain 400s whose message is the only clue (an unknown invoice id
is a 400, not a 404), so the message picks the class.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .._http.messages import Request, Response
from .._http.retry import retry_after_from_headers
from .._serde import excerpt, loads_json
from ..errors import (
    APIError,
    AuthenticationError,
    InvalidStateError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    error_class_for_status,
)
from .ratelimit import parse_rate_limit
from .settings import PROVIDER_NAME
from .states import WRONG_STATE_MESSAGES
from .wire import number_text


class InvalidGrantError(AuthenticationError):
    """The OAuth refresh token was refused (invalid, revoked or already used): the app must be
    re-authorised, and the new refresh token put in the configuration (it starts a new chain)."""


class LocationInactiveError(AuthenticationError):
    """GHL refuses the location ("Location is not active": subscription paused or cancelled).
    The same refresh token works again once the location is re-activated."""


class InsufficientScopeError(AuthenticationError):
    """The token lacks the scope this call needs (``invoices.readonly`` / ``invoices.write``)."""


#: Keys that hold an error's human-readable text, in the order they are read: NestJS and GHL
#: (``message``), OAuth (``error_description``), FastAPI / RFC 7807 (``detail``), others (``msg``,
#: ``details``, ``description``, ``errors``); an RFC 7807 ``title`` only when there is nothing else. ``error``
#: is read too: as an object (the v3 AIP envelope) it is walked like the body; as a string it is
#: the error code.
_MESSAGE_KEYS = ("message", "msg", "detail", "details", "error_description", "description", "errors")
#: How deep a message is looked for, and how many are kept: a hostile body cannot make the
#: walk recurse without end or the error text grow without end.
_MAX_DEPTH = 4
_MAX_MESSAGES = 20


def _messages(value: Any, out: list[str], depth: int = 0) -> None:
    """Collect the texts of one message value: a string, a number, a list of them, or an object
    that holds them under one of :data:`_MESSAGE_KEYS` (FastAPI's ``{loc, msg}`` items keep where
    the problem is)."""
    if len(out) >= _MAX_MESSAGES or depth > _MAX_DEPTH or value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        if value.strip():
            out.append(value)
    elif isinstance(value, int | Decimal):
        out.append(str(value) if isinstance(value, int) else number_text(value))
    elif isinstance(value, list):
        for item in value:
            _messages(item, out, depth + 1)
    elif isinstance(value, Mapping):
        found: list[str] = []
        for key in _MESSAGE_KEYS:
            _messages(value.get(key), found, depth + 1)
        error = value.get("error")
        if isinstance(error, Mapping):
            _messages(error, found, depth + 1)
        if not found:
            _messages(value.get("title"), found, depth + 1)
        if not found and depth > 0:  # an object of field -> messages ({"errors": {"name": ["required"]}})
            for key, item in list(value.items())[:_MAX_MESSAGES]:
                before = len(found)
                _messages(item, found, depth + 1)
                found[before:] = [f"{key}: {text}" for text in found[before:]]
        where = value.get("loc") or value.get("field") or value.get("path")
        if isinstance(where, list):
            where = ".".join(str(part) for part in where[:10])
        if isinstance(where, str) and where and found:
            found = [f"{where}: {text}" for text in found]
        out.extend(found[: _MAX_MESSAGES - len(out)])


def _error_code(body: Mapping[str, Any]) -> str | None:
    error = body.get("error")
    if isinstance(error, Mapping):  # v3 AIP envelope
        error = error.get("code")
    if isinstance(error, Decimal):
        return number_text(error)
    return str(error) if isinstance(error, str | int) and not isinstance(error, bool) else None


def read_error_body(response: Response) -> tuple[Mapping[str, Any] | str | None, list[str], str | None, str | None]:
    """(decoded body, every message, the ``error`` code/name, trace id) of an error answer."""
    body: Mapping[str, Any] | str | None = None
    if response.body:
        try:
            parsed = loads_json(response.body)
        except (ValueError, RecursionError):
            parsed = None
        body = parsed if isinstance(parsed, Mapping) else excerpt(response.body)
    messages: list[str] = []
    code: str | None = None
    trace_id: str | None = response.headers.get("traceid") or response.headers.get("x-trace-id")
    if isinstance(body, Mapping):
        _messages(body, messages)
        code = _error_code(body)
        if isinstance(body.get("traceId"), str):
            trace_id = body["traceId"]
    elif isinstance(body, str) and body:
        messages = [body]
    return body, messages, code, trace_id


def _matches(text: str, *needles: str) -> bool:
    return any(n in text for n in needles)


def _error_context(request: Request, response: Response) -> tuple[str, str, dict[str, Any]]:
    """What both decoders need: the messages joined for the error text, the same in lower case
    with the ``error`` code for matching, and the APIError keyword arguments."""
    body, messages, code, trace_id = read_error_body(response)
    if not messages:
        messages = [code or f"HTTP {response.status}"]
    text = " ".join([*messages, code or ""]).lower()
    kwargs: dict[str, Any] = dict(
        status=response.status, provider=PROVIDER_NAME, method=request.method, url=response.url,
        messages=messages, body=body, trace_id=trace_id,
    )
    return "; ".join(messages), text, kwargs


def decode_error(request: Request, response: Response) -> APIError:
    """The typed error for a GHL invoices answer with status >= 400."""
    message, text, kwargs = _error_context(request, response)
    status = response.status
    if status == 429:
        info = parse_rate_limit(response.headers)
        daily = info is not None and info.daily_exhausted
        retry_after = retry_after_from_headers(response.headers)
        interval = info.interval_ms if info is not None else None
        if retry_after is None and not daily and interval is not None and interval > 0:
            retry_after = interval / 1000
        if daily:
            assert info is not None
            limit = f" of {info.daily_limit} requests" if info.daily_limit is not None else ""
            message = f"daily request quota{limit} for this location is spent; {message}"
        return RateLimitError(
            message, retry_after=retry_after, daily_quota_exhausted=daily, rate_limit=info, **kwargs
        )
    cls: type[APIError]
    if _matches(text, "unable to find an invoice", "invoice not found"):
        cls = NotFoundError
    elif _matches(text, *WRONG_STATE_MESSAGES):
        return InvalidStateError(message, operation=request.operation, **kwargs)
    elif _matches(text, "location is not active"):
        cls = LocationInactiveError
    elif status in (401, 403) and _matches(text, "not authorized for this scope", "scope"):
        cls = InsufficientScopeError
    elif status == 403 or _matches(text, "does not have access to this location"):
        cls = PermissionDeniedError
    else:
        cls = error_class_for_status(status)
    return cls(message, **kwargs)


def decode_token_error(request: Request, response: Response) -> APIError:
    """The typed error for a refused ``POST /oauth/token`` (refresh-token grant)."""
    status = response.status
    if status == 429 or status >= 500:  # not a verdict on the credentials
        return decode_error(request, response)
    detail, text, kwargs = _error_context(request, response)
    if _matches(text, "location is not active"):
        return LocationInactiveError(
            f"token refresh refused: the location is not active (re-activate it; the refresh token stays valid): "
            f"{detail}", **kwargs,
        )
    if _matches(text, "invalid_grant", "invalid grant", "refresh token is invalid", "already been used",
                "refresh token", "expired"):
        return InvalidGrantError(
            f"token refresh refused: the refresh token is invalid or was already used; re-authorise the app and put "
            f"the new refresh token in the configuration ('invoicekit auth status' shows the stored one): {detail}",
            **kwargs,
        )
    if _matches(text, "scope"):
        return InsufficientScopeError(f"token refresh refused for scope: {detail}", **kwargs)
    if status in (400, 401, 403, 422):
        return AuthenticationError(f"token refresh refused (check client_id and client_secret): {detail}", **kwargs)
    return error_class_for_status(status)(f"token refresh failed: {detail}", **kwargs)
