"""The Redis state store against a real server: versioned compare-and-set, add-if-absent with a
time to live, the cross-process lease, the ``redis://`` setting, and no secret anywhere."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest
import redis.asyncio

import invoicekit
from invoicekit.config import parse_settings
from invoicekit.errors import ConfigError
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.state import LeasingStateStore, StateStore, StateStoreError, describe_store, open_state_store
from invoicekit.state.redis import RedisStateStore
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .conftest import ghl_config


async def test_put_is_compare_and_set(redis_url: str) -> None:
    store = RedisStateStore(redis_url)
    try:
        assert isinstance(store, LeasingStateStore) and isinstance(store, StateStore)
        assert await store.get("gohighlevel/app/loc/oauth") is None
        first = await store.put("gohighlevel/app/loc/oauth", b"gen-1", expected_version=None)
        assert first is not None and (first.value, first.version) == (b"gen-1", 1)
        # Another writer that read nothing, or an old version, loses.
        assert await store.put("gohighlevel/app/loc/oauth", b"stale", expected_version=None) is None
        second = await store.put("gohighlevel/app/loc/oauth", b"gen:2\x00bytes", expected_version=1)
        assert second is not None and second.version == 2
        assert await store.put("gohighlevel/app/loc/oauth", b"older", expected_version=1) is None
        got = await store.get("gohighlevel/app/loc/oauth")
        assert got is not None and (got.value, got.version) == (b"gen:2\x00bytes", 2)
        await store.delete("gohighlevel/app/loc/oauth")
        await store.delete("gohighlevel/app/loc/oauth")  # absent: nothing happens
        assert await store.get("gohighlevel/app/loc/oauth") is None
    finally:
        await store.aclose()


async def test_writers_racing_on_one_version_one_wins(redis_url: str) -> None:
    stores = [RedisStateStore(redis_url) for _ in range(4)]
    try:
        await stores[0].put("k", b"v0", expected_version=None)
        writes = (s.put("k", f"w{i}".encode(), expected_version=1) for i, s in enumerate(stores))
        results = await asyncio.gather(*writes)
        assert sum(r is not None for r in results) == 1
    finally:
        for store in stores:
            await store.aclose()


async def test_add_if_absent_with_ttl_and_the_key_layout(redis_url: str) -> None:
    client = redis.asyncio.Redis.from_url(redis_url)
    store = RedisStateStore(client, prefix="svc-a:")
    try:
        assert await store.add_if_absent("events/delivery/1", b"seen", ttl=0.2)
        assert not await store.add_if_absent("events/delivery/1", b"seen", ttl=0.2)
        record = await store.get("events/delivery/1")
        assert record is not None and (record.value, record.version) == (b"seen", 1)
        assert await client.pttl("svc-a:events/delivery/1") > 0
        await asyncio.sleep(0.3)
        assert await store.add_if_absent("events/delivery/1", b"seen", ttl=5)
        # A put over it makes it a lasting record.
        assert await store.put("events/delivery/1", b"kept", expected_version=1) is not None
        assert await client.pttl("svc-a:events/delivery/1") == -1
        assert set(await client.keys("*")) == {b"svc-a:events/delivery/1"}
    finally:
        await store.aclose()
        # The client passed in stays its owner's: still usable.
        assert await client.ping()
        await client.aclose()


async def test_the_lease_is_exclusive_and_ends_when_its_holder_stops_renewing(redis_url: str) -> None:
    holder = RedisStateStore(redis_url, lease_hold=0.3)
    waiter = RedisStateStore(redis_url, lease_hold=0.3)
    try:
        order: list[str] = []
        entered = asyncio.Event()

        async def hold() -> None:
            async with holder.lease("k", ttl=5):
                entered.set()
                order.append("holder in")
                await asyncio.sleep(0.8)  # longer than lease_hold: the renewals keep it
                order.append("holder out")

        async def wait() -> None:
            await entered.wait()
            async with waiter.lease("k", ttl=5):
                order.append("waiter in")

        await asyncio.gather(hold(), wait())
        assert order == ["holder in", "holder out", "waiter in"]
        # A holder that vanished (its key left behind, nobody renewing) frees it within lease_hold.
        await waiter.client.set("invoicekit:lease:k", "dead-owner", px=300)
        async with waiter.lease("k", ttl=5):
            pass
        # Waiting longer than ttl is a StateStoreError naming the server, not the lease owner.
        await waiter.client.set("invoicekit:lease:k", "dead-owner", px=5000)
        with pytest.raises(StateStoreError, match=r"redis://127\.0\.0\.1:\d+/0"):
            async with waiter.lease("k", ttl=0.1):
                pass
        assert await waiter.client.get("invoicekit:lease:k") == b"dead-owner"  # not ours: not released
    finally:
        await holder.aclose()
        await waiter.aclose()


async def test_a_server_that_is_gone_is_a_state_store_error_without_password() -> None:
    store = RedisStateStore("redis://:hunter2-password@127.0.0.1:1/0")
    try:
        with pytest.raises(StateStoreError) as info:
            await store.get("k")
        assert "hunter2" not in str(info.value) and info.value.__cause__ is None
        assert "hunter2" not in repr(store) and "hunter2" not in describe_store(store)
        assert "hunter2" not in store.identity
    finally:
        await store.aclose()


def test_redis_settings_open_a_redis_store(redis_url: str) -> None:
    settings = parse_settings({
        "provider": "gohighlevel", "location_id": "loc", "client_id": "c", "client_secret": "s-123456",
        "refresh_token": "r-123456", "state_store": f"{redis_url}?prefix=billing:&lease_hold=3",
    })
    store, owned = open_state_store(settings.state_store, needs_state=True)
    assert owned and isinstance(store, RedisStateStore)
    assert (store.prefix, store.lease_hold) == ("billing:", 3.0)
    assert describe_store(store).startswith("Redis redis://127.0.0.1:")


def test_without_redis_py_the_setting_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "redis" else real(name, *a))
    with pytest.raises(ConfigError, match=r"pip install 'invoicekit\[redis\]'") as info:
        parse_settings({"provider": "onlyoffice", "base_url": "https://p.example.com", "username": "u",
                        "password": "p-123456", "state_store": "redis://:hunter2-password@localhost:6379/0"})
    assert info.value.key == "state_store" and "hunter2" not in str(info.value)


async def test_a_client_refreshes_through_redis_and_a_second_client_adopts_the_tokens(redis_url: str) -> None:
    # Its own seed: this process's credential slots outlive a test (and the flushed database).
    sim = GoHighLevelSimulator(invoices=1, access_token_lifetime=60, refresh_token="seed-for-two-clients")
    async with sim.run() as url:
        config = ghl_config(sim, url, state_store=redis_url)
        async with invoicekit.connect(config) as first:
            assert isinstance(first, GoHighLevelClient)
            await first.get(next(iter(sim.store.invoices)))
        async with invoicekit.connect(config) as second:
            await second.get(next(iter(sim.store.invoices)))
    assert sim.refreshes == 1  # the second client used the stored, still fresh access token
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        keys = await client.keys("*")
        assert keys == [f"invoicekit:gohighlevel/{sim.client_id}/{sim.location_id}/oauth".encode()]
        stored = await client.get(keys[0])
        assert stored is not None and stored.startswith(b"1:")
    finally:
        await client.aclose()


async def test_a_redis_client_passed_in_the_config_stays_its_owners(redis_url: str) -> None:
    sim = GoHighLevelSimulator(invoices=1, refresh_token="seed-for-a-passed-client")
    own = redis.asyncio.Redis.from_url(redis_url)
    store = RedisStateStore(own, prefix="mine:")
    try:
        async with sim.run() as url, invoicekit.connect(ghl_config(sim, url, state_store=store)) as client:
            await client.get(next(iter(sim.store.invoices)))
        assert await own.ping()  # the client closed, the connection is still the user's
        assert await own.exists(f"mine:gohighlevel/{sim.client_id}/{sim.location_id}/oauth")
    finally:
        await own.aclose()


async def test_onlyoffice_workers_share_one_login_through_redis(redis_url: str) -> None:
    sim = OnlyOfficeSimulator(invoices=1, password="a-password-for-redis")
    async with sim.run() as url:
        config = sim.client_config(url=url, login=True, state_store=redis_url, max_retries=0)
        # Two clients, each opening its own connection to the one Redis: one login between them.
        first, second = invoicekit.connect(config), invoicekit.connect(config)
        async with first, second:
            await asyncio.gather(*(client.get(next(iter(sim.store.invoices))) for client in (first, second)))
    assert sim.logins == 1
