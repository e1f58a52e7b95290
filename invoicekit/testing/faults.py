"""Faults a simulator injects on demand, shared by both providers.

A test arms a rule (``sim.faults.fail_next(503, times=3)``) and the simulator consumes it on the
next matching requests. Rules match by HTTP method and a glob over the request path
(``fnmatch`` syntax, e.g. ``"/api/2.0/crm/invoice*"``); ``times=None`` keeps a rule armed until
:meth:`Faults.clear`.

Per request, every matching :class:`Delay` is consumed and slept first, then the *first* matching
terminal rule (fail, drop, malformed, rate limit), in the order they were armed, decides the
outcome. What the provider's answer looks like (an ONLYOFFICE envelope, a GoHighLevel NestJS error
body, the rate-limit headers) is up to the simulator; this module only keeps the bookkeeping.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Mapping
from typing import Literal, TypeVar

import attrs

MalformedKind = Literal["truncated", "html", "bad_json", "wrong_content_type"]
DropWhen = Literal["before_read", "after_read", "after_processing"]

_MALFORMED_KINDS = frozenset({"truncated", "html", "bad_json", "wrong_content_type"})
_DROP_WHEN = frozenset({"before_read", "after_read", "after_processing"})


@attrs.define(eq=False)
class _Rule:
    """Common part of every rule: which requests it matches and how many uses remain."""

    times: int | None
    method: str | None
    path: str | None

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)

    def consume(self) -> None:
        if self.times is not None:
            self.times -= 1

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.times <= 0


@attrs.define(eq=False)
class Delay(_Rule):
    """Sleep ``seconds`` before handling the request (the request is then handled normally)."""

    seconds: float = 0.0


@attrs.define(eq=False)
class Fail(_Rule):
    """Answer ``status`` instead of the real answer.

    ``body`` None lets the simulator render its own error body for that status; ``processed``
    runs the real handler first, so the write happens and only the answer is a failure (the
    "422 that still created the record" case).
    """

    status: int = 500
    body: bytes | str | Mapping[str, object] | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    processed: bool = False


@attrs.define(eq=False)
class Drop(_Rule):
    """Close the connection without answering.

    ``before_read``: the request body is never read; ``after_read``: the body is read, nothing
    is processed; ``after_processing``: the real handler ran (a create did happen) and the answer
    is lost, the case that tells a safe retry policy from a duplicating one.
    """

    when: DropWhen = "after_read"


@attrs.define(eq=False)
class Malformed(_Rule):
    """Process the request for real, then mangle the answer.

    ``truncated``: headers promise the full body, half is sent, then the connection closes;
    ``html``: an HTML error page (a proxy or captive portal) with ``status``;
    ``bad_json``: a body declared as JSON that does not parse; ``wrong_content_type``: the real
    body labelled ``text/html``.
    """

    kind: MalformedKind = "bad_json"
    status: int = 200


@attrs.define(eq=False)
class RateLimited(_Rule):
    """Answer the provider's rate-limit response (GHL 429, ONLYOFFICE cloud 503 + Retry-After)."""

    daily_exhausted: bool = False
    retry_after: float | None = None


TerminalRule = Fail | Drop | Malformed | RateLimited
_R = TypeVar("_R", Delay, Fail, Drop, Malformed, RateLimited)


def _check_times(times: int | None) -> None:
    if times is not None and times < 1:
        raise ValueError("times must be >= 1 (or None for 'until cleared')")


class Faults:
    """The armed fault rules of one simulator.

    All arming methods return the rule, so a test can inspect ``rule.times`` afterwards (0 once
    every use was consumed).
    """

    def __init__(self) -> None:
        self._rules: list[Delay | TerminalRule] = []
        # The CLI serves from one loop, tests from theirs; a lock keeps arming from another
        # thread (a pytest fixture driving a background server) consistent.
        self._lock = threading.Lock()

    def fail_next(
        self,
        status: int,
        *,
        times: int | None = 1,
        body: bytes | str | Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        processed: bool = False,
        method: str | None = None,
        path: str | None = None,
    ) -> Fail:
        """Answer ``status`` to the next ``times`` matching requests."""
        _check_times(times)
        if not 400 <= status <= 599:
            raise ValueError("fail_next() takes an error status (400-599)")
        return self._add(
            Fail(
                times=times,
                method=method,
                path=path,
                status=status,
                body=body,
                headers=dict(headers or {}),
                processed=processed,
            )
        )

    def delay(
        self, seconds: float, *, times: int | None = 1, method: str | None = None, path: str | None = None
    ) -> Delay:
        """Wait ``seconds`` before handling the next ``times`` matching requests."""
        _check_times(times)
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        return self._add(Delay(times=times, method=method, path=path, seconds=seconds))

    def drop_connection(
        self,
        *,
        times: int | None = 1,
        when: DropWhen = "after_read",
        method: str | None = None,
        path: str | None = None,
    ) -> Drop:
        """Close the connection without an answer (see :class:`Drop` for ``when``)."""
        _check_times(times)
        if when not in _DROP_WHEN:
            raise ValueError(f"when must be one of {sorted(_DROP_WHEN)}")
        return self._add(Drop(times=times, method=method, path=path, when=when))

    def malformed(
        self,
        *,
        times: int | None = 1,
        kind: MalformedKind = "bad_json",
        status: int = 200,
        method: str | None = None,
        path: str | None = None,
    ) -> Malformed:
        """Mangle the next ``times`` answers (see :class:`Malformed` for the kinds)."""
        _check_times(times)
        if kind not in _MALFORMED_KINDS:
            raise ValueError(f"kind must be one of {sorted(_MALFORMED_KINDS)}")
        return self._add(Malformed(times=times, method=method, path=path, kind=kind, status=status))

    def rate_limit_burst(
        self,
        *,
        times: int | None = 1,
        daily_exhausted: bool = False,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> RateLimited:
        """Answer the provider's rate-limit response to the next ``times`` matching requests.

        ``daily_exhausted`` reports the daily quota as spent (GoHighLevel's
        ``X-RateLimit-Daily-Remaining: 0``); ``retry_after`` adds a ``Retry-After`` header (GHL
        does not document one; ONLYOFFICE sends one, 1 s unless given).
        """
        _check_times(times)
        return self._add(
            RateLimited(times=times, method=method, path=path, daily_exhausted=daily_exhausted, retry_after=retry_after)
        )

    def clear(self) -> None:
        """Disarm every rule."""
        with self._lock:
            self._rules.clear()

    @property
    def pending(self) -> list[Delay | TerminalRule]:
        """Rules that still have uses left, in arming order."""
        with self._lock:
            return [rule for rule in self._rules if not rule.exhausted]

    def take(self, method: str, path: str) -> tuple[float, TerminalRule | None]:
        """Consume the rules matching one request: total delay and the terminal rule, if any."""
        with self._lock:
            delay = 0.0
            terminal: TerminalRule | None = None
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if isinstance(rule, Delay):
                    rule.consume()
                    delay += rule.seconds
                elif terminal is None:
                    rule.consume()
                    terminal = rule
            self._rules = [rule for rule in self._rules if not rule.exhausted]
            return delay, terminal

    def _add(self, rule: _R) -> _R:
        with self._lock:
            self._rules.append(rule)
        return rule
