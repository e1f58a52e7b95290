"""The credential life cycle both adapters share: GoHighLevel OAuth refreshes and ONLYOFFICE
password logins go through one :class:`CredentialKeeper` (see :mod:`invoicekit.credentials.keeper`)."""

from .keeper import Credential, CredentialKeeper, CredentialRules
from .kept_auth import KeptAuth
from .place import CredentialPlace, MintedCredentials, StoredCredential
from .policy import (
    DEFAULT_BACKOFF,
    Backoff,
    fingerprint,
    from_iso,
    header_safe,
    refresh_margin,
    still_fresh,
    to_iso,
)
from .record import StoredRecord, dump_record

__all__ = [
    "DEFAULT_BACKOFF",
    "Backoff",
    "Credential",
    "CredentialKeeper",
    "CredentialPlace",
    "CredentialRules",
    "KeptAuth",
    "MintedCredentials",
    "StoredCredential",
    "StoredRecord",
    "dump_record",
    "fingerprint",
    "from_iso",
    "header_safe",
    "refresh_margin",
    "still_fresh",
    "to_iso",
]
