"""The behavioural tests every invoicekit adapter must pass (the SQLAlchemy dialect-suite idea).

Subclass :class:`ConformanceSuite` in a test module (the class name must start with ``Test``)
and return your harness from :meth:`ConformanceSuite.make_harness`::

    from invoicekit.testing.conformance import ConformanceSuite

    class TestMyProvider(ConformanceSuite):
        def make_harness(self):
            return MyProviderHarness()

Needs pytest and pytest-asyncio (any ``asyncio_mode``: the tests carry the asyncio mark). Every
test gets a fresh harness, a server from ``harness.serve()`` and a connected client. A test that
needs a capability the client does not list checks instead that the missing operation is refused
(UnsupportedOperationError, no request sent), so nothing is skipped for want of a capability.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

try:
    import pytest_asyncio
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "invoicekit's conformance suite needs pytest-asyncio (pip install 'invoicekit[test]')"
    ) from exc

# The public names, as a third-party adapter's own tests would import them.
from ... import (
    APIError,
    BatchError,
    Capability,
    InvalidRequestError,
    InvalidStateError,
    Invoice,
    InvoiceChanges,
    InvoiceClient,
    InvoiceDraft,
    InvoiceId,
    InvoiceStatus,
    LineItem,
    NotFoundError,
    Payment,
    UnsupportedOperationError,
)
from .billing import BillingServiceTests
from .harness import ForbiddenMove, ProviderHarness, clean_up

SEARCH_TOKEN = "ZQ7"  # letters no hex id, generated number or seeded name contains


@attrs.frozen
class Conformance:
    """What each conformance test gets: the harness, the config and the connected client.

    Create invoices through :meth:`create` and :meth:`seed`: they remember the ids, so that on a
    shared (not isolated) account the suite deletes what it made.
    """

    harness: ProviderHarness
    config: Mapping[str, Any]
    client: InvoiceClient
    created: list[InvoiceId] = attrs.field(factory=list)

    def has(self, capability: Capability) -> bool:
        return capability in self.client.capabilities

    async def supports(self, *capabilities: Capability) -> bool:
        """True when the client lists every capability a test needs.

        When it does not, the test turns into the honesty check for what is missing: each
        unlisted operation must raise UnsupportedOperationError without sending a request. So
        a test is never skipped for want of a capability; it checks the other half of the
        contract instead.
        """
        missing = [c for c in capabilities if c not in self.client.capabilities]
        if missing:
            await _assert_refused_without_request(self, missing)
        return not missing

    def requests(self) -> int | None:
        return self.harness.request_count()

    async def create(self, draft: InvoiceDraft | None = None) -> Invoice:
        invoice = await self.client.create(draft or self.harness.draft())
        self.created.append(invoice.id)
        return invoice

    async def seed(self, drafts: Sequence[InvoiceDraft]) -> list[Invoice]:
        invoices = await self.harness.seed(self.client, drafts)
        self.created.extend(i.id for i in invoices)
        return invoices

    async def move(self, invoice_id: InvoiceId, moves: Iterable[str]) -> Invoice | None:
        """Apply status moves in order; the last result (None when there were none)."""
        result = None
        for move in moves:
            result = await getattr(self.client, move)(invoice_id)
        return result

    async def listed(self, **filters: Any) -> list[Invoice]:
        return [invoice async for invoice in self.client.list(**filters)]


# -- helpers ------------------------------------------------------------------------------------


def _text(line: LineItem) -> str | None:
    return line.description or line.name


def _lines(invoice: Invoice) -> list[tuple[Decimal, Decimal, str | None]]:
    return [(line.quantity, line.unit_price, _text(line)) for line in invoice.lines or ()]


def _total(lines: Iterable[LineItem]) -> Decimal:
    return sum((line.quantity * line.unit_price for line in lines), Decimal(0)).quantize(Decimal("0.01"))


def _contact_id(invoice: Invoice) -> InvoiceId | None:
    return None if invoice.contact is None else invoice.contact.id


def _kept(invoice: Invoice) -> dict[str, Any]:
    """The fields an update that does not name them must keep."""
    return {
        "id": invoice.id,
        "number": invoice.number,
        "status": invoice.status,
        "currency": invoice.currency,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "contact_id": _contact_id(invoice),
        "lines": _lines(invoice),
        "total": invoice.total,
        "terms": invoice.terms,
    }


def _check_typed(invoice: Invoice, env: Conformance) -> None:
    """Neutral model types: provider-typed ids, Decimal money, dates, aware datetimes, raw kept."""
    where = f"invoice {invoice.id!r}"
    assert isinstance(invoice.id, env.harness.id_type), f"{where}: id is {type(invoice.id).__name__}"
    assert not isinstance(invoice.id, bool), where
    assert invoice.provider == env.client.provider, where
    assert isinstance(invoice.status, InvoiceStatus), where
    assert isinstance(invoice.total, Decimal), f"{where}: total is {type(invoice.total).__name__}"
    for name in ("amount_due", "amount_paid", "exchange_rate"):
        value = getattr(invoice, name)
        assert value is None or isinstance(value, Decimal), f"{where}: {name} is {type(value).__name__}"
    for name in ("issue_date", "due_date"):
        value = getattr(invoice, name)
        assert value is None or (isinstance(value, date) and not isinstance(value, datetime)), (
            f"{where}: {name} is {type(value).__name__}, not a date"
        )
    for name in ("created_at", "updated_at"):
        value = getattr(invoice, name)
        assert value is None or (isinstance(value, datetime) and value.utcoffset() is not None), (
            f"{where}: {name} must be an aware datetime, got {value!r}"
        )
    assert isinstance(invoice.raw, Mapping) and invoice.raw, f"{where}: raw is empty"
    if invoice.contact is not None and invoice.contact.id is not None:
        assert isinstance(invoice.contact.id, env.harness.id_type | str), where
    for line in invoice.lines or ():
        assert isinstance(line.quantity, Decimal) and isinstance(line.unit_price, Decimal), where
        assert isinstance(line.discount, Decimal), where


@attrs.frozen
class _Row:
    """One invoice of the filter fixture: what goes in, and the status it ends in."""

    issue: date
    due: date
    contact: int
    currency: int
    moves: tuple[str, ...] = ()
    search: bool = False


# Boundaries sit exactly on the filter bounds below, so "inclusive" is really tested.
_ROWS = (
    _Row(date(2025, 1, 10), date(2025, 1, 24), 0, 0),
    _Row(date(2025, 1, 20), date(2025, 2, 19), 1, 1, ("send",)),
    _Row(date(2025, 1, 31), date(2025, 3, 2), 0, 1, search=True),
    _Row(date(2025, 2, 1), date(2025, 2, 15), 1, 0, ("send", "mark_paid")),
    _Row(date(2025, 2, 15), date(2025, 3, 17), 0, 0, ("send",)),
    _Row(date(2025, 3, 1), date(2025, 3, 31), 1, 1),
)
_STATUS_AFTER = {(): InvoiceStatus.DRAFT, ("send",): InvoiceStatus.SENT,
                 ("send", "mark_paid"): InvoiceStatus.PAID}  # fmt: skip

# name -> (neutral list() filters built from the harness, predicate on a row)
_Filter = tuple[Callable[[ProviderHarness], dict[str, Any]], Callable[[ProviderHarness, _Row], bool]]
_FILTERS: dict[str, _Filter] = {
    "status_draft": (lambda h: {"status": InvoiceStatus.DRAFT}, lambda h, r: r.moves == ()),
    "status_sent": (lambda h: {"status": InvoiceStatus.SENT}, lambda h, r: r.moves == ("send",)),
    "status_paid": (lambda h: {"status": InvoiceStatus.PAID}, lambda h, r: r.moves == ("send", "mark_paid")),
    "issued_range": (
        lambda h: {"issued_from": date(2025, 1, 20), "issued_to": date(2025, 1, 31)},
        lambda h, r: date(2025, 1, 20) <= r.issue <= date(2025, 1, 31),
    ),
    "issued_from": (lambda h: {"issued_from": date(2025, 2, 15)}, lambda h, r: r.issue >= date(2025, 2, 15)),
    "issued_to": (lambda h: {"issued_to": date(2025, 1, 10)}, lambda h, r: r.issue <= date(2025, 1, 10)),
    "due_range": (
        lambda h: {"due_from": date(2025, 2, 15), "due_to": date(2025, 3, 2)},
        lambda h, r: date(2025, 2, 15) <= r.due <= date(2025, 3, 2),
    ),
    "due_from": (lambda h: {"due_from": date(2025, 3, 17)}, lambda h, r: r.due >= date(2025, 3, 17)),
    "due_to": (lambda h: {"due_to": date(2025, 1, 24)}, lambda h, r: r.due <= date(2025, 1, 24)),
    "contact_id": (lambda h: {"contact_id": h.contacts()[0].id}, lambda h, r: r.contact == 0),
    "currency": (lambda h: {"currency": h.currencies[1]}, lambda h, r: r.currency == 1),
    "search": (lambda h: {"search": SEARCH_TOKEN}, lambda h, r: r.search),
    "status_and_currency": (
        lambda h: {"status": InvoiceStatus.DRAFT, "currency": h.currencies[1]},
        lambda h, r: r.moves == () and r.currency == 1,
    ),
    "none": (lambda h: {}, lambda h, r: True),
}


def _unsupported_calls(env: Conformance) -> dict[Capability, Callable[[], Awaitable[Any]]]:
    """One call per capability, with arguments that would be valid if it were supported."""
    client, harness = env.client, env.harness
    some_id = harness.missing_ids()[0]

    async def listing() -> Any:
        return [i async for i in client.list(page_size=5)]

    return {
        Capability.GET: lambda: client.get(some_id),
        Capability.LIST: listing,
        Capability.CREATE: lambda: client.create(harness.draft()),
        Capability.UPDATE: lambda: client.update(some_id, InvoiceChanges(terms="x")),
        Capability.DELETE: lambda: client.delete(some_id),
        Capability.DELETE_MANY: lambda: client.delete_many([some_id]),
        Capability.SEND: lambda: client.send(some_id),
        Capability.MARK_PAID: lambda: client.mark_paid(some_id),
        Capability.VOID: lambda: client.void(some_id),
        Capability.RECORD_PAYMENT: lambda: client.record_payment(some_id, Payment(amount=Decimal("1.00"))),
        Capability.GENERATE_NUMBER: lambda: client.generate_number(),
    }


async def _assert_refused_without_request(env: Conformance, capabilities: Iterable[Capability]) -> None:
    """Each operation raises UnsupportedOperationError naming itself, and nothing is sent."""
    calls = _unsupported_calls(env)
    before = env.requests()
    for capability in capabilities:
        with pytest.raises(UnsupportedOperationError) as caught:
            await calls[capability]()
        assert caught.value.provider == env.client.provider
        assert caught.value.operation == capability.value
    if before is not None:
        assert env.requests() == before, "an unsupported operation sent a request"


# -- the suite ----------------------------------------------------------------------------------


@pytest.mark.asyncio
class ConformanceSuite(BillingServiceTests):
    """Behavioural tests for one adapter on one provider setup. See the module docstring."""

    def make_harness(self) -> ProviderHarness:
        """The harness for one test: a fresh instance each time."""
        raise NotImplementedError(f"{type(self).__name__} must implement make_harness()")

    @pytest_asyncio.fixture
    async def conformance(self) -> AsyncIterator[Conformance]:
        harness = self.make_harness()
        async with harness.serve() as config, harness.connect(config) as client:
            env = Conformance(harness, config, client)
            try:
                yield env
            finally:
                if not harness.isolated:
                    await clean_up(client, env.created)

    # -- lifecycle ---------------------------------------------------------------------------

    async def test_create_then_get_round_trip(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.GET):
            return
        harness = env.harness
        contact = harness.contacts()[1]
        lines = [
            harness.line("Design work", Decimal("2.5"), Decimal("80.10")),
            harness.line("Hosting", Decimal(3), Decimal("19.99")),
        ]
        draft = harness.draft(
            contact=contact, currency=harness.currencies[1], issue_date=date(2025, 4, 30),
            due_date=date(2025, 5, 31), lines=lines, terms="Net 31, conformance terms.",
        )
        created = await env.create(draft)
        fetched = await env.client.get(created.id)
        for invoice in (created, fetched):
            assert invoice.status == InvoiceStatus.DRAFT
            assert invoice.currency == harness.currencies[1]
            assert (invoice.issue_date, invoice.due_date) == (date(2025, 4, 30), date(2025, 5, 31))
            assert invoice.contact is not None
            if contact.id is not None:
                assert invoice.contact.id == contact.id
            if contact.name is not None:
                assert invoice.contact.name == contact.name
            assert _lines(invoice) == [(Decimal("2.5"), Decimal("80.10"), "Design work"),
                                       (Decimal(3), Decimal("19.99"), "Hosting")]  # fmt: skip
            assert invoice.terms == "Net 31, conformance terms."
            assert invoice.total == _total(lines) == Decimal("260.22")
            assert invoice.number
            _check_typed(invoice, env)
        assert _kept(created) == _kept(fetched)

    async def test_models_are_typed(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.GET, Capability.LIST):
            return
        created = await env.create()
        _check_typed(created, env)
        _check_typed(await env.client.get(created.id), env)
        listed = [i for i in await env.listed() if i.id == created.id]
        assert len(listed) == 1
        _check_typed(listed[0], env)

    async def test_update_keeps_unchanged_fields(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.UPDATE, Capability.GET):
            return
        harness = env.harness
        created = await env.create(harness.draft(lines=[
            harness.line("Consulting", Decimal("1.5"), Decimal("100.00")),
            harness.line("Travel", Decimal(1), Decimal("45.50")),
        ]))
        before = _kept(created)

        renamed = await env.client.update(created.id, InvoiceChanges(terms="Changed terms."))
        assert _kept(renamed) == {**before, "terms": "Changed terms."}
        assert _kept(await env.client.get(created.id)) == _kept(renamed)

        new_lines = [harness.line("Workshop", Decimal(2), Decimal("300.00"))]
        relined = await env.client.update(created.id, InvoiceChanges(lines=new_lines, due_date=date(2025, 6, 30)))
        expected = {**before, "terms": "Changed terms.", "due_date": date(2025, 6, 30),
                    "lines": [(Decimal(2), Decimal("300.00"), "Workshop")], "total": Decimal("600.00")}  # fmt: skip
        assert _kept(relined) == expected
        assert _kept(await env.client.get(created.id)) == expected

    async def test_send(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.SEND, Capability.GET):
            return
        created = await env.create()
        sent = await env.client.send(created.id)
        assert sent.id == created.id and sent.status == InvoiceStatus.SENT
        assert _lines(sent) == _lines(created)
        assert (await env.client.get(created.id)).status == InvoiceStatus.SENT

    async def test_mark_paid(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.MARK_PAID, Capability.GET):
            return
        created = await env.create()
        if env.has(Capability.SEND):
            await env.client.send(created.id)
        paid = await env.client.mark_paid(created.id)
        assert paid.id == created.id and paid.status == InvoiceStatus.PAID
        assert paid.total == created.total
        assert paid.amount_due in (None, Decimal(0))
        assert (await env.client.get(created.id)).status == InvoiceStatus.PAID

    async def test_void(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.SEND, Capability.VOID, Capability.GET):
            return
        created = await env.create()
        await env.client.send(created.id)
        voided = await env.client.void(created.id)
        assert voided.id == created.id and voided.status == InvoiceStatus.VOID
        assert (await env.client.get(created.id)).status == InvoiceStatus.VOID

    async def test_idempotent_moves_succeed_again(self, conformance: Conformance) -> None:
        # README "Invoice states": marking a paid invoice paid, voiding a void one return it.
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.MARK_PAID):
            return
        created = await env.create()
        await env.client.mark_paid(created.id)
        again = await env.client.mark_paid(created.id)
        assert again.id == created.id and again.status == InvoiceStatus.PAID
        if env.has(Capability.SEND) and env.has(Capability.VOID):
            voided = await env.create()
            await env.move(voided.id, ("send", "void"))
            assert (await env.client.void(voided.id)).status == InvoiceStatus.VOID

    async def test_record_partial_payment(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.SEND, Capability.RECORD_PAYMENT):
            return
        created = await env.create()
        await env.client.send(created.id)
        part = await env.client.record_payment(created.id, Payment(amount=Decimal("10.00"), notes="conformance"))
        assert part.status == InvoiceStatus.PARTIALLY_PAID
        if part.amount_paid is not None:
            assert part.amount_paid == Decimal("10.00")
        if part.amount_due is not None:
            assert part.amount_due == created.total - Decimal("10.00")

    async def test_generate_number(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.GENERATE_NUMBER):
            return
        number = await env.client.generate_number()
        assert isinstance(number, str) and number.strip()

    async def test_delete_returns_the_invoice_then_get_is_not_found(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.DELETE, Capability.GET):
            return
        created = await env.create()
        keep = await env.create()
        deleted = await env.client.delete(created.id)
        assert deleted.id == created.id and deleted.number == created.number
        _check_typed(deleted, env)
        with pytest.raises(NotFoundError):
            await env.client.get(created.id)
        assert (await env.client.get(keep.id)).id == keep.id

    async def test_delete_many(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.DELETE_MANY, Capability.GET):
            return
        created = [await env.create() for _ in range(3)]
        deleted = await env.client.delete_many([i.id for i in created])
        assert sorted(map(str, (i.id for i in deleted))) == sorted(map(str, (i.id for i in created)))
        for invoice in created:
            with pytest.raises(NotFoundError):
                await env.client.get(invoice.id)

    async def test_delete_many_with_a_missing_id_raises_batch_error(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.DELETE_MANY, Capability.GET):
            return
        created = [await env.create() for _ in range(2)]
        missing = env.harness.missing_ids()[0]
        with pytest.raises(BatchError) as caught:
            await env.client.delete_many([created[0].id, missing, created[1].id])
        error = caught.value
        assert {i.id for i in error.succeeded} == {i.id for i in created}
        assert set(error.failures) == {missing}
        assert isinstance(error.failures[missing], NotFoundError)
        for invoice in created:
            with pytest.raises(NotFoundError):
                await env.client.get(invoice.id)

    async def test_delete_many_refuses_repeats_and_sends_nothing_for_an_empty_batch(
        self, conformance: Conformance
    ) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.DELETE_MANY, Capability.GET):
            return
        created = await env.create()
        before = env.requests()
        with pytest.raises(InvalidRequestError) as caught:
            await env.client.delete_many([created.id, created.id])
        assert caught.value.field == "invoice_ids[1]"
        assert await env.client.delete_many([]) == []
        if before is not None:
            assert env.requests() == before, "delete_many sent a request for a repeated id or an empty batch"
        assert (await env.client.get(created.id)).id == created.id

    # -- listing -----------------------------------------------------------------------------

    @pytest.mark.parametrize("name", sorted(_FILTERS))
    async def test_list_filter(self, conformance: Conformance, name: str) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.LIST):
            return
        harness = env.harness
        build, wanted = _FILTERS[name]
        seeded: dict[InvoiceId, _Row] = {}
        for index, row in enumerate(_ROWS):
            if any(Capability(m) not in env.client.capabilities for m in row.moves):
                pytest.skip(f"{env.client.provider} cannot reach the statuses this fixture needs")
            draft = harness.draft(
                contact=harness.contacts()[row.contact], currency=harness.currencies[row.currency],
                issue_date=row.issue, due_date=row.due,
                lines=[harness.line(f"Filter row {index}", Decimal(index + 1), Decimal("10.00"))],
            )
            if row.search:
                draft = harness.searchable(draft, f"{SEARCH_TOKEN}-{index:04d}")
            invoice = await env.create(draft)
            moved = await env.move(invoice.id, row.moves)
            assert (moved or invoice).status == _STATUS_AFTER[row.moves]
            seeded[invoice.id] = row
        expected = sorted(str(i) for i, row in seeded.items() if wanted(harness, row))
        assert expected or name == "none", "the fixture must match something"
        # A small page size, so client-side filtering and paging meet too.
        found = await env.listed(**build(harness), page_size=2)
        ids = [i.id for i in found]
        assert len(ids) == len(set(ids)), f"{name}: an invoice came twice"
        if not harness.isolated:
            ids = [i for i in ids if i in seeded]
        assert sorted(map(str, ids)) == expected, f"{name}: {build(harness)}"
        for invoice in found:
            _check_typed(invoice, env)

    async def test_paging_across_several_pages(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.LIST):
            return
        harness = env.harness
        drafts = [
            harness.draft(lines=[harness.line(f"Paging {n}", Decimal(1), Decimal(n + 1))],
                          issue_date=date(2025, 1, 1) + timedelta(days=n))
            for n in range(25)
        ]  # fmt: skip
        seeded = {i.id for i in await env.seed(drafts)}
        assert len(seeded) == 25
        before = harness.list_request_count()
        first = [i.id for i in await env.listed(page_size=7)]
        after = harness.list_request_count()
        second = [i.id for i in await env.listed(page_size=7)]
        if not harness.isolated:
            first = [i for i in first if i in seeded]
            second = [i for i in second if i in seeded]
        assert len(first) == len(set(first)) == 25, "every invoice exactly once"
        assert set(first) == seeded
        assert first == second, "the order must be stable between runs"
        if harness.isolated and before is not None and after is not None:
            assert after - before == math.ceil(25 / 7), "one request per page"

    async def test_paging_when_the_last_page_is_full(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(Capability.CREATE, Capability.LIST):
            return
        harness = env.harness
        seeded = {i.id for i in await env.seed([harness.draft() for _ in range(6)])}
        before = harness.list_request_count()
        found = [i.id for i in await env.listed(page_size=3)]
        after = harness.list_request_count()
        if not harness.isolated:
            found = [i for i in found if i in seeded]
        assert sorted(map(str, found)) == sorted(map(str, seeded))
        if harness.isolated and before is not None and after is not None:
            # Two full pages; one empty probe is allowed where the server gives no total.
            assert after - before in (2, 3)

    @pytest.mark.parametrize(
        "filters", [{"page_size": 0}, {"page_size": -1}, {"status": "no-such-status"}],
        ids=["page_size=0", "page_size=-1", "unknown-status"],
    )
    async def test_list_arguments_are_checked_before_sending(
        self, conformance: Conformance, filters: dict[str, Any]
    ) -> None:
        env = conformance
        if not await env.supports(Capability.LIST):
            return
        before = env.requests()
        with pytest.raises(InvalidRequestError):
            await env.listed(**filters)
        if before is not None:
            assert env.requests() == before, f"list({filters}) sent a request"

    # -- errors ------------------------------------------------------------------------------

    @pytest.mark.parametrize("operation", ["get", "update", "delete", "send", "mark_paid", "void"])
    async def test_missing_id_is_not_found(self, conformance: Conformance, operation: str) -> None:
        env = conformance
        if not await env.supports(Capability(operation)):
            return
        for missing in env.harness.missing_ids():
            args: tuple[Any, ...] = (InvoiceChanges(terms="x"),) if operation == "update" else ()
            with pytest.raises(NotFoundError) as caught:
                await getattr(env.client, operation)(missing, *args)
            assert caught.value.provider == env.client.provider

    async def test_forbidden_state_changes_raise_invalid_state(self, conformance: Conformance) -> None:
        env = conformance
        moves = env.harness.forbidden_moves
        if not moves:
            pytest.skip("the harness lists no forbidden moves")
        for move in moves:
            await _check_forbidden(env, move)

    @pytest.mark.parametrize("operation", ["get", "update", "delete", "delete_many", "send", "mark_paid", "void"])
    async def test_invalid_ids_are_refused_before_sending(self, conformance: Conformance, operation: str) -> None:
        env = conformance
        if not await env.supports(Capability(operation)):
            return
        before = env.requests()
        for bad in env.harness.invalid_ids():
            call: Any = getattr(env.client, operation)
            with pytest.raises(InvalidRequestError):
                if operation == "update":
                    await call(bad, InvoiceChanges(terms="x"))
                elif operation == "delete_many":
                    await call([bad])
                else:
                    await call(bad)
        if before is not None:
            assert env.requests() == before, f"{operation} with an invalid id sent a request"

    # -- capabilities ------------------------------------------------------------------------

    async def test_capabilities_are_declared(self, conformance: Conformance) -> None:
        capabilities = type(conformance.client).capabilities
        assert isinstance(capabilities, frozenset)
        assert all(isinstance(c, Capability) for c in capabilities)
        assert conformance.client.capabilities == capabilities

    async def test_listed_capabilities_work(self, conformance: Conformance) -> None:
        env = conformance
        client = env.client
        for capability in sorted(client.capabilities):
            try:
                await _exercise(env, capability)
            except UnsupportedOperationError:
                pytest.fail(f"{client.provider} lists {capability.value} but raises UnsupportedOperationError")

    async def test_unlisted_capabilities_refuse_without_a_request(self, conformance: Conformance) -> None:
        env = conformance
        # A client that lists every capability passes vacuously: test_listed_capabilities_work
        # has exercised all of them.
        await _assert_refused_without_request(env, sorted(set(Capability) - env.client.capabilities))


# -- scenario pieces ----------------------------------------------------------------------------


async def _check_forbidden(env: Conformance, move: ForbiddenMove) -> None:
    needed = (Capability(m) for m in (*move.prepare, move.operation))
    if not await env.supports(Capability.CREATE, Capability.GET, *needed):
        return
    created = await env.create()
    await env.move(created.id, move.prepare)
    before = await env.client.get(created.id)
    call: Any = getattr(env.client, move.operation)
    try:
        if move.operation == "update":
            await call(created.id, InvoiceChanges(terms="Not allowed."))
        elif move.operation == "record_payment":
            await call(created.id, Payment(amount=Decimal("1.00")))
        else:
            await call(created.id)
    except InvalidStateError as exc:
        assert exc.provider == env.client.provider, str(move)
    except APIError as exc:
        pytest.fail(f"{move}: expected InvalidStateError, got {type(exc).__name__}: {exc}")
    else:
        pytest.fail(f"{move}: expected InvalidStateError, nothing was raised")
    after = await env.client.get(created.id)
    assert _kept(after) == _kept(before), f"{move}: the refused change altered the invoice"


async def _exercise(env: Conformance, capability: Capability) -> None:
    """Use one listed capability the simplest way and check it did what it says."""
    client = env.client
    if capability is Capability.GENERATE_NUMBER:
        assert (await client.generate_number()).strip()
        return
    if capability is Capability.LIST:
        await env.listed(page_size=5)
        return
    created = await env.create()
    if capability is Capability.CREATE:
        assert created.status == InvoiceStatus.DRAFT
    elif capability is Capability.GET:
        assert (await client.get(created.id)).id == created.id
    elif capability is Capability.UPDATE:
        assert (await client.update(created.id, InvoiceChanges(terms="Updated."))).terms == "Updated."
    elif capability is Capability.DELETE:
        assert (await client.delete(created.id)).id == created.id
    elif capability is Capability.DELETE_MANY:
        assert [i.id for i in await client.delete_many([created.id])] == [created.id]
    elif capability is Capability.SEND:
        assert (await client.send(created.id)).status == InvoiceStatus.SENT
    elif capability is Capability.MARK_PAID:
        if Capability.SEND in client.capabilities:
            await client.send(created.id)
        assert (await client.mark_paid(created.id)).status == InvoiceStatus.PAID
    elif capability is Capability.VOID:
        if Capability.SEND in client.capabilities:
            await client.send(created.id)
        assert (await client.void(created.id)).status == InvoiceStatus.VOID
    elif capability is Capability.RECORD_PAYMENT:
        if Capability.SEND in client.capabilities:
            await client.send(created.id)
        paid = await client.record_payment(created.id, Payment())
        assert paid.status == InvoiceStatus.PAID


__all__ = ["Conformance", "ConformanceSuite"]
