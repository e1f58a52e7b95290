"""GoHighLevel OAuth refresh through the credential keeper, against the simulator.

Each test stands for one finding of issue #12: the rotated refresh token must never be lost, and
the token endpoint must never be hammered.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from typing import Any

import pytest

from invoicekit import ServerError, StateStoreError, TransportError
from invoicekit.credentials import fingerprint
from invoicekit.gohighlevel import GoHighLevelSettings, InvalidGrantError, OAuthTokens
from invoicekit.gohighlevel.auth import oauth_key
from invoicekit.state import FileStateStore, MemoryStateStore
from invoicekit.testing import GoHighLevelSimulator

from .conftest import (
    TOKEN_PATH,
    FlakyStore,
    StoreView,
    after_backoff,
    assert_no_secret,
    error_texts,
    first_invoice_id,
    ghl_client,
    ghl_config,
    ghl_secrets,
    keeper_of,
    log_texts,
)


def settings_for(sim: GoHighLevelSimulator, url: str, **overrides: Any) -> GoHighLevelSettings:
    return GoHighLevelSettings.from_mapping(ghl_config(sim, url, **overrides))


async def stored(store: Any, sim: GoHighLevelSimulator) -> OAuthTokens:
    record = await store.get(oauth_key(sim.client_id, sim.location_id))
    assert record is not None
    return OAuthTokens.from_record(record.value)


async def test_a_save_that_fails_once_is_retried_and_the_rotation_kept() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    store = FlakyStore()
    store.fail_puts = 1
    async with sim.run() as url:
        settings = settings_for(sim, url)
        async with ghl_client(settings, store) as client:
            await client.get(first_invoice_id(sim))
        rotated = await stored(store, sim)
        assert rotated.generation == 1 and rotated.refresh_token.reveal() in sim.refresh_tokens
        sim.expire_tokens()
        # Another client over the same records (a restart) refreshes with the stored token.
        async with ghl_client(settings, StoreView(store)) as again:
            await again.get(first_invoice_id(sim))
    assert sim.presented_refresh_tokens == [sim.refresh_token, rotated.refresh_token.reveal()]


async def test_a_newer_token_in_memory_is_never_replaced_by_the_older_stored_one() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    store = FlakyStore()
    async with sim.run() as url:
        async with ghl_client(settings_for(sim, url), store) as client:
            invoice_id = first_invoice_id(sim)
            await client.get(invoice_id)
            sim.expire_tokens()
            store.fail_puts = 100  # the database is down for a while
            with pytest.raises(StateStoreError, match="kept in memory") as info:
                await client.get(invoice_id)  # refreshed (the server rotated), but not saved
            assert_no_secret(error_texts(info.value), ghl_secrets(sim))
            assert (await stored(store, sim)).generation == 1
            store.fail_puts = 0
            after_backoff(client)
            sim.expire_tokens()
            await client.get(invoice_id)  # saves generation 2 first, then refreshes it: no invalid_grant
        assert (await stored(store, sim)).generation == 3
    assert sim.refreshes == 3
    assert len(set(sim.presented_refresh_tokens)) == 3  # never the spent one again


async def test_a_load_that_fails_once_is_retried_not_replaced_by_the_spent_seed() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    store = FlakyStore()
    async with sim.run() as url:
        settings = settings_for(sim, url)
        async with ghl_client(settings, store) as client:
            await client.get(first_invoice_id(sim))
        store.fail_gets = 1
        async with ghl_client(settings, StoreView(store)) as restarted:
            await restarted.get(first_invoice_id(sim))  # the stored access token, no refresh
    assert sim.presented_refresh_tokens == [sim.refresh_token]


@pytest.mark.parametrize("point", ["store read", "token request", "store save"])
async def test_a_cancelled_caller_never_loses_the_rotated_token(point: str) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    store = FlakyStore()
    gate = asyncio.Event()
    if point == "store read":
        store.gate_gets = gate
    elif point == "store save":
        store.gate_puts = gate
    else:
        sim.faults.delay(0.3, path=TOKEN_PATH)
    async with sim.run() as url:
        settings = settings_for(sim, url)
        client = ghl_client(settings, store)
        caller = asyncio.create_task(client.get(first_invoice_id(sim)))
        for _ in range(200):  # until the refresh reached that await point
            if store.reached.is_set() or sim.count("POST", TOKEN_PATH):
                break
            await asyncio.sleep(0.01)
        caller.cancel()  # a web handler timing out
        with pytest.raises(asyncio.CancelledError):
            await caller
        store.gate_gets = store.gate_puts = None
        gate.set()
        await client.aclose()  # waits for the refresh: it completes and is saved
        rotated = await stored(store, sim)
        assert rotated.generation == 1 and rotated.refresh_token.reveal() in sim.refresh_tokens
        sim.expire_tokens()
        async with ghl_client(settings, StoreView(store)) as again:
            await again.get(first_invoice_id(sim))
    assert sim.refreshes == 2
    assert sim.presented_refresh_tokens == [sim.refresh_token, rotated.refresh_token.reveal()]


async def test_fifty_waiters_on_a_failing_refresh_send_one_request() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    sim.faults.fail_next(503, times=None, path=TOKEN_PATH)
    async with sim.run() as url, ghl_client(settings_for(sim, url), MemoryStateStore()) as client:
        invoice_id = first_invoice_id(sim)
        results = await asyncio.gather(*(client.get(invoice_id) for _ in range(50)), return_exceptions=True)
        assert all(isinstance(r, ServerError) for r in results)
        assert sim.count("POST", TOKEN_PATH) == 1
        with pytest.raises(ServerError):  # within the backoff: the remembered failure, no request
            await client.get(invoice_id)
        assert sim.count("POST", TOKEN_PATH) == 1
        sim.faults.clear()
        after_backoff(client)
        await client.get(invoice_id)
    assert sim.count("POST", TOKEN_PATH) == 2


async def test_fifty_waiters_on_a_slow_refresh_send_one_request() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    sim.faults.delay(0.3, path=TOKEN_PATH)
    async with sim.run() as url, ghl_client(settings_for(sim, url), MemoryStateStore()) as client:
        invoice_id = first_invoice_id(sim)
        results = await asyncio.gather(*(client.get(invoice_id) for _ in range(50)))
    assert len(results) == 50
    assert sim.count("POST", TOKEN_PATH) == 1


async def test_fifty_waiters_on_a_timed_out_refresh_send_one_request() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    sim.faults.delay(1.0, path=TOKEN_PATH)
    async with sim.run() as url, ghl_client(settings_for(sim, url, timeout=0.2), MemoryStateStore()) as client:
        invoice_id = first_invoice_id(sim)
        results = await asyncio.gather(*(client.get(invoice_id) for _ in range(50)), return_exceptions=True)
        assert all(isinstance(r, TransportError) for r in results)
        assert sim.count("POST", TOKEN_PATH) == 1


@pytest.mark.parametrize(("lifetime", "pause", "refreshes"), [(30, 0.0, 1), (1, 1.05, 2)])
async def test_short_lived_tokens_are_not_refreshed_on_every_call(
    lifetime: float, pause: float, refreshes: int
) -> None:
    sim = GoHighLevelSimulator(invoices=1, access_token_lifetime=lifetime)
    async with sim.run() as url, ghl_client(settings_for(sim, url), MemoryStateStore()) as client:
        invoice_id = first_invoice_id(sim)
        for _ in range(10):
            await client.get(invoice_id)
        await asyncio.sleep(pause)  # a 1 s token is then spent: one more refresh, not ten
        for _ in range(10):
            await client.get(invoice_id)
    assert sim.refreshes == refreshes


async def test_invalid_grant_after_another_client_rotated_adopts_its_token(
    debug_log: pytest.LogCaptureFixture,
) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    sim.faults.delay(0.2, times=2, path=TOKEN_PATH)  # both refreshes in flight at once
    backend = MemoryStateStore()
    async with sim.run() as url:
        settings = settings_for(sim, url)
        async with ghl_client(settings, StoreView(backend)) as one, ghl_client(settings, StoreView(backend)) as two:
            invoice_id = first_invoice_id(sim)
            await asyncio.gather(one.get(invoice_id), two.get(invoice_id))  # one of them gets invalid_grant
    assert sim.count("POST", TOKEN_PATH) == 2 and sim.refreshes == 1
    assert (await stored(backend, sim)).generation == 1
    assert not [r for r in debug_log.records if r.levelno >= logging.ERROR]
    assert_no_secret(log_texts(debug_log), ghl_secrets(sim))


async def test_a_dead_grant_is_reported_once_with_what_to_do(debug_log: pytest.LogCaptureFixture) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    sim.revoke_refresh_tokens()
    async with sim.run() as url, ghl_client(settings_for(sim, url), None) as client:
        invoice_id = first_invoice_id(sim)
        results = await asyncio.gather(*(client.get(invoice_id) for _ in range(50)), return_exceptions=True)
        after_backoff(client)  # a dead grant stays dead: never sent again
        with pytest.raises(InvalidGrantError) as info:
            await client.get(invoice_id)
    assert all(isinstance(r, InvalidGrantError) for r in results)
    assert sim.count("POST", TOKEN_PATH) == 1
    message = str(info.value)
    assert "Re-authorise the app" in message and "'refresh_token'" in message and sim.location_id in message
    assert "token store" not in message and "put the new refresh token in the configuration" in message
    errors = [r for r in debug_log.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "Re-authorise" in errors[0].getMessage()
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert_no_secret([*error_texts(info.value), *log_texts(debug_log)], ghl_secrets(sim))


@pytest.mark.parametrize("api_version", ["v3", "2021-07-28"])
async def test_api_version_chooses_the_refresh_form(api_version: str) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    async with sim.run() as url, ghl_client(settings_for(sim, url, api_version=api_version), None) as client:
        await client.get(first_invoice_id(sim))
    (refresh,) = [r for r in sim.requests if r.path == TOKEN_PATH]
    form = refresh.form()
    if api_version == "v3":
        assert refresh.headers["Version"] == "v3"
        assert sorted(form) == ["clientId", "clientSecret", "grantType", "refreshToken", "userType"]
        assert (form["clientId"], form["grantType"], form["userType"]) == (sim.client_id, "refresh_token", "Location")
    else:
        assert "Version" not in refresh.headers
        assert sorted(form) == ["client_id", "client_secret", "grant_type", "refresh_token", "user_type"]
    assert sim.refreshes == 1
    (invoice_call,) = [r for r in sim.requests if r.path.startswith("/invoices/")]
    assert invoice_call.headers["Version"] == api_version


async def test_the_configured_seed_starts_a_chain_and_a_new_one_wins(tmp_path: Any) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    backend = FileStateStore(tmp_path / "state.json")
    async with sim.run() as url:
        settings = settings_for(sim, url)
        invoice_id = first_invoice_id(sim)
        async with ghl_client(settings, backend) as client:
            await client.get(invoice_id)
        first = await stored(backend, sim)
        assert first.chain == fingerprint(sim.refresh_token, key=sim.client_secret)
        assert sim.refresh_token not in (tmp_path / "state.json").read_text()
        # Same configuration, next run: the stored rotation supersedes the spent seed.
        sim.expire_tokens()
        async with ghl_client(settings, FileStateStore(tmp_path / "state.json")) as client:
            await client.get(invoice_id)
        assert sim.presented_refresh_tokens[-1] == first.refresh_token.reveal()
        # The operator re-authorised and configured the new refresh token: it starts a new chain.
        new_seed = sim.authorize()
        sim.expire_tokens()
        renewed = settings_for(sim, url, refresh_token=new_seed)
        async with ghl_client(renewed, FileStateStore(tmp_path / "state.json")) as client:
            await client.get(invoice_id)
        assert sim.presented_refresh_tokens[-1] == new_seed
        latest = await stored(backend, sim)
        assert latest.chain == fingerprint(new_seed, key=sim.client_secret) and latest.generation == 1


async def test_a_caller_cancelled_while_another_process_holds_the_lease_loses_nothing(tmp_path: Any) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    path = tmp_path / "state.json"
    async with sim.run() as url:
        settings = settings_for(sim, url)
        client = ghl_client(settings, FileStateStore(path))
        async with FileStateStore(path).lease(oauth_key(sim.client_id, sim.location_id), ttl=5):
            caller = asyncio.create_task(client.get(first_invoice_id(sim)))
            await asyncio.sleep(0.1)  # the refresh waits for the lease (another process's refresh)
            caller.cancel()
            with pytest.raises(asyncio.CancelledError):
                await caller
            assert sim.refreshes == 0
        await client.aclose()  # the lease came free: the refresh ran, was saved, then the client closed
        assert (await stored(FileStateStore(path), sim)).generation == 1
    assert sim.refreshes == 1


async def test_an_old_chain_never_overwrites_the_re_authorised_one(debug_log: pytest.LogCaptureFixture) -> None:
    # A rolling deploy after re-authorising: an old worker (old seed) and a new one (new seed)
    # share one store; then a new worker restarts. Each client has its own view (a process).
    sim = GoHighLevelSimulator(invoices=1)
    backend = MemoryStateStore()
    async with sim.run() as url:
        old_settings = settings_for(sim, url)
        new_settings = settings_for(sim, url, refresh_token=sim.authorize())
        invoice_id = first_invoice_id(sim)
        async with ghl_client(old_settings, StoreView(backend)) as old:
            await old.get(invoice_id)  # old chain, generation 1
            async with ghl_client(new_settings, StoreView(backend)) as new:
                await new.get(invoice_id)  # the new seed wins over the older stored chain
            new_chain = (await stored(backend, sim)).chain
            sim.expire_tokens()
            await old.get(invoice_id)  # the old worker refreshes its chain: works, but is not saved
        kept = await stored(backend, sim)
        assert kept.chain == new_chain and kept.generation == 1
        sim.expire_tokens()
        async with ghl_client(new_settings, StoreView(backend)) as restarted:
            await restarted.get(invoice_id)  # sends the stored token of the new chain, not its spent seed
    assert sim.presented_refresh_tokens[-1] == kept.refresh_token.reveal()
    assert (await stored(backend, sim)).generation == 2
    assert any("newer chain" in text for text in log_texts(debug_log))
    assert_no_secret(log_texts(debug_log), ghl_secrets(sim))


async def test_a_rotation_the_store_refused_is_saved_when_the_client_closes() -> None:
    # A CLI run during a store outage longer than the call's own save retries.
    sim = GoHighLevelSimulator(invoices=1)
    store = FlakyStore()
    store.fail_puts = 8  # three for the call's save, five more: aclose() must keep trying
    async with sim.run() as url:
        settings = settings_for(sim, url)
        client = ghl_client(settings, store)
        with pytest.raises(StateStoreError, match="kept in memory"):
            await client.get(first_invoice_id(sim))
        await client.aclose()
        rotated = await stored(store, sim)
        assert rotated.generation == 1 and rotated.refresh_token.reveal() in sim.refresh_tokens
        sim.expire_tokens()
        async with ghl_client(settings, StoreView(store)) as restarted:
            await restarted.get(first_invoice_id(sim))
    assert sim.presented_refresh_tokens == [sim.refresh_token, rotated.refresh_token.reveal()]


async def test_a_rotation_that_cannot_be_saved_before_closing_is_logged_loudly(
    debug_log: pytest.LogCaptureFixture,
) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    store = FlakyStore()
    store.fail_puts = 10_000
    async with sim.run() as url:
        client = ghl_client(settings_for(sim, url), store)
        with pytest.raises(StateStoreError):
            await client.get(first_invoice_id(sim))
        keeper_of(client).exit_save_budget = 0.2
        await client.aclose()
    lost = [r for r in debug_log.records if r.levelno == logging.ERROR and "lost with this process" in r.getMessage()]
    assert len(lost) == 1 and "re-authorised" in lost[0].getMessage()
    assert_no_secret(log_texts(debug_log), ghl_secrets(sim))


async def test_every_caller_gets_an_error_of_its_own() -> None:
    sim = GoHighLevelSimulator(invoices=1)
    sim.faults.fail_next(503, times=None, path=TOKEN_PATH)
    async with sim.run() as url, ghl_client(settings_for(sim, url), MemoryStateStore()) as client:
        invoice_id = first_invoice_id(sim)
        waiters = await asyncio.gather(*(client.get(invoice_id) for _ in range(5)), return_exceptions=True)
        later = []
        for _ in range(3):  # within the backoff: the remembered failure
            with pytest.raises(ServerError) as info:
                await client.get(invoice_id)
            later.append(info.value)
    errors = [*waiters, *later]
    assert all(isinstance(e, ServerError) for e in errors)
    assert len({id(e) for e in errors}) == len(errors)  # no object shared between callers
    assert all(e.__context__ is None and e.__cause__ is None for e in errors)
    assert len({str(e) for e in errors}) == 1 and all(e.status == 503 for e in errors)  # type: ignore[union-attr]
    assert sim.count("POST", TOKEN_PATH) == 1


async def test_tokens_are_not_kept_alive_after_every_client_closed(tmp_path: Any) -> None:
    sim = GoHighLevelSimulator(invoices=1)
    async with sim.run() as url:
        client = ghl_client(settings_for(sim, url), FileStateStore(tmp_path / "state.json"))
        async with client:
            await client.get(first_invoice_id(sim))
        slot = weakref.ref(keeper_of(client)._slot)
        assert slot() is not None
        del client
        gc.collect()
    assert slot() is None  # no module-level registry keeps the tokens in memory
