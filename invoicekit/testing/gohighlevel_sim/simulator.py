"""The GoHighLevel invoices API simulator (``services.leadconnectorhq.com``, invoices v2)."""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import attrs
from aiohttp import web

from ...models import Contact
from .._jsonwire import dumps, js_number
from .._server import Simulator
from ..faults import Fail, RateLimited
from .contacts import ContactDirectory, ContactsApi, seed_directory
from .store import BadRequest, GhlInvoice, GhlStore, Unprocessable, money
from .validate import validate
from .webhooks import WebhookSender

DEFAULT_VERSION = "2021-07-28"
# The token request's fields: v2 (oauth.json) and v3 (oauth-v3.json) spellings.
_V2_FIELDS = {n: n for n in ("client_id", "client_secret", "grant_type", "refresh_token", "user_type")}
_V3_FIELDS = {"client_id": "clientId", "client_secret": "clientSecret", "grant_type": "grantType",
              "refresh_token": "refreshToken", "user_type": "userType"}  # fmt: skip
_V3_ANSWER = {"access_token": "accessToken", "token_type": "tokenType", "expires_in": "expiresIn",
              "refresh_token": "refreshToken"}  # fmt: skip
_INVOICE_ID = r"(?P<id>[^/]+)"
#: The location's default invoice terms (``termsNote``), as the invoice editor writes them (HTML).
DEFAULT_TERMS_NOTE = "<p>Payment is due within 30 days of the invoice date.</p>"


@attrs.define
class BurstLimiter:
    """GoHighLevel's limits: ``burst`` requests per ``interval`` seconds and ``daily`` per day."""

    burst: int = 100
    interval: float = 10.0
    daily: int = 200_000
    clock: Callable[[], float] = time.monotonic
    hits: deque[float] = attrs.field(factory=deque)
    used_today: int = 0

    def _prune(self, now: float) -> None:
        while self.hits and now - self.hits[0] >= self.interval:
            self.hits.popleft()

    def hit(self) -> bool:
        """Count one request; False when it exceeds a limit (and is not counted)."""
        now = self.clock()
        self._prune(now)
        if len(self.hits) >= self.burst or self.used_today >= self.daily:
            return False
        self.hits.append(now)
        self.used_today += 1
        return True

    def headers(self, *, exhausted: bool = False, daily_exhausted: bool = False) -> dict[str, str]:
        self._prune(self.clock())
        remaining = 0 if exhausted else max(self.burst - len(self.hits), 0)
        daily_remaining = 0 if daily_exhausted else max(self.daily - self.used_today, 0)
        return {
            "X-RateLimit-Limit-Daily": str(self.daily),
            "X-RateLimit-Daily-Remaining": str(daily_remaining),
            "X-RateLimit-Interval-Milliseconds": str(int(self.interval * 1000)),
            "X-RateLimit-Max": str(self.burst),
            "X-RateLimit-Remaining": str(remaining),
        }

    def reset(self) -> None:
        self.hits.clear()
        self.used_today = 0


class _HttpError(Exception):
    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(body.get("message"))
        self.status = status
        self.body = body


def _nest_error(status: int, message: str | list[str], error: str | None) -> _HttpError:
    body: dict[str, Any] = {"statusCode": status, "message": message}
    if error:
        body["error"] = error
    return _HttpError(status, body)


Handler = Callable[["_Call"], Awaitable[web.Response]]


@attrs.define
class _Call:
    request: web.Request
    match: re.Match[str]
    body: Any


