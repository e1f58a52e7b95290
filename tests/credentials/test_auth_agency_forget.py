"""``invoicekit auth forget`` (and ``status``) of a GoHighLevel agency profile in the hard cases:
a re-authorised profile whose store holds the old chain, damaged records, a lease held elsewhere
half-way, a renewal meanwhile. The store is seeded directly (no simulator: nothing is sent)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import invoicekit.cli.auth
from invoicekit.gohighlevel.agency import LocationToken, location_token_key
from invoicekit.gohighlevel.auth import OAuthTokens, oauth_chain, oauth_key
from invoicekit.secret import Secret
from invoicekit.state import FileStateStore, StateStore

from .conftest import assert_no_secret
from .test_auth_cli import cli

CLIENT_ID, CLIENT_SECRET, COMPANY = "app-1", "client-secret-Kq9", "company-1"
OWN, OTHER, FOREIGN = "loc-own", "loc-other", "loc-foreign"
NEW_SEED, OLD_SEED = "refresh-token-NEW-Wb4", "refresh-token-OLD-Hx7"
#: The chain the configuration seeds, and the one a grant before re-authorising seeded.
CONFIGURED = oauth_chain(Secret(NEW_SEED), Secret(CLIENT_SECRET))
OLD = oauth_chain(Secret(OLD_SEED), Secret(CLIENT_SECRET))
AGENCY_KEY = oauth_key(CLIENT_ID, COMPANY)
SECRETS = {CLIENT_SECRET, NEW_SEED, OLD_SEED, "agency-refresh-rotated", "agency-access", "location-access"}


def minted_key(location: str) -> str:
    return location_token_key(CLIENT_ID, location)


def write_profile(tmp_path: Path, state_store: str | None = None) -> str:
    """An agency profile whose configuration holds the new seed (state: ``state.json`` unless told)."""
    path = tmp_path / "agency.toml"
    path.write_text(
        f'provider = "gohighlevel"\nlocation_id = "{OWN}"\nuser_type = "Company"\ncompany_id = "{COMPANY}"\n'
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\nrefresh_token = "{NEW_SEED}"\n'
        f'state_store = "{state_store or "file:" + str(tmp_path / "state.json")}"\n'
    )
    return str(path)


def agency_record(chain: str, generation: int) -> bytes:
    now = datetime.now(UTC)
    return OAuthTokens(
        refresh_token=Secret("agency-refresh-rotated"), access_token=Secret("agency-access"),
        expires_at=now + timedelta(hours=1), obtained_at=now, user_type="Company", company_id=COMPANY,
    ).positioned(generation=generation, chain=chain).to_record()


def location_record(location: str, chain: str) -> bytes:
    now = datetime.now(UTC)
    return LocationToken(
        access_token=Secret("location-access"), expires_at=now + timedelta(hours=1), obtained_at=now,
        location_id=location,
    ).positioned(generation=1, chain=chain).to_record()


async def seed(
    store: StateStore, *, chain: str, generation: int = 2, locations: tuple[str, ...] = (OWN, OTHER)
) -> None:
    """The agency's tokens under ``chain`` and a location token minted under it per location."""
    await store.put(AGENCY_KEY, agency_record(chain, generation), expected_version=None)
    for location in locations:
        await store.put(minted_key(location), location_record(location, chain), expected_version=None)


def damaged(record: bytes) -> bytes:
    """The record with a generation no whole number can hold (JSON's 1e999 reads as infinity)."""
    return json.dumps({**json.loads(record), "generation": "G"}).replace('"G"', "1e999").encode()


def keys_of(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["key"] for entry in entries]


