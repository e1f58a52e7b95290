"""A ready aiohttp endpoint for GoHighLevel webhooks.

GoHighLevel redelivers a webhook only when the endpoint answers **429**: up to six retries about
ten minutes apart; every other status, success or error, is final (HighLevel help centre,
"Automated Webhook Retries"). The answers follow from that:

- 200 after the callback returned: the event is handled;
- 200 for a duplicate delivery: it was handled before (a redelivery must not run twice);
- 429 when the callback raised (or was cancelled: the claim is released either way) and GoHighLevel
  sends it again; 429 too when the delivery log (the state store) cannot be read or written;
- 401 for a missing, malformed or unverifiable signature and for a stale or missing timestamp,
  403 for a genuine delivery meant for another app or location, 400 for a body that is not a
  webhook payload: a retry would carry the same bytes and fail the same way,
  so these are final on purpose (and a forger gains nothing from being told to retry).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from ..._log import get_logger
from ...state import StateStoreError
from .model import WebhookError, WebhookEvent
from .verifier import WebhookVerifier

Callback = Callable[[WebhookEvent], Awaitable[object]]
Handler = Callable[[web.Request], Awaitable[web.Response]]

#: The status each refusal gets. Only a missing key (our configuration, not the delivery) is 429,
#: so GoHighLevel keeps retrying while the key is added; the others are final.
REFUSAL_STATUS = {
    "key_not_configured": 429,
    "missing_signature": 401,
    "malformed_signature": 401,
    "bad_signature": 401,
    "unknown_key": 401,
    "stale_timestamp": 401,
    "missing_timestamp": 401,
    "foreign_app": 403,
    "foreign_location": 403,
    "malformed_payload": 400,
    "duplicate_delivery": 200,
}
RETRY_STATUS = 429

logger = get_logger("invoicekit.gohighlevel.webhooks")


def webhook_handler(callback: Callback, *, verifier: WebhookVerifier | None = None) -> Handler:
    """An aiohttp handler that verifies each delivery and awaits ``callback(event)``.

    Mount it on your application::

        app.router.add_post("/webhooks/gohighlevel", webhook_handler(on_event, verifier=verifier))

    ``callback`` gets every verified event (:class:`InvoiceEvent`, :class:`AppInstall`,
    :class:`AppUninstall`, :class:`OtherWebhook`); the answer is 2xx only once it has returned.
    Keep it short (GoHighLevel waits for the answer): hand long work to a queue.
    """
    checker = verifier if verifier is not None else WebhookVerifier()

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            event = await checker.verify_and_parse(request.headers.items(), body)
        except WebhookError as refusal:
            status = REFUSAL_STATUS[refusal.reason]
            if status == RETRY_STATUS:
                logger.error("gohighlevel webhook not verified, answering %d so it comes again: %s", status, refusal)
            elif status != 200:
                logger.warning("gohighlevel webhook refused: %s", refusal)
            return web.json_response({"error": refusal.reason, "message": str(refusal)}, status=status)
        except (StateStoreError, OSError) as exc:
            # The delivery log is out of reach, so a duplicate cannot be told from a new
            # delivery. Any answer but 429 would be final and lose the delivery for good.
            logger.error(
                "gohighlevel webhook: the delivery log failed (%s); answering %d so that GoHighLevel retries",
                type(exc).__name__, RETRY_STATUS,
            )
            return web.json_response({"error": "store_unavailable", "retry": True}, status=RETRY_STATUS)
        try:
            await callback(event)
        except BaseException as exc:
            # Cancelled too (a client gone, a shutdown): the claim is released, or the retry
            # GoHighLevel sends would be dropped as a duplicate of a delivery never handled.
            await _release(checker, event)
            if not isinstance(exc, Exception):
                raise
            logger.error(
                "gohighlevel webhook %s: the callback failed (%s); answering %d so that GoHighLevel retries",
                event.delivery_id, type(exc).__name__, RETRY_STATUS,
            )
            return web.json_response({"error": "callback_failed", "retry": True}, status=RETRY_STATUS)
        return web.json_response({"ok": True, "delivery_id": event.delivery_id})

    return handle


async def _release(checker: WebhookVerifier, event: WebhookEvent) -> None:
    try:
        await checker.release(event)
    except (StateStoreError, OSError) as exc:
        # The retry will be refused as a duplicate until the claim expires: say so loudly.
        logger.error(
            "gohighlevel webhook %s: could not release its claim (%s); GoHighLevel's retry will be "
            "dropped as a duplicate until the claim expires", event.delivery_id, type(exc).__name__,
        )