class GoHighLevelSimulator(Simulator):
    """An in-memory GoHighLevel location serving the invoices API and ``/oauth/token``.

    ``token`` is a valid access token from the start (``Authorization: Bearer <token>``);
    ``refresh_token`` can be exchanged once at ``/oauth/token`` with ``client_id`` and
    ``client_secret`` for a new pair (v2 form, or v3 with ``Version: v3`` and camelCase fields);
    the access tokens it issues expire after ``access_token_lifetime`` seconds and ``refreshes``
    counts the successful exchanges. Failing, slow or dropped token calls are armed with
    ``faults`` (``path="/oauth/token"``); :meth:`revoke_refresh_tokens` and
    :meth:`authorize` stand for an uninstall and a re-authorisation. ``location_id`` is the only
    ``altId`` the tokens may use.
    ``versions`` are the accepted ``Version`` header values. ``burst_limit`` requests per
    ``burst_interval`` seconds (and ``daily_limit`` per day) are allowed before 429s.
    """

    provider: ClassVar[str] = "gohighlevel"
    name: ClassVar[str] = "GoHighLevel invoices (API base URL)"
    variants: ClassVar[Mapping[str, Mapping[str, Any]]] = {"token": {"auth": "token"}, "oauth": {"auth": "oauth"}}
    tour: ClassVar[tuple[str, ...]] = ("token",)
    #: Two of the location's contacts (``GET /contacts/{id}``); invoices carry the contact's details.
    contacts: ClassVar[tuple[Contact, Contact]] = (
        Contact(id="Ct9JaneCooper0000001", name="Jane Cooper", email="jane.cooper@example.com"),
        Contact(id="Ct9RobertFox00000002", name="Robert Fox", email="robert.fox@example.com"),
    )
    cli_options: ClassVar[Mapping[str, str]] = {
        "location_id": "the altId tokens may use",
        "refresh_token": "initial OAuth refresh token",
    }
    pytest_ini: ClassVar[Mapping[str, tuple[str, str]]] = {
        "invoicekit_gohighlevel_auth": ("auth", "GoHighLevel fixtures authenticate by 'token' or 'oauth'"),
    }

    # -- how a client reaches it ------------------------------------------------------------

    def client_config(self, *, url: str | None = None, auth: str = "token", **overrides: Any) -> dict[str, Any]:
        """Its access token (or, with ``auth="oauth"``, its client id/secret and refresh token), its
        location and user, and the business name GHL requires. No ``default_name``: a draft
        without a name is named after its number, as on every provider."""
        if auth not in ("token", "oauth"):
            raise ValueError(f"the GoHighLevel auth must be token or oauth, not {auth!r}")
        config: dict[str, Any] = {"provider": self.provider, "base_url": self._served_url(url),
                                  "location_id": self.location_id}
        if auth == "oauth":
            config.update(
                client_id=self.client_id,
                client_secret=self.client_secret,
                refresh_token=self.refresh_token,
                state_store="memory:",  # the simulator's tokens die with it: never in the user's state file
            )
        else:
            config["token"] = self.token
        config.update(user_id=self.user_id, business={"name": "Simulated Agency LLC"})
        config.update(overrides)
        return config

    def connection_hints(self) -> list[str]:
        return [
            f"token: {self.token}  (test credential, not a secret)",
            f"location (altId): {self.location_id}  Version: {DEFAULT_VERSION}",
        ]

    def __init__(
        self,
        *,
        token: str = "ghl-simulator-access-token",
        location_id: str = "Jx9kP2mQ7rT4vW8yZ3aB",
        company_id: str = "Cm7sN4bV1xQ9wE2rT6yU",
        user_id: str = "Us3rK8dF5gH2jL9pZ4xC",
        client_id: str = "sim-client-id-0001",
        client_secret: str = "sim-client-secret",
        refresh_token: str = "ghl-simulator-refresh-token",
        invoices: int = 5,
        versions: Collection[str] = (DEFAULT_VERSION, "v3"),
        burst_limit: int = 100,
        burst_interval: float = 10.0,
        daily_limit: int = 200_000,
        access_token_lifetime: float = 86399,
        seed: int = 2021,
        terms_note: str | None = DEFAULT_TERMS_NOTE,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.location_id = location_id
        self.company_id = company_id
        self.user_id = user_id
        # The initial credentials stay readable so a fixture can build client settings from them.
        self.token = token
        self.refresh_token = refresh_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.versions = frozenset(versions)
        self.access_tokens: set[str] = {token}
        self.refresh_tokens: set[str] = {refresh_token}
        self.used_refresh_tokens: set[str] = set()
        self.location_active = True
        #: The location's invoice settings' ``termsNote`` (``GET /invoices/settings``); None: absent.
        self.terms_note = terms_note
        self.access_token_lifetime = access_token_lifetime
        #: Successful refresh-token exchanges, and every refresh token presented (in order).
        self.refreshes = 0
        self.presented_refresh_tokens: list[str] = []
        self._monotonic = monotonic
        self._access_expiry: dict[str, float] = {}
        self.limiter = BurstLimiter(burst=burst_limit, interval=burst_interval, daily=daily_limit, clock=monotonic)
        self.store = GhlStore(location_id=location_id, company_id=company_id, invoices=invoices, seed=seed)
        self._clock = clock or (lambda: datetime.now(UTC))
        #: Signed webhooks of every state change, to the URLs a test registers (webhooks.py).
        self.webhooks = WebhookSender(
            location_id=location_id, company_id=company_id, app_id=client_id.split("-")[0], clock=self._clock
        )
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("POST", re.compile(r"/invoices/?"), self._create),
            ("GET", re.compile(r"/invoices/?"), self._list),
            ("GET", re.compile(r"/invoices/generate-invoice-number"), self._generate_number),
            ("GET", re.compile(r"/invoices/settings"), self._invoice_settings),
            ("GET", re.compile(rf"/invoices/{_INVOICE_ID}"), self._get),
            ("PUT", re.compile(rf"/invoices/{_INVOICE_ID}"), self._update),
            ("DELETE", re.compile(rf"/invoices/{_INVOICE_ID}"), self._delete),
            ("POST", re.compile(rf"/invoices/{_INVOICE_ID}/send"), self._send),
            ("POST", re.compile(rf"/invoices/{_INVOICE_ID}/void"), self._void),
            ("POST", re.compile(rf"/invoices/{_INVOICE_ID}/record-payment"), self._record_payment),
        ]
        #: The location's contacts (contacts.py): the ones below and those of the seeded invoices.
        self.contact_directory = seed_directory(ContactDirectory(location_id, self._clock), self.contacts, self.store)
        self._routes += ContactsApi(self, self.contact_directory).routes()

    # -- test helpers ---------------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Invalidate every access token (refresh tokens stay usable): the next call gets 401."""
        self.access_tokens.clear()

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token is refused from now on (the app was uninstalled, or the tokens
        were leaked and revoked)."""
        self.used_refresh_tokens |= self.refresh_tokens
        self.refresh_tokens.clear()

    def authorize(self) -> str:
        """A new refresh token, as an operator gets by re-authorising the app."""
        token = secrets.token_urlsafe(32)
        self.refresh_tokens.add(token)
        return token

    def invoice(self, invoice_id: str) -> GhlInvoice:
        """The stored invoice (KeyError if absent)."""
        return self.store.invoices[invoice_id]

    @property
    def now(self) -> datetime:
        return self._clock()

    @asynccontextmanager
    async def run(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        try:
            async with super().run(host, port) as url:
                yield url
        finally:
            await self.webhooks.aclose()

    # -- pipeline hooks -------------------------------------------------------------------
    def _decorate(self, request: web.Request, response: web.StreamResponse) -> None:
        for name, value in self.limiter.headers().items():
            response.headers.setdefault(name, value)

    def _render_failure(self, request: web.Request, fault: Fail) -> web.Response:
        if fault.body is None:
            reasons = {
                400: "Bad Request",
                401: "Unauthorized",
                403: "Forbidden",
                404: "Not Found",
                422: "Unprocessable Entity",
                429: "Too Many Requests",
                502: "Bad Gateway",
                503: "Service Unavailable",
                504: "Gateway Timeout",
            }
            reason = reasons.get(fault.status, "Internal Server Error")
            message: str | list[str] = [reason] if fault.status == 422 else reason
            reply = self._json(fault.status, {"statusCode": fault.status, "message": message, "error": reason})
        elif isinstance(fault.body, bytes | str):
            raw = fault.body.encode() if isinstance(fault.body, str) else fault.body
            reply = web.Response(status=fault.status, body=raw)
        else:
            reply = self._json(fault.status, fault.body)
        reply.headers.update(fault.headers)
        return reply

    def _render_rate_limited(self, request: web.Request, fault: RateLimited) -> web.Response:
        reply = self._too_many()
        reply.headers.update(self.limiter.headers(exhausted=True, daily_exhausted=fault.daily_exhausted))
        if fault.retry_after is not None:
            reply.headers["Retry-After"] = f"{fault.retry_after:g}"
        return reply

    def _too_many(self) -> web.Response:
        body = {
            "statusCode": 429,
            "message": "Too many requests, please try again later.",
            "error": "Too Many Requests",
        }
        return self._json(429, body)

    @staticmethod
    def _json(status: int, body: Any, *, trace: bool = True) -> web.Response:
        if trace and isinstance(body, Mapping) and "traceId" not in body:
            body = {**body, "traceId": str(uuid.uuid4())}
        return web.Response(
            status=status, body=dumps(body, decimal=js_number), content_type="application/json", charset="utf-8"
        )

    async def _dispatch(self, request: web.Request, body: bytes) -> web.Response:
        if request.path == "/oauth/token":
            if request.method != "POST":
                return self._not_found(request)
            return self._oauth(request, body)
        route = self._route(request)
        if route is None:
            return self._not_found(request)
        if not self.limiter.hit():
            reply = self._too_many()
            reply.headers.update(
                self.limiter.headers(exhausted=True, daily_exhausted=self.limiter.used_today >= self.limiter.daily)
            )
            return reply
        handler, match = route
        try:
            self._authenticate(request)
            call = _Call(request, match, self._parse_body(request, body))
            return await handler(call)
        except _HttpError as error:
            return self._json(error.status, error.body)
        except BadRequest as error:
            return self._json(400, {"statusCode": 400, "message": error.message, "error": "Bad Request"})
        except Unprocessable as error:
            return self._json(422, {"statusCode": 422, "message": error.messages, "error": "Unprocessable Entity"})

    def _route(self, request: web.Request) -> tuple[Handler, re.Match[str]] | None:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match is not None and method == request.method:
                return handler, match
        return None

    def _not_found(self, request: web.Request) -> web.Response:
        lowered = request.path.lower()
        if lowered != request.path and any(p.fullmatch(lowered) for _, p, _ in self._routes):
            # A wrong-case path is refused by the IAM layer, not routed to a 404 (issue #306).
            message = "This route is not yet supported by the IAM Service"
            body = {"statusCode": 401, "message": message, "error": "Unauthorized"}
            return self._json(401, body)
        message = f"Cannot {request.method} {request.path}"
        return self._json(404, {"statusCode": 404, "message": message, "error": "Not Found"})

    def _authenticate(self, request: web.Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        expiry = self._access_expiry.get(token)
        if expiry is not None and self._monotonic() >= expiry:
            self.access_tokens.discard(token)
            del self._access_expiry[token]
        if scheme != "Bearer" or token not in self.access_tokens:
            raise _HttpError(401, {"statusCode": 401, "message": "Invalid JWT"})
        version = request.headers.get("Version")
        if version is None:
            raise _nest_error(400, "Version header was not found", "Bad Request")
        if version not in self.versions:
            raise _nest_error(400, f"Version header value {version[:40]!r} is not supported", "Bad Request")

    @staticmethod
    def _parse_body(request: web.Request, body: bytes) -> Any:
        if request.method in ("GET", "DELETE") or not body.strip():
            return {}
        try:
            return json.loads(body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _nest_error(400, f"Unexpected token in JSON: {exc}", "Bad Request") from None

    def _check_location(self, alt_id: Any) -> None:
        if isinstance(alt_id, str) and alt_id and alt_id != self.location_id:
            raise _nest_error(403, "The token does not have access to this location.", "Forbidden")

    def _query(self, call: _Call, *, paging: bool = False) -> Mapping[str, str]:
        query = call.request.query
        self._check_location(query.get("altId"))
        messages: list[str] = []
        if not query.get("altId"):
            messages += ["altId should not be empty", "altId must be a string"]
        if query.get("altType") != "location":
            messages.append("altType must be one of the following values: location")
        if paging:
            for name in ("limit", "offset"):
                value = query.get(name)
                if value is None or value == "":
                    messages += [f"{name} should not be empty", f"{name} must be a number string"]
                elif not value.isdigit():
                    messages.append(f"{name} must be a number string")
            for name, allowed in (("paymentMode", ("default", "live", "test")), ("sortField", ("issueDate",)),
                                  ("sortOrder", ("ascend", "descend"))):  # fmt: skip
                if name in query and query[name] not in allowed:
                    messages.append(f"{name} must be one of the following values: {', '.join(allowed)}")
        if messages:
            raise Unprocessable(messages)
        return query

    def _body(self, call: _Call, schema: str) -> Mapping[str, Any]:
        body = call.body
        if isinstance(body, Mapping):
            self._check_location(body.get("altId"))
        messages = validate(body, schema)
        if messages:
            raise Unprocessable(messages)
        assert isinstance(body, Mapping)
        return body

    # -- rendering ------------------------------------------------------------------------------
    def _wire(self, invoice: GhlInvoice) -> dict[str, Any]:
        sub_total, discount, tax, total = invoice.totals()
        wire: dict[str, Any] = {
            "_id": invoice.id,
            "status": invoice.status,
            "liveMode": invoice.live_mode,
            "amountPaid": money(invoice.amount_paid),
            "altId": self.location_id,
            "altType": "location",
            "name": invoice.name,
            "businessDetails": invoice.business_details,
            "invoiceNumber": invoice.invoice_number,
            "invoiceNumberPrefix": invoice.invoice_number_prefix,
            "currency": invoice.currency,
            "contactDetails": invoice.contact_details,
            "sentTo": invoice.sent_to,
            "issueDate": invoice.issue_date,
            "dueDate": invoice.due_date,
            "discount": invoice.discount,
            "invoiceItems": invoice.items,
            "termsNotes": invoice.terms_notes,
            "title": invoice.title,
            "total": money(total),
            "amountDue": money(invoice.amount_due),
            "totalSummary": {"subTotal": money(sub_total), "discount": money(discount), "tax": money(tax)},
            "automaticTaxesEnabled": False,
            "automaticTaxesCalculated": False,
            "companyId": self.store.company_id,
            "createdAt": _iso(invoice.created_at),
            "updatedAt": _iso(invoice.updated_at),
        }
        if invoice.description is not None:
            wire["description"] = invoice.description
        for key, value in invoice.extra.items():
            wire.setdefault(key, value)
        return wire

    # -- invoice handlers -----------------------------------------------------------------------
    async def _create(self, call: _Call) -> web.Response:
        body = self._body(call, "CreateInvoiceDto")
        invoice = self.store.create(body, self.now)
        return await self._changed("InvoiceCreate", self._wire(invoice))

    async def _list(self, call: _Call) -> web.Response:
        query = self._query(call, paging=True)
        found = list(self.store.invoices.values())
        if query.get("status"):
            found = [i for i in found if i.status == query["status"]]
        if query.get("startAt"):
            found = [i for i in found if i.issue_date >= query["startAt"][:10]]
        if query.get("endAt"):
            found = [i for i in found if i.issue_date <= query["endAt"][:10]]
        if query.get("contactId"):
            found = [i for i in found if i.contact_details.get("id") == query["contactId"]]
        mode = query.get("paymentMode", "default")
        if mode != "default":
            found = [i for i in found if i.live_mode == (mode == "live")]
        text = query.get("search", "").strip().lower()
        if text:
            found = [i for i in found if text in _haystack(i)]
        if query.get("sortField") == "issueDate":
            found.sort(key=lambda i: (i.issue_date, i.created_at, i.id), reverse=query.get("sortOrder") == "descend")
        else:  # newest first, like the web app
            found.sort(key=lambda i: (i.created_at, i.id), reverse=query.get("sortOrder") != "ascend")
        offset, limit = int(query["offset"]), int(query["limit"])
        page = found[offset : offset + limit]
        return self._json(200, {"invoices": [self._wire(i) for i in page], "total": len(found)})

    async def _generate_number(self, call: _Call) -> web.Response:
        self._query(call)
        return self._json(200, {"invoiceNumber": self.store.next_number()})

    async def _invoice_settings(self, call: _Call) -> web.Response:
        """GetInvoiceSettingsResponseDto: the location's invoice defaults (no field is required)."""
        self._query(call)
        settings: dict[str, Any] = {
            "altId": self.location_id, "altType": "location", "title": "INVOICE", "estimatesTitle": "ESTIMATE",
            "invoiceNumberPrefix": "INV-", "estimateNumberPrefix": "EST-", "dueAfterXDays": 30,
            "estimatesExpireAfterXDays": 30,
        }
        if self.terms_note is not None:
            settings["termsNote"] = self.terms_note
        return self._json(200, settings)

    async def _get(self, call: _Call) -> web.Response:
        self._query(call)
        return self._json(200, self._wire(self.store.get(call.match["id"])))

    async def _update(self, call: _Call) -> web.Response:
        body = self._body(call, "UpdateInvoiceDto")
        return await self._changed("InvoiceUpdate", self._wire(self.store.update(call.match["id"], body, self.now)))

    async def _delete(self, call: _Call) -> web.Response:
        self._query(call)
        return await self._changed("InvoiceDelete", self._wire(self.store.delete(call.match["id"])))

    async def _void(self, call: _Call) -> web.Response:
        self._body(call, "VoidInvoiceDto")
        return await self._changed("InvoiceVoid", self._wire(self.store.void(call.match["id"], self.now)))

    async def _send(self, call: _Call) -> web.Response:
        self._body(call, "SendInvoiceDto")
        wire = self._wire(self.store.send(call.match["id"], self.now))
        return await self._changed("InvoiceSent", wire, {"invoice": wire, "smsData": {}, "emailData": {}})

    async def _record_payment(self, call: _Call) -> web.Response:
        body = self._body(call, "RecordPaymentDto")
        invoice = self.store.record_payment(call.match["id"], body, self.now)
        event = "InvoicePaid" if invoice.status == "paid" else "InvoicePartiallyPaid"
        wire = self._wire(invoice)
        return await self._changed(event, wire, {"success": True, "invoice": wire})

    async def _changed(self, event: str, wire: dict[str, Any], answer: Any = None) -> web.Response:
        """The API's answer to a state change, once its webhook went out (as GoHighLevel fires
        them: one per change, after the change)."""
        await self.webhooks.invoice_event(event, wire)
        return self._json(200, wire if answer is None else answer)

    # -- OAuth ----------------------------------------------------------------------------------
    def _oauth(self, request: web.Request, body: bytes) -> web.Response:
        """``POST /oauth/token``: v2 (form, snake_case, no Version header) or v3 (``Version: v3``,
        form or JSON, camelCase fields and answer), as ``oauth.json`` and ``oauth-v3.json`` say."""
        v3 = request.headers.get("Version") == "v3"
        names = _V3_FIELDS if v3 else _V2_FIELDS
        form: dict[str, Any] = {}
        if request.content_type == "application/x-www-form-urlencoded":
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif v3 and request.content_type == "application/json":
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                parsed = json.loads(body)
                form = parsed if isinstance(parsed, dict) else {}

        def bad(message: str, error: str | None = None) -> web.Response:
            payload: dict[str, Any] = {"statusCode": 400, "message": message}
            if error:
                payload["error"] = error
            return self._json(400, payload, trace=False)

        def field(name: str) -> str:
            value = form.get(names[name])
            return value if isinstance(value, str) else ""

        for name in ("client_id", "client_secret", "grant_type"):
            if not field(name):
                return bad(f"Missing parameter: {names[name]}")
        if field("client_id") != self.client_id:
            return bad(f"Invalid parameter: {names['client_id']}")
        if not secrets.compare_digest(field("client_secret").encode(), self.client_secret.encode()):
            return bad(f"Invalid parameter: {names['client_secret']}")
        if field("grant_type") != "refresh_token":
            return bad(f"Invalid parameter: {names['grant_type']}")
        if field("user_type") not in ("", "Location", "Company"):
            return bad(f"Invalid parameter: {names['user_type']}")
        refresh = field("refresh_token")
        if not refresh:
            return bad(f"Missing parameter: {names['refresh_token']}")
        self.presented_refresh_tokens.append(refresh)
        if refresh not in self.refresh_tokens:
            # Single use: a token seen before is as invalid as one never issued.
            return bad("Invalid grant: refresh token is invalid", "invalid_grant")
        if not self.location_active:
            return bad("Location is not active")  # the refresh token stays usable
        self.refresh_tokens.discard(refresh)
        self.used_refresh_tokens.add(refresh)
        access, new_refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.access_tokens.add(access)
        self._access_expiry[access] = self._monotonic() + self.access_token_lifetime
        self.refresh_tokens.add(new_refresh)
        self.refreshes += 1
        answer = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.access_token_lifetime,
            "refresh_token": new_refresh,
            "scope": "invoices.readonly invoices.write",
            "userType": "Location",
            "locationId": self.location_id,
            "companyId": self.company_id,
            "userId": self.user_id,
            "isBulkInstallation": False,
        }
        if v3:
            answer = {_V3_ANSWER.get(k, k): v for k, v in answer.items()}
        return self._json(200, answer, trace=False)


def _iso(value: datetime) -> str:
    """``2023-12-12T09:27:42.355Z``: UTC, milliseconds, ``Z``."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _haystack(invoice: GhlInvoice) -> str:
    contact = invoice.contact_details
    parts = [invoice.id, invoice.name, invoice.invoice_number, contact.get("name"), contact.get("email"),
             contact.get("phoneNo")]  # fmt: skip
    return " ".join(str(p) for p in parts if p).lower()
