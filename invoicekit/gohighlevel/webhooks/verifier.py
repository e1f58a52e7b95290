"""GoHighLevel webhooks: verify the raw request bytes, then decode them into events.

GoHighLevel signs each delivery's body with two schemes while it migrates between them:

- ``x-ghl-signature``: Ed25519, base64 of the 64-byte signature (the current scheme);
- ``x-wh-signature``: RSA PKCS#1 v1.5 with SHA-256, base64 (legacy; GoHighLevel announced its
  end for July 2026).

The signature covers the body exactly as sent, so it is checked over the raw bytes, never over a
re-serialisation (key order, spacing and ``\\u`` escapes would differ). A missing signature is a
refusal, not a warning; the payload's ``timestamp`` must be within the replay window, and a
delivery id already accepted is refused as a duplicate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..._log import get_logger
from ..._serde import loads_json, parse_datetime
from ...errors import ConfigError, InvalidRequestError
from ...events.model import EventKind, InvoiceEvent
from ...state import StateStore, check_state_store, open_state_store
from .dedupe import DeliveryLog, MemoryDeliveryLog, StoreDeliveryLog
from .keys import ED25519_KEY_SOURCE, GOHIGHLEVEL_RSA_PUBLIC_KEY, KeyInput, load_ed25519_keys, load_rsa_keys
from .model import AppInstall, AppUninstall, OtherWebhook, WebhookError, WebhookEvent

PROVIDER = "gohighlevel"
ED25519_HEADER = "x-ghl-signature"
RSA_HEADER = "x-wh-signature"
ED25519_SIGNATURE_SIZE = 64
#: An RSA signature is as long as its key: 1024- to 8192-bit keys. One of another key's size is a
#: signature no configured key made (bad_signature), not a malformed header.
RSA_SIGNATURE_SIZES = (128, 1024)

#: GoHighLevel's invoice webhook types (``docs/webhook events/Invoice*.md``) and their kinds.
INVOICE_TYPES: Mapping[str, EventKind] = {
    "InvoiceCreate": EventKind.CREATED,
    "InvoiceUpdate": EventKind.UPDATED,
    "InvoiceSent": EventKind.SENT,
    "InvoicePaid": EventKind.PAID,
    "InvoicePartiallyPaid": EventKind.PARTIALLY_PAID,
    "InvoiceVoid": EventKind.VOIDED,
    "InvoiceDelete": EventKind.DELETED,
}
# The documented examples of the invoice events carry no ``type``; their statuses then tell the
# kind wherever one status belongs to one event.
_KIND_OF_STATUS: Mapping[str, EventKind] = {
    "delete": EventKind.DELETED,
    "paid": EventKind.PAID,
    "partially_paid": EventKind.PARTIALLY_PAID,
    "void": EventKind.VOIDED,
    "sent": EventKind.SENT,
}

#: GoHighLevel retries a delivery answered with 429 up to six times, about ten minutes apart
#: plus jitter, with the same body (so the same ``timestamp``): about 70 minutes in the worst
#: case. The default replay window accepts those retries; the delivery log refuses any replay
#: inside it, the window anything older.
DEFAULT_MAX_AGE = timedelta(minutes=75)
DEFAULT_MAX_SKEW = timedelta(minutes=5)
#: How long an accepted delivery id is remembered when the payload has no timestamp to bound it.
DEFAULT_DEDUPE_TTL = timedelta(hours=24)

logger = get_logger("invoicekit.gohighlevel.webhooks")


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _header_map(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-cased header names (HTTP names are case-insensitive); the first value wins."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    found: dict[str, str] = {}
    for name, value in pairs:
        found.setdefault(str(name).strip().lower(), str(value))
    return found


def _signature(value: str, header: str, smallest: int, largest: int) -> bytes:
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookError("malformed_signature", f"the {header} header is not base64") from None
    if not smallest <= len(raw) <= largest:
        expected = str(smallest) if smallest == largest else f"{smallest} to {largest}"
        raise WebhookError("malformed_signature", f"the {header} header holds {len(raw)} bytes, not {expected}")
    return raw


class WebhookVerifier:
    """Verifies GoHighLevel webhooks and decodes them into events.

    ``rsa_public_keys`` defaults to the key GoHighLevel publishes in its docs
    (``WebhookAuthentication.md``). ``ed25519_public_keys`` has no default: configure the key
    GoHighLevel shows you (see :data:`~invoicekit.gohighlevel.webhooks.keys.ED25519_KEY_SOURCE`);
    until then an ``x-ghl-signature``-only delivery is refused as ``key_not_configured``. Pass
    several keys during a rotation (any one verifying is enough), or an empty list to refuse a
    scheme (e.g. ``rsa_public_keys=()`` once the legacy scheme is gone). Keys are PEM text,
    base64 DER, or for Ed25519 the raw 32 bytes as base64 or hex.

    ``max_age`` bounds how old the payload's ``timestamp`` may be (default 75 minutes, to accept
    GoHighLevel's retries, see :data:`DEFAULT_MAX_AGE`), ``max_skew`` how far in the future.
    Accepted delivery ids are remembered in ``state_store`` when given (a
    :class:`~invoicekit.state.StateStore`, or the setting's spellings ``memory:`` and
    ``file:PATH``; shared by every worker using that store; :meth:`aclose` closes a store opened
    from a spelling), else in a bounded in-memory log of ``max_entries`` ids; for as long as
    the replay window, or ``dedupe_ttl`` when a payload carries no timestamp.

    GoHighLevel signs every app's deliveries with the same key, so a signature proves only that
    GoHighLevel sent the body, not that it was sent to *you*: anyone with a GoHighLevel app can
    forward their own genuine deliveries to your URL. Bind the verifier to your app and
    locations: ``app_id`` (your app's id, or its OAuth client id: the part before the first
    ``-`` is compared) refuses a payload whose ``appId`` names another app (``foreign_app``;
    invoice payloads carry no ``appId``); ``location_ids`` refuses a payload from any other
    location, or without a ``locationId`` (``foreign_location``). ``require_timestamp``
    (default on: GoHighLevel's documentation says every payload carries one) refuses a payload
    without ``timestamp`` (``missing_timestamp``), which no replay window could bound.
    """

    def __init__(
        self,
        *,
        ed25519_public_keys: Iterable[KeyInput] = (),
        rsa_public_keys: Iterable[KeyInput] = (GOHIGHLEVEL_RSA_PUBLIC_KEY,),
        max_age: float | timedelta = DEFAULT_MAX_AGE,
        max_skew: float | timedelta = DEFAULT_MAX_SKEW,
        dedupe_ttl: float | timedelta = DEFAULT_DEDUPE_TTL,
        state_store: StateStore | str | None = None,
        max_entries: int = 100_000,
        app_id: str | None = None,
        location_ids: Iterable[str] | None = None,
        require_timestamp: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._app_id = _app_id(app_id)
        self._location_ids = _location_ids(location_ids)
        self._require_timestamp = bool(require_timestamp)
        self._ed25519 = load_ed25519_keys(ed25519_public_keys, "ed25519_public_keys")
        self._rsa = load_rsa_keys(rsa_public_keys, "rsa_public_keys")
        self._max_age = _seconds(max_age)
        self._max_skew = _seconds(max_skew)
        self._dedupe_ttl = _seconds(dedupe_ttl)
        self._clock = clock or (lambda: datetime.now(UTC))
        monotonic: Callable[[], float] = (lambda: self._clock().timestamp()) if clock else time.monotonic
        # The setting's spellings ('memory:', 'file:PATH') too; anything else fails here, not at
        # the first delivery. A store opened from a spelling is this verifier's to close.
        store, self._owns_store = open_state_store(
            check_state_store(state_store, provider="webhooks"), needs_state=False
        )
        self._store = store
        self._log: DeliveryLog = (
            StoreDeliveryLog(store) if store is not None
            else MemoryDeliveryLog(max_entries=max_entries, clock=monotonic)
        )

    async def aclose(self) -> None:
        """Close the store this verifier opened from a ``state_store`` spelling (a store object
        passed in stays its owner's)."""
        if self._owns_store and self._store is not None:
            await self._store.aclose()

    # -- the whole check ---------------------------------------------------------------------

    async def verify_and_parse(
        self, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes
    ) -> WebhookEvent:
        """The event in a delivery, after every check; WebhookError (with its ``reason``) when
        the delivery is refused. The delivery id is remembered from here on: call
        :meth:`release` when processing the event failed, so that a retry is accepted."""
        self.verify_signature(headers, body)
        now = self._clock()
        event = parse_payload(body, received_at=now)
        self._check_recipient(event.raw)
        sent_at = _timestamp(event.raw)
        ttl = self._dedupe_ttl
        if sent_at is None and self._require_timestamp:
            raise WebhookError(
                "missing_timestamp", "the payload has no timestamp, so no replay window bounds it "
                "(require_timestamp=False accepts such payloads, remembered for dedupe_ttl)"
            )
        if sent_at is not None:
            age = (now - sent_at).total_seconds()
            if age > self._max_age:
                raise WebhookError(
                    "stale_timestamp", f"timestamp {event.raw['timestamp']!r} is {age:.0f} s old; "
                    f"the replay window is {self._max_age:.0f} s"
                )
            if -age > self._max_skew:
                raise WebhookError(
                    "stale_timestamp", f"timestamp {event.raw['timestamp']!r} is {-age:.0f} s in the future; "
                    f"at most {self._max_skew:.0f} s of clock skew is allowed"
                )
            # Remembered until the window refuses it anyway.
            ttl = self._max_age - age + self._max_skew
        if not await self._log.claim(f"{PROVIDER}/{event.delivery_id}", ttl=max(ttl, 1.0)):
            raise WebhookError("duplicate_delivery", f"delivery {event.delivery_id!r} was already accepted")
        return event

    def _check_recipient(self, payload: Mapping[str, Any]) -> None:
        """Refuse a genuine delivery meant for another app or location (see the class doc)."""
        if self._app_id is not None:
            app = payload.get("appId")
            if app is not None and str(app).partition("-")[0] != self._app_id:
                raise WebhookError("foreign_app", f"the payload is for app {str(app)[:40]!r}, not this app")
        if self._location_ids is not None:
            location = payload.get("locationId")
            if location is None or str(location) not in self._location_ids:
                where = "no location" if location is None else f"location {str(location)[:40]!r}"
                raise WebhookError("foreign_location", f"the payload is for {where}, not a configured location")

    async def release(self, event: WebhookEvent) -> None:
        """Forget an accepted delivery (its processing failed), so that its retry is accepted."""
        await self._log.release(f"{PROVIDER}/{event.delivery_id}")

    # -- the signature -----------------------------------------------------------------------

    def verify_signature(self, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes) -> str:
        """Check the body's signature; the scheme that verified it (``"ed25519"`` or ``"rsa"``).

        The Ed25519 header is used when it is present and Ed25519 keys are configured, else the
        RSA one. When both headers come and only the RSA signature verifies, the body is intact
        but the Ed25519 key is not configured: ``unknown_key``, so that a rotation is noticed
        before the legacy scheme ends, rather than a ``bad_signature`` that would look like an
        attack.
        """
        if not isinstance(body, bytes | bytearray | memoryview):
            # A programming error rather than a refused delivery, so not a WebhookError: the
            # caller handed over parsed JSON or text, which can never verify.
            raise InvalidRequestError(
                f"verify the raw request body (bytes), not a decoded or re-serialised one "
                f"(got {type(body).__name__})",
                field="body",
            )
        body = bytes(body)
        found = _header_map(headers)
        ed_value, rsa_value = found.get(ED25519_HEADER), found.get(RSA_HEADER)
        if ed_value is None and rsa_value is None:
            raise WebhookError("missing_signature", f"neither {ED25519_HEADER} nor {RSA_HEADER} was sent")
        if ed_value is not None and self._ed25519:
            signature = _signature(ed_value, ED25519_HEADER, ED25519_SIGNATURE_SIZE, ED25519_SIGNATURE_SIZE)
            if self._ed25519_verifies(signature, body):
                return "ed25519"
            if rsa_value is not None and self._rsa_verifies_quietly(rsa_value, body):
                raise WebhookError(
                    "unknown_key", f"{ED25519_HEADER} matches no configured Ed25519 key, yet {RSA_HEADER} "
                    "verifies the body: GoHighLevel signs with a key not configured here (rotated?)"
                )
            raise WebhookError("bad_signature", f"{ED25519_HEADER} does not verify the body with any configured key")
        if rsa_value is not None and self._rsa:
            signature = _signature(rsa_value, RSA_HEADER, *RSA_SIGNATURE_SIZES)
            if self._rsa_verifies(signature, body):
                return "rsa"
            raise WebhookError("bad_signature", f"{RSA_HEADER} does not verify the body with any configured key")
        if ed_value is not None:
            raise WebhookError(
                "key_not_configured", f"the delivery is signed with {ED25519_HEADER} (Ed25519) and no Ed25519 "
                f"public key is configured: set ed25519_public_keys (invoicekit events verify: --ed25519-key) "
                f"to the key published in {ED25519_KEY_SOURCE}"
            )
        raise WebhookError(
            "key_not_configured", f"the delivery is signed with {RSA_HEADER} (RSA) but rsa_public_keys is empty"
        )

    def _ed25519_verifies(self, signature: bytes, body: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature

        for key in self._ed25519:
            try:
                key.verify(signature, body)
            except InvalidSignature:
                continue
            return True
        return False

    def _rsa_verifies(self, signature: bytes, body: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        for key in self._rsa:
            if key.key_size // 8 != len(signature):
                continue
            try:
                key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
            except InvalidSignature:
                continue
            return True
        return False

    def _rsa_verifies_quietly(self, value: str, body: bytes) -> bool:
        if not self._rsa:
            return False
        try:
            signature = _signature(value, RSA_HEADER, *RSA_SIGNATURE_SIZES)
        except WebhookError:
            return False
        return self._rsa_verifies(signature, body)

    def __repr__(self) -> str:
        return (
            f"<WebhookVerifier ed25519_keys={len(self._ed25519)} rsa_keys={len(self._rsa)} "
            f"max_age={self._max_age:g}s log={type(self._log).__name__}>"
        )


def _app_id(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("app_id: expected your GoHighLevel app id (or its OAuth client id)", key="app_id")
    return value.strip().partition("-")[0]  # a client id is the app id, '-', a suffix


def _location_ids(values: Iterable[str] | None) -> frozenset[str] | None:
    if values is None:
        return None
    listed = [values] if isinstance(values, str) else values
    try:
        ids = frozenset(listed)
    except TypeError:
        raise ConfigError("location_ids: expected a list of location ids", key="location_ids") from None
    if not ids or not all(isinstance(i, str) and i.strip() for i in ids):
        raise ConfigError("location_ids: expected one or more non-empty location ids", key="location_ids")
    return ids


# -- payloads -> events --------------------------------------------------------------------------


def _timestamp(payload: Mapping[str, Any]) -> datetime | None:
    value = payload.get("timestamp")
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        raise WebhookError("malformed_payload", f"timestamp {str(value)[:40]!r} is not an ISO date-time") from None


def _text(payload: Mapping[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise WebhookError("malformed_payload", f"{name} must be a string, got {type(value).__name__}")
    return value


def delivery_id(payload: Mapping[str, Any], body: bytes) -> str:
    """The payload's ``webhookId``; else a digest of the signed body (a retry resends the same
    bytes, so it gets the same id)."""
    webhook_id = payload.get("webhookId")
    if isinstance(webhook_id, str | int) and not isinstance(webhook_id, bool) and str(webhook_id):
        return str(webhook_id)
    return "sha256:" + hashlib.sha256(body).hexdigest()[:32]


def _invoice_kind(payload: Mapping[str, Any], type_: str | None) -> EventKind | None:
    if type_ is not None:
        return INVOICE_TYPES.get(type_)
    if "_id" not in payload or "invoiceNumber" not in payload:
        return None
    status = str(payload.get("status") or "").lower()
    if status in _KIND_OF_STATUS:
        return _KIND_OF_STATUS[status]
    same = payload.get("createdAt") is not None and payload.get("createdAt") == payload.get("updatedAt")
    return EventKind.CREATED if same else EventKind.UPDATED


def parse_payload(body: bytes, *, received_at: datetime) -> WebhookEvent:
    """The event a (verified) body describes; WebhookError ``malformed_payload`` when it has no
    sensible shape. ``received_at`` stands in for a payload without any time of its own."""
    try:
        payload = loads_json(body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise WebhookError("malformed_payload", "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise WebhookError("malformed_payload", f"the body is a JSON {type(payload).__name__}, not an object")
    type_ = _text(payload, "type")
    sent_at = _timestamp(payload) or received_at
    common: dict[str, Any] = {"provider": PROVIDER, "delivery_id": delivery_id(payload, body), "raw": payload}
    kind = _invoice_kind(payload, type_)
    if kind is not None:
        return _invoice_event(payload, kind, sent_at, common)
    if type_ == "INSTALL":
        return AppInstall(
            app_id=_text(payload, "appId"), occurred_at=sent_at, location_id=_text(payload, "locationId"),
            company_id=_text(payload, "companyId"), user_id=_text(payload, "userId"),
            plan_id=_text(payload, "planId"), company_name=_text(payload, "companyName"), **common,
        )
    if type_ == "UNINSTALL":
        return AppUninstall(
            app_id=_text(payload, "appId"), occurred_at=sent_at, location_id=_text(payload, "locationId"),
            company_id=_text(payload, "companyId"), **common,
        )
    return OtherWebhook(type=type_, occurred_at=sent_at, **common)


def _invoice_event(payload: dict[str, Any], kind: EventKind, sent_at: datetime, common: dict[str, Any]) -> InvoiceEvent:
    invoice_id = _text(payload, "_id")
    if invoice_id is None:
        raise WebhookError("malformed_payload", f"the {kind.value} invoice event has no _id")
    invoice = None
    if kind is not EventKind.DELETED:
        # Imported here: the adapter's decoder is only needed once an invoice payload arrives.
        from ..wire import invoice_from_wire

        try:
            invoice = invoice_from_wire(payload)
        except Exception as exc:  # cattrs raises exception groups: any failure is a shape problem
            raise WebhookError("malformed_payload", f"cannot read the invoice: {type(exc).__name__}") from None
    occurred_at = sent_at if "timestamp" in payload else (_updated_at(payload) or sent_at)
    return InvoiceEvent(kind=kind, invoice_id=invoice_id, invoice=invoice, occurred_at=occurred_at, **common)


def _updated_at(payload: Mapping[str, Any]) -> datetime | None:
    try:
        return parse_datetime(payload.get("updatedAt"))
    except ValueError:
        return None


_default: WebhookVerifier | None = None


async def verify_and_parse(
    headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes, *, verifier: WebhookVerifier | None = None
) -> WebhookEvent:
    """Verify a GoHighLevel delivery (its headers and RAW body bytes) and decode it.

    Framework-agnostic: pass the request's headers and the body exactly as received. Without a
    ``verifier``, one shared by the whole process is used (GoHighLevel's published RSA key and
    no Ed25519 key, the default replay window, duplicates remembered in memory): pass a
    :class:`WebhookVerifier` with your Ed25519 key, app and locations. Raises
    :class:`WebhookError`.
    """
    global _default
    if verifier is None:
        if _default is None:
            _default = WebhookVerifier()
        verifier = _default
    return await verifier.verify_and_parse(headers, body)
