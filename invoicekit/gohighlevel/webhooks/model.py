"""What a verified GoHighLevel webhook decodes into besides an :class:`InvoiceEvent`, and the
refusal a delivery gets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from ... import _checks as _c
from ..._copying import picklable_views
from ...errors import InvoiceKitError
from ...events.model import InvoiceEvent

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@frozen(kw_only=True)
class _AppEvent:
    provider: str
    app_id: str | None
    delivery_id: str
    occurred_at: datetime = field(validator=_c.timestamp)
    location_id: str | None = None
    company_id: str | None = None


@picklable_views
@frozen(kw_only=True)
class AppInstall(_AppEvent):
    """GoHighLevel's ``INSTALL``: the app was installed on a location or an agency (company).

    An app mints and stores the location's credentials on it. ``location_id`` is None for an
    agency-level install; ``company_id``/``user_id`` may be missing for installs to future
    locations (GoHighLevel's documentation says so).
    """

    user_id: str | None = None
    plan_id: str | None = None
    company_name: str | None = None
    raw: Mapping[str, Any] = field(default=_EMPTY, repr=False, eq=False)


@picklable_views
@frozen(kw_only=True)
class AppUninstall(_AppEvent):
    """GoHighLevel's ``UNINSTALL``: drop the stored credentials of ``location_id`` (a location
    uninstall) or of ``company_id`` (an agency uninstall)."""

    raw: Mapping[str, Any] = field(default=_EMPTY, repr=False, eq=False)


@picklable_views
@frozen(kw_only=True)
class OtherWebhook:
    """A verified webhook of a type invoicekit does not model (``ContactCreate``...): its
    ``type`` and payload, so one endpoint can serve every event an app subscribes to."""

    provider: str
    type: str | None
    delivery_id: str
    occurred_at: datetime = field(validator=_c.timestamp)
    raw: Mapping[str, Any] = field(default=_EMPTY, repr=False, eq=False)


WebhookEvent = InvoiceEvent | AppInstall | AppUninstall | OtherWebhook
"""Everything a verified webhook decodes into."""


class WebhookError(InvoiceKitError):
    """A webhook was refused. ``reason`` is machine-readable:

    - ``missing_signature``: neither ``x-ghl-signature`` nor ``x-wh-signature`` was sent;
    - ``malformed_signature``: the header is not base64 of a signature of the scheme's size;
    - ``bad_signature``: no configured key verifies it over the raw body (tampered or forged);
    - ``unknown_key``: the sender's key is not configured: no key for the header's scheme, or
      the legacy RSA signature proves the body intact while the Ed25519 one matches no
      configured key (GoHighLevel rotated its key: add the new one);
    - ``key_not_configured``: the delivery is signed with a scheme this verifier has no key for
      (an Ed25519 ``x-ghl-signature`` alone while ``ed25519_public_keys`` is not set): a
      configuration problem on the receiving side, so the ready handler answers 429 and
      GoHighLevel retries while you add the key;
    - ``stale_timestamp``: the payload's ``timestamp`` is outside the replay window;
    - ``missing_timestamp``: the payload has no ``timestamp`` and the verifier requires one;
    - ``foreign_app`` / ``foreign_location``: a genuine delivery for another app or location
      than the verifier's ``app_id`` / ``location_ids``;
    - ``duplicate_delivery``: this delivery id was already accepted;
    - ``malformed_payload``: the signed body is not a JSON object of the expected shape.
    """

    REASONS = frozenset({
        "missing_signature", "malformed_signature", "bad_signature", "unknown_key", "key_not_configured",
        "stale_timestamp", "missing_timestamp", "foreign_app", "foreign_location", "duplicate_delivery",
        "malformed_payload",
    })

    def __init__(self, reason: str, message: str) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"unknown webhook error reason {reason!r}")
        super().__init__(f"webhook refused ({reason}): {message}")
        self.reason = reason
