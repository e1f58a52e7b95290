"""The provider-neutral client interface every adapter implements."""

from __future__ import annotations

import abc
import builtins
import copy
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping
from datetime import date
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import attrs

from .contacts import require_contact_id
from .errors import ConfigError, InvalidRequestError, UnsupportedOperationError
from .listing import DEFAULT_ORDER, ListFilters, ListingPlan, StatusFilter, checked_provider_filters
from .models import Capability, Invoice, InvoiceChanges, InvoiceDraft, InvoiceId, InvoiceStatus, Payment
from .options import ClientOptions
from .rules import ProviderRules
from .states import StateMachine

if TYPE_CHECKING:
    from .contacts import ContactsResource
    from .events import InvoiceEvent
    from .observe import Hooks
    from .state import StateStore

#: Options that can change per call through :meth:`InvoiceClient.with_options`; the others shape
#: the connection pool and limiter, which the derived client shares.
PER_CALL_OPTIONS = frozenset(
    {"timeout", "connect_timeout", "read_timeout", "max_retries", "retry_timeout", "backoff_base", "backoff_cap",
     "max_retry_after", "max_response_bytes"}
)


_Id = TypeVar("_Id", int, str)


def checked_batch_ids(invoice_ids: Iterable[InvoiceId], check: Callable[[object, str], _Id]) -> builtins.list[_Id]:
    """The ids of a batch operation, each checked by the adapter's ``check(value, field)``.

    Refused before anything is sent: a lone string (it would iterate character by character),
    anything that is not an iterable, and an id listed twice (each id gets exactly one result).
    """
    if isinstance(invoice_ids, str | bytes) or not isinstance(invoice_ids, Iterable):
        raise InvalidRequestError("must be an iterable of invoice ids", field="invoice_ids")
    ids: builtins.list[_Id] = []
    seen: set[_Id] = set()
    for index, value in enumerate(invoice_ids):
        checked = check(value, f"invoice_ids[{index}]")
        if checked in seen:
            raise InvalidRequestError(f"{checked!r} is listed twice", field=f"invoice_ids[{index}]")
        seen.add(checked)
        ids.append(checked)
    return ids


