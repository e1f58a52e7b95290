"""The ONLYOFFICE CRM invoice API simulator (CommunityServer API 2.0)."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, ClassVar

from aiohttp import web

from ...models import Contact
from .._jsonwire import dotnet_decimal, dumps
from .._server import Simulator
from ..faults import Fail, RateLimited
from .binder import (
    ApiError,
    Params,
    argument_error,
    parse_body,
    parse_query,
    server_error,
    to_datetime,
    to_int,
    to_int_list,
    to_text,
)
from .contacts import ContactBook
from .items import ItemCatalogueApi
from .render import (
    Wrappers,
    api_datetime,
    envelope,
    error_envelope,
    html_not_found,
    respond,
    unauthorized,
)
from .store import STATUS_NAMES, STATUS_TITLES, Invoice, Store

_PREFIX = "/api/2.0/"
_SUFFIX = re.compile(r"\.(json|xml|tml)$")
_SORT_KEYS: dict[str, Callable[[Store, Invoice], Any]] = {
    "number": lambda s, i: i.number,
    "issuedate": lambda s, i: i.issue_date,
    "contact": lambda s, i: s.contacts[i.contact_id].display_name if i.contact_id in s.contacts else "",
    "duedate": lambda s, i: i.due_date,
    "status": lambda s, i: i.status,
    "id": lambda s, i: i.id,
}
_MAX_PAGE = 1000
_LOGIN_ATTEMPTS = 5
_LOGIN_WINDOW = 60.0

Handler = Callable[["_Call"], Awaitable[web.Response]]


class _Call:
    """One routed API call: its arguments, format and the match of its route."""

    def __init__(self, request: web.Request, params: Params, match: re.Match[str], xml: bool) -> None:
        self.request = request
        self.params = params
        self.match = match
        self.xml = xml
        self.cookie_token: str | None = None

    def answer(self, response: Any, *, status: int | None = None, **paging: Any) -> web.Response:
        code = status or (201 if self.request.method == "POST" else 200)
        reply = respond(envelope(response, code, **paging), code, xml=self.xml)
        if self.cookie_token:
            # Header authentication makes the real server set its auth cookie too.
            reply.set_cookie("asc_auth_key", self.cookie_token, path="/", httponly=True)
        return reply


class OnlyOfficeSimulator(Simulator):
    """An in-memory ONLYOFFICE portal serving the CRM invoice API under ``/api/2.0/``.

    ``token`` is valid from the start (send it raw in ``Authorization``, or as ``Bearer``);
    ``POST authentication`` with ``username``/``password`` issues more. ``invoices`` seeds that
    many invoices (numbers ``INV-0000001``...); ``utc_offset`` is the portal time zone used for
    dates on the wire. ``two_factor`` makes the login answer ``{tfa: true}`` until the code is
    posted to ``authentication/{code}``. Set ``portal_active = False`` for 402 answers.
    Issued tokens expire after ``token_lifetime``; ``logins`` counts successful logins and
    ``login_attempts`` every attempt (five failures a minute block the user, as the portal does).
    """

    provider: ClassVar[str] = "onlyoffice"
    name: ClassVar[str] = "ONLYOFFICE CRM (API 2.0, portal root URL)"
    variants: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "json": {"response_format": "json"},
        "xml": {"response_format": "xml"},
    }
    tour: ClassVar[tuple[str, ...]] = ("json", "xml")
    #: Contacts the simulator seeds (ids 1..5); these two are people.
    contacts: ClassVar[tuple[Contact, Contact]] = (
        Contact(id=2, name="Jane Cooper", email="jane.cooper@example.com"),
        Contact(id=5, name="Robert Fox", email="robert.fox@example.com"),
    )
    cli_options: ClassVar[Mapping[str, str]] = {
        "username": "login for POST authentication",
        "password": "password for POST authentication",
    }
    pytest_ini: ClassVar[Mapping[str, tuple[str, str]]] = {
        "invoicekit_onlyoffice_format": ("response_format", "ONLYOFFICE response format of the fixtures (json or xml)"),
    }

    # -- how a client reaches it ------------------------------------------------------------

    def client_config(
        self, *, url: str | None = None, response_format: str = "json", login: bool = False, **overrides: Any
    ) -> dict[str, Any]:
        """Its token (or, with ``login``, its username and password), the answer format, and
        catalogue item 1 for lines without an item."""
        if response_format not in ("json", "xml"):
            raise ValueError(f"the ONLYOFFICE response format must be json or xml, not {response_format!r}")
        config: dict[str, Any] = {
            "provider": self.provider, "base_url": self._served_url(url), "response_format": response_format,
        }
        if login:
            # The simulator's tokens die with it: keep them in the client, not in the user's state file.
            config.update(username=self.username, password=self.password, state_store="memory:")
        else:
            config["token"] = self.token
        config["default_item_id"] = 1
        config.update(overrides)
        return config

    def connection_hints(self) -> list[str]:
        return [f"token: {self.token}  (test credential, not a secret)"]

    def __init__(
        self,
        *,
        token: str = "onlyoffice-simulator-token",
        username: str = "admin@example.com",
        password: str = "simulator-password",
        invoices: int = 5,
        utc_offset: timedelta = timedelta(0),
        two_factor: bool = False,
        tfa_code: str = "123456",
        seed: int = 2024,
        clock: Callable[[], datetime] | None = None,
        token_lifetime: timedelta = timedelta(days=365),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.token_lifetime = token_lifetime
        self._monotonic = monotonic
        self._token_expiry: dict[str, float] = {}
        #: Successful logins, and every login attempt (failed ones included).
        self.logins = 0
        self.login_attempts = 0
        self.zone = timezone(utc_offset)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.store = Store(invoices=invoices, zone=self.zone, seed=seed)
        # The initial credentials stay readable so a fixture can build client settings from them.
        self.token = token
        self.tokens: set[str] = {token}
        self.username = username
        self.password = password
        self.two_factor = two_factor
        self._tfa_code = tfa_code
        self.portal_active = True
        self._failed_logins: dict[str, list[float]] = {}
        self._routes: list[tuple[str, re.Pattern[str], Handler, bool]] = [
            ("POST", re.compile(r"authentication"), self._authenticate, False),
            ("POST", re.compile(r"authentication/(?P<code>[^/]+)"), self._authenticate_code, False),
            ("GET", re.compile(r"crm/invoice/filter"), self._filter, True),
            ("GET", re.compile(r"crm/invoice/sample"), self._sample, True),
            ("GET", re.compile(r"crm/invoice/bynumber/exist"), self._number_exists, True),
            ("GET", re.compile(r"crm/invoice/bynumber"), self._by_number, True),
            ("GET", re.compile(r"crm/invoice/settings"), self._settings, True),
            ("PUT", re.compile(r"crm/invoice/settings/terms"), self._save_terms, True),
            ("GET", re.compile(r"crm/invoice/tax"), self._taxes, True),
            ("GET", re.compile(r"crm/invoice/jsondata/(?P<id>[0-9]+)"), self._json_data, True),
            ("GET", re.compile(r"crm/invoice/(?P<id>[0-9]+)"), self._get, True),
            ("POST", re.compile(r"crm/invoice"), self._create, True),
            ("PUT", re.compile(r"crm/invoice/status/(?P<status>[\w\d-]+)"), self._change_status, True),
            ("PUT", re.compile(r"crm/invoice/(?P<id>[0-9]+)"), self._update, True),
            ("DELETE", re.compile(r"crm/invoice/(?P<id>[0-9]+)"), self._delete, True),
            ("DELETE", re.compile(r"crm/invoice"), self._delete_many, True),
            ("GET", re.compile(r"crm/(?P<kind>contact|person|company|opportunity)/invoicelist/(?P<eid>[0-9]+)"),
             self._invoice_list, True),
            ("GET", re.compile(r"crm/settings/currency"), self._currencies, True),
        ]  # fmt: skip
        #: CRM contacts with their e-mails (contacts.py): lookup by e-mail, persons, contact infos.
        self.contact_book = ContactBook(self.store, lambda: self.now)
        self._routes += self.contact_book.routes()
        #: The invoice catalogue (items.py): lookup by words, get, create with the server's rules.
        self._routes += ItemCatalogueApi(self.store).routes()

    # -- test helpers ---------------------------------------------------------------------
    def revoke_tokens(self) -> None:
        """Invalidate every token (an admin's "log out all"): the next call gets 401."""
        self.tokens.clear()

    def invoice(self, invoice_id: int) -> Invoice:
        """The stored invoice (KeyError if absent)."""
        return self.store.invoices[invoice_id]

    @property
    def now(self) -> datetime:
        return self._clock()

    # -- pipeline hooks -------------------------------------------------------------------
    async def _dispatch(self, request: web.Request, body: bytes) -> web.Response:
        path = request.path
        if not path.startswith(_PREFIX):
            return html_not_found(path)
        tail = path[len(_PREFIX) :]
        suffix = _SUFFIX.search(tail)
        if suffix:
            tail = tail[: suffix.start()]
        xml = suffix is not None and suffix.group(1) in ("xml", "tml") and request.content_type != "application/json"
        for method, pattern, handler, needs_auth in self._routes:
            match = pattern.fullmatch(tail)
            if match is None or method != request.method:
                continue
            try:
                call = _Call(request, Params(), match, xml)
                if needs_auth:
                    token = self._authenticated_token(request)
                    if token is None:
                        return unauthorized(request.headers.get("Authorization"))
                    call.cookie_token = token if "Authorization" in request.headers else None
                    if not self.portal_active:
                        raise ApiError(402, "Payment Required.", -2147467259)
                call.params.update(match.groupdict().items())
                call.params.update(parse_query(request.query.items()))
                if request.method != "GET":
                    call.params.update(parse_body(body, request.content_type))
                return await handler(call)
            except ApiError as error:
                return respond(error_envelope(error), error.status, xml=xml)
        return html_not_found(path)

    def _render_failure(self, request: web.Request, fault: Fail) -> web.Response:
        if fault.body is not None:
            if isinstance(fault.body, bytes | str):
                raw = fault.body.encode() if isinstance(fault.body, str) else fault.body
                return web.Response(status=fault.status, body=raw, headers=fault.headers)
            body = dumps(fault.body, decimal=dotnet_decimal)
            return web.Response(status=fault.status, body=body, headers=fault.headers, content_type="application/json")
        if fault.status == 401:
            reply = unauthorized(request.headers.get("Authorization"))
        else:
            messages = {402: "Payment Required.", 403: "Access Denied", 404: "Not found"}
            message = messages.get(fault.status, "Value does not fall within the expected range.")
            if fault.status >= 500:
                message = "The service is temporarily unavailable." if fault.status == 503 else "Server error"
            error = ApiError(fault.status, message, -2146233088)
            reply = respond(error_envelope(error), fault.status, xml=request.path.endswith((".xml", ".tml")))
        reply.headers.update(fault.headers)
        return reply

    def _render_rate_limited(self, request: web.Request, fault: RateLimited) -> web.Response:
        # The cloud limit (500 requests / 10 s per IP) answers 503 with Retry-After (docs).
        error = ApiError(503, "Too many requests. Retry later.", -2146233088)
        reply = respond(error_envelope(error), 503, xml=request.path.endswith((".xml", ".tml")))
        retry_after = 1.0 if fault.retry_after is None else fault.retry_after
        reply.headers["Retry-After"] = f"{retry_after:g}"
        return reply

    # -- auth -------------------------------------------------------------------------------
    def _authenticated_token(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "").strip()
        if header:
            scheme, _, rest = header.partition(" ")
            if scheme.lower() == "basic":
                return self._basic(rest.strip())
            candidate = rest.strip() if scheme.lower() == "bearer" else header
            return candidate if self._valid(candidate) else None
        cookie = request.cookies.get("asc_auth_key")
        return cookie if cookie is not None and self._valid(cookie) else None

    def _valid(self, token: str) -> bool:
        expiry = self._token_expiry.get(token)
        if expiry is not None and self._monotonic() >= expiry:
            self.tokens.discard(token)
            del self._token_expiry[token]
        return token in self.tokens

    def _basic(self, encoded: str) -> str | None:
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if user.lower() == self.username.lower() and _same(password, self.password):
            return next(iter(self.tokens), None) or self._issue_token()
        return None

    def _issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.tokens.add(token)
        return token

    def _check_credentials(self, params: Params) -> None:
        self.login_attempts += 1
        user = to_text(params.get("userName")).strip().lower()
        now = time.monotonic()
        recent = [t for t in self._failed_logins.get(user, []) if now - t < _LOGIN_WINDOW]
        self._failed_logins[user] = recent
        if len(recent) >= _LOGIN_ATTEMPTS:
            raise server_error("Login Fail. Too many attempts")
        password = to_text(params.get("password"))
        if user != self.username.lower() or not _same(password, self.password):
            recent.append(now)
            raise server_error("User authentication failed")

    def _token_answer(self, call: _Call) -> web.Response:
        expires = api_datetime(self.now + self.token_lifetime, self.zone)
        token = self._issue_token()
        self._token_expiry[token] = self._monotonic() + self.token_lifetime.total_seconds()
        self.logins += 1
        return call.answer({"token": token, "expires": expires})

    async def _authenticate(self, call: _Call) -> web.Response:
        self._check_credentials(call.params)
        if self.two_factor:
            return call.answer({"tfa": True, "tfaKey": None, "expires": api_datetime(self.now, self.zone)})
        return self._token_answer(call)

    async def _authenticate_code(self, call: _Call) -> web.Response:
        self._check_credentials(call.params)
        if not self.two_factor or not _same(call.match["code"], self._tfa_code):
            raise server_error("User authentication failed")
        return self._token_answer(call)

    # -- invoices ---------------------------------------------------------------------------
    def _wrappers(self, call: _Call) -> Wrappers:
        # Invoices embed their contacts with their primary e-mails, which the contact book keeps.
        return Wrappers(self.store, f"{call.request.scheme}://{call.request.host}", self.contact_book.primary_email)

    async def _get(self, call: _Call) -> web.Response:
        invoice = self.store.get(to_int(call.match["id"]))
        return call.answer(self._wrappers(call).invoice(invoice))

    async def _create(self, call: _Call) -> web.Response:
        invoice = self.store.create(call.params, self.now)
        # The server renders the PDF model after saving the invoice and its lines; an unknown
        # culture then fails the call although the invoice stays.
        if invoice.language and not _CULTURE.fullmatch(invoice.language):
            raise argument_error(f"Culture is not supported.\r\nParameter name: name\r\n"
                                 f"{invoice.language} is an invalid culture identifier.")
        return call.answer(self._wrappers(call).invoice(invoice))

    async def _json_data(self, call: _Call) -> web.Response:
        invoice = self.store.get(to_int(call.match["id"]))
        # The PDF render model (InvoiceFormattedData) as JSON text; only its address ids matter here.
        model = {
            "TemplateType": invoice.template_type,
            "Number": {"Item1": "Invoice", "Item2": invoice.number},
            "DeliveryAddressID": invoice.delivery_address_id,
            "BillingAddressID": invoice.billing_address_id,
        }
        return call.answer(dumps(model, decimal=dotnet_decimal).decode())

    async def _update(self, call: _Call) -> web.Response:
        invoice = self.store.update(to_int(call.match["id"]), call.params)
        return call.answer(self._wrappers(call).invoice(invoice))

    async def _delete(self, call: _Call) -> web.Response:
        invoice = self.store.delete(to_int(call.match["id"]))
        return call.answer(self._wrappers(call).invoice_base(invoice))

    async def _delete_many(self, call: _Call) -> web.Response:
        deleted = self.store.delete_many(to_int_list(call.params.get("invoiceids")))
        wrappers = self._wrappers(call)
        return call.answer([wrappers.invoice_base(i) for i in deleted])

    async def _change_status(self, call: _Call) -> web.Response:
        status = _parse_status(call.match["status"])
        changed = self.store.change_status(status, to_int_list(call.params.get("invoiceids")))
        wrappers = self._wrappers(call)
        return call.answer({"key": [wrappers.invoice_base(i) for i in changed], "value": []})

    async def _sample(self, call: _Call) -> web.Response:
        now = self.now.astimezone(self.zone)
        wrappers = self._wrappers(call)
        basic = next(c for c in self.store.currencies.values() if c.is_basic)
        sample = {
            "id": 0,
            "status": {"id": 1, "title": STATUS_TITLES[1]},
            "number": self.store.next_number(),
            "issueDate": wrappers.date(now),
            "templateType": 0,
            "contact": None,
            "consignee": None,
            "entity": None,
            "dueDate": wrappers.date(now + timedelta(days=30)),
            "language": "en-US",
            "currency": wrappers.currency(basic),
            "exchangeRate": Decimal("1.0"),
            "purchaseOrderNumber": "",
            "terms": self.store.default_terms,
            "description": "",
            "fileID": 0,
            "createOn": wrappers.date(now),
            "createBy": wrappers.employee(),
            "cost": Decimal("0.0"),
            "canEdit": True,
            "canDelete": True,
            "invoiceLines": [
                {
                    "id": 0,
                    "invoiceID": 0,
                    "invoiceItemID": 0,
                    "invoiceTax1ID": 0,
                    "invoiceTax2ID": 0,
                    "sortOrder": 0,
                    "description": "",
                    "quantity": Decimal("1.0"),
                    "price": Decimal("0.0"),
                    "discount": Decimal("0.0"),
                }
            ],
        }
        return call.answer(sample)

    async def _number_exists(self, call: _Call) -> web.Response:
        number = to_text(call.params.get("number"))
        if not number:
            raise argument_error()
        return call.answer(self.store.by_number(number) is not None)

    async def _by_number(self, call: _Call) -> web.Response:
        number = to_text(call.params.get("number"))
        if not number:
            raise argument_error()
        invoice = self.store.by_number(number)
        if invoice is None:
            raise ApiError(404, "Not found", -2146233088)
        return call.answer(self._wrappers(call).thin_invoice(invoice))

    async def _settings(self, call: _Call) -> web.Response:
        return call.answer(self._invoice_setting())

    async def _save_terms(self, call: _Call) -> web.Response:
        # SaveTermsSettings: stored as given (blank included; invoices then need their own terms).
        self.store.default_terms = to_text(call.params.get("terms"))
        return call.answer(self._invoice_setting())

    def _invoice_setting(self) -> dict[str, Any]:
        """InvoiceSetting, the portal's invoice defaults."""
        return {
            "autogenerated": True,
            "prefix": self.store.prefix,
            "number": self.store.next_number()[len(self.store.prefix) :],
            "terms": self.store.default_terms,
            "companyName": "Simulated Portal Ltd",
            "companyLogoID": 0,
            "companyAddress": None,
        }

    async def _taxes(self, call: _Call) -> web.Response:
        wrappers = self._wrappers(call)
        return call.answer([wrappers.tax(t) for t in self.store.taxes.values()])

    async def _currencies(self, call: _Call) -> web.Response:
        wrappers = self._wrappers(call)
        return call.answer([wrappers.currency(c) for c in self.store.currencies.values()])

    async def _invoice_list(self, call: _Call) -> web.Response:
        entity_id = to_int(call.match["eid"])
        if call.match["kind"] == "opportunity":
            found = [i for i in self.store.invoices.values() if i.entity_id == entity_id]
        else:
            found = [i for i in self.store.invoices.values() if i.contact_id == entity_id]
        wrappers = self._wrappers(call)
        return call.answer([wrappers.invoice_base(i) for i in sorted(found, key=lambda i: i.number)])

    async def _filter(self, call: _Call) -> web.Response:
        query = call.request.query  # paging/sort/filter come from the query string only
        found = self._filtered(query)
        sort_by = query.get("sortBy", "number").lower()
        key = _SORT_KEYS.get(sort_by, _SORT_KEYS["number"])
        found.sort(key=lambda i: (key(self.store, i), i.id), reverse=query.get("sortOrder") == "descending")
        start = max(to_int(query.get("startIndex")), 0)
        count = to_int(query.get("count")) if "count" in query else _MAX_PAGE
        count = _MAX_PAGE if count <= 0 else min(count, _MAX_PAGE)
        page = found[start : start + count]
        # A short page reports start + items; a full page runs the count query.
        total = start + len(page) if len(page) < count else len(found)
        # nextIndex is off by one on the real server: start + pageSize + 1.
        next_index = start + count + 1 if start + count < len(found) else None
        wrappers = self._wrappers(call)
        return call.answer(
            [wrappers.invoice_base(i) for i in page], start_index=start, next_index=next_index, total=total
        )

    def _filtered(self, query: Any) -> list[Invoice]:
        zone = self.zone
        invoices = list(self.store.invoices.values())
        if query.get("status"):
            status = _parse_status(query["status"])
            invoices = [i for i in invoices if i.status == status]
        for name, attribute, inclusive in (
            ("issueDateFrom", "issue_date", False),
            ("issueDateTo", "issue_date", True),
            ("dueDateFrom", "due_date", False),
            ("dueDateTo", "due_date", True),
        ):
            bound = to_datetime(query.get(name), zone)
            if bound is None:
                continue
            if inclusive:  # the server adds one day minus one minute to a "To" bound
                upper = bound + timedelta(days=1) - timedelta(minutes=1)
                invoices = [i for i in invoices if getattr(i, attribute) <= upper]
            else:
                invoices = [i for i in invoices if getattr(i, attribute) >= bound]
        entity_type = (query.get("entityType") or "").lower()
        entity_id = to_int(query.get("entityid"))
        if entity_type and entity_type not in ("contact", "opportunity", "case"):
            raise argument_error()
        if entity_id and not entity_type:
            return []
        if entity_id and entity_type == "contact":
            invoices = [i for i in invoices if i.contact_id == entity_id]
        elif entity_id and entity_type == "opportunity":
            invoices = [i for i in invoices if i.entity_id == entity_id]
        elif entity_id:
            invoices = []  # cases cannot be linked through the API
        if query.get("currency"):
            invoices = [i for i in invoices if i.currency == query["currency"]]
        text = (_context_value(query, "filterValue") or "").strip().lower()
        if text:
            invoices = [i for i in invoices if text in i.number.lower() or text in i.description.lower()]
        return invoices


# A .NET culture name: language, optional script, optional region ("en-US", "sr-Latn-RS").
_CULTURE = re.compile(r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?", re.IGNORECASE)


def _context_value(query: Any, key: str) -> str | None:
    """ApiContext.GetRequestValue: the first ``key[]`` value as sent, else the first ``key``
    value, where a single one is split on commas (so "Acme, Inc" reads as "Acme")."""
    values = query.getall(key + "[]", None) or query.getall(key, None)
    if not values:
        return None
    if len(values) == 1 and key + "[]" not in query and values[0]:
        return str(values[0]).split(",")[0]
    return str(values[0])


def _parse_status(text: str) -> int:
    if text.isdigit() and int(text) in STATUS_TITLES:
        return int(text)
    status = STATUS_NAMES.get(text.lower())
    if status is None:
        raise argument_error()
    return status


def _same(given: str, expected: str) -> bool:
    """Constant-time equality of two texts; compare_digest refuses a str with non-ASCII
    characters (an accented password), so the UTF-8 bytes are compared."""
    return secrets.compare_digest(given.encode(), expected.encode())
