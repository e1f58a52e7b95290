"""The GoHighLevel invoices client (API v2, ``Version: 2021-07-28`` by default)."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import aiohttp

from .._closing import aclose_all
from .._http.auth import AuthStrategy, StaticAuth
from .._http.messages import Request, Response
from .._http.runner import RequestRunner
from .._http.shared_limiter import share_rate_limit
from .._http.transport import HttpTransport, normalise_base_url
from .._log import get_logger
from ..client import InvoiceClient, checked_batch_ids
from ..errors import (
    BatchError,
    ClientClosedError,
    InvalidRequestError,
    InvalidStateError,
    InvoiceKitError,
    MalformedResponseError,
    ServerError,
    TransportError,
)
from ..listing import ListFilters, ListingPlan, page_size_for
from ..models import (
    Capability,
    Invoice,
    InvoiceChanges,
    InvoiceDraft,
    InvoiceId,
    InvoiceStatus,
    Payment,
    RateLimitInfo,
    currency_code,
)
from ..rules import ProviderRules
from ..state import StateStore, open_state_store
from ..states import StateMachine
from . import encode
from .agency import Agency, InstalledLocation
from .agency_client import agency_of, limit_scope, location_client, require_agency
from .auth import OAuthAuth, OAuthTokens
from .contacts import GoHighLevelContacts
from .decode import decode_invoice, decode_listed, json_object, malformed, split_invoice_page
from .errors import decode_error, decode_token_error
from .location_settings import LocationSettings
from .paging import PageCursor
from .quota import daily_quota_spent
from .ratelimit import parse_rate_limit
from .rules import RULES
from .settings import PROVIDER_NAME, GoHighLevelSettings
from .states import STATE_MACHINE
from .terms import terms_html
from .wire import wire_text

logger = get_logger("invoicekit.gohighlevel")

PAYMENT_MODES = ("default", "live", "test")
#: The invoice statuses GHL has (its response enum); the list filter takes exactly these.
STATUSES = frozenset({
    InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAYMENT_PROCESSING, InvoiceStatus.PAID,
    InvoiceStatus.VOID, InvoiceStatus.PARTIALLY_PAID,
})


class GoHighLevelClient(InvoiceClient):
    """Invoices of one GoHighLevel location (sub-account).

    Beyond the neutral interface: ``send()`` takes ``user_id``, ``action`` and a sender;
    ``list()`` takes ``provider_filters={"payment_mode": ...}``; ``rate_limit`` holds
    the rate-limit headers of the last answer; ``generate_number()`` asks GHL for the next number.
    """

    provider: ClassVar[str] = PROVIDER_NAME
    capabilities: ClassVar[frozenset[Capability]] = frozenset(Capability)
    rules: ClassVar[ProviderRules] = RULES  # limits and id rule as data (neutral helper)
    state_machine: ClassVar[StateMachine] = STATE_MACHINE
    # An unknown status would be sent and simply match nothing: list() refuses it instead.
    listed_statuses: ClassVar[frozenset[InvoiceStatus]] = STATUSES
    provider_filter_names: ClassVar[frozenset[str]] = frozenset({"payment_mode"})
    #: Deletes in flight at once in :meth:`delete_many` (GHL allows 100 requests per 10 s).
    delete_concurrency: ClassVar[int] = 5

    def __init__(
        self,
        settings: GoHighLevelSettings,
        *,
        session: aiohttp.ClientSession | None = None,
        state_store: StateStore | None = None,
        _agency: Agency | None = None,
    ) -> None:
        super().__init__(options=settings.options)
        self._settings = settings
        auth: AuthStrategy
        #: Set for a client of another location of an agency (for_location): it shares everything
        #: but the location token, and closes nothing it shares.
        self._agency_parent = _agency
        self._state_store: StateStore | None
        if _agency is not None:
            self._transport, self._state_store, self._owns_state_store = _agency.transport, _agency.store, False
        else:
            base_url = normalise_base_url(
                settings.base_url, key="base_url", allow_insecure_http=settings.options.allow_insecure_http
            )
            self._transport = HttpTransport(
                provider=PROVIDER_NAME, base_url=base_url, options=settings.options, session=session
            )
            # Where rotated OAuth tokens are kept: the argument, else the setting (a store this
            # client opened is closed with it; one given in code stays its owner's).
            self._state_store, self._owns_state_store = open_state_store(
                state_store or settings.state_store, needs_state=settings.uses_oauth
            )
            # With a Redis store, rate_limit is shared by every worker of this app and location
            # (of this app and agency for an agency install: its locations share one transport).
            share_rate_limit(
                self._transport, self._state_store, limit_scope(settings), settings.options.rate_limit,
                daily_spent=daily_quota_spent,
            )
        self._oauth: OAuthAuth | None = None
        self._agency = _agency
        if _agency is not None:
            auth = _agency.location_auth(settings.location_id)
        elif settings.token is not None:
            auth = StaticAuth({"Authorization": f"Bearer {settings.token.reveal()}"})
        else:
            assert settings.client_id and settings.client_secret and settings.refresh_token
            # Token calls get their own request runner: they are unauthenticated, decode errors their
            # own way, and must not overwrite the invoice calls' rate-limit snapshot.
            token_runner = RequestRunner(
                transport=self._transport, auth=StaticAuth({}), decode_error=decode_token_error
            )
            assert self._state_store is not None
            auth = self._oauth = OAuthAuth(
                location_id=settings.location_id,
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                initial=OAuthTokens(
                    refresh_token=settings.refresh_token,
                    access_token=settings.access_token,
                    expires_at=settings.expires_at,
                ),
                store=self._state_store,
                token_runner=token_runner,
                options=lambda: self._options,
                api_version=settings.api_version,
                user_type=settings.user_type,
                company_id=settings.company_id,
            )
            if settings.user_type == "Company":
                self._agency = agency_of(
                    self._transport, self._oauth, self._state_store, settings, lambda: self._options
                )
                auth = self._agency.location_auth(settings.location_id)
        self._auth = auth
        self._runner = RequestRunner(transport=self._transport, auth=auth, decode_error=decode_error)
        self._headers = {"Version": settings.api_version, "Accept": "application/json"}
        # The location query of every GET/DELETE: one read-only mapping, so the transport's
        # query cache finds it by identity.
        self._alt_query: Mapping[str, str] = MappingProxyType(encode.alt_query(settings))
        #: The location's invoice defaults (terms for drafts without), read once for this client and its views.
        self._location = LocationSettings(self._call, self._alt_query)

    def _bind_view(self) -> None:
        # The location settings stay shared (read once per client and its views); their request
        # goes out with the view's options, as the view's own do.
        self._location = self._location.bound_to(self._call)

    @property
    def settings(self) -> GoHighLevelSettings:
        return self._settings

    def _account_scope(self) -> str:
        return self._settings.location_id

    @property
    def contacts(self) -> GoHighLevelContacts:
        """The location's contacts: ``get``, ``find_by_email``, ``ensure`` (:mod:`invoicekit.contacts`)."""
        return GoHighLevelContacts(self)

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The ``X-RateLimit-*`` headers of the last invoices answer (None before any)."""
        last = self._runner.last_response
        return None if last is None else parse_rate_limit(last.headers)

    async def _close(self) -> None:
        if self._agency_parent is not None:
            return  # everything it uses is the agency client's, closed with it
        # A refresh or login in flight finishes (and is saved) before the session it uses closes.
        owned_store = self._state_store if self._owns_state_store else None
        oauth = self._oauth
        agency = self._agency
        await aclose_all(
            agency.aclose if agency else None, oauth.aclose if oauth else None, self._transport.aclose,
            owned_store.aclose if owned_store else None,
        )

    # -- agency installs ----------------------------------------------------------------------
    def for_location(self, location_id: str) -> GoHighLevelClient:
        """A client for another location of this agency install (``user_type = "Company"``): the
        same session, pool, state store, limiters and agency token; its own location token, minted
        and kept like this one's. It lives as long as this client (closing it closes nothing)."""
        return location_client(self, location_id)

    async def installed_locations(self, *, query: str | None = None) -> builtins.list[InstalledLocation]:
        """The locations this agency's app is installed on (``GET /oauth/installedLocations``)."""
        return await require_agency(self).installed_locations(query=query)

    async def _call(
        self, operation: str, method: str, path: str, *, params: Mapping[str, str] | None = None, json: Any = None
    ) -> tuple[Request, Response]:
        request = Request(
            operation=operation, method=method, path=path, params=params, json=json, headers=self._headers
        )
        return request, await self._runner(request, self._options)

    # -- reading ---------------------------------------------------------------------------

    async def get(self, invoice_id: InvoiceId) -> Invoice:
        # _call's two lines, inline: one coroutine less on the most frequent call.
        request = Request(
            operation="get", method="GET", path=encode.invoice_path(invoice_id), params=self._alt_query,
            headers=self._headers,
        )
        return decode_invoice(request, await self._runner(request, self._options))

    def _list(self, filters: ListFilters, plan: ListingPlan) -> AsyncIterator[Invoice]:
        """Every matching invoice by issue date, page by page (``limit``/``offset`` until
        ``total``), lines included; one listing per status (the filter takes one). See
        :meth:`InvoiceClient.list`.

        GHL filters by status, issue date, contact, search text and payment mode (the provider
        filter ``payment_mode``); ``due_from``, ``due_to`` and ``currency`` have no server filter
        and are applied here, on each page.
        """
        page_size, issued_from, issued_to = filters.page_size, filters.issued_from, filters.issued_to
        due_from, due_to, currency = filters.due_from, filters.due_to, filters.currency
        mode = filters.provider.get("payment_mode")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise InvalidRequestError("must be a positive integer", field="page_size")
        if mode is not None and mode not in PAYMENT_MODES:
            raise InvalidRequestError(f"must be one of {', '.join(PAYMENT_MODES)}", field="payment_mode")
        payment_mode = None if mode is None else str(mode)
        page_size = page_size_for(page_size, plan.limit)
        sort_order = "descend" if plan.descending else "ascend"
        wanted_currency = None if currency is None else currency_code(currency, "currency")

        def query(offset: int, wanted: InvoiceStatus | None) -> dict[str, str]:
            return encode.list_query(
                self._settings, limit=page_size, offset=offset, status=None if wanted is None else wanted.value,
                start_at=issued_from, end_at=issued_to, contact_id=filters.contact_id, search=filters.search,
                payment_mode=payment_mode, sort_field="issueDate", sort_order=sort_order,
            )

        query(0, None)  # validates the filters now, not at the first iteration

        def keep(invoice: Invoice) -> bool:
            due = invoice.due_date
            if due_from is not None and (due is None or due < due_from):
                return False
            if due_to is not None and (due is None or due > due_to):
                return False
            return wanted_currency is None or invoice.currency == wanted_currency

        client_side = due_from is not None or due_to is not None or wanted_currency is not None

        async def pages(wanted: InvoiceStatus | None) -> AsyncIterator[Invoice]:
            cursor = PageCursor(page_size)
            while True:
                request, response = await self._call("list", "GET", "invoices/", params=query(cursor.offset, wanted))
                items, total = split_invoice_page(request, response)
                for item in items:  # decoded as reached: see split_invoice_page
                    invoice = decode_listed(request, response, item)
                    if cursor.repeats(invoice.id):
                        continue
                    if not client_side or keep(invoice):
                        yield invoice
                if cursor.finish_page(len(items), total, request, response):
                    return
                del items, response  # let this page go before the next one arrives

        return plan.run(pages, self.get, lines_listed=True)

    async def generate_number(self) -> str:
        request, response = await self._call(
            "generate_number", "GET", "invoices/generate-invoice-number", params=self._alt_query
        )
        number = json_object(request, response).get("invoiceNumber")
        if number is None or isinstance(number, bool | Mapping | builtins.list):
            raise malformed(request, response, "the answer has no invoiceNumber")
        return wire_text(number, None) or ""

    # -- writing ---------------------------------------------------------------------------

    async def _create(self, draft: InvoiceDraft) -> Invoice:
        """``POST /invoices/``, then, when the draft has a description or is to be named after
        its number (neither of which the create can send), one ``PUT`` that sets them. Should
        that PUT fail, the invoice just created is deleted again and the PUT's error raised."""
        body = encode.create_body(draft, self._settings)
        if "termsNotes" not in body and (notes := await self._default_terms_notes()):
            body["termsNotes"] = notes
        try:
            request, response = await self._call("create", "POST", "invoices/", json=body)
            created = decode_invoice(request, response)
        except (ServerError, MalformedResponseError, TransportError, ClientClosedError) as exc:
            # Sent, or maybe sent: a dropped connection, or aclose() while the POST was in flight.
            if not isinstance(exc, TransportError | ClientClosedError) or exc.request_sent:
                # Creates are never retried once sent (GHL has no idempotency keys): say how to check.
                exc.add_note(
                    "The invoice may have been created anyway. Before creating it again, look for it: "
                    f"`client.list(search={body.get('name')!r}, issued_from=<its issue date>)` and compare "
                    "contact, number and total."
                )
            raise
        named_after_number = encode.named_after_number(draft, self._settings)
        if not named_after_number and not draft.description:
            return created
        try:
            return await self._complete_create(created, draft, named_after_number, request, response)
        except (InvoiceKitError, asyncio.CancelledError) as exc:
            # The PUT failed or the call was cancelled between the two steps: undo the create
            # rather than leave it half done.
            await self._undo_create(created, exc)
            raise

    async def _complete_create(
        self, created: Invoice, draft: InvoiceDraft, named_after_number: bool, request: Request, response: Response
    ) -> Invoice:
        """The create's second step: one ``PUT`` built from the create's answer (``request``,
        ``response``). An answer it cannot be built from is the server's fault, not the draft's
        (which was checked before the POST): :class:`MalformedResponseError`."""
        try:
            if named_after_number and not created.number:
                raise malformed(request, response, "the created invoice has no number to name it after")
            changes = InvoiceChanges(
                name=created.number if named_after_number else None, description=draft.description or None
            )
            path = encode.invoice_path(created.id)
            body = encode.update_body(created, changes, self._settings)
        except InvalidRequestError as exc:
            raise malformed(request, response, f"the created invoice cannot be completed: {exc}") from exc
        request, response = await self._call("update", "PUT", path, json=body)
        return decode_invoice(request, response)

    async def _undo_create(self, created: Invoice, error: InvoiceKitError | asyncio.CancelledError) -> None:
        """Delete an invoice whose create could not be completed, and say so on ``error``: a
        create is applied whole or not at all (or the error carries the id of what is left).

        The delete runs shielded and is waited for even if the caller is cancelled meanwhile (a
        cancelled delete would leave the invoice behind unannounced); that cancellation is
        raised once it is over, with the same note."""
        task = asyncio.current_task()
        cancels_before = task.cancelling() if task is not None else 0
        deleting = asyncio.ensure_future(self.delete(created.id))
        while not deleting.done():
            with contextlib.suppress(Exception, asyncio.CancelledError):  # the outcome is read below
                await asyncio.shield(deleting)
        cancelled_meanwhile = task is not None and task.cancelling() > cancels_before
        failure: BaseException | None = asyncio.CancelledError() if deleting.cancelled() else deleting.exception()
        why = (
            "the call was cancelled before its name or description was set"
            if isinstance(error, asyncio.CancelledError) else "setting its name or description failed"
        )
        if failure is None:
            note = (
                f"The invoice was created (id {created.id!r}) and, since {why}, deleted again: nothing was kept."
            )
        else:
            reason = str(failure) or type(failure).__name__
            logger.warning(
                "gohighlevel: create left invoice %r behind: %s, and deleting it again failed too (%s)",
                created.id, why, reason,
            )
            if isinstance(error, InvoiceKitError):
                error.created_invoice_id = created.id
            note = (
                f"The invoice was created (id {created.id!r}) but {why}, and deleting it again failed too "
                f"({reason}). It still exists: delete it "
                f"(`await client.delete({created.id!r})`) or complete it with update()."
            )
        error.add_note(note)
        if cancelled_meanwhile and not isinstance(error, asyncio.CancelledError):
            cancelled = asyncio.CancelledError()
            cancelled.add_note(note)
            raise cancelled

    async def _update(self, invoice_id: InvoiceId, changes: InvoiceChanges) -> Invoice:
        path = encode.invoice_path(invoice_id)
        current = await self.get(invoice_id)
        STATE_MACHINE.check(Capability.UPDATE, current, method="PUT", url=self._transport.base_url + path)
        back_to_default = changes.terms is not None and not changes.terms.strip()
        default_notes = (await self._default_terms_notes() or "") if back_to_default else ""
        body = encode.update_body(current, changes, self._settings, default_terms_notes=default_notes)
        request, response = await self._call("update", "PUT", path, json=body)
        return decode_invoice(request, response)

    async def _default_terms_notes(self) -> str | None:
        """``termsNotes`` for an invoice without terms of its own: setting ``default_terms``, else
        the location's invoice terms (:mod:`.location_settings`), else None (no terms)."""
        default = self._settings.default_terms
        return terms_html(default) if default is not None else await self._location.terms_notes()

    async def delete(self, invoice_id: InvoiceId) -> Invoice:
        path = encode.invoice_path(invoice_id)
        request, response = await self._call("delete", "DELETE", path, params=self._alt_query)
        return decode_invoice(request, response)

    async def delete_many(self, invoice_ids: Iterable[InvoiceId]) -> builtins.list[Invoice]:
        """Delete concurrently (at most :attr:`delete_concurrency` at once); the deleted invoices
        in input order, or :class:`BatchError` naming every id that failed and why."""
        ids = checked_batch_ids(invoice_ids, encode.invoice_id)
        # A closed client is one error, not a BatchError of as many ClientClosedErrors as ids.
        self._transport.check_open()
        gate = asyncio.Semaphore(self.delete_concurrency)

        async def one(invoice_id: str) -> Invoice | InvoiceKitError:
            async with gate:
                try:
                    return await self.delete(invoice_id)
                except InvoiceKitError as exc:
                    return exc

        results = await asyncio.gather(*(one(i) for i in ids))
        deleted = [r for r in results if isinstance(r, Invoice)]
        failures: dict[InvoiceId, InvoiceKitError] = {
            i: r for i, r in zip(ids, results, strict=True) if not isinstance(r, Invoice)
        }
        if failures:
            raise BatchError("delete_many", succeeded=deleted, failures=failures)
        return deleted

    # -- status moves ----------------------------------------------------------------------

    async def send(
        self,
        invoice_id: InvoiceId,
        *,
        user_id: str | None = None,
        action: str | None = None,
        from_name: str | None = None,
        from_email: str | None = None,
    ) -> Invoice:
        """Send the invoice (``action``: ``email`` by default, or ``sms``, ``sms_and_email``,
        ``send_manually`` to mark it sent without delivery) as ``user_id`` (default: settings)."""
        path = encode.invoice_path(invoice_id, "/send")
        body = encode.send_body(
            self._settings, user_id=user_id, action=action, from_name=from_name, from_email=from_email
        )
        await self._checked(Capability.SEND, invoice_id, path)
        request, response = await self._call("send", "POST", path, json=body)
        return decode_invoice(request, response, key="invoice")

    async def void(self, invoice_id: InvoiceId) -> Invoice:
        """Void a sent, partly paid or paid invoice; a void one is returned as it is."""
        path = encode.invoice_path(invoice_id, "/void")
        current, no_op = await self._checked(Capability.VOID, invoice_id, path)
        if no_op:
            return current
        request, response = await self._call("void", "POST", path, json=encode.void_body(self._settings))
        return decode_invoice(request, response)

    async def mark_paid(self, invoice_id: InvoiceId) -> Invoice:
        """Record a manual payment of what is due (mode: setting ``default_payment_mode``); a paid
        invoice is returned as it is."""
        path = encode.invoice_path(invoice_id, "/record-payment")
        body = encode.payment_body(self._settings, Payment(mode=self._settings.default_payment_mode))
        current, no_op = await self._checked(Capability.MARK_PAID, invoice_id, path)
        return current if no_op else await self._pay(path, body)

    async def record_payment(self, invoice_id: InvoiceId, payment: Payment) -> Invoice:
        """Record a manual payment. Its amount is checked against the invoice's currency (read
        first anyway, for the state check) before the payment is sent: 0.001 EUR is refused, as
        is a ``payment.currency`` other than the invoice's, or an amount above what is due."""
        path = encode.invoice_path(invoice_id, "/record-payment")
        body = encode.payment_body(self._settings, payment)
        RULES.check_amounts(payment)
        current, _ = await self._checked(Capability.RECORD_PAYMENT, invoice_id, path)
        encode.check_payment_currency(payment, current.currency)
        encode.check_not_overpaid(payment, current)
        return await self._pay(path, body)

    async def _checked(self, operation: Capability, invoice_id: InvoiceId, path: str) -> tuple[Invoice, bool]:
        """The invoice as read now, and whether ``operation`` is a no-op on it; InvalidStateError
        (nothing sent) when its status forbids the operation (see :mod:`.states`: why a read)."""
        current = await self.get(invoice_id)
        no_op = STATE_MACHINE.check(operation, current, method="POST", url=self._transport.base_url + path)
        return current, no_op

    async def _pay(self, path: str, body: Mapping[str, Any]) -> Invoice:
        request, response = await self._call("record_payment", "POST", path, json=body)
        data = json_object(request, response)
        if data.get("success") is False:
            raise InvalidStateError(
                "GoHighLevel did not record the payment (success: false)", status=response.status,
                provider=PROVIDER_NAME, method=request.method, url=response.url, body=data,
            )
        return decode_invoice(request, response, data, key="invoice")

    def __repr__(self) -> str:
        return f"<GoHighLevelClient location_id={self._settings.location_id!r}>"


def open_client(settings: GoHighLevelSettings, session: aiohttp.ClientSession | None) -> GoHighLevelClient:
    return GoHighLevelClient(settings, session=session)