class InvoiceClient(abc.ABC):
    """One provider's invoices behind one interface.

    Use it as an async context manager, or call :meth:`aclose` when done. A session passed to
    :func:`invoicekit.connect` stays open (its owner closes it); otherwise the client owns one.
    """

    #: The provider's name as used in configs (``"onlyoffice"``, ``"gohighlevel"``).
    provider: ClassVar[str]
    #: The operations this client really has; the others raise UnsupportedOperationError.
    capabilities: ClassVar[frozenset[Capability]]
    #: What the provider allows beyond the neutral models' own rules (id type, page size, taxes
    #: per line...), as data: see :class:`invoicekit.ProviderRules` and README "Provider rules".
    rules: ClassVar[ProviderRules]

    #: The statuses ``list(status=...)`` can filter by, and other names the provider gives them
    #: (``{"billed": InvoiceStatus.SENT}``); a collection keeps those the provider has.
    listed_statuses: ClassVar[frozenset[InvoiceStatus]] = frozenset(InvoiceStatus)
    status_aliases: ClassVar[Mapping[str, InvoiceStatus]] = MappingProxyType({})
    #: The names ``list(provider_filters=...)`` takes: filters only this provider has.
    provider_filter_names: ClassVar[frozenset[str]] = frozenset()

    #: Set by adapters that keep state (see :attr:`state_store`).
    _state_store: StateStore | None = None

    #: Which operation applies in which invoice status (README "Invoice states"); None when the
    #: adapter declares no table (it then leaves wrong-state moves to the provider).
    state_machine: ClassVar[StateMachine | None] = None

    def __init__(self, *, options: ClientOptions) -> None:
        self._options = options
        self._owns_resources = True

    @property
    def options(self) -> ClientOptions:
        return self._options

    @property
    def hooks(self) -> Hooks:
        """This client's request/response hooks (:mod:`invoicekit.observe`), shared by its views:
        ``client.hooks.on_response(lambda attempt: metrics.observe(attempt.elapsed))``."""
        from .observe import Hooks  # here: importing invoicekit loads no tracing library

        hooks = getattr(getattr(self, "_transport", None), "hooks", None)
        if not isinstance(hooks, Hooks):
            raise AttributeError(f"{type(self).__name__} sends no requests through invoicekit's transport: no hooks")
        return hooks

    @property
    def state_store(self) -> StateStore | None:
        """The store this client keeps state in between runs: the ``state_store`` setting (or
        the store passed in code), the default state file when logins or token refreshes need
        one, None when none is configured and none is needed. :meth:`watch` checkpoints in it."""
        return self._state_store

    @property
    def account_key(self) -> str:
        """``<provider>/<account>``, naming the account this client reaches in keys of a store
        several accounts may share (``"gohighlevel/<location id>"``); never holds a secret."""
        scope = self._account_scope()
        return f"{self.provider}/{scope}" if scope else self.provider

    def _account_scope(self) -> str | None:
        """The account within the provider (a portal and user, a location); adapters override
        it, so that two accounts in one store do not share a key."""
        return None

    def with_options(self, **changes: Any) -> Self:
        """A view of this client with other per-call options (timeouts, retries), sharing its
        connection pool: ``await client.with_options(timeout=5, max_retries=0).get(7)``."""
        unknown = set(changes) - PER_CALL_OPTIONS
        if unknown:
            raise ConfigError(
                f"with_options cannot change {', '.join(sorted(unknown))}; per-call options are "
                f"{', '.join(sorted(PER_CALL_OPTIONS))}",
                key=sorted(unknown)[0],
            )
        options = self._options
        for name in sorted(changes):  # one at a time, so the error names the offending key
            try:
                options = attrs.evolve(options, **{name: changes[name]})
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"with_options: invalid {name}: {exc}", key=name) from None
        clone = copy.copy(self)
        clone._options = options
        clone._owns_resources = False
        clone._bind_view()
        return clone

    def _bind_view(self) -> None:
        """Called on a new ``with_options`` view: adapters point what the view shares with its
        client (caches that make requests of their own) at the view's request plumbing, so
        that every request of the view's calls goes out with the view's options."""
        return  # nothing shared to rebind by default

    def parse_id(self, text: str) -> InvoiceId:
        """The provider's invoice id from text (a URL segment, a CLI argument), in its own type:
        ``"42"`` -> ``42`` on ONLYOFFICE, the string itself on GoHighLevel. Anything that is not
        one is an :class:`InvalidRequestError` (field ``id``); nothing is sent."""
        rules: ProviderRules | None = getattr(type(self), "rules", None)
        if rules is None:  # an adapter that declares no rules cannot say what its ids look like
            raise UnsupportedOperationError(self.provider, "parse_id")
        return rules.parse_id(text)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close what this client owns (its session). Views from ``with_options`` own nothing."""
        if self._owns_resources:
            await self._close()

    @abc.abstractmethod
    async def _close(self) -> None: ...

    def _unsupported(self, operation: Capability) -> UnsupportedOperationError:
        return UnsupportedOperationError(self.provider, operation.value)

    @property
    def contacts(self) -> ContactsResource:
        """The provider's contacts: ``get(id)``, ``find_by_email(email)``, ``ensure(contact)``
        (:mod:`invoicekit.contacts`). Adapters without contacts raise UnsupportedOperationError."""
        raise UnsupportedOperationError(self.provider, "contacts")

    # -- reading ---------------------------------------------------------------------------

    @abc.abstractmethod
    async def get(self, invoice_id: InvoiceId) -> Invoice:
        """The invoice with this id, lines included. NotFoundError when there is none."""

    def list(
        self,
        *,
        status: StatusFilter = None,
        issued_from: date | None = None,
        issued_to: date | None = None,
        due_from: date | None = None,
        due_to: date | None = None,
        contact_id: InvoiceId | None = None,
        currency: str | None = None,
        search: str | None = None,
        page_size: int = 100,
        order: str = DEFAULT_ORDER,
        limit: int | None = None,
        with_lines: bool = False,
        snapshot: bool = False,
        provider_filters: Mapping[str, object] | None = None,
    ) -> AsyncIterator[Invoice]:
        """Every matching invoice, fetched page by page as the caller iterates (``async for``).

        ``status`` is one status, a collection of them, or :data:`invoicekit.UNPAID`. Invoices
        come by issue date, oldest first (``order="-issue_date"``: newest first); ``limit``
        stops after that many. Date bounds are inclusive (a ``_to`` before its ``_from`` is refused:
        it could match nothing). Memory stays bounded by one page
        however many match.

        ``lines`` is None on an invoice whose provider lists it without lines (ONLYOFFICE);
        ``with_lines=True`` loads them (a few ``get`` calls at a time). ``snapshot=True`` first
        collects the matching ids, then yields each invoice as it is when reached (lines
        included; one deleted meanwhile is skipped): the way to change or delete every listed
        invoice while iterating, which offset paging alone would make skip some.

        ``provider_filters`` holds the filters only this provider has, by name (GoHighLevel:
        ``{"payment_mode": "live"}``); a name the provider does not have is refused.
        """
        plan = ListingPlan.make(
            status=status, provided=self.listed_statuses, aliases=self.status_aliases, order=order, limit=limit,
            with_lines=with_lines, snapshot=snapshot,
        )
        filters = ListFilters(
            issued_from=issued_from, issued_to=issued_to, due_from=due_from, due_to=due_to, contact_id=contact_id,
            currency=currency, search=search, page_size=page_size,
            # Inline for the usual None: ListFilters' own check costs the one call this saves.
            provider={} if provider_filters is None else checked_provider_filters(
                provider_filters, self.provider_filter_names
            ),
        )
        return self._list(filters, plan)

    def _list(self, filters: ListFilters, plan: ListingPlan) -> AsyncIterator[Invoice]:
        """The adapter's listing, given the arguments :meth:`list` checked: it checks and encodes
        ``filters``, then returns ``plan.run(open_listing, self.get, lines_listed=...)`` with a
        function that opens one server-side listing per status. Raise errors here, not while
        iterating, so that bad arguments fail at the call."""
        raise self._unsupported(Capability.LIST)

    # -- writing ---------------------------------------------------------------------------

    async def create(self, draft: InvoiceDraft) -> Invoice:
        """Create a draft invoice and return it as the provider stored it.

        The neutral rules every provider shares are checked here, before the adapter builds or
        sends anything: ``draft`` is an :class:`InvoiceDraft`, its contact carries the
        provider's id (from ``client.contacts.ensure``/``find_by_email``/``get``), it has an
        ``issue_date`` and a ``due_date``, and it sets no
        field the provider has no place for (:meth:`ProviderRules.check_fields`) nor an amount
        beyond its limits (:meth:`ProviderRules.check_amounts`).
        """
        if not isinstance(draft, InvoiceDraft):
            raise InvalidRequestError(f"must be an InvoiceDraft, got {type(draft).__name__}", field="draft")
        require_contact_id(draft.contact)
        for name in ("issue_date", "due_date"):
            # ONLYOFFICE cannot store an invoice without either and GoHighLevel's default due date
            # is its own: the same draft is refused the same way everywhere instead.
            if getattr(draft, name) is None:
                raise InvalidRequestError("is required on every provider; nothing was sent", field=name)
        rules: ProviderRules | None = getattr(type(self), "rules", None)
        if rules is not None:
            rules.check_fields(draft)
            rules.check_amounts(draft)
        return await self._create(draft)

    @abc.abstractmethod
    async def _create(self, draft: InvoiceDraft) -> Invoice:
        """The adapter's create, given a draft that passed the neutral checks of :meth:`create`."""

    async def update(self, invoice_id: InvoiceId, changes: InvoiceChanges) -> Invoice:
        """Apply ``changes`` (read-modify-write: unchanged fields are kept) and return the result.

        Checked here first, as :meth:`create` checks a draft: ``changes`` is an
        :class:`InvoiceChanges` and sets no field, nor an amount, the provider's rules refuse.
        """
        if not isinstance(changes, InvoiceChanges):
            raise InvalidRequestError(f"must be InvoiceChanges, got {type(changes).__name__}", field="changes")
        rules: ProviderRules | None = getattr(type(self), "rules", None)
        if rules is not None:
            rules.check_fields(changes)
            rules.check_amounts(changes)
        return await self._update(invoice_id, changes)

    @abc.abstractmethod
    async def _update(self, invoice_id: InvoiceId, changes: InvoiceChanges) -> Invoice:
        """The adapter's update, given changes that passed the neutral checks of :meth:`update`."""

    @abc.abstractmethod
    async def delete(self, invoice_id: InvoiceId) -> Invoice:
        """Delete an invoice and return it as it was."""

    @abc.abstractmethod
    async def delete_many(self, invoice_ids: Iterable[InvoiceId]) -> builtins.list[Invoice]:
        """Delete several invoices; returns the deleted ones.

        Raises :class:`invoicekit.BatchError` (with ``succeeded`` and per-id ``failures``) when
        any id was not deleted: nothing is skipped silently. An id listed twice is an
        :class:`invoicekit.InvalidRequestError`, raised before anything is sent; an empty batch
        returns ``[]`` and sends nothing.
        """

    # -- status moves (where the provider has them) ----------------------------------------

    async def send(self, invoice_id: InvoiceId) -> Invoice:
        """Move a draft to sent (the provider may also deliver it). Which statuses it applies to:
        :attr:`state_machine`; any other is InvalidStateError."""
        raise self._unsupported(Capability.SEND)

    async def mark_paid(self, invoice_id: InvoiceId) -> Invoice:
        """Mark the invoice fully paid; a paid invoice is returned as it is, nothing sent."""
        raise self._unsupported(Capability.MARK_PAID)

    async def void(self, invoice_id: InvoiceId) -> Invoice:
        """Void (cancel) a sent invoice; a void invoice is returned as it is, nothing sent."""
        raise self._unsupported(Capability.VOID)

    async def record_payment(self, invoice_id: InvoiceId, payment: Payment) -> Invoice:
        """Record a manual (possibly partial) payment."""
        raise self._unsupported(Capability.RECORD_PAYMENT)

    async def generate_number(self) -> str:
        """The next invoice number the provider would assign."""
        raise self._unsupported(Capability.GENERATE_NUMBER)

    # -- events ------------------------------------------------------------------------------

    def watch(self, interval: float = 30.0, **options: Any) -> AsyncGenerator[InvoiceEvent, None]:
        """The invoices' events (created, updated, sent, paid...) found by listing them every
        ``interval`` seconds: ``async for event in client.watch(interval=60): ...`` (wrap it in
        ``contextlib.aclosing`` to save the checkpoint as soon as the loop ends). The checkpoint
        goes to :attr:`state_store` (this process's memory when there is none) under
        ``invoicekit/watch/<account_key>``, so a restart resumes. Options (``state_store``,
        ``key``, ``emit_existing``...) are those of :func:`invoicekit.events.watch`."""
        from .events.watch import watch

        return watch(self, interval, **options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} provider={self.provider!r}>"