async def test_a_reauthorised_profile_drops_the_old_chain_s_location_tokens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The app was re-authorised: the configuration holds the new seed, the store the old chain and
    # the location tokens minted under it, and one of another grant.
    profile, state = write_profile(tmp_path), FileStateStore(tmp_path / "state.json")
    await seed(state, chain=OLD)
    await state.put(minted_key(FOREIGN), location_record(FOREIGN, "another-grant"), expected_version=None)
    _, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
    status = json.loads(out)
    assert status["from_configured_seed"] is False and "different seed" in status["note"]
    shown = {entry["key"]: entry for entry in status["minted_credentials"]}
    for location in (OWN, OTHER):  # minted under the stored chain, not under the configured seed's
        assert shown[minted_key(location)]["from_stored_chain"] is True
        assert shown[minted_key(location)]["from_configured_seed"] is False
    assert shown[minted_key(FOREIGN)]["from_stored_chain"] is False
    # Nothing of the configured seed is spent: no --yes needed.
    forgotten, said = await cli(capsys, "auth", "forget", "--config", profile, "--json")
    report = json.loads(said)
    assert forgotten == 0 and report["forgotten"] is True
    assert keys_of(report["minted_forgotten"]) == [minted_key(OWN), minted_key(OTHER)]
    assert keys_of(report["minted_kept"]) == [minted_key(FOREIGN)]
    assert await state.list_keys("") == [minted_key(FOREIGN)]
    assert_no_secret([out, said], SECRETS)


async def test_unreadable_records_are_shown_as_such_and_forgotten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, state = write_profile(tmp_path), FileStateStore(tmp_path / "state.json")
    await seed(state, chain=CONFIGURED, locations=(OTHER,))
    await state.put(minted_key(OWN), damaged(location_record(OWN, CONFIGURED)), expected_version=None)
    await state.put(minted_key(FOREIGN), b"\xff not json", expected_version=None)
    _, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
    shown = {entry["key"]: entry for entry in json.loads(out)["minted_credentials"]}
    for location in (OWN, FOREIGN):
        assert "unreadable" in shown[minted_key(location)]["note"]
        assert shown[minted_key(location)]["from_stored_chain"] is None
    # Unreadable minted records are dropped with the rest: the next mint replaces them anyway.
    forgotten, said = await cli(capsys, "auth", "forget", "--config", profile, "--yes", "--json")
    report = json.loads(said)
    assert forgotten == 0 and report["forgotten"] is True and report["minted_kept"] == []
    assert sorted(keys_of(report["minted_forgotten"])) == sorted(map(minted_key, (OWN, OTHER, FOREIGN)))
    assert await state.list_keys("") == []
    assert_no_secret([out, said], SECRETS)


async def test_a_damaged_agency_record_is_unreadable_and_forgotten_without_yes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, state = write_profile(tmp_path), FileStateStore(tmp_path / "state.json")
    await seed(state, chain=CONFIGURED)
    record = await state.get(AGENCY_KEY)
    assert record is not None
    await state.put(AGENCY_KEY, damaged(record.value), expected_version=record.version)
    status, out = await cli(capsys, "auth", "status", "--config", profile, "--json")
    assert status == 0 and "unreadable" in json.loads(out)["note"]
    # Unreadable: nothing says the configured seed is spent, so no refusal; the location tokens
    # minted under the configured chain go with it.
    forgotten, said = await cli(capsys, "auth", "forget", "--config", profile, "--json")
    assert forgotten == 0 and json.loads(said)["forgotten"] is True
    assert await state.list_keys("") == []
    assert_no_secret([out, said], SECRETS)


async def test_a_forget_stopped_half_way_by_a_held_lease_is_finished_by_a_retry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invoicekit.cli.auth, "_FORGET_LEASE_WAIT", 0.2)
    profile, state = write_profile(tmp_path), FileStateStore(tmp_path / "state.json")
    await seed(state, chain=OLD)  # re-authorised: only the stored record knows the old chain
    async with state.lease(minted_key(OTHER), ttl=5):  # a worker minting that location's token
        stopped, said = await cli(capsys, "auth", "forget", "--config", profile, "--json")
    assert stopped == 1 and "lease" in said
    # The agency's tokens, which say which chain to drop, are still there ...
    assert await state.list_keys("") == [AGENCY_KEY, minted_key(OTHER)]
    # ... so running it again drops the rest.
    finished, report = await cli(capsys, "auth", "forget", "--config", profile, "--json")
    assert finished == 0 and json.loads(report)["forgotten"] is True
    assert keys_of(json.loads(report)["minted_forgotten"]) == [minted_key(OTHER)]
    assert await state.list_keys("") == []
    assert_no_secret([said, report], SECRETS)


