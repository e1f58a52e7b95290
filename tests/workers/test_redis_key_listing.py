"""Listing the keys of the Redis state store: ``SCAN`` with ``MATCH`` under the store's prefix,
glob characters taken literally, leases left out."""

from __future__ import annotations

import redis.asyncio

from invoicekit.state import KeyListingStateStore
from invoicekit.state.redis import RedisStateStore


async def test_redis_lists_the_keys_under_a_prefix(redis_url: str) -> None:
    client = redis.asyncio.Redis.from_url(redis_url)
    await client.config_resetstat()  # other tests of the session may have sent KEYS
    store = RedisStateStore(redis_url)
    neighbour = RedisStateStore(redis_url, prefix="other:")
    try:
        assert isinstance(store, KeyListingStateStore)
        for n in range(1, 1201):  # more than one SCAN batch
            await store.put(f"gohighlevel/app-1/loc-{n:04}/location-token", b"{}", expected_version=None)
        await store.put("gohighlevel/app-1/company-1/oauth", b"{}", expected_version=None)
        await store.put("gohighlevel/app-*/loc-9/location-token", b"{}", expected_version=None)
        await store.put("gohighlevel/app-12/loc-1/location-token", b"{}", expected_version=None)
        await neighbour.put("gohighlevel/app-1/loc-x/location-token", b"{}", expected_version=None)
        async with store.lease("gohighlevel/app-1/company-1/oauth", ttl=5):
            listed = await store.keys("gohighlevel/app-1/")
            everything = await store.keys("")
        assert listed == sorted(
            ["gohighlevel/app-1/company-1/oauth"]
            + [f"gohighlevel/app-1/loc-{n:04}/location-token" for n in range(1, 1201)]
        )
        assert await store.keys("gohighlevel/app-*/") == ["gohighlevel/app-*/loc-9/location-token"]
        assert not [key for key in everything if key.startswith("lease:")]  # a lease is no record
        assert len(everything) == 1203
        # Never KEYS: the server's command statistics show SCAN calls only.
        stats = await client.info("commandstats")
        assert "cmdstat_scan" in stats and "cmdstat_keys" not in stats
    finally:
        await store.aclose()
        await neighbour.aclose()
        await client.aclose()
