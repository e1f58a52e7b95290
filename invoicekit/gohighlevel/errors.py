"""GoHighLevel error answers -> typed invoicekit errors, and the rate-limit headers.

GHL error bodies vary: ``{statusCode, message, error}`` (NestJS), ``{status, message, name,
traceId}`` (plan restrictions), ``message`` as a string or a list of validation messages, and the
v3 "AIP" envelope ``{error: {code, message}}``. Domain errors arrive as plain 400s whose message
is the only clue (an unknown invoice id is a 400, not a 404), so the message picks the class.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from ..models import RateLimitInfo

PROVIDER = "gohighlevel"


class InvalidGrantError(AuthenticationError):
    """The OAuth refresh token was refused (invalid, revoked or already used): the app must be
    re-authorised, and the new refresh token put in the configuration (it starts a new chain)."""


class LocationInactiveError(AuthenticationError):
    """GHL refuses the location ("Location is not active": subscription paused or cancelled).
    The same refresh token works again once the location is re-activated."""


class InsufficientScopeError(AuthenticationError):
    """The token lacks the scope this call needs (``invoices.readonly`` / ``invoices.write``)."""


_RATE_HEADERS = {
    "remaining": "X-RateLimit-Remaining",
    "limit": "X-RateLimit-Max",
    "interval_ms": "X-RateLimit-Interval-Milliseconds",
    "daily_remaining": "X-RateLimit-Daily-Remaining",
    "daily_limit": "X-RateLimit-Limit-Daily",
}


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    digits = value.strip().split(".", 1)[0]
    if len(digits) > 15:  # nonsense (and 10**400 / 1000 overflows a float): as if absent
        return None
    try:
        return int(digits)
    except ValueError:
        return None


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """The ``X-RateLimit-*`` headers of an answer; None when it carries none."""
    values = {key: _int_header(headers, name) for key, name in _RATE_HEADERS.items()}
    if all(v is None for v in values.values()):
        return None
    return RateLimitInfo(**values)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return []


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
        messages = _texts(body.get("message"))
        error = body.get("error")
        if isinstance(error, Mapping):  # v3 AIP envelope
            messages += _texts(error.get("message"))
            code = str(error["code"]) if error.get("code") is not None else None
        elif isinstance(error, str):
            code = error
        messages += _texts(body.get("error_description"))
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
        status=response.status, provider=PROVIDER, method=request.method, url=response.url,
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
    elif _matches(text, "need to be draft to delete", "can not void draft", "cannot void draft", "refunded first"):
        cls = InvalidStateError
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
