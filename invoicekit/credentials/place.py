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
class MintedCredentials:
    """Credentials minted from a configured one and stored beside it (a GoHighLevel agency's
    tokens mint one access token per location): how ``auth status`` finds and reads them, and
    what ``auth forget`` drops with the credential they were minted from.

    ``kind`` says what they are ("location tokens minted from company X's tokens"); ``known``
    are the keys the configuration names (always shown); ``prefix`` is where to list the others
    in a store that can list keys (:class:`~invoicekit.state.KeyListingStateStore`); ``describe``
    gives the subject of a key that holds one ("location token of location Y"), None for any
    other key; ``read`` decodes a stored record (ValueError, TypeError or KeyError when it
    cannot). A minted credential's ``chain`` is the chain of the credential it was minted from.
    """

    kind: str
    known: tuple[str, ...]
    prefix: str
    describe: Callable[[str], str | None]
    read: Callable[[bytes], StoredCredential]


@frozen
class CredentialPlace:
    """A configuration's renewable credential: where it is stored and how to read it back.

    ``subject`` says what it is ("OAuth tokens of location X (app Y)"), ``key`` is its state-store
    key, ``chain`` names the configured seed, ``read`` decodes a stored record (ValueError,
    TypeError or KeyError when it cannot), and ``spends_seed`` is True when a renewal spends the
    configured seed (a single-use refresh token): once the stored chain has moved on, the
    configuration holds a dead token, which ``auth forget`` warns about. ``minted`` describes the
    credentials minted from it, if any.
    """

    subject: str
    key: str
    chain: str
    read: Callable[[bytes], StoredCredential]
    spends_seed: bool
    minted: MintedCredentials | None = None

    def __repr__(self) -> str:
        return f"CredentialPlace({self.subject!r}, key={self.key!r})"


__all__ = ["CredentialPlace", "MintedCredentials", "StoredCredential"]
