"""Invoice events: one neutral stream for every provider.

- :class:`InvoiceEvent` (and GoHighLevel's :class:`AppInstall` / :class:`AppUninstall`): what
  happened, whichever way the news arrived.
- GoHighLevel webhooks: :func:`verify_and_parse` (framework-agnostic) and
  :func:`webhook_handler` (aiohttp) check the signature over the raw body (Ed25519
  ``x-ghl-signature`` and the legacy RSA ``x-wh-signature``), the replay window and duplicate
  deliveries, and refuse with a :class:`WebhookError` whose ``reason`` says why. Needs the
  ``invoicekit[webhooks]`` extra.
- Polling, for every provider: ``client.watch(interval=...)`` (:class:`InvoiceWatcher`).
"""

from .handler import webhook_handler
from .keys import GOHIGHLEVEL_ED25519_PUBLIC_KEY, GOHIGHLEVEL_RSA_PUBLIC_KEY, MissingExtraError
from .model import AppInstall, AppUninstall, EventKind, InvoiceEvent, OtherWebhook, WebhookError, WebhookEvent
from .watch import InvoiceWatcher, WatchError, watch
from .webhooks import WebhookVerifier, verify_and_parse

__all__ = [
    "GOHIGHLEVEL_ED25519_PUBLIC_KEY",
    "GOHIGHLEVEL_RSA_PUBLIC_KEY",
    "AppInstall",
    "AppUninstall",
    "EventKind",
    "InvoiceEvent",
    "InvoiceWatcher",
    "MissingExtraError",
    "OtherWebhook",
    "WatchError",
    "WebhookError",
    "WebhookEvent",
    "WebhookVerifier",
    "verify_and_parse",
    "watch",
    "webhook_handler",
]
