"""The ONLYOFFICE Workspace CRM invoice client (API 2.0, ``/api/2.0/crm/invoice...``)."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import aiohttp
import attrs

from .._closing import aclose_all
from .._http.auth import StaticAuth
from .._http.messages import Request, Response
from .._http.runner import RequestRunner
from .._http.shared_limiter import share_rate_limit
from .._http.transport import HttpTransport
from .._log import scrub_error
from .._per_loop import PerLoop
from .._serde import loads_json, parse_bool, parse_datetime
from ..client import InvoiceClient, checked_batch_ids
from ..credentials import fingerprint, header_safe
from ..errors import (
    APIError,
    AuthenticationError,
    BatchError,
    ClientClosedError,
    InvalidRequestError,
    InvalidStateError,
    InvoiceKitError,
    MalformedResponseError,
    NotFoundError,
    ServerError,
    TransportError,
)
from ..listing import ListFilters, ListingPlan, page_size_for
from ..models import Capability, Invoice, InvoiceChanges, InvoiceDraft, InvoiceId, InvoiceStatus
from ..rules import ProviderRules
from ..secret import Secret
from ..state import StateStore, open_state_store
from ..states import StateMachine
from .auth import LoginAuth, Token, is_login_refusal
from .contacts import OnlyOfficeContacts
from .decode import DECODE_ERRORS, decode_invoice, item_ids, structure
from .encode import address_ids, draft_body, list_params, positive_id, update_body
from .envelope import Envelope, decode_envelope, decode_error
from .errors import malformed
from .items import ItemCatalogue
from .portal_settings import PortalSettings
from .request_body import check_text, check_texts, json_body, xml_body
from .rules import RULES
from .settings import PROVIDER_NAME, OnlyOfficeSettings
from .states import STATE_MACHINE
from .status import PAID, SENT, STATUS_ALIASES, STATUS_TO_WIRE, plan, status_name
from .wire import INVOICE_LISTS, STATUS_BATCH_LISTS, WireAddressIds, WireLinks

T = TypeVar("T")
_INT32_MAX = 2**31 - 1


class OnlyOfficeClient(InvoiceClient):
    """ONLYOFFICE CRM invoices. Ids are ``int`` (a string of digits is accepted and converted).

    ``void`` and ``record_payment`` are not supported: ONLYOFFICE has no void state and no
    partial payments (``mark_paid`` marks the whole invoice paid).
    """

    provider: ClassVar[str] = PROVIDER_NAME
    capabilities: ClassVar[frozenset[Capability]] = frozenset({
        Capability.GET, Capability.LIST, Capability.CREATE, Capability.UPDATE, Capability.DELETE,
        Capability.DELETE_MANY, Capability.SEND, Capability.MARK_PAID, Capability.GENERATE_NUMBER,
    })
    rules: ClassVar[ProviderRules] = RULES  # limits and id rule as data (neutral helper)
    state_machine: ClassVar[StateMachine] = STATE_MACHINE
    listed_statuses: ClassVar[frozenset[InvoiceStatus]] = frozenset(STATUS_TO_WIRE)
    status_aliases: ClassVar[Mapping[str, InvoiceStatus]] = STATUS_ALIASES

    def __init__(
        self,
        settings: OnlyOfficeSettings,
        session: aiohttp.ClientSession | None = None,
        *,
        state_store: StateStore | None = None,
    ) -> None:
        super().__init__(options=settings.options)
        self._settings = settings
        self._xml = settings.response_format == "xml"
        self._suffix = ".xml" if self._xml else ".json"
        self._transport = HttpTransport(
            provider=self.provider, base_url=settings.api_base_url, options=settings.options, session=session
        )
        # Where a login token is kept between runs: the argument, else the setting (a store this
        # client opened is closed with it; one given in code stays its owner's).
        self._state_store, self._owns_state_store = open_state_store(
            state_store or settings.state_store, needs_state=settings.token is None
        )
        # With a Redis store, rate_limit is shared by every worker of this portal.
        share_rate_limit(
            self._transport, self._state_store, f"onlyoffice/{urlsplit(settings.api_base_url).netloc}",
            settings.options.rate_limit,
        )
        self._auth: StaticAuth | LoginAuth
        if settings.token is not None:
            # A pre-issued token: a fixed header, and a 401 is final (nothing to renew it with).
            self._auth = StaticAuth({"Authorization": settings.token.reveal()})
        else:
            assert settings.username is not None and settings.password is not None and self._state_store
            self._auth = LoginAuth.for_portal(
                self._login, portal_url=settings.api_base_url, username=settings.username, store=self._state_store,
            )
        self._runner = RequestRunner(transport=self._transport, auth=self._auth, decode_error=decode_error)
        #: Line names <-> catalogue items (items.py), cached for this client and its views.
        self._items = ItemCatalogue(self._request, self._fetch)
        #: The portal's invoice defaults (terms for drafts without), read once for this client and its views.
        self._portal = PortalSettings(self._request, self._fetch)
        #: Creates that take the portal's next number take turns (see _create), views included.
        self._numbering = PerLoop(asyncio.Lock)

    def _bind_view(self) -> None:
        # The catalogue and portal settings stay shared (one cache per client and its views);
        # their requests go out with the view's options, as the view's own do.
        self._items = self._items.bound_to(self._request, self._fetch)
        self._portal = self._portal.bound_to(self._request, self._fetch)

    @property
    def settings(self) -> OnlyOfficeSettings:
        return self._settings

    @property
    def contacts(self) -> OnlyOfficeContacts:
        """CRM contacts: ``get``, ``find_by_email``, ``ensure`` (see :mod:`invoicekit.contacts`)."""
        return OnlyOfficeContacts(self)

    def _account_scope(self) -> str:
        # The portal and who logs in; a pre-issued token is named by a keyed hash only.
        settings, host = self._settings, urlsplit(self._settings.api_base_url).netloc.lower()
        if settings.username is not None:
            return f"{host}/{settings.username.lower()}"
        assert settings.token is not None
        return f"{host}/token-{fingerprint(settings.token.reveal(), key=host)[:16]}"

    async def _close(self) -> None:
        # A refresh or login in flight finishes (and is saved) before the session it uses closes.
        owned_store = self._state_store if self._owns_state_store else None
        login = self._auth.aclose if isinstance(self._auth, LoginAuth) else None
        await aclose_all(login, self._transport.aclose, owned_store.aclose if owned_store else None)

    # -- plumbing --------------------------------------------------------------------------

    def _request(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Request:
        """``path`` without suffix; the format suffix goes on its last segment.

        The server answers XML only when the path ends in ``.xml`` AND the request body is not
        JSON, so in XML mode bodies are sent as XML (``text/xml``), which the server binds exactly
        like JSON (children of the root, lists as repeated elements).
        """
        path += self._suffix
        if not self._xml:
            json = None if body is None else json_body(body)
            return Request(operation=operation, method=method, path=path, params=params, json=json)
        headers = {"Accept": "text/xml"}
        if body is None:
            return Request(operation=operation, method=method, path=path, params=params, headers=headers)
        headers["Content-Type"] = "text/xml; charset=UTF-8"
        return Request(
            operation=operation, method=method, path=path, params=params, content=xml_body(body), headers=headers
        )

    async def _fetch(
        self, request: Request, *, many: bool = False, lists: frozenset[str] = INVOICE_LISTS
    ) -> tuple[Envelope, Response]:
        response = await self._runner(request, self._options)
        return decode_envelope(request, response, many=many, lists=lists), response

    @staticmethod
    def _decode(request: Request, response: Response, data: Any) -> Invoice:
        try:  # inline, not through _read: this runs for every invoice of a list page
            return decode_invoice(data)
        except DECODE_ERRORS as exc:
            raise _not_an_invoice(request, response, exc) from None

    async def _invoice(self, request: Request, response: Response, data: Any) -> Invoice:
        """The invoice in ``data``, its lines named after their catalogue items: the titles are
        found in the client's cache (or looked up) before the models are built, so each is
        built once on the everyday read."""
        try:
            wanted = item_ids(data)
            titles = self._items.cached_titles(wanted)
            if titles is None:
                # A malformed answer must fail before it costs a lookup: decoded once first.
                decode_invoice(data)
        except DECODE_ERRORS as exc:
            raise _not_an_invoice(request, response, exc) from None
        if titles is None:
            titles = await self._items.titles(wanted)
        try:
            return decode_invoice(data, titles)
        except DECODE_ERRORS as exc:
            raise _not_an_invoice(request, response, exc) from None

    def _url(self, path: str) -> str:
        return self._transport.base_url + path + self._suffix

    async def _login(self) -> Token:
        settings = self._settings
        assert settings.username is not None and settings.password is not None
        # Always the JSON endpoint: the login answer is only read here, never handed out.
        request = Request(
            operation="login", method="POST", path="authentication.json", authenticated=False,
            json={"userName": settings.username, "password": settings.password.reveal()},
        )
        try:
            response = await self._runner(request, self._options)
        except AuthenticationError:
            raise
        except APIError as exc:
            # A wrong password or a brute-force block is HTTP 500 with the server's reason; any
            # other 500 is an outage, raised as it is (a short backoff, not a refusal's).
            if is_login_refusal(exc):
                raise AuthenticationError(
                    f"login as {settings.username!r} failed: {exc.message}",
                    status=exc.status, provider=self.provider, method=exc.method, url=exc.url, body=exc.body,
                ) from None
            raise
        try:
            envelope = decode_envelope(request, response)
        except MalformedResponseError as exc:
            # A half-readable login answer may still hold the token: mask it in the excerpt.
            scrub_error(exc)
            raise
        data = envelope.response
        if not isinstance(data, Mapping):
            raise malformed(request, response, "the login answer has no token object")
        token = data.get("token")
        if isinstance(token, str) and token and not header_safe(token):
            # Never stored or sent: every request would fail on it. No excerpt: it is a token.
            raise MalformedResponseError(
                "login: the token in the login answer holds characters a header cannot carry",
                status=response.status, provider=self.provider, method=request.method, url=response.url,
            )
        if isinstance(token, str) and token:
            try:
                expires = parse_datetime(data.get("expires"))
            except ValueError:
                expires = None
            return Token(Secret(token), expires)
        if _flag(data.get("sms")) or _flag(data.get("tfa")):
            how = "an SMS code" if _flag(data.get("sms")) else "an authenticator app code"
            message = (
                f"two-factor authentication is required for {settings.username!r} ({how}); "
                "use a pre-issued token instead of username/password"
            )
        else:
            message = f"login as {settings.username!r} answered without a token"
        raise AuthenticationError(
            message, status=response.status, provider=self.provider, method="POST", url=response.url,
        )

    # -- reading ---------------------------------------------------------------------------

    async def get(self, invoice_id: InvoiceId) -> Invoice:
        number = positive_id(invoice_id, "invoice_id")
        request = self._request("get", "GET", f"crm/invoice/{number}")
        envelope, response = await self._fetch(request)
        return await self._invoice(request, response, envelope.response)

    async def generate_number(self) -> str:
        """The number the portal would give the next invoice (``crm/invoice/sample``).

        Not reserved: two creates racing on it get one 400 (numbers are unique).
        """
        request = self._request("generate_number", "GET", "crm/invoice/sample")
        envelope, response = await self._fetch(request)
        data = envelope.response
        number = data.get("number") if isinstance(data, Mapping) else None
        if not isinstance(number, str) or not number.strip():
            raise malformed(request, response, "the sample invoice has no number (is auto-numbering off?)")
        return number

    def _list(self, filters: ListFilters, plan: ListingPlan) -> AsyncIterator[Invoice]:
        """Every matching invoice by issue date, fetched ``page_size`` at a time (one listing
        per status: the filter takes one). Listed invoices have ``lines=None`` unless
        ``with_lines=True``; see :meth:`InvoiceClient.list`.

        Arguments are checked now, before the first page is asked for. Paging moves by the number
        of invoices received and stops on a short page; ``nextIndex`` (off by one) and ``total``
        (cached across filters) are never used.
        """
        page_size = page_size_for(filters.page_size, plan.limit)
        params = list_params(filters, page_size=page_size, descending=plan.descending)

        def open_listing(wanted: InvoiceStatus | None) -> AsyncIterator[Invoice]:
            chosen = params if wanted is None else {**params, "status": str(STATUS_TO_WIRE[wanted])}
            return self._pages(chosen, page_size)

        return plan.run(open_listing, self.get, lines_listed=False)

    async def _pages(self, params: Mapping[str, str], page_size: int) -> AsyncIterator[Invoice]:
        # Offset paging over a list that changes meanwhile can shift an invoice across a page
        # boundary: one the previous page had is skipped. A page with nothing but those means the
        # server ignores startIndex (the same page again); without this check that lists forever.
        start = 0
        before: set[InvoiceId] = set()
        for _ in range(_INT32_MAX // page_size + 2):
            request = self._request("list", "GET", "crm/invoice/filter", params={**params, "startIndex": str(start)})
            envelope, response = await self._fetch(request, many=True)
            page = [self._decode(request, response, item) for item in envelope.response]
            del envelope  # memory stays one page, not two
            ids = {invoice.id for invoice in page}
            problem = ""
            if page and ids <= before:
                problem = "it repeats the page before it (does the server ignore paging?)"
            elif len(ids) < len(page):
                problem = "it lists an invoice twice"
            if problem:
                raise malformed(request, response, f"the page at startIndex {start} does not advance: {problem}")
            for invoice in page:
                if invoice.id not in before:
                    yield invoice
            if len(page) < page_size:
                return
            start += len(page)
            before = ids
            del page
        raise malformed(request, response, f"the listing did not end after {start} invoices")

    # -- writing ---------------------------------------------------------------------------

    async def _create(self, draft: InvoiceDraft) -> Invoice:
        """Create a Draft invoice. Without ``draft.number`` the portal's next number is taken
        (``generate_number``); without terms (draft or ``default_terms``), the portal's own.
        Everything is validated before any request goes out."""
        settings = self._settings
        check_texts(draft, xml=self._xml)
        body = draft_body(
            draft, number=draft.number if draft.number is not None else "pending",
            default_item_id=settings.default_item_id, default_terms=settings.default_terms,
        )
        if "terms" not in body:  # before the items: blank portal terms must create no item
            body["terms"] = await self._portal.terms()
            check_text(body["terms"], "terms", xml=self._xml)
        await self._items.resolve(draft.lines, body["invoiceLines"])
        if draft.number is not None:
            created = await self._store(body)
        else:
            # The portal's next number is not reserved: two creates of this client asking at once
            # would both get it, and one a 400. They take turns between asking and storing.
            async with self._numbering.get():
                body["number"] = await self.generate_number()
                created = await self._store(body)
        return await self._items.name_lines(created)

    async def _store(self, body: dict[str, Any]) -> Invoice:
        """The create's POST of a checked and complete ``body``."""
        request = self._request("create", "POST", "crm/invoice", body=body)
        try:
            envelope, response = await self._fetch(request)
            return self._decode(request, response, envelope.response)
        except (APIError, TransportError, ClientClosedError) as exc:
            if _may_have_created(exc, body):
                # Creates are never retried once sent (no idempotency keys): say how to find out.
                exc.add_note(
                    f"The invoice may have been created anyway. Before creating it again, check "
                    f"`await client.number_exists({body['number']!r})`: numbers are unique per portal."
                )
            raise

    async def number_exists(self, number: str) -> bool:
        """Whether an invoice with this number exists (``crm/invoice/bynumber/exist``).

        The safe way to retry a create whose outcome is unknown (a 5xx, a dropped connection, a
        timeout after sending): numbers are unique, so if the number exists the create happened.
        """
        if not isinstance(number, str) or not number.strip():
            raise InvalidRequestError("must be a non-empty invoice number", field="number")
        check_text(number, "number", xml=False)  # a query value: only what has no UTF-8 form
        request = self._request("number_exists", "GET", "crm/invoice/bynumber/exist",
                                params={"number": number.strip()})
        envelope, response = await self._fetch(request)
        try:
            return parse_bool(envelope.response)
        except ValueError:
            raise malformed(request, response, "the answer is not true or false") from None

    async def _update(self, invoice_id: InvoiceId, changes: InvoiceChanges) -> Invoice:
        """Read, merge, and send the whole invoice back (the server replaces all fields and
        lines; line ids change). Only Draft invoices can be edited. Blank ``terms`` put back the
        default terms (``default_terms``, else the portal's), as on create."""
        number = positive_id(invoice_id, "invoice_id")
        check_texts(changes, xml=self._xml)
        read = self._request("get", "GET", f"crm/invoice/{number}")
        envelope, response = await self._fetch(read)
        current = _read(decode_invoice, read, response, envelope.response)
        links = _read(lambda data: structure(data, WireLinks), read, response, envelope.response)
        path = f"crm/invoice/{number}"
        STATE_MACHINE.check(Capability.UPDATE, current, method="PUT", url=self._url(path))
        if changes.terms is not None and not changes.terms.strip():
            # Blank terms: back to the default a draft without terms gets (the server refuses blank ones).
            changes = attrs.evolve(changes, terms=self._settings.default_terms or await self._portal.terms())
            check_texts(changes, xml=self._xml)
        body = update_body(current, links, changes, default_item_id=self._settings.default_item_id)
        lines = changes.lines if changes.lines is not None else current.lines
        assert lines is not None, "update reads the invoice with get(), which loads its lines"
        await self._items.resolve(lines, body["invoiceLines"])
        # Checked and built first, so that a refused change costs no further request.
        body.update(address_ids(await self._address_ids(number), body, links, changes, current))
        request = self._request("update", "PUT", path, body=body)
        envelope, response = await self._fetch(request)
        return await self._invoice(request, response, envelope.response)

    async def _address_ids(self, number: int) -> WireAddressIds:
        """The invoice's billing and delivery address ids, which only its PDF render model
        (``crm/invoice/jsondata``, a JSON text) gives back; an update that omits them drops them."""
        request = self._request("get_json_data", "GET", f"crm/invoice/jsondata/{number}")
        envelope, response = await self._fetch(request)
        text = envelope.response
        if text is None or text == "":
            return WireAddressIds()  # no render model yet: nothing to keep
        if not isinstance(text, str):
            raise malformed(request, response, f"expected the render model as JSON text, got {type(text).__name__}")
        try:
            return structure(loads_json(text), WireAddressIds)
        except (*DECODE_ERRORS, RecursionError) as exc:  # type: ignore[misc]
            raise malformed(request, response, f"unreadable render model: {exc!r}"[:300]) from None

    async def delete(self, invoice_id: InvoiceId) -> Invoice:
        number = positive_id(invoice_id, "invoice_id")
        request = self._request("delete", "DELETE", f"crm/invoice/{number}")
        envelope, response = await self._fetch(request)
        return await self._invoice(request, response, envelope.response)

    async def delete_many(self, invoice_ids: Iterable[InvoiceId]) -> builtins.list[Invoice]:
        """One ``DELETE crm/invoice`` for all ids. The server skips ids it did not delete (missing,
        or not yours to delete) without saying so; those become :class:`BatchError` failures.

        The request is repeated like any idempotent one when an answer is lost; the repeat lists
        only what it deleted itself, so each failure says an earlier attempt may have deleted it.
        """
        ids = checked_batch_ids(invoice_ids, positive_id)
        if not ids:  # the server answers an empty list with a 400; deleting nothing is no error
            return []
        request = self._request("delete_many", "DELETE", "crm/invoice", body={"invoiceids": ids})
        envelope, response = await self._fetch(request, many=True)
        deleted = [self._decode(request, response, item) for item in envelope.response]
        done = {invoice.id for invoice in deleted}
        missing = [i for i in ids if i not in done]
        if missing:
            reason = "it does not exist or you may not delete it"
            # The request runner marks an answer to a write repeated after a lost answer.
            if response.earlier_attempt_may_have_applied:
                reason += (
                    ", or an earlier attempt of the same request (repeated after its answer was lost) "
                    "already deleted it"
                )
            failures: dict[InvoiceId, InvoiceKitError] = {
                i: NotFoundError(
                    f"invoice {i} was not deleted by this request: {reason}",
                    status=404, provider=self.provider, method="DELETE", url=response.url,
                )
                for i in missing
            }
            raise BatchError("delete_many", succeeded=deleted, failures=failures)
        return deleted

    # -- status moves ----------------------------------------------------------------------

    async def send(self, invoice_id: InvoiceId) -> Invoice:
        """Draft -> Sent ("Billed"); a Rejected invoice goes back through Draft. ONLYOFFICE does
        not e-mail it: this is a status change only."""
        return await self._move(invoice_id, SENT, Capability.SEND)

    async def mark_paid(self, invoice_id: InvoiceId) -> Invoice:
        """Sent -> Paid; a Draft goes through Sent first (the server has no Draft -> Paid)."""
        return await self._move(invoice_id, PAID, Capability.MARK_PAID)

    async def _move(self, invoice_id: InvoiceId, target: int, operation: Capability) -> Invoice:
        number = positive_id(invoice_id, "invoice_id")
        read = self._request("get", "GET", f"crm/invoice/{number}")
        envelope, response = await self._fetch(read)
        current = self._decode(read, response, envelope.response)
        source = STATUS_TO_WIRE[current.status]
        url = self._url(f"crm/invoice/status/{target}")
        if STATE_MACHINE.check(operation, current, method="PUT", url=url):
            return await self._items.name_lines(current)  # already there: nothing to send
        steps = plan(source, target)
        if steps is None:  # the table and the routes agree (tests/states checks it): never reached
            raise STATE_MACHINE.refusal(operation, number, current.status, method="PUT", url=url)
        moved = current
        at = source
        for step in steps:
            moved = await self._move_once(number, at, step, target, operation)
            at = step
        # The status answer carries no lines; they did not change, so keep the ones just read.
        raw = dict(moved.raw)
        if "invoiceLines" in current.raw:
            raw["invoiceLines"] = current.raw["invoiceLines"]
        return await self._items.name_lines(attrs.evolve(moved, lines=current.lines, raw=raw))

    async def _move_once(self, number: int, source: int, step: int, target: int, operation: Capability) -> Invoice:
        request = self._request(
            "set_status", "PUT", f"crm/invoice/status/{step}", body={"invoiceids": [number]}
        )
        envelope, response = await self._fetch(request, lists=STATUS_BATCH_LISTS)
        data = envelope.response
        items = data.get("key") if isinstance(data, Mapping) else None
        if not isinstance(items, builtins.list):
            raise malformed(request, response, "the status answer has no 'key' list")
        invoice = next(
            (inv for inv in (self._decode(request, response, item) for item in items) if inv.id == number), None
        )
        if invoice is None:
            raise NotFoundError(
                f"invoice {number} was not in the status answer: it does not exist or you may not change it",
                status=response.status, provider=self.provider, method="PUT", url=response.url,
            )
        got = STATUS_TO_WIRE[invoice.status]
        if got != step:
            detail = "" if step == target else f" (on the way to {status_name(target)})"
            raise InvalidStateError(
                f"the server ignored the move of invoice {number} from {status_name(source)} to "
                f"{status_name(step)}{detail}; it is still {status_name(got)}",
                operation=operation.value, invoice_id=number, current_status=invoice.status,
                allowed_statuses=STATE_MACHINE.applies_to(operation),
                status=response.status, provider=self.provider, method="PUT", url=response.url,
                body=data if isinstance(data, Mapping) else None,
            )
        return invoice


