"""The typed errors ONLYOFFICE's answers stand for: error envelopes, the plain-text and empty
answers that are no envelope, and bodies that cannot be read at all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._http.messages import Request, Response
from .._http.retry import retry_after_from_headers
from .._serde import excerpt
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
from .settings import PROVIDER_NAME


class BodyError(ValueError):
    """The body is not a decodable envelope (bad JSON/XML, not an envelope, refused XML)."""


def malformed(request: Request, response: Response, why: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"{request.operation}: undecodable answer: {why}",
        status=response.status, provider=PROVIDER_NAME, method=request.method, url=response.url,
        body=excerpt(response.body),
    )


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


def _class_for(status: int) -> type[APIError]:
    if status == 503:
        return ServerError
    return error_class_for_status(status)


def _build(
    cls: type[APIError],
    message: str,
    request: Request,
    response: Response,
    status: int,
    body: Mapping[str, Any] | str | None,
) -> APIError:
    kwargs: dict[str, Any] = {
        "status": status, "provider": PROVIDER_NAME, "method": request.method, "url": response.url, "body": body,
    }
    if cls is RateLimitError or status == 503:
        retry_after = retry_after_from_headers(response.headers)
        if status == 429 or retry_after is not None:
            return RateLimitError(message, retry_after=retry_after, **kwargs)
    if status == 404 and request.operation == "update":
        message += _NOT_EDITABLE
    return cls(message, **kwargs)


def error_from_envelope(
    request: Request, response: Response, envelope: Mapping[str, Any], status_code: int
) -> APIError:
    """The error an error envelope (``status`` 1, ``error`` {message, hresult, data}) carries."""
    # An error envelope in a 200 answer names its status in statusCode; one that is no HTTP
    # error status (1, 600, -5...) says nothing usable, and the answer's own status stands.
    status = response.status if response.status >= 400 or not 400 <= status_code <= 599 else status_code
    message = _error_message(envelope) or f"HTTP {status} without a message"
    return _build(_class_for(status), message, request, response, status, envelope)


def error_without_envelope(request: Request, response: Response) -> APIError:
    """The error an answer with status >= 400 and no envelope stands for (a plain-text 401, an
    empty 402, a web server's own 404 page, a proxy's 502...)."""
    status = response.status
    text = excerpt(response.body)
    if status == 401:
        # The API answers 401 with a plain-text "Unauthorized", never an envelope.
        return AuthenticationError(
            f"{text or 'Unauthorized'}: the token is missing, invalid, expired or revoked",
            status=401, provider=PROVIDER_NAME, method=request.method, url=response.url, body=text,
        )
    if status == 402 and not text:
        return PaymentRequiredError(
            "the portal is unpaid or inactive (empty 402 answer)",
            status=402, provider=PROVIDER_NAME, method=request.method, url=response.url, body=text,
        )
    if status == 404 and request.operation != "update":
        # A path the API does not route gets the web server's own 404 page.
        message = f"not found (a web server page, not an API answer): {text}" if text else "not found"
        return NotFoundError(message, status=404, provider=PROVIDER_NAME, method=request.method,
                             url=response.url, body=text)
    ctype = response.content_type or "no Content-Type"
    message = f"HTTP {status} ({ctype}): {text}" if text else f"HTTP {status} with an empty body"
    return _build(_class_for(status), message, request, response, status, text)
