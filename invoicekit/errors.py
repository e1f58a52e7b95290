"""The one exception hierarchy of invoicekit.

Every error the library raises is an :class:`InvoiceKitError`. Messages name what was wrong and
where (the setting, the field, the request) but never carry a secret: requests are described by
method and URL only, and no URL invoicekit builds carries a credential.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Invoice, InvoiceId, InvoiceStatus, RateLimitInfo


class InvoiceKitError(Exception):
    """Base class of every error raised by invoicekit.

    ``created_invoice_id`` is set only when a ``create`` that takes more than one request (see
    README "Provider rules") failed after the invoice was created and it could not be deleted
    again: that invoice still exists, with this id (the error's notes say what is missing).
    """

    created_invoice_id: InvoiceId | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce loads an error by calling its class with ``args`` alone, which
        # the keyword-only attributes (status, provider, url...) make fail: an error a worker
        # process raised could not reach its parent. This loads it as it was, attributes and
        # notes included, without calling __init__ again (its text is made already).
        return (_restore_error, (type(self), self.args), self.__dict__)


def _restore_error(cls: type[InvoiceKitError], args: tuple[Any, ...]) -> InvoiceKitError:
    error = cls.__new__(cls)
    error.args = args
    return error


class ConfigError(InvoiceKitError):
    """The configuration is unusable: unknown provider, missing or mistyped setting.

    ``key`` names the offending setting (dotted for nested ones, e.g. ``business.name``).
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class ConfigTypeError(ConfigError, TypeError):
    """A credential built in code is of the wrong type: ``Secret(5)`` (``key`` None), or a
    settings object given a token that is no text (``key`` names the setting). Also a
    TypeError, as Python raises for a wrong argument type."""


class InvalidRequestError(InvoiceKitError, ValueError):
    """Client-side validation failed; nothing was sent.

    ``field`` names the offending input (``lines[0].quantity``, ``invoice_id``...).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.reason = message


class ClientStateError(InvoiceKitError, RuntimeError):
    """The client cannot be used this way now: it is closed, or the aiohttp session passed to it
    belongs to another event loop (or was closed by its owner). Nothing was sent, except as
    :class:`ClientClosedError` says."""


class ClientClosedError(ClientStateError):
    """The client (or the client a ``with_options`` view came from) was closed with ``aclose()``.

    Raised before anything is sent, or by a call that was in flight when ``aclose()`` closed
    its connection: then ``request_sent`` is True, the message says the request may or may not
    have reached the server (like a dropped connection), and a write may have been applied (a
    create says how to check)."""

    request_sent: bool = False


class UnsupportedOperationError(InvoiceKitError):
    """The provider has no such operation (see ``client.capabilities``)."""

    def __init__(self, provider: str, operation: str) -> None:
        super().__init__(f"{provider} does not support {operation!r}")
        self.provider = provider
        self.operation = operation


class TransportError(InvoiceKitError):
    """The request did not complete: connection refused or dropped, DNS, TLS, timeout.

    ``request_sent`` is False only when the connection failed before any byte of the request
    left, which is the one case where retrying a non-idempotent call is known to be safe.
    ``status`` is set when the answer's status line arrived but its body broke off (a create that
    got 201 and then lost its connection did happen). ``attempts`` counts the tries made.
    """

    attempts: int = 1

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        operation: str,
        method: str,
        url: str,
        request_sent: bool,
        timeout: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(f"{provider} {operation} ({method} {url}): {message}")
        self.provider = provider
        self.operation = operation
        self.method = method
        self.url = url
        self.request_sent = request_sent
        self.timeout = timeout
        self.status = status


class APIError(InvoiceKitError):
    """The provider answered with an error.

    ``message`` is the provider's first message, ``messages`` all of them (GoHighLevel sends
    lists), ``body`` the decoded error body (a mapping for JSON/XML bodies, a string for text
    pages), ``method``/``url`` identify the request, ``attempts`` counts the tries made.

    ``earlier_attempt_may_have_applied`` is True when the request was a write (DELETE, PUT...)
    retried after an attempt that may have reached the server and been applied though its
    answer was lost (a dropped connection, a gateway error): a retried DELETE's
    :class:`NotFoundError` then likely means that earlier attempt deleted it. The error's text
    says so too.
    """

    attempts: int = 1
    earlier_attempt_may_have_applied: bool = False

    def __init__(
        self,
        message: str,
        *,
        status: int,
        provider: str,
        method: str,
        url: str,
        messages: Sequence[str] | None = None,
        body: Mapping[str, Any] | str | None = None,
        trace_id: str | None = None,
    ) -> None:
        super().__init__(f"{provider} {method} {url} -> HTTP {status}: {message}")
        self.status = status
        self.provider = provider
        self.message = message
        self.messages: tuple[str, ...] = tuple(messages) if messages else (message,)
        self.body = body
        self.method = method
        self.url = url
        self.trace_id = trace_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, status={self.status}, message={self.message!r})"


class AuthenticationError(APIError):
    """401, failed logins, refused token refreshes, two-factor prompts."""


class PaymentRequiredError(APIError):
    """402: the portal or account is unpaid or inactive."""


class PermissionDeniedError(APIError):
    """403: authenticated, but not allowed (wrong location, missing right)."""


class NotFoundError(APIError):
    """404, or a provider's own way of saying the invoice does not exist."""


