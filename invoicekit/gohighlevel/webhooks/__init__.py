"""GoHighLevel webhooks: verify each delivery's raw bytes, then decode it into events.

- :func:`verify_and_parse` (framework-agnostic) and :func:`webhook_handler` (aiohttp) check the
  signature over the raw body (Ed25519 ``x-ghl-signature`` and the legacy RSA
  ``x-wh-signature``), the replay window and duplicate deliveries, and refuse with a
  :class:`WebhookError` whose ``reason`` says why. Needs the ``invoicekit[webhooks]`` extra.
- Invoice webhooks decode into the neutral :class:`invoicekit.events.InvoiceEvent`; GoHighLevel's
  app events into :class:`AppInstall` / :class:`AppUninstall`, anything else into
  :class:`OtherWebhook`.

These names are also importable from :mod:`invoicekit.events`, which loads this package only
when one of them is used.
"""

from .handler import webhook_handler
from .keys import GOHIGHLEVEL_RSA_PUBLIC_KEY, MissingExtraError
from .model import AppInstall, AppUninstall, OtherWebhook, WebhookError, WebhookEvent
from .verifier import WebhookVerifier, verify_and_parse

__all__ = [
    "GOHIGHLEVEL_RSA_PUBLIC_KEY",
    "AppInstall",
    "AppUninstall",
    "MissingExtraError",
    "OtherWebhook",
    "WebhookError",
    "WebhookEvent",
    "WebhookVerifier",
    "verify_and_parse",
    "webhook_handler",
]
