"""The polling watcher: the same kinds on both simulators, and a restart resumes without replays."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Awaitable, Callable, Mapping
from contextlib import aclosing
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

import invoicekit
from invoicekit import Contact, InvalidRequestError, InvoiceChanges, InvoiceClient, InvoiceDraft, LineItem, Payment
from invoicekit.events import EventKind, InvoiceWatcher, WatchError
from invoicekit.events.watch import kinds_between, records_after
from invoicekit.state import MemoryStateStore

Step = Callable[[], Awaitable[object]]


def draft(contact: Contact, name: str = "Retainer") -> InvoiceDraft:
    return InvoiceDraft(
        currency="USD", contact=contact, issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
        terms="Payable within 30 days.", lines=[LineItem(name=name, quantity=Decimal(1), unit_price=Decimal("100"))],
    )


def between_polls(steps: list[Step]) -> Callable[[float], Awaitable[None]]:
    """A ``sleep`` for the watcher that performs the next operation instead of waiting."""
    queue = list(steps)

    async def sleep(seconds: float) -> None:
        assert seconds == 0.5
        if queue:
            await queue.pop(0)()

    return sleep


async def test_the_same_operations_give_the_same_kinds_on_every_provider(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact
) -> None:
    client = invoicekit_client
    made: dict[str, Any] = {}

    async def create(name: str) -> None:
        made[name] = (await client.create(draft(invoicekit_contact, name))).id

    steps: list[Step] = [
        lambda: create("a"),
        lambda: client.update(made["a"], InvoiceChanges(lines=[LineItem(name="More", unit_price=Decimal(150))])),
        lambda: client.send(made["a"]),
        lambda: client.mark_paid(made["a"]),
        lambda: create("b"),
        lambda: client.delete(made["b"]),
    ]
    events = [e async for e in client.watch(interval=0.5, polls=len(steps) + 1, sleep=between_polls(steps))]

    assert [(e.kind, e.invoice_id) for e in events] == [
        (EventKind.CREATED, made["a"]), (EventKind.UPDATED, made["a"]), (EventKind.SENT, made["a"]),
        (EventKind.PAID, made["a"]), (EventKind.CREATED, made["b"]), (EventKind.DELETED, made["b"]),
    ]
    assert all(e.provider == client.provider and e.occurred_at.tzinfo is not None for e in events)
    assert events[1].invoice is not None and events[1].invoice.total == Decimal(150)
    assert events[3].invoice is not None and events[3].invoice.status == "paid"
    assert events[5].invoice is None
    assert len({e.delivery_id for e in events}) == len(events)


async def test_a_restart_on_the_same_store_resumes_without_replaying(
    invoicekit_config: Mapping[str, Any], invoicekit_contact: Contact
) -> None:
    store = MemoryStateStore()
    async with invoicekit.connect(invoicekit_config) as client:
        async for _ in client.watch(interval=0.5, state_store=store, polls=1):
            pass  # the baseline: what exists is recorded, not reported
        a = await client.create(draft(invoicekit_contact, "a"))
        b = await client.create(draft(invoicekit_contact, "b"))
        held: list[Any] = []
        async with aclosing(client.watch(interval=0.5, state_store=store, polls=1)) as stream:
            async for event in stream:
                held.append(event.invoice_id)
                if len(held) == 2:
                    break  # the first creation was handled; the consumer stops while holding the second
        assert sorted(map(str, held)) == sorted([str(a.id), str(b.id)])
        await client.send(a.id)
    # A new process: a new client, the same store. The creation held at the break comes again.
    async with invoicekit.connect(invoicekit_config) as client:
        events = [e async for e in client.watch(interval=0.5, state_store=store, polls=1)]
        expected = [(EventKind.CREATED, held[1]), (EventKind.SENT, a.id)]
        assert sorted((e.kind, str(e.invoice_id)) for e in events) == sorted((k, str(i)) for k, i in expected)
        # Nothing is reported twice.
        assert [e async for e in client.watch(interval=0.5, state_store=store, polls=1)] == []
    stored = await store.get(f"invoicekit/watch/{client.account_key}")
    assert stored is not None
    checkpoint = json.loads(stored.value)
    listed = {entry[0] for entry in checkpoint["invoices"]}
    assert {a.id, b.id} <= listed
    assert all(len(entry) == 5 for entry in checkpoint["invoices"])  # one small record per invoice


@pytest.mark.invoicekit_gohighlevel(invoices=0)
async def test_gohighlevel_payments_and_voids_match_its_webhooks(
    gohighlevel_client: InvoiceClient, gohighlevel_contact: Contact, gohighlevel_webhooks: Any
) -> None:
    from aiohttp import web

    from .conftest import serve

    pushed: list[Any] = []

    async def on_event(event: Any) -> None:
        pushed.append(event)

    app = web.Application()
    app.router.add_post("/hook", invoicekit.events.webhook_handler(on_event, verifier=gohighlevel_webhooks.verifier()))
    client = gohighlevel_client
    made: dict[str, Any] = {}

    async def create() -> None:
        # Named: a nameless draft would be named by an update (one more webhook) right after.
        made["a"] = (await client.create(attrs.evolve(draft(gohighlevel_contact), name="Retainer"))).id

    steps: list[Step] = [
        create,
        lambda: client.send(made["a"]),
        lambda: client.record_payment(made["a"], Payment(amount=Decimal(30))),
        lambda: client.record_payment(made["a"], Payment(amount=Decimal(30))),
        lambda: client.record_payment(made["a"], Payment()),
        lambda: client.void(made["a"]),
    ]
    async with serve(app) as url:
        gohighlevel_webhooks.register(url + "/hook")
        polled = [e async for e in client.watch(interval=0.5, polls=len(steps) + 1, sleep=between_polls(steps))]
    kinds = [EventKind.CREATED, EventKind.SENT, EventKind.PARTIALLY_PAID, EventKind.PARTIALLY_PAID, EventKind.PAID,
             EventKind.VOIDED]
    assert [e.kind for e in polled] == kinds
    assert [e.kind for e in pushed] == kinds  # the same news, pushed or polled


async def test_existing_invoices_can_be_reported_as_created(onlyoffice_client: InvoiceClient) -> None:
    count = len([i async for i in onlyoffice_client.list()])
    events = [e async for e in onlyoffice_client.watch(interval=0.5, polls=1, emit_existing=True)]
    assert len(events) >= count and {e.kind for e in events} <= {
        EventKind.CREATED, EventKind.SENT, EventKind.PAID, EventKind.PARTIALLY_PAID, EventKind.VOIDED}
    assert sum(e.kind is EventKind.CREATED for e in events) == count


async def test_memory_is_bounded_by_max_invoices(onlyoffice_client: InvoiceClient) -> None:
    with pytest.raises(WatchError, match="more than 1 invoices"):
        await InvoiceWatcher(onlyoffice_client, max_invoices=1).poll()


@pytest.mark.parametrize("interval", [0, -1, float("nan"), "5", True])
def test_the_interval_is_checked_when_watch_is_called(onlyoffice_client: InvoiceClient, interval: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        onlyoffice_client.watch(interval=interval)
    assert caught.value.field == "interval"


async def test_a_second_watcher_on_the_same_key_does_not_overwrite_the_first(
    onlyoffice_client: InvoiceClient, onlyoffice_contact: Contact
) -> None:
    store = MemoryStateStore()
    one, two = (InvoiceWatcher(onlyoffice_client, state_store=store) for _ in range(2))
    assert await one.poll() == [] and await two.poll() == []  # one wrote the baseline; two adopted it
    await onlyoffice_client.create(draft(onlyoffice_contact))
    for event in await one.poll():
        one.delivered(event)
    await one.save()
    events = await two.poll()
    for event in events:
        two.delivered(event)
    await two.save()  # stale version: it takes the first watcher's checkpoint instead
    assert [e async for e in InvoiceWatcher(onlyoffice_client, state_store=store).events(0.5, polls=1)] == []


class HandlerFailed(Exception):
    pass


async def once(client: InvoiceClient, store: MemoryStateStore) -> list[Any]:
    """One poll of ``client.watch`` on ``store``, every event handled."""
    return [e async for e in client.watch(interval=0.5, state_store=store, polls=1)]


async def test_an_event_whose_handler_raised_is_reported_again(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact
) -> None:
    client, store = invoicekit_client, MemoryStateStore()
    assert await once(client, store) == []  # the baseline
    made = await client.create(draft(invoicekit_contact))
    with pytest.raises(HandlerFailed):
        async with aclosing(client.watch(interval=0.5, state_store=store, polls=1)) as stream:
            async for event in stream:
                assert event.invoice_id == made.id
                raise HandlerFailed
    again = await once(client, store)
    assert [(e.kind, e.invoice_id) for e in again] == [(EventKind.CREATED, made.id)]
    assert await once(client, store) == []  # handled now


async def test_the_kinds_not_yet_handled_for_one_invoice_are_reported_again(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact
) -> None:
    client, store = invoicekit_client, MemoryStateStore()
    assert await once(client, store) == []  # the baseline
    made = await client.create(draft(invoicekit_contact))
    await client.send(made.id)
    handled: list[EventKind] = []
    with pytest.raises(HandlerFailed):
        async with aclosing(client.watch(interval=0.5, state_store=store, polls=1)) as stream:
            async for event in stream:
                if event.kind is EventKind.SENT:
                    raise HandlerFailed
                handled.append(event.kind)
    assert handled == [EventKind.CREATED]
    again = await once(client, store)
    assert [(e.kind, e.invoice_id) for e in again] == [(EventKind.SENT, made.id)]


def test_the_record_after_each_kind_leads_to_the_remaining_kinds() -> None:
    old = ("draft", "c1", "t1", "0")
    for before, new in [(None, ("sent", "c1", "t2", "0")), (None, ("partially_paid", "c1", "t2", "30")),
                        (old, ("sent", "c2", "t2", "0")), (old, ("paid", "c2", "t3", "100"))]:
        kinds = [EventKind.CREATED, *kinds_between(("draft", *new[1:]), new)] if before is None else (
            kinds_between(before, new))
        steps = records_after(before, new, kinds)
        assert steps[-1] == new and len(steps) == len(kinds) > 1
        for index, step in enumerate(steps):
            assert kinds_between(step, new) == kinds[index + 1:]


def test_kinds_between_two_records() -> None:
    draft_record = ("draft", "c1", "t1", "0")
    assert kinds_between(draft_record, ("sent", "c1", "t2", "0")) == [EventKind.SENT]
    assert kinds_between(draft_record, ("sent", "c2", "t2", "0")) == [EventKind.UPDATED, EventKind.SENT]
    assert kinds_between(draft_record, ("draft", "c1", "t2", "0")) == [EventKind.UPDATED]
    assert kinds_between(draft_record, draft_record) == []
    partly = ("partially_paid", "c1", "t1", "30")
    assert kinds_between(partly, ("partially_paid", "c1", "t2", "60")) == [EventKind.PARTIALLY_PAID]
    assert kinds_between(("rejected", "c1", "", ""), ("draft", "c1", "", "")) == [EventKind.UPDATED]


async def test_an_unreadable_checkpoint_is_a_watch_error(onlyoffice_client: InvoiceClient) -> None:
    store = MemoryStateStore()
    await store.put(f"invoicekit/watch/{onlyoffice_client.account_key}", b"{not json", expected_version=None)
    with pytest.raises(WatchError, match="unreadable"):
        await InvoiceWatcher(onlyoffice_client, state_store=store).poll()


async def test_an_invoice_the_listing_skipped_is_not_reported_deleted(
    onlyoffice_client: InvoiceClient, onlyoffice_contact: Contact
) -> None:
    class SkippingListing:
        """The client, but its listing misses one invoice (offset paging under concurrent
        changes can do that); ``get`` still finds it."""

        provider, account_key = onlyoffice_client.provider, onlyoffice_client.account_key
        state_store = None
        skip: object = None

        def list(self, **options: Any) -> Any:
            async def listed() -> Any:
                async for invoice in onlyoffice_client.list(**options):
                    if invoice.id != self.skip:
                        yield invoice

            return listed()

        async def get(self, invoice_id: Any) -> Any:
            return await onlyoffice_client.get(invoice_id)

    client = SkippingListing()
    watcher = InvoiceWatcher(client)  # type: ignore[arg-type]
    made = await onlyoffice_client.create(draft(onlyoffice_contact))
    assert await watcher.poll() == []  # the baseline
    client.skip = made.id
    assert await watcher.poll() == []  # skipped, but there: not deleted
    await onlyoffice_client.delete(made.id)
    events = await watcher.poll()
    assert [(e.kind, e.invoice_id) for e in events] == [(EventKind.DELETED, made.id)]


class CountingListing:
    """The client, but its listing notes every invoice it hands out (by weak reference) and, at
    each one, how many of those handed out so far are still alive somewhere."""

    def __init__(self, client: InvoiceClient) -> None:
        self._client = client
        self.provider, self.account_key, self.state_store = client.provider, client.account_key, None
        self.handed_out = 0
        self.most_alive = 0
        self._refs: list[weakref.ref[Any]] = []

    def list(self, **options: Any) -> Any:
        async def listed() -> Any:
            async for invoice in self._client.list(**options):
                self._refs = [ref for ref in self._refs if ref() is not None]
                self._refs.append(weakref.ref(invoice))
                self.handed_out += 1
                self.most_alive = max(self.most_alive, len(self._refs))
                yield invoice

        return listed()

    async def get(self, invoice_id: Any) -> Any:
        return await self._client.get(invoice_id)


@pytest.mark.invoicekit_onlyoffice(invoices=300)
async def test_a_poll_holds_no_more_than_a_page_of_invoices(onlyoffice_client: InvoiceClient) -> None:
    client = CountingListing(onlyoffice_client)
    store = MemoryStateStore()
    watcher = InvoiceWatcher(client, state_store=store, page_size=25)  # type: ignore[arg-type]
    assert [e async for e in watcher.events(0.5, polls=1)] == []  # the baseline: records only
    assert client.handed_out == 300 and client.most_alive <= 25 + 2
    gc.collect()
    assert not [ref for ref in client._refs if ref() is not None]

    client = CountingListing(onlyoffice_client)
    watcher = InvoiceWatcher(client, emit_existing=True, page_size=25)  # type: ignore[arg-type]
    kinds: dict[EventKind, int] = {}
    async for event in watcher.events(0.5, polls=1):  # every invoice reported; the consumer keeps none
        kinds[event.kind] = kinds.get(event.kind, 0) + 1
    assert kinds[EventKind.CREATED] == 300 and client.most_alive <= 25 + 2
    stored = await store.get(watcher.key)
    assert stored is not None and len(json.loads(stored.value)["invoices"]) == 300
