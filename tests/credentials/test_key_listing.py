"""Listing a state store's keys (the optional ``KeyListingStateStore`` capability) in memory and
in the file store: live records only, every file that may hold one, nothing of another store."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
from pathlib import Path

import pytest

from invoicekit.state import (
    FileStateStore,
    KeyListingStateStore,
    MemoryStateStore,
    StateStore,
    StateStoreError,
)

from .conftest import StoreView

KEYS = [
    "gohighlevel/app-1/loc-1/location-token",
    "gohighlevel/app-1/loc-2/location-token",
    "gohighlevel/app-1/company-1/oauth",
    "gohighlevel/app-2/loc-1/location-token",
    "onlyoffice/portal.example.com/user/login",
]


async def test_the_memory_store_lists_live_keys_under_a_prefix() -> None:
    now = [0.0]
    store = MemoryStateStore(clock=lambda: now[0])
    assert isinstance(store, KeyListingStateStore)
    for key in KEYS:
        await store.put(key, b"{}", expected_version=None)
    assert await store.add_if_absent("gohighlevel/app-1/seen", b"", ttl=5)
    assert await store.list_keys("gohighlevel/app-1/") == [
        "gohighlevel/app-1/company-1/oauth", "gohighlevel/app-1/loc-1/location-token",
        "gohighlevel/app-1/loc-2/location-token", "gohighlevel/app-1/seen",
    ]
    now[0] = 6  # the delivery id expired: it is no record any more
    await store.delete("gohighlevel/app-1/loc-2/location-token")
    assert await store.list_keys("gohighlevel/app-1/") == [
        "gohighlevel/app-1/company-1/oauth", "gohighlevel/app-1/loc-1/location-token",
    ]
    assert await store.list_keys("") == sorted(set(KEYS) - {"gohighlevel/app-1/loc-2/location-token"})
    assert await store.list_keys("acme/") == []


async def test_the_file_store_lists_keys_of_every_file_that_may_hold_them(tmp_path: Path) -> None:
    now = [1000.0]
    store = FileStateStore(tmp_path / "state.json", clock=lambda: now[0])
    assert isinstance(store, KeyListingStateStore)
    assert await store.list_keys("gohighlevel/") == []  # nothing stored: no file, none created
    assert os.listdir(tmp_path) == []
    for key in KEYS:
        await store.put(key, b"{}", expected_version=None)
    assert await store.add_if_absent("invoicekit/webhooks/gohighlevel/delivery-1", b"", ttl=10)
    await store.put("invoicekit/watch/gohighlevel", b"{}", expected_version=None)
    # A look-alike of a namespace file that is no state file, and another store's file.
    (tmp_path / "state.backup.json").write_text("not json")
    other = FileStateStore(tmp_path / "state.mine.json")
    await other.put("gohighlevel/other/loc/oauth", b"{}", expected_version=None)  # none of ours
    assert await store.list_keys("gohighlevel/app-1/") == [
        "gohighlevel/app-1/company-1/oauth", "gohighlevel/app-1/loc-1/location-token",
        "gohighlevel/app-1/loc-2/location-token",
    ]
    assert await store.list_keys("invoicekit/webhooks/") == ["invoicekit/webhooks/gohighlevel/delivery-1"]
    assert await store.list_keys("invoicekit/") == [
        "invoicekit/watch/gohighlevel", "invoicekit/webhooks/gohighlevel/delivery-1",
    ]
    assert await store.list_keys("") == sorted([*KEYS, "invoicekit/watch/gohighlevel",
                                            "invoicekit/webhooks/gohighlevel/delivery-1"])
    now[0] += 11  # the delivery id expired
    assert await store.list_keys("invoicekit/") == ["invoicekit/watch/gohighlevel"]
    assert json.loads((tmp_path / "state.mine.json").read_text())["records"]  # the other store is untouched


def test_a_store_without_listing_is_still_a_state_store() -> None:
    view = StoreView(MemoryStateStore())
    assert isinstance(view, StateStore) and not isinstance(view, KeyListingStateStore)


class DictBackedStore(StoreView, dict[str, bytes]):  # type: ignore[misc]  # get() is StoreView's
    """A third-party store built on a dict: its ``keys()`` is the mapping's, not a listing."""

    def __init__(self) -> None:
        StoreView.__init__(self, MemoryStateStore())


def test_a_dict_based_store_is_not_taken_for_one_that_lists_keys() -> None:
    store = DictBackedStore()
    assert isinstance(store, StateStore) and not isinstance(store, KeyListingStateStore)


async def test_listing_file_keys_takes_no_lock_creates_nothing_and_reads_only_the_store_s_files(
    tmp_path: Path,
) -> None:
    store = FileStateStore(tmp_path / "state.json")
    await store.put("gohighlevel/app-1/loc-1/location-token", b"{}", expected_version=None)
    await store.put("invoicekit/watch/gohighlevel", b"{}", expected_version=None)
    # Things next to the store that are not its own: a user's backup, a directory and a FIFO
    # named like namespace files, and a file the store never names (no area has a dot) that
    # holds a record of one of its namespaces.
    (tmp_path / "state.backup.json").write_text("a backup, not ours")
    (tmp_path / "state.dir.json").mkdir()
    os.mkfifo(tmp_path / "state.fifo.json")  # a plain read of it would wait for a writer for good
    (tmp_path / "state.old.watch.json").write_text(
        json.dumps({"format": 1, "records": {"invoicekit/old.watch/x": {"version": 1, "value": ""}}})
    )
    before = sorted(os.listdir(tmp_path))
    lock = os.open(tmp_path / "state.json.lock", os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process is writing: a listing does not wait for it
        listed = await asyncio.wait_for(store.list_keys(""), timeout=10)
    finally:
        os.close(lock)
    assert listed == ["gohighlevel/app-1/loc-1/location-token", "invoicekit/watch/gohighlevel"]
    assert sorted(os.listdir(tmp_path)) == before  # no lock file next to anything


async def test_listing_file_keys_fails_clearly_when_the_store_s_own_file_is_no_file(tmp_path: Path) -> None:
    (tmp_path / "state.json").mkdir()
    with pytest.raises(StateStoreError, match="not a regular file"):
        await FileStateStore(tmp_path / "state.json").list_keys("gohighlevel/")
