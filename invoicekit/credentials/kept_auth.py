"""The :class:`~invoicekit._http.auth.AuthStrategy` of every credential a
:class:`CredentialKeeper` renews (ONLYOFFICE password logins, GoHighLevel OAuth tokens): each
request carries the held credential, and a 401 renews it unless someone already did."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Generic

from .keeper import C, CredentialKeeper


class KeptAuth(abc.ABC, Generic[C]):
    """Sends ``_headers_for(keeper's credential)``; subclasses set ``keeper`` and say how a
    credential becomes headers."""

    keeper: CredentialKeeper[C]
    _last: tuple[C, Mapping[str, str]] | None = None

    @abc.abstractmethod
    def _headers_for(self, credential: C) -> Mapping[str, str]:
        """The headers that carry ``credential``."""

    async def headers(self) -> Mapping[str, str]:
        credential = await self.keeper.current()
        last = self._last
        if last is not None and last[0] is credential:  # the same credential: the same headers
            return last[1]
        headers = self._headers_for(credential)
        self._last = (credential, headers)
        return headers

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        held = self.keeper.held
        if rejected.get("Authorization") == self._headers_for(held).get("Authorization"):
            await self.keeper.after_rejection(held)
        return True  # else somebody renewed it while that request was out: retry with theirs

    async def aclose(self) -> None:
        """Wait for a renewal this client started: it completes and is saved."""
        await self.keeper.aclose()


__all__ = ["KeptAuth"]
