"""``Authorization: Bearer`` from a credential keeper: what every GoHighLevel OAuth strategy
(a location's own tokens, an agency's minted location tokens) does the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, Protocol, TypeVar

from ..credentials import Credential, CredentialKeeper
from ..secret import Secret


class BearerCredential(Credential, Protocol):
    @property
    def access_token(self) -> Secret | None: ...


B = TypeVar("B", bound=BearerCredential)


def bearer(token: Secret | None) -> str:
    return f"Bearer {token.reveal() if token is not None else ''}"


class KeptBearerAuth(Generic[B]):
    """An :class:`~invoicekit._http.auth.AuthStrategy` sending the keeper's access token."""

    keeper: CredentialKeeper[B]
    _last: tuple[B, Mapping[str, str]] | None = None

    async def headers(self) -> Mapping[str, str]:
        credential = await self.keeper.current()
        last = self._last
        if last is not None and last[0] is credential:
            return last[1]
        headers = {"Authorization": bearer(credential.access_token)}
        self._last = (credential, headers)
        return headers

    async def recover(self, rejected: Mapping[str, str]) -> bool:
        held = self.keeper.held
        if rejected.get("Authorization") == bearer(held.access_token):
            await self.keeper.after_rejection(held)
        return True  # else somebody renewed it while that request was out: retry with theirs

    async def aclose(self) -> None:
        """Wait for a renewal this client started: it completes and is saved."""
        await self.keeper.aclose()


__all__ = ["BearerCredential", "KeptBearerAuth", "bearer"]