class WatchedStore(FileStateStore):
    """A file store that records its leases (and how many are held at once) and runs
    ``on_lease`` when a key's lease is taken: another process's work at that very moment."""

    def __init__(self, path: Path, on_lease: Callable[[str], Awaitable[None]] | None = None) -> None:
        super().__init__(path)
        self.leased: list[str] = []
        self.held = self.most_held = 0
        self.on_lease = on_lease

    @contextlib.asynccontextmanager
    async def lease(self, key: str, *, ttl: float) -> AsyncIterator[None]:
        async with super().lease(key, ttl=ttl):
            self.leased.append(key)
            self.held += 1
            self.most_held = max(self.most_held, self.held)
            try:
                if self.on_lease is not None:
                    await self.on_lease(key)
                yield
            finally:
                self.held -= 1


def use_store(monkeypatch: pytest.MonkeyPatch, store: StateStore) -> None:
    monkeypatch.setattr(invoicekit.cli.auth, "open_state_store", lambda setting, needs_state: (store, False))


async def test_forget_reads_the_agency_tokens_drops_the_minted_ones_then_the_agency_s_one_lease_at_a_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = WatchedStore(tmp_path / "state.json")
    use_store(monkeypatch, store)
    await seed(store, chain=OLD)
    forgotten, _ = await cli(capsys, "auth", "forget", "--config", write_profile(tmp_path), "--json")
    assert forgotten == 0 and await store.list_keys("") == []
    # A minting process takes a location's lease, then perhaps the agency's: holding both at once
    # here could deadlock with it.
    assert store.leased == [AGENCY_KEY, minted_key(OWN), minted_key(OTHER), AGENCY_KEY]
    assert store.most_held == 1


async def test_a_renewal_that_spends_the_configured_seed_meanwhile_keeps_the_agency_tokens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def renew(key: str) -> None:
        if key == minted_key(OWN):  # a worker refreshes the agency's tokens from the configured seed
            current = await store.get(AGENCY_KEY)
            assert current is not None
            await store.put(AGENCY_KEY, agency_record(CONFIGURED, 1), expected_version=current.version)

    store = WatchedStore(tmp_path / "state.json", on_lease=renew)
    use_store(monkeypatch, store)
    await seed(store, chain=CONFIGURED, generation=0)  # the configured seed is not spent yet
    refused, said = await cli(capsys, "auth", "forget", "--config", write_profile(tmp_path), "--json")
    assert refused == 2 and "spent" in said
    stored = await store.get(AGENCY_KEY)
    assert stored is not None and OAuthTokens.from_record(stored.value).generation == 1  # kept


async def test_a_renewal_onto_another_chain_meanwhile_drops_that_chain_s_location_tokens_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    third = oauth_chain(Secret("refresh-token-THIRD-Pz2"), Secret(CLIENT_SECRET))

    async def reauthorise(key: str) -> None:
        if key == minted_key(OWN) and store.leased.count(key) == 1:  # another profile's worker
            current = await store.get(AGENCY_KEY)
            assert current is not None
            await store.put(AGENCY_KEY, agency_record(third, 1), expected_version=current.version)
            await store.put(minted_key(FOREIGN), location_record(FOREIGN, third), expected_version=None)

    store = WatchedStore(tmp_path / "state.json", on_lease=reauthorise)
    use_store(monkeypatch, store)
    await seed(store, chain=OLD)
    forgotten, said = await cli(capsys, "auth", "forget", "--config", write_profile(tmp_path), "--json")
    report = json.loads(said)
    assert forgotten == 0 and report["forgotten"] is True and report["minted_kept"] == []
    assert keys_of(report["minted_forgotten"]) == [minted_key(OWN), minted_key(OTHER), minted_key(FOREIGN)]
    assert await store.list_keys("") == []
