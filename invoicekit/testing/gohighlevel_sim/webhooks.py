"""Signed webhooks from the GoHighLevel simulator, so a service tests its handler offline.

Register a receiver URL and every state change the simulator performs (create, update, send,
payment, void, delete) is POSTed to it as GoHighLevel's documented payload
(``docs/webhook events/Invoice*.md``, plus ``type``, ``locationId``, ``timestamp`` and
``webhookId``), signed with both of GoHighLevel's schemes by a key pair generated for the test:
Ed25519 in ``x-ghl-signature`` and RSA PKCS#1 v1.5 / SHA-256 in ``x-wh-signature``. The public
halves (:attr:`WebhookSender.ed25519_public_key`, :attr:`WebhookSender.rsa_public_key`, PEM) go
into the receiver's :class:`~invoicekit.gohighlevel.webhooks.WebhookVerifier`.

Deliveries happen before the API call that caused them answers, in order, and each attempt is
recorded on :attr:`WebhookSender.deliveries`. Like GoHighLevel, a 429 answer is retried (up to
``max_retries`` times, ``retry_interval`` seconds apart; ten minutes at GoHighLevel, a moment
here) and any other answer is final. Needs ``invoicekit[webhooks]`` once a URL is registered.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiohttp
import attrs

from .._jsonwire import dumps, js_number

if TYPE_CHECKING:
    from ...gohighlevel.webhooks import WebhookVerifier

# The invoice fields of GoHighLevel's webhook payload schema (every Invoice* event shares it).
_INVOICE_KEYS = (
    "_id", "status", "liveMode", "amountPaid", "altId", "altType", "name", "businessDetails", "invoiceNumber",
    "currency", "contactDetails", "issueDate", "dueDate", "discount", "invoiceItems", "total", "title",
    "amountDue", "createdAt", "updatedAt", "totalSummary",
)  # fmt: skip
_ITEM_KEYS = ("taxes", "_id", "productId", "priceId", "currency", "name", "qty", "amount")
_ADDRESS_PARTS = ("addressLine1", "addressLine2", "city", "state", "postalCode", "countryCode")


@attrs.frozen
class Delivery:
    """One POST of one webhook to one receiver: ``status`` is the answer's status, None when the
    receiver could not be reached (``error`` says why)."""

    url: str
    type: str
    webhook_id: str
    body: bytes
    headers: Mapping[str, str]
    attempt: int
    status: int | None
    error: str | None = None


def webhook_payload(event_type: str, invoice: Mapping[str, Any], *, location_id: str,
                    timestamp: str, webhook_id: str) -> dict[str, Any]:
    """GoHighLevel's invoice webhook payload for an invoice as the API renders it."""
    payload: dict[str, Any] = {"type": event_type, "locationId": location_id}
    for key in _INVOICE_KEYS:
        if key in invoice:
            payload[key] = invoice[key]
    business = dict(payload.get("businessDetails") or {})
    address = business.get("address")
    if isinstance(address, Mapping):  # the webhook schema has the business address as one string
        business["address"] = ", ".join(str(address[k]) for k in _ADDRESS_PARTS if address.get(k))
    payload["businessDetails"] = business
    items = invoice.get("invoiceItems", ())
    payload["invoiceItems"] = [{k: item[k] for k in _ITEM_KEYS if k in item} for item in items]
    summary = invoice.get("totalSummary") or {}
    payload["totalSummary"] = {"subTotal": summary.get("subTotal"), "discount": summary.get("discount")}
    if event_type == "InvoiceDelete":
        payload["status"] = "delete"  # as GoHighLevel's InvoiceDelete example has it
    payload["timestamp"] = timestamp
    payload["webhookId"] = webhook_id
    return payload


