"""Invoice events: one neutral stream for every provider.

- :class:`InvoiceEvent`: what happened to an invoice, whichever way the news arrived.
- Polling, for every provider: ``client.watch(interval=...)`` (:class:`InvoiceWatcher`).
- GoHighLevel webhooks live in :mod:`invoicekit.gohighlevel.webhooks`; their names
  (:class:`WebhookVerifier`, :func:`verify_and_parse`, :func:`webhook_handler`,
  :class:`WebhookError`, :class:`AppInstall`...) are importable from here too, and load that
  adapter only when first used, so ``import invoicekit.events`` (and watching an ONLYOFFICE
  portal) never imports GoHighLevel code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports
from .model import EventKind, InvoiceEvent
from .watch import InvoiceWatcher, WatchError, watch

if TYPE_CHECKING:
    from ..gohighlevel.webhooks import (
        GOHIGHLEVEL_RSA_PUBLIC_KEY,
        AppInstall,
        AppUninstall,
        MissingExtraError,
        OtherWebhook,
        WebhookError,
        WebhookEvent,
        WebhookVerifier,
        verify_and_parse,
        webhook_handler,
    )

__getattr__ = lazy_exports(__name__, "invoicekit.gohighlevel.webhooks", (
    "GOHIGHLEVEL_RSA_PUBLIC_KEY", "AppInstall", "AppUninstall", "MissingExtraError",
    "OtherWebhook", "WebhookError", "WebhookEvent", "WebhookVerifier", "verify_and_parse", "webhook_handler",
))


__all__ = [
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
