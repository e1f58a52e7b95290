"""How a request is authenticated: the strategy protocol the request runner calls, and the
simplest strategy (a fixed header). Adapters with logins or token refresh implement the protocol."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class AuthStrategy(Protocol):
    """Supplies credentials and recovers from a rejected one."""

    async def headers(self) -> Mapping[str, str]:
        """Headers that authenticate the next request (may log in or refresh first)."""
        ...

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        """Called after a 401 for a request sent with ``rejected``; True when fresh credentials
        are ready and one more attempt makes sense. Must be single-flight."""
        ...


class StaticAuth:
    """A fixed header; a 401 is final."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    @property
    def fixed_headers(self) -> Mapping[str, str]:
        """What :meth:`headers` returns, without a coroutine (the request runner reads this)."""
        return self._headers

    async def headers(self) -> Mapping[str, str]:
        return self._headers

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"