def _read(read: Callable[[Any], T], request: Request, response: Response, data: Any) -> T:
    """``read(data)``, with any decoding failure reported as the malformed answer it is."""
    try:
        return read(data)
    except DECODE_ERRORS as exc:
        raise _not_an_invoice(request, response, exc) from None


def _not_an_invoice(request: Request, response: Response, exc: Exception) -> MalformedResponseError:
    """A decoding failure, reported as the malformed answer it is."""
    return malformed(request, response, f"not an invoice: {exc!r}"[:300])


def _may_have_created(error: APIError | TransportError | ClientClosedError, body: Mapping[str, Any]) -> bool:
    """Whether a create that failed with ``error`` may still have stored the invoice."""
    if isinstance(error, TransportError | ClientClosedError):  # closed: by aclose(), maybe in flight
        return error.request_sent
    if isinstance(error, ServerError | MalformedResponseError):
        return True
    # The server renders the PDF model in the invoice's language only after the invoice and its
    # lines are stored: a culture it does not know fails the call with a 400 then.
    return error.status == 400 and bool(body.get("language"))


def _flag(value: object) -> bool:
    try:
        return value is not None and parse_bool(value)
    except ValueError:
        return False


def open_client(settings: OnlyOfficeSettings, session: aiohttp.ClientSession | None) -> OnlyOfficeClient:
    return OnlyOfficeClient(settings, session)

