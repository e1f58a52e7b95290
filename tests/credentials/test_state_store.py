"""The file state store and the ``state_store`` setting."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest

import invoicekit
from invoicekit import ConfigError
from invoicekit.config import config_from_env, load_config, parse_settings
from invoicekit.state import (
    FileStateStore,
    MemoryStateStore,
    StateStoreError,
    default_state_path,
    describe_store,
    open_state_store,
)

from .conftest import assert_no_secret, error_texts

GHL = {
    "provider": "gohighlevel", "location_id": "Jx9kP2mQ7rT4vW8yZ3aB", "client_id": "app-1",
    "client_secret": "client-secret-123456", "refresh_token": "refresh-token-123456",
}
OO = {"provider": "onlyoffice", "base_url": "https://portal.example.com", "username": "u@example.com",
      "password": "password-123456"}


async def test_compare_and_set_and_ttl(tmp_path: Path) -> None:
    now = [1000.0]
    store = FileStateStore(tmp_path / "s" / "state.json", clock=lambda: now[0])
    assert await store.get("k") is None
    first = await store.put("k", b"one", expected_version=None)
    assert first is not None and first.version == 1
    assert await store.put("k", b"stale", expected_version=None) is None  # someone got there first
    second = await store.put("k", b"two", expected_version=1)
    assert second is not None and second.version == 2
    assert (await store.get("k")) == second
    assert await store.add_if_absent("seen/1", b"", ttl=10)
    assert not await store.add_if_absent("seen/1", b"", ttl=10)
    now[0] += 11
    assert await store.add_if_absent("seen/1", b"", ttl=10)  # expired, so absent again
    await store.delete("k")
    assert await store.get("k") is None


async def test_file_is_private_atomic_and_names_no_secret(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path / "private" / "state.json")
    await store.put("gohighlevel/app/loc/oauth", b'{"refresh_token": "secret-value"}', expected_version=None)
    directory = tmp_path / "private"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "state.json").stat().st_mode) == 0o600
    names = sorted(p.name for p in directory.iterdir())
    assert names == ["state.json", "state.json.lock"]  # no temporary file left behind
    assert all("secret" not in name for name in names)


async def test_a_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    with pytest.raises(StateStoreError, match="not an invoicekit state file"):
        await FileStateStore(path).get("k")


# A state file edited by hand (a trailing comma), or saved by an editor in Latin-1: the file
# holds live tokens, and the error about it must hold none of them, chained or not.
_LIVE = "live-refresh-token-in-a-damaged-file-0001"
_DAMAGED = {
    "trailing comma": b'{"format": 1, "records": {"gohighlevel/app/loc/oauth": {"version": 1, '
                      b'"value": "' + _LIVE.encode() + b'"},}}',
    "not utf-8": b'{"format": 1, "records": {"k": {"version": 1, "value": "' + _LIVE.encode() + b'"}}} \xff',
    "cut off": b'{"format": 1, "records": {"k": {"version": 1, "value": "' + _LIVE.encode(),
}


@pytest.mark.parametrize("content", list(_DAMAGED.values()), ids=list(_DAMAGED))
async def test_a_damaged_file_is_an_error_that_holds_none_of_its_content(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    store = FileStateStore(path)
    operations = (lambda: store.get("gohighlevel/app/loc/oauth"), lambda: store.list_keys("gohighlevel/"),
                  lambda: store.put("k", b"v", expected_version=None))
    for operation in operations:
        with pytest.raises(StateStoreError, match="not an invoicekit state file") as info:
            await operation()
        assert info.value.__context__ is None
        assert_no_secret(error_texts(info.value), [_LIVE])


_INCREMENT = textwrap.dedent("""
    import asyncio, sys
    from invoicekit.state import FileStateStore

    async def main() -> None:
        store = FileStateStore(sys.argv[1])
        for _ in range(15):
            while True:
                record = await store.get("counter")
                value = int(record.value) if record else 0
                if await store.put("counter", str(value + 1).encode(),
                                   expected_version=record.version if record else None):
                    break

    asyncio.run(main())
