"""``Authorization: Bearer`` from a credential keeper: what every GoHighLevel OAuth strategy
(a location's own tokens, an agency's minted location tokens) does the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar

from ..credentials import Credential, KeptAuth
from ..secret import Secret


class BearerCredential(Credential, Protocol):
    @property
    def access_token(self) -> Secret | None: ...


B = TypeVar("B", bound=BearerCredential)


def bearer(token: Secret | None) -> str:
    return f"Bearer {token.reveal() if token is not None else ''}"


class KeptBearerAuth(KeptAuth[B]):
    """An :class:`~invoicekit._http.auth.AuthStrategy` sending the keeper's access token."""

    def _headers_for(self, credential: B) -> Mapping[str, str]:
        return {"Authorization": bearer(credential.access_token)}


__all__ = ["BearerCredential", "KeptBearerAuth", "bearer"]
