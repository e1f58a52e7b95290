"""Transport knobs every provider accepts: timeouts, retries, concurrency, rate limit, safety.

They are plain config keys (``timeout = 10``, ``max_retries = 0``...) so that they travel with the
rest of a provider's configuration, and :meth:`InvoiceClient.with_options` overrides them per call.
"""

from __future__ import annotations

import math
from typing import Any

from attrs import field, frozen, validators


def _number(_inst: Any, attribute: Any, value: Any) -> None:
    # Checked before the bounds: a "5" compared with 0.0 is a TypeError about str and float, and
    # inf passes every lower bound (a timeout that never ends).
    name = getattr(attribute, "name", "value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")


def _whole(_inst: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{getattr(attribute, 'name', 'value')} must be an integer, not {type(value).__name__}")


def _flag(_inst: Any, attribute: Any, value: Any) -> None:
    # Only a bool: "false" is a true value, and this one lets credentials travel unencrypted.
    if type(value) is not bool:
        raise TypeError(f"{getattr(attribute, 'name', 'value')} must be True or False, not {type(value).__name__}")


def _optional_number(_inst: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _number(_inst, attribute, value)


def _optional_whole(_inst: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _whole(_inst, attribute, value)


_positive = [_number, validators.gt(0.0)]
_positive_int = [_whole, validators.gt(0)]
_non_negative = [_number, validators.ge(0.0)]


def _header_safe(_inst: object, attribute: object, value: str | None) -> None:
    # Imported here: settings builds on this module.
    from .settings import refuse_control_characters

    if value is not None and not isinstance(value, str):
        raise TypeError(f"{getattr(attribute, 'name', 'value')} must be a string, not {type(value).__name__}")

    refuse_control_characters(value, key=getattr(attribute, "name", "value"))


def _optional_non_negative(_inst: object, attribute: object, value: int | None) -> None:
    if value is not None and value < 0:
        name = getattr(attribute, "name", "value")
        raise ValueError(f"{name} must be >= 0 or unset")


def _optional_positive(_inst: object, attribute: object, value: float | None) -> None:
    if value is not None and value <= 0:
        name = getattr(attribute, "name", "value")
        raise ValueError(f"{name} must be > 0 or unset")


@frozen(kw_only=True)
class ClientOptions:
    """How a client talks HTTP. Every field is also a config key of the same name."""

    #: Total seconds one attempt may take (connect + send + read).
    timeout: float = field(default=30.0, validator=_positive)
    #: Seconds to get a connection (includes waiting for a free one in the pool).
    connect_timeout: float = field(default=10.0, validator=_positive)
    #: Seconds between two reads of the answer (None: only ``timeout`` bounds a slow answer).
    read_timeout: float | None = field(default=None, validator=[_optional_number, _optional_positive])
    #: Seconds from a call's start after which it starts no more retries (a backoff or
    #: Retry-After wait that would end later is not taken). Only reads, PUTs and deletes are
    #: retried once a request may have reached the server (see :mod:`invoicekit._http.retry`).
    #: A call lasts at most about ``retry_timeout + timeout``.
    retry_timeout: float = field(default=60.0, validator=_non_negative)
    #: An optional hard cap on retries per call, on top of ``retry_timeout`` and the client's
    #: retry budget; None (config: ``"off"``) for no cap, 0 turns retries off.
    max_retries: int | None = field(default=None, validator=[_optional_whole, _optional_non_negative])
    #: Retry tokens shared by every call of the client (a retry costs 5, 10 after a timeout; a
    #: success refills 1): at most ``retry_budget / 5`` retries in a row against a server that
    #: is down. None (config: ``"off"``) removes the client-wide limit.
    retry_budget: int | None = field(default=500, validator=[_optional_whole, _optional_non_negative])
    #: First backoff step and its cap, in seconds (exponential, full jitter).
    backoff_base: float = field(default=0.5, validator=_non_negative)
    backoff_cap: float = field(default=8.0, validator=_non_negative)
    #: The longest Retry-After we sleep for; a longer one raises RateLimitError at once (a wait
    #: must also end within ``retry_timeout``).
    max_retry_after: float = field(default=60.0, validator=_non_negative)
    #: Requests in flight at once for this client (also the connection pool size).
    max_concurrency: int = field(default=20, validator=_positive_int)
    #: Requests per second for this client, evenly spaced (burst 1, see
    #: :mod:`invoicekit._http.limiter`); None (config: ``"off"``) turns the limiter off.
    #: Provider limits: GoHighLevel 100 per 10 s per location -> 10; ONLYOFFICE cloud 500 per
    #: 10 s -> 50. The limiter counts this client only: clients sharing a quota must split it.
    rate_limit: float | None = field(default=None, validator=[_optional_number, _optional_positive])
    #: Largest answer body accepted, in bytes.
    max_response_bytes: int = field(default=32 * 1024 * 1024, validator=_positive_int)
    #: Allow credentials over plain http:// to hosts other than loopback.
    allow_insecure_http: bool = field(default=False, validator=_flag)
    #: Sent as User-Agent.
    user_agent: str | None = field(default=None, validator=_header_safe)


OPTION_KEYS: frozenset[str] = frozenset(a.name for a in ClientOptions.__attrs_attrs__)
