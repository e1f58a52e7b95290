"""Transport knobs every provider accepts: timeouts, retries, concurrency, rate limit, safety.

They are plain config keys (``timeout = 10``, ``max_retries = 0``...) so that they travel with the
rest of a provider's configuration, and :meth:`InvoiceClient.with_options` overrides them per call.
"""

from __future__ import annotations

import math
from typing import Any

from attrs import field, frozen

_FLOAT_BITS = 1000  # an integer this wide is still well within a float's range (about 2**1024)


def _at_least(low: float, *, strict: bool, whole: bool = False, optional: bool = False) -> Any:
    """One validator per option (a type, then a bound), so that checking the type first costs
    no extra call (``with_options`` runs them all): a "5" compared with 0.0 would be a TypeError
    about str and float, and inf passes every lower bound (a timeout that never ends)."""
    kind, types = ("an integer", int) if whole else ("a number", int | float)
    bound = f"{'>' if strict else '>='} {low}" + (" or unset" if optional else "")

    def check(_inst: Any, attribute: Any, value: Any) -> None:
        if value is None and optional:
            return
        name = getattr(attribute, "name", "value")
        if isinstance(value, bool) or not isinstance(value, types):
            raise TypeError(f"{name} must be {kind}, not {type(value).__name__}")
        # inf, or an integer past a float's range (isfinite would raise OverflowError on it, and
        # the event loop's clock arithmetic later): no real limit, refused as such.
        if not (math.isfinite(value) if isinstance(value, float) else value.bit_length() <= _FLOAT_BITS):
            raise ValueError(f"{name} must be a finite number")
        if value < low or (strict and value == low):
            raise ValueError(f"{name} must be {bound}")

    return check


def _flag(_inst: Any, attribute: Any, value: Any) -> None:
    # Only a bool: "false" is a true value, and this one lets credentials travel unencrypted.
    if type(value) is not bool:
        raise TypeError(f"{getattr(attribute, 'name', 'value')} must be True or False, not {type(value).__name__}")


_positive = _at_least(0.0, strict=True)
_positive_int = _at_least(0, strict=True, whole=True)
_non_negative = _at_least(0.0, strict=False)
_optional_positive = _at_least(0.0, strict=True, optional=True)
_optional_non_negative_int = _at_least(0, strict=False, whole=True, optional=True)


def _header_safe(_inst: object, attribute: object, value: str | None) -> None:
    # Imported here: settings builds on this module.
    from .settings import refuse_unsendable_header_value

    if value is not None and not isinstance(value, str):
        raise TypeError(f"{getattr(attribute, 'name', 'value')} must be a string, not {type(value).__name__}")

    refuse_unsendable_header_value(value, key=getattr(attribute, "name", "value"))


@frozen(kw_only=True)
class ClientOptions:
    """How a client talks HTTP. Every field is also a config key of the same name."""

    #: Total seconds one attempt may take (connect + send + read).
    timeout: float = field(default=30.0, validator=_positive)
    #: Seconds to get a connection (includes waiting for a free one in the pool).
    connect_timeout: float = field(default=10.0, validator=_positive)
    #: Seconds between two reads of the answer (None: only ``timeout`` bounds a slow answer).
    read_timeout: float | None = field(default=None, validator=_optional_positive)
    #: Seconds from a call's start after which it starts no more retries (a backoff or
    #: Retry-After wait that would end later is not taken). Only reads, PUTs and deletes are
    #: retried once a request may have reached the server (see :mod:`invoicekit._http.retry`).
    #: A call lasts at most about ``retry_timeout + timeout``.
    retry_timeout: float = field(default=60.0, validator=_non_negative)
    #: An optional hard cap on retries per call, on top of ``retry_timeout`` and the client's
    #: retry budget; None (config: ``"off"``) for no cap, 0 turns retries off.
    max_retries: int | None = field(default=None, validator=_optional_non_negative_int)
    #: Retry tokens shared by every call of the client (a retry costs 5, 10 after a timeout; a
    #: success refills 1): at most ``retry_budget / 5`` retries in a row against a server that
    #: is down. None (config: ``"off"``) removes the client-wide limit.
    retry_budget: int | None = field(default=500, validator=_optional_non_negative_int)
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
    rate_limit: float | None = field(default=None, validator=_optional_positive)
    #: Largest answer body accepted, in bytes.
    max_response_bytes: int = field(default=32 * 1024 * 1024, validator=_positive_int)
    #: Allow credentials over plain http:// to hosts other than loopback.
    allow_insecure_http: bool = field(default=False, validator=_flag)
    #: Sent as User-Agent.
    user_agent: str | None = field(default=None, validator=_header_safe)


OPTION_KEYS: frozenset[str] = frozenset(a.name for a in ClientOptions.__attrs_attrs__)
