"""What operators see of invoicekit's HTTP calls: structured log fields, hooks, tracing spans.

- **Log fields.** Request and retry records on the ``invoicekit.http`` logger (DEBUG) carry
  ``extra=`` fields a JSON formatter can emit as they are: ``provider``, ``operation``,
  ``method``, ``path_template`` (ids replaced by ``{id}``), ``status``, ``attempt`` (1 for the
  first), ``elapsed`` (seconds) and ``request_id`` (GoHighLevel's ``traceId`` and the like).
- **Hooks.** ``client.hooks.on_request(fn)`` and ``client.hooks.on_response(fn)`` register
  callables (plain or ``async``) that get an :class:`Attempt` before each attempt is sent and
  after its answer (or failure). A hook that raises is logged and ignored: it never breaks a
  call. Views from ``with_options`` and an agency's location clients share their client's hooks.
- **OpenTelemetry.** With ``opentelemetry-api`` installed (``pip install 'invoicekit[otel]'``),
  each request the library makes is a span (``"<provider> <operation>"``) and each attempt a
  child ``CLIENT`` span with the HTTP semantic-convention attributes (``http.request.method``,
  ``url.full``, ``server.address``, ``server.port``, ``http.response.status_code``,
  ``http.request.resend_count``, ``error.type``). Without it nothing is imported or done.

No credential is in any of them: URLs carry no secret in either provider, headers are not
passed, bodies are not read.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import os
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from attrs import frozen

from ._log import get_logger

if TYPE_CHECKING:
    from ._http.messages import Request, Response

logger = get_logger("invoicekit.http")

_otel: Any
try:  # optional: spans cost nothing when OpenTelemetry is not installed
    import opentelemetry.trace as _otel
except ImportError:  # pragma: no cover - exercised by the no-otel environments
    _otel = None

def tracing() -> bool:
    """True when OpenTelemetry is installed and an application has set a tracer provider. With
    the API alone (its default proxy provider, or the no-op one) every span would be a no-op
    that still costs microseconds per call, so none is made; a provider set later is seen by
    the next call."""
    if _otel is None:
        return False
    # The API's own "nothing set yet" (get_tracer_provider() reads the environment on every call
    # until a provider is set: a few microseconds per request for nothing).
    if getattr(_otel, "_TRACER_PROVIDER", _UNKNOWN) is None and not _PROVIDER_FROM_ENVIRONMENT:
        return False
    return not isinstance(_otel.get_tracer_provider(), (_otel.ProxyTracerProvider, _otel.NoOpTracerProvider))


_UNKNOWN = object()
#: Auto-instrumentation may name a provider to load on first use.
_PROVIDER_FROM_ENVIRONMENT = "OTEL_PYTHON_TRACER_PROVIDER" in os.environ

#: The attempt number of the request being sent (1 for the first), set by the request runner.
CURRENT_ATTEMPT: contextvars.ContextVar[int] = contextvars.ContextVar("invoicekit_attempt", default=1)

_ID_SEGMENT = re.compile(r"^(?:\d+|(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{12,})(\.(?:json|xml))?$")
_TRACE_IN_BODY = re.compile(rb'"traceId"\s*:\s*"([A-Za-z0-9._:-]{1,100})"')
_REQUEST_ID_HEADERS = ("traceid", "x-trace-id", "x-request-id", "x-amzn-trace-id")


@frozen
class Attempt:
    """One attempt of one request: what hooks receive (``status``/``elapsed``/``request_id``/
    ``error`` are None before the answer)."""

    provider: str
    operation: str
    method: str
    path_template: str
    url: str
    attempt: int
    status: int | None = None
    elapsed: float | None = None
    request_id: str | None = None
    #: The failure's type name when no answer came (a timeout, a dropped connection).
    error: str | None = None

    def log_fields(self) -> dict[str, Any]:
        """The ``extra=`` fields of a log record."""
        return {
            "provider": self.provider, "operation": self.operation, "method": self.method,
            "path_template": self.path_template, "status": self.status, "attempt": self.attempt,
            "elapsed": self.elapsed, "request_id": self.request_id,
        }


Hook = Callable[[Attempt], Awaitable[None] | None]


class Hooks:
    """The request/response hooks of one client (and its views)."""

    def __init__(self) -> None:
        self.request: list[Hook] = []
        self.response: list[Hook] = []

    def on_request(self, hook: Hook) -> Hook:
        """Call ``hook(attempt)`` before each attempt is sent (usable as a decorator)."""
        self.request.append(hook)
        return hook

    def on_response(self, hook: Hook) -> Hook:
        """Call ``hook(attempt)`` after each attempt's answer or failure (usable as a decorator)."""
        self.response.append(hook)
        return hook

    def __bool__(self) -> bool:
        return bool(self.request or self.response)

    async def run(self, hooks: list[Hook], attempt: Attempt) -> None:
        for hook in list(hooks):
            try:
                result = hook(attempt)
                if inspect.isawaitable(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a user's hook never breaks a call
                logger.warning("invoicekit hook %r failed: %s", getattr(hook, "__name__", hook), type(exc).__name__)

    def __repr__(self) -> str:
        return f"<Hooks request={len(self.request)} response={len(self.response)}>"


def path_template(path: str) -> str:
    """``invoices/6578278e879ad2646715ba9c`` -> ``invoices/{id}``; ``crm/invoice/12.json`` ->
    ``crm/invoice/{id}.json``: a low-cardinality name for metrics and logs."""
    return "/".join(
        _ID_SEGMENT.sub(lambda m: "{id}" + (m.group(1) or ""), segment) for segment in path.split("/")
    )


def request_id(response: Response) -> str | None:
    """The provider's id of this answer (a header, else an error body's ``traceId``)."""
    headers = response.headers
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value[:100]
    if response.status >= 400 and response.body:
        found = _TRACE_IN_BODY.search(response.body[:4096])
        if found:
            return found.group(1).decode()
    return None


def operation_span(provider: str, request: Request) -> Any:
    """The span of one request the library makes (all its attempts), as a context manager."""
    assert _otel is not None
    tracer = _otel.get_tracer("invoicekit")
    return tracer.start_as_current_span(
        f"{provider} {request.operation}",
        attributes={"invoicekit.provider": provider, "invoicekit.operation": request.operation},
        record_exception=False,  # our errors' texts are scrubbed, but a span is no place for them
    )


def attempt_span(attempt: Attempt, *, host: str | None, port: int | None) -> Any:
    """The ``CLIENT`` span of one attempt, as a context manager (attributes of the answer are
    added by :func:`end_attempt_span`)."""
    assert _otel is not None
    attributes: dict[str, Any] = {
        "http.request.method": attempt.method, "url.full": attempt.url, "url.template": attempt.path_template,
    }
    if host:
        attributes["server.address"] = host
    if port:
        attributes["server.port"] = port
    if attempt.attempt > 1:
        attributes["http.request.resend_count"] = attempt.attempt - 1
    tracer = _otel.get_tracer("invoicekit")
    return tracer.start_as_current_span(
        attempt.method, kind=_otel.SpanKind.CLIENT, attributes=attributes, record_exception=False,
        set_status_on_exception=False,
    )


def end_attempt_span(span: Any, attempt: Attempt) -> None:
    if attempt.status is not None:
        span.set_attribute("http.response.status_code", attempt.status)
        if attempt.status >= 400:
            span.set_attribute("error.type", str(attempt.status))
            span.set_status(_otel.Status(_otel.StatusCode.ERROR))
    elif attempt.error is not None:
        span.set_attribute("error.type", attempt.error)
        span.set_status(_otel.Status(_otel.StatusCode.ERROR))
    if attempt.request_id:
        span.set_attribute("invoicekit.request_id", attempt.request_id)


__all__ = ["CURRENT_ATTEMPT", "Attempt", "Hook", "Hooks", "path_template", "request_id"]