class ValidationError(APIError):
    """400 or 422: the provider rejected the request's content."""


class InvalidStateError(APIError):
    """The invoice's status forbids the operation (or the provider silently ignored it).

    Raised by every provider for every wrong-state move (see the state tables in
    :mod:`invoicekit.states`). ``operation`` names it (``"update"``, ``"mark_paid"``...),
    ``current_status`` is the invoice's status and ``allowed_statuses`` the statuses the operation
    applies to, where known. ``request_sent`` is False when invoicekit refused the operation
    before sending anything, because the status it had just read forbids it: ``method`` and
    ``url`` are then the request it did not send and ``status`` is 409 (Conflict, HTTP's status
    for a request that conflicts with the resource's state), not an answer from the provider.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        invoice_id: InvoiceId | None = None,
        current_status: InvoiceStatus | None = None,
        allowed_statuses: Sequence[InvoiceStatus] = (),
        request_sent: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.operation = operation
        self.invoice_id = invoice_id
        self.current_status = current_status
        self.allowed_statuses: tuple[InvoiceStatus, ...] = tuple(allowed_statuses)
        self.request_sent = request_sent
        if not request_sent:  # no answer to quote: say what was not sent instead of "-> HTTP ..."
            self.args = (f"{self.provider} {operation or self.method} ({self.method} {self.url}) not sent: {message}",)


class RateLimitError(APIError):
    """429, or a 503 that is a rate limit.

    ``retry_after`` is in seconds when known; ``daily_quota_exhausted`` says a retry is pointless
    for hours; ``rate_limit`` carries the provider's rate-limit headers when it sends them.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        daily_quota_exhausted: bool = False,
        rate_limit: RateLimitInfo | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.daily_quota_exhausted = daily_quota_exhausted
        self.rate_limit = rate_limit


class ServerError(APIError):
    """5xx from the provider."""


class MalformedResponseError(APIError):
    """The answer could not be decoded: bad JSON/XML, an HTML page, a truncated or oversized body,
    a wrong content type, or a shape the decoder cannot map. ``body`` holds a short excerpt."""


class IncompleteResponseError(MalformedResponseError):
    """The answer broke off before the end its headers promised (the connection failed mid-body).

    ``status`` is the status line that did arrive: for a create, a 2xx means the invoice may well
    exist. Like a transport failure it is retried for idempotent calls only.
    """


class BatchError(InvoiceKitError):
    """A batch operation did not succeed for every id.

    ``succeeded`` holds what was done (for ``delete_many``, the deleted invoices) and
    ``failures`` maps each id that was not done to the error that explains why.
    """

    def __init__(
        self,
        operation: str,
        *,
        succeeded: Sequence[Invoice],
        failures: Mapping[InvoiceId, InvoiceKitError],
    ) -> None:
        ids = ", ".join(repr(i) for i in failures)
        super().__init__(f"{operation}: {len(failures)} of {len(succeeded) + len(failures)} failed ({ids})")
        self.operation = operation
        self.succeeded: tuple[Invoice, ...] = tuple(succeeded)
        self.failures: dict[InvoiceId, InvoiceKitError] = dict(failures)


_STATUS_ERRORS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class_for_status(status: int) -> type[APIError]:
    """The error class a plain HTTP status maps to; adapters refine it from the body."""
    if status in _STATUS_ERRORS:
        return _STATUS_ERRORS[status]
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return ValidationError
    return APIError