class WebhookSender:
    """The simulator's webhook side: test keys, receiver URLs, deliveries (module docstring)."""

    def __init__(
        self,
        *,
        location_id: str,
        company_id: str,
        app_id: str,
        clock: Callable[[], datetime],
        rsa_key_size: int = 2048,
        timeout: float = 10.0,
        max_retries: int = 6,
        retry_interval: float = 0.05,
    ) -> None:
        self.location_id = location_id
        self.company_id = company_id
        self.app_id = app_id
        self.max_retries = max_retries
        self.retry_interval = retry_interval
        #: Signature headers sent: both by default, as GoHighLevel does during its migration.
        self.schemes: tuple[str, ...] = ("ed25519", "rsa")
        self.urls: list[str] = []
        self.deliveries: list[Delivery] = []
        self._clock = clock
        self._rsa_key_size = rsa_key_size
        self._timeout = timeout
        self._keys: tuple[Any, Any] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._retries: set[asyncio.Task[None]] = set()

    # -- keys -------------------------------------------------------------------------------
    def _key_pair(self) -> tuple[Any, Any]:
        if self._keys is None:
            from ...gohighlevel.webhooks.keys import crypto

            crypto()  # names the extra when cryptography is missing
            from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

            self._keys = (ed25519.Ed25519PrivateKey.generate(),
                          rsa.generate_private_key(public_exponent=65537, key_size=self._rsa_key_size))
        return self._keys

    @staticmethod
    def _pem(private_key: Any) -> str:
        from cryptography.hazmat.primitives import serialization

        pem: bytes = private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode("ascii")

    @property
    def ed25519_public_key(self) -> str:
        """The Ed25519 public key (SPKI PEM) that verifies ``x-ghl-signature``."""
        return self._pem(self._key_pair()[0])

    @property
    def rsa_public_key(self) -> str:
        """The RSA public key (SPKI PEM) that verifies ``x-wh-signature``."""
        return self._pem(self._key_pair()[1])

    def verifier(self, **options: Any) -> WebhookVerifier:
        """A :class:`~invoicekit.gohighlevel.webhooks.WebhookVerifier` that trusts this simulator's keys
        (``options`` as the verifier takes them: ``state_store``, ``max_age``...)."""
        from ...gohighlevel.webhooks import WebhookVerifier

        options.setdefault("ed25519_public_keys", [self.ed25519_public_key])
        options.setdefault("rsa_public_keys", [self.rsa_public_key])
        return WebhookVerifier(**options)

    def sign(self, body: bytes) -> dict[str, str]:
        """The signature headers GoHighLevel would send with ``body``."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        ed_key, rsa_key = self._key_pair()
        headers: dict[str, str] = {}
        if "ed25519" in self.schemes:
            headers["x-ghl-signature"] = base64.b64encode(ed_key.sign(body)).decode("ascii")
        if "rsa" in self.schemes:
            signature = rsa_key.sign(body, padding.PKCS1v15(), hashes.SHA256())
            headers["x-wh-signature"] = base64.b64encode(signature).decode("ascii")
        return headers

    # -- receivers --------------------------------------------------------------------------
    def register(self, url: str) -> None:
        """Deliver every following webhook to ``url`` too."""
        if url not in self.urls:
            self._key_pair()  # fail now, not inside an API call, when the extra is missing
            self.urls.append(url)

    def unregister(self, url: str) -> None:
        if url in self.urls:
            self.urls.remove(url)

    # -- events -----------------------------------------------------------------------------
    def _stamp(self) -> str:
        value = self._clock()
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"

    async def invoice_event(self, event_type: str, invoice: Mapping[str, Any]) -> None:
        """Deliver ``event_type`` (``InvoiceCreate``...) for ``invoice`` (the API's rendering)."""
        if self.urls:
            await self.deliver(webhook_payload(
                event_type, invoice, location_id=self.location_id, timestamp=self._stamp(),
                webhook_id=str(uuid.uuid4()),
            ))

    async def app_install(self, *, agency: bool = False) -> None:
        """Deliver ``INSTALL`` for the simulated location (``agency``: for the company)."""
        payload: dict[str, Any] = {"type": "INSTALL", "appId": self.app_id, "companyId": self.company_id}
        if not agency:
            payload["locationId"] = self.location_id
        payload.update(planId="66a0419a0dffa47fb5f8b22f", timestamp=self._stamp(), webhookId=str(uuid.uuid4()))
        await self.deliver(payload)

    async def app_uninstall(self, *, agency: bool = False) -> None:
        """Deliver ``UNINSTALL`` for the simulated location (``agency``: for the company)."""
        payload: dict[str, Any] = {"type": "UNINSTALL", "appId": self.app_id}
        payload.update({"companyId": self.company_id} if agency else {"locationId": self.location_id})
        payload.update(timestamp=self._stamp(), webhookId=str(uuid.uuid4()))
        await self.deliver(payload)

    async def deliver(self, payload: Mapping[str, Any]) -> None:
        """Sign ``payload`` and POST it to every registered URL."""
        body = dumps(payload, decimal=js_number)
        headers = {"Content-Type": "application/json", **self.sign(body)}
        for url in list(self.urls):
            await self._post(url, payload, body, headers, attempt=1)

    async def _post(self, url: str, payload: Mapping[str, Any], body: bytes, headers: dict[str, str],
                    *, attempt: int) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        status: int | None = None
        error: str | None = None
        try:
            async with self._session.post(url, data=body, headers=headers) as answer:
                await answer.read()
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.deliveries.append(Delivery(
            url=url, type=str(payload.get("type")), webhook_id=str(payload.get("webhookId")), body=body,
            headers=dict(headers), attempt=attempt, status=status, error=error,
        ))
        if status == 429 and attempt <= self.max_retries:
            task = asyncio.create_task(self._retry(url, payload, body, headers, attempt + 1))
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _retry(self, url: str, payload: Mapping[str, Any], body: bytes, headers: dict[str, str],
                     attempt: int) -> None:
        await asyncio.sleep(self.retry_interval)
        await self._post(url, payload, body, headers, attempt=attempt)

    async def settle(self) -> None:
        """Wait until no retry is pending (at most ``max_retries`` rounds; wrap it in
        ``asyncio.timeout`` to bound the wait)."""
        for _ in range(self.max_retries + 1):
            if not self._retries:
                return
            await asyncio.gather(*list(self._retries), return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel pending retries and close the HTTP session (the simulator does it on stop)."""
        for task in list(self._retries):
            task.cancel()
        await asyncio.gather(*self._retries, return_exceptions=True)
        self._retries.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
