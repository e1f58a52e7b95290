"""OAuth: proactive and reactive refresh, single flight, rotated tokens stored before use."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses

from invoicekit import AuthenticationError, ServerError, StateStoreError, connect
from invoicekit.gohighlevel import (
    GoHighLevelClient,
    GoHighLevelSettings,
    InvalidGrantError,
    LocationInactiveError,
    OAuthTokens,
)
from invoicekit.gohighlevel.auth import oauth_key
from invoicekit.secret import Secret
from invoicekit.state import MemoryStateStore
from tests.credentials.conftest import after_backoff

from .conftest import INVOICE_ID, LOCATION, alt, calls, config, load, url

TOKEN_URL = url("oauth/token")
GET = f"invoices/{INVOICE_ID}"
ERRORS = load("errors.json")
OLD_ACCESS = "test-access-token-0001"
OLD_REFRESH = "test-refresh-token-0001"
NEW_ACCESS = "test-access-token-0002"
NEW_REFRESH = "test-refresh-token-0002"


def oauth_config(**overrides: Any) -> dict[str, Any]:
    cfg = config(token=None, client_id="65f0c1ien7id-lx0example", client_secret="test-client-secret-0001",
                 refresh_token=OLD_REFRESH)
    cfg.update(overrides)
    return cfg


CLIENT_ID = "65f0c1ien7id-lx0example"
KEY = oauth_key(CLIENT_ID, LOCATION)


def oauth_client(store: Any = None, **overrides: Any) -> GoHighLevelClient:
    settings = GoHighLevelSettings.from_mapping(oauth_config(**overrides))
    client = GoHighLevelClient(settings, state_store=store)
    return client


async def stored_tokens(store: MemoryStateStore) -> OAuthTokens | None:
    record = await store.get(KEY)
    return None if record is None else OAuthTokens.from_record(record.value)


async def store_with(tokens: OAuthTokens) -> MemoryStateStore:
    """A store holding ``tokens`` as the rotation after the configured refresh token."""
    from invoicekit.credentials import fingerprint

    store = MemoryStateStore()
    chain = fingerprint(OLD_REFRESH, key="test-client-secret-0001")
    await store.put(KEY, tokens.positioned(generation=1, chain=chain).to_record(), expected_version=None)
    return store


class RecordingStore(MemoryStateStore):
    """Remembers what was saved and how many invoice calls had used the new token by then."""

    def __init__(self, mocked: aioresponses) -> None:
        super().__init__()
        self.mocked = mocked
        self.saved: list[OAuthTokens] = []
        self.used_before_save: list[int] = []

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Any:
        assert key == KEY
        tokens = OAuthTokens.from_record(value)
        used = sum(
            1 for (method, _), reqs in self.mocked.requests.items() if method == "GET" for r in reqs
            if r.kwargs["headers"].get("Authorization") == f"Bearer {tokens.access_token.reveal()}"  # type: ignore[union-attr]
        )
        self.used_before_save.append(used)
        await asyncio.sleep(0.01)  # a slow database: other requests pile up meanwhile
        self.saved.append(tokens)
        return await super().put(key, value, expected_version=expected_version)


def bearer_of(call: Any) -> str:
    return str(call.kwargs["headers"]["Authorization"])


async def test_fifty_concurrent_requests_refresh_once_proactively(mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, payload=load("token_response.json"))  # registered once: a 2nd call would fail
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"), repeat=True)
    store = RecordingStore(mocked)
    expired = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    async with oauth_client(store, access_token=OLD_ACCESS, expires_at=expired) as client:
        results = await asyncio.gather(*(client.get(INVOICE_ID) for _ in range(50)))
    assert len(results) == 50
    (token_call,) = calls(mocked, "POST", "oauth/token")
    assert token_call.kwargs["data"] == {
        "client_id": "65f0c1ien7id-lx0example", "client_secret": "test-client-secret-0001",
        "grant_type": "refresh_token", "refresh_token": OLD_REFRESH, "user_type": "Location",
    }
    assert "Authorization" not in token_call.kwargs["headers"]
    assert "Version" not in token_call.kwargs["headers"]
    gets = calls(mocked, "GET", GET, alt())
    assert len(gets) == 50
    assert {bearer_of(c) for c in gets} == {f"Bearer {NEW_ACCESS}"}
    (saved,) = store.saved
    assert store.used_before_save == [0]
    assert saved.access_token == Secret(NEW_ACCESS)
    assert saved.refresh_token == Secret(NEW_REFRESH)
    assert saved.location_id == LOCATION
    assert saved.scope == "invoices.readonly invoices.write"
    assert saved.expires_at is not None and saved.expires_at > datetime.now(UTC) + timedelta(hours=23)
    assert await stored_tokens(store) == saved


async def test_missing_access_token_refreshes_first(mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, payload=load("token_response.json"))
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"))
    async with oauth_client() as client:
        await client.get(INVOICE_ID)
    assert bearer_of(calls(mocked, "GET", GET, alt())[0]) == f"Bearer {NEW_ACCESS}"


async def test_a_401_refreshes_once_for_fifty_requests_and_retries(mocked: aioresponses) -> None:
    def answer(url_: Any, **kwargs: Any) -> CallbackResult:
        if kwargs["headers"]["Authorization"] == f"Bearer {NEW_ACCESS}":
            return CallbackResult(payload=load("invoice_draft.json"))
        return CallbackResult(status=401, payload=ERRORS["unauthorized"])

    mocked.post(TOKEN_URL, payload=load("token_response.json"))
    mocked.get(url(GET, alt()), callback=answer, repeat=True)
    store = RecordingStore(mocked)
    fresh = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    async with oauth_client(store, access_token=OLD_ACCESS, expires_at=fresh) as client:
        results = await asyncio.gather(*(client.get(INVOICE_ID) for _ in range(50)))
    assert all(r.id == INVOICE_ID for r in results)
    assert len(calls(mocked, "POST", "oauth/token")) == 1
    gets = calls(mocked, "GET", GET, alt())
    assert sum(bearer_of(c) == f"Bearer {OLD_ACCESS}" for c in gets) == 50
    assert sum(bearer_of(c) == f"Bearer {NEW_ACCESS}" for c in gets) == 50
    assert len(store.saved) == 1 and store.used_before_save == [0]


async def test_a_second_401_after_refresh_is_final(mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, payload=load("token_response.json"))
    mocked.get(url(GET, alt()), status=401, payload=ERRORS["scope"], repeat=True)
    fresh = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    async with oauth_client(access_token=OLD_ACCESS, expires_at=fresh) as client:
        with pytest.raises(AuthenticationError, match="scope") as info:
            await client.get(INVOICE_ID)
    assert info.value.attempts == 2
    assert len(calls(mocked, "POST", "oauth/token")) == 1


async def test_stored_tokens_win_over_settings(mocked: aioresponses) -> None:
    stored = OAuthTokens(refresh_token=Secret("test-refresh-stored"), access_token=Secret("test-access-stored"),
                         expires_at=datetime.now(UTC) + timedelta(hours=3))
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"))
    store = await store_with(stored)
    async with oauth_client(store, access_token=OLD_ACCESS) as client:
        await client.get(INVOICE_ID)
    assert bearer_of(calls(mocked, "GET", GET, alt())[0]) == "Bearer test-access-stored"
    assert not calls(mocked, "POST", "oauth/token")


async def test_refresh_uses_the_newest_stored_refresh_token(mocked: aioresponses) -> None:
    stored = OAuthTokens(refresh_token=Secret("test-refresh-stored"), access_token=None)
    mocked.post(TOKEN_URL, payload=load("token_response.json"))
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"))
    async with oauth_client(await store_with(stored)) as client:
        await client.get(INVOICE_ID)
    assert calls(mocked, "POST", "oauth/token")[0].kwargs["data"]["refresh_token"] == "test-refresh-stored"


async def test_two_clients_sharing_a_store_refresh_once(mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, payload=load("token_response.json"))
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"), repeat=True)
    store = MemoryStateStore()
    async with oauth_client(store) as one, oauth_client(store) as two:
        await asyncio.gather(*(c.get(INVOICE_ID) for c in (one, two) for _ in range(10)))
    assert len(calls(mocked, "POST", "oauth/token")) == 1
    assert {bearer_of(c) for c in calls(mocked, "GET", GET, alt())} == {f"Bearer {NEW_ACCESS}"}


async def test_camel_case_token_answers_decode(mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, payload=load("token_response_camel.json"))
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"))
    store = MemoryStateStore()
    async with oauth_client(store) as client:
        await client.get(INVOICE_ID)
    tokens = await stored_tokens(store)
    assert tokens is not None
    assert tokens.access_token == Secret("test-access-token-0003")
    assert tokens.refresh_token == Secret("test-refresh-token-0003")
    assert tokens.user_type == "Location"
    assert tokens.expires_at is not None
    assert timedelta(minutes=55) < tokens.expires_at - datetime.now(UTC) <= timedelta(hours=1)


def test_token_answer_without_refresh_token_keeps_the_old_one() -> None:
    previous = OAuthTokens(refresh_token=Secret(OLD_REFRESH))
    now = datetime(2024, 1, 1, tzinfo=UTC)
    tokens = OAuthTokens.from_response({"access_token": "a"}, now=now, previous=previous)
    assert tokens.refresh_token == Secret(OLD_REFRESH)
    assert tokens.expires_at == now + timedelta(seconds=86399)
    with pytest.raises(ValueError, match="access_token"):
        OAuthTokens.from_response({}, now=now)


@pytest.mark.parametrize(
    ("status", "body", "cls", "hint"),
    [
        (400, ERRORS["invalid_grant"], InvalidGrantError, "re-authorise"),
        (400, ERRORS["refresh_used"], InvalidGrantError, "already used"),
        (400, ERRORS["location_inactive"], LocationInactiveError, "not active"),
        (401, {"statusCode": 401, "message": "Invalid client credentials"}, AuthenticationError, "client_secret"),
        (500, ERRORS["server"], ServerError, "Internal"),
    ],
)
async def test_refresh_failures_are_distinct(
    mocked: aioresponses, status: int, body: dict[str, Any], cls: type[Exception], hint: str
) -> None:
    mocked.post(TOKEN_URL, status=status, payload=body)
    async with oauth_client() as client:
        with pytest.raises(cls, match=hint) as info:
            await client.get(INVOICE_ID)
    assert type(info.value) is cls
    text = str(info.value) + repr(info.value)
    assert OLD_REFRESH not in text and "test-client-secret-0001" not in text
    assert not calls(mocked, "GET", GET, alt())


async def test_a_dead_refresh_token_is_sent_once_for_fifty_requests(mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, status=400, payload=ERRORS["invalid_grant"], repeat=True)
    async with oauth_client() as client:
        results = await asyncio.gather(*(client.get(INVOICE_ID) for _ in range(50)), return_exceptions=True)
    assert all(isinstance(r, InvalidGrantError) for r in results)
    assert len(calls(mocked, "POST", "oauth/token")) == 1


async def test_a_failing_store_fails_the_call_but_keeps_the_tokens(mocked: aioresponses) -> None:
    class BrokenStore(MemoryStateStore):
        broken = True

        async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Any:
            if self.broken:
                raise OSError("database is down")
            return await super().put(key, value, expected_version=expected_version)

    mocked.post(TOKEN_URL, payload=load("token_response.json"))
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"))
    store = BrokenStore()
    async with oauth_client(store) as client:
        with pytest.raises(StateStoreError, match="database is down"):
            await client.get(INVOICE_ID)
        assert not calls(mocked, "GET", GET, alt())
        store.broken = False
        after_backoff(client)  # the store is back: the next call tries again
        await client.get(INVOICE_ID)  # the rotated tokens were kept in memory: no second refresh
    assert len(calls(mocked, "POST", "oauth/token")) == 1
    assert bearer_of(calls(mocked, "GET", GET, alt())[0]) == f"Bearer {NEW_ACCESS}"


async def test_state_store_in_settings_is_used(mocked: aioresponses) -> None:
    import attrs

    mocked.post(TOKEN_URL, payload=load("token_response.json"))
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"))
    store = MemoryStateStore()
    settings = attrs.evolve(GoHighLevelSettings.from_mapping(oauth_config()), state_store=store)
    async with connect(settings) as client:
        await client.get(INVOICE_ID)
    assert await stored_tokens(store) is not None


def test_nothing_secret_in_reprs() -> None:
    settings = GoHighLevelSettings.from_mapping(oauth_config(access_token=OLD_ACCESS))
    tokens = OAuthTokens(refresh_token=Secret(OLD_REFRESH), access_token=Secret(OLD_ACCESS))
    client = GoHighLevelClient(settings)
    for text in (repr(settings), str(settings), repr(tokens), repr(client), repr(client._auth)):
        for secret in (OLD_ACCESS, OLD_REFRESH, "test-client-secret-0001"):
            assert secret not in text
