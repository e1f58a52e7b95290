"""Where a configuration's renewable credential lives: what ``invoicekit auth`` needs to know.

Each provider describes its own (:attr:`invoicekit.registry.ProviderEntry.credentials`), so that
the CLI reads any adapter's stored credentials, a third-party one included, without naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from attrs import frozen


@frozen
class StoredCredential:
    """What ``auth status`` may show of a stored credential: never a secret."""

    generation: int
    chain: str
    expires_at: datetime | None
    obtained_at: datetime | None


@frozen
class CredentialPlace:
    """A configuration's renewable credential: where it is stored and how to read it back.

    ``subject`` says what it is ("OAuth tokens of location X (app Y)"), ``key`` is its state-store
    key, ``chain`` names the configured seed, ``read`` decodes a stored record (ValueError,
    TypeError or KeyError when it cannot), and ``spends_seed`` is True when a renewal spends the
    configured seed (a single-use refresh token): once the stored chain has moved on, the
    configuration holds a dead token, which ``auth forget`` warns about.
    """

    subject: str
    key: str
    chain: str
    read: Callable[[bytes], StoredCredential]
    spends_seed: bool

    def __repr__(self) -> str:
        return f"CredentialPlace({self.subject!r}, key={self.key!r})"


__all__ = ["CredentialPlace", "StoredCredential"]