""")


async def test_processes_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    workers = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", _INCREMENT, str(path)) for _ in range(4)
    ]
    assert [await w.wait() for w in workers] == [0, 0, 0, 0]
    record = await FileStateStore(path).get("counter")
    assert record is not None and int(record.value) == 60 and record.version == 60


async def test_lease_is_exclusive(tmp_path: Path) -> None:
    one, two = FileStateStore(tmp_path / "state.json"), FileStateStore(tmp_path / "state.json")
    async with one.lease("k", ttl=1):
        with pytest.raises(StateStoreError, match="lease"):
            async with two.lease("k", ttl=0.1):
                pass
        async with two.lease("other", ttl=0.1):
            pass
    async with two.lease("k", ttl=0.1):
        pass


def test_default_path_follows_xdg(tmp_path: Path) -> None:
    assert default_state_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "invoicekit" / "state.json"
    relative = default_state_path({"XDG_STATE_HOME": "relative/dir"})
    assert relative == Path.home() / ".local" / "state" / "invoicekit" / "state.json"


def test_setting_from_mapping_toml_and_environment(tmp_path: Path) -> None:
    for base in (GHL, OO):
        settings = parse_settings({**base, "state_store": f"file:{tmp_path}/s.json"})
        store, owned = open_state_store(settings.state_store, needs_state=True)
        assert isinstance(store, FileStateStore) and store.path == tmp_path / "s.json" and owned
    toml = tmp_path / "c.toml"
    toml.write_text('provider = "onlyoffice"\nbase_url = "https://p.example.com"\nusername = "u"\n'
                    'password = "p-123456"\nstate_store = "memory:"\n')
    settings = parse_settings(load_config(toml))
    assert isinstance(open_state_store(settings.state_store, needs_state=True)[0], MemoryStateStore)
    env = {f"INVOICEKIT_{k.upper()}": v for k, v in GHL.items()} | {"INVOICEKIT_STATE_STORE": "file:~/x.json"}
    store, _ = open_state_store(parse_settings(config_from_env(environ=env)).state_store, needs_state=True)
    assert isinstance(store, FileStateStore) and store.path == Path.home() / "x.json"


def test_default_store_only_for_renewable_credentials(tmp_path: Path) -> None:
    assert isinstance(open_state_store(None, needs_state=True)[0], FileStateStore)
    assert open_state_store(None, needs_state=False) == (None, False)
    given = MemoryStateStore()
    assert open_state_store(given, needs_state=True) == (given, False)  # its owner closes it


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("file:", "needs a path"),
        ("file:/var/lib/invoicekit/state\x00.json", "NUL"),  # TOML can spell it: "\u0000"
        ("s3://bucket/state", "unknown kind"),
        (42, "must be 'memory:'"),
    ],
)
def test_bad_settings_are_config_errors(value: object, message: str) -> None:
    for base in (GHL, OO):
        with pytest.raises(ConfigError, match=message) as info:
            parse_settings({**base, "state_store": value})
        assert info.value.key == "state_store"
        assert "hunter2" not in str(info.value)


async def test_static_tokens_store_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    async with invoicekit.connect({"provider": "onlyoffice", "base_url": "https://p.example.com",
                                   "token": "static-token-123456"}):
        pass
    assert not (tmp_path / "invoicekit").exists()


async def test_deliveries_and_checkpoints_never_rewrite_the_credentials_file(tmp_path: Path) -> None:
    directory = tmp_path / "private"
    store = FileStateStore(directory / "state.json")
    await store.put("gohighlevel/app/loc/oauth", b'{"refresh_token": "r"}', expected_version=None)
    credentials = (directory / "state.json").stat()
    for n in range(20):  # webhook deliveries seen, a watcher checkpoint saved again and again
        assert await store.add_if_absent(f"invoicekit/webhooks/gohighlevel/delivery-{n}", b"", ttl=86400)
        await store.put("invoicekit/watch/gohighlevel", b"x" * 10_000, expected_version=n or None)
    after = (directory / "state.json").stat()
    assert (after.st_ino, after.st_mtime_ns) == (credentials.st_ino, credentials.st_mtime_ns)  # untouched
    names = sorted(p.name for p in directory.iterdir())
    assert names == [
        "state.json", "state.json.lock", "state.watch.json", "state.watch.json.lock",
        "state.webhooks.json", "state.webhooks.json.lock",
    ]
    assert all(stat.S_IMODE((directory / name).stat().st_mode) == 0o600 for name in names)
    assert store.file_for("invoicekit/webhooks/x") == directory / "state.webhooks.json"
    assert store.file_for("onlyoffice/portal/user/login") == directory / "state.json"
    record = await store.get("invoicekit/watch/gohighlevel")
    assert record is not None and record.version == 20
    assert not await store.add_if_absent("invoicekit/webhooks/gohighlevel/delivery-3", b"", ttl=86400)


async def test_a_lease_cancelled_while_it_starts_leaks_no_descriptor(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path / "state.json")
    def open_descriptors() -> int:
        return len(os.listdir("/dev/fd"))  # this process's open descriptors (Linux and macOS)

    async def take() -> None:
        async with store.lease("gohighlevel/app/loc/oauth", ttl=5):
            await asyncio.sleep(10)

    before = open_descriptors()
    for _ in range(20):
        task = asyncio.create_task(take())
        await asyncio.sleep(0)  # it has started to open the lease file
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    await asyncio.sleep(0.2)  # any worker thread still opening has finished
    assert open_descriptors() == before


def test_a_store_describes_itself() -> None:
    class ShopStore(MemoryStateStore):
        def describe(self) -> str:
            return "the shop's Postgres table 'invoicekit_state'"

    assert describe_store(ShopStore()) == "the shop's Postgres table 'invoicekit_state'"
    assert describe_store(MemoryStateStore()).startswith("this process's memory")
    assert describe_store(FileStateStore("/tmp/x/state.json")) == "file '/tmp/x/state.json'"
    assert describe_store(None) == "nowhere (static token)"
