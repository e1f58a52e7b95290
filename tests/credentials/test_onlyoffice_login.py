"""ONLYOFFICE password login through the credential keeper, against the simulator."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta
from pathlib import Path

import pytest

import invoicekit
from invoicekit import AuthenticationError, IncompleteResponseError, PermissionDeniedError, Secret, ServerError
from invoicekit.onlyoffice import OnlyOfficeClient, OnlyOfficeSettings
from invoicekit.onlyoffice.auth import LOGIN_CHAIN, is_login_refusal
from invoicekit.state import FileStateStore, MemoryStateStore
from invoicekit.testing import OnlyOfficeSimulator

from .conftest import LOGIN_PATH, after_backoff, assert_no_secret, error_texts, log_texts, oo_config


async def test_fifty_calls_on_a_failing_login_log_in_once(debug_log: pytest.LogCaptureFixture) -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    async with sim.run() as url:
        config = oo_config(sim, url, password="wrong-password-Kq71", state_store="memory:")
        async with invoicekit.connect(config) as client:
            results = await asyncio.gather(*(client.get(1) for _ in range(50)), return_exceptions=True)
            assert all(isinstance(r, AuthenticationError) for r in results)
            assert sim.login_attempts == 1
            with pytest.raises(AuthenticationError, match="User authentication failed") as info:
                await client.get(1)  # within the backoff: the remembered failure, no login
            assert sim.login_attempts == 1
            after_backoff(client)
            with pytest.raises(AuthenticationError):
                await client.get(1)
    assert sim.login_attempts == 2  # far from the portal's five-a-minute block
    assert_no_secret([*error_texts(info.value), *log_texts(debug_log)], ["wrong-password-Kq71"])


async def test_the_login_token_is_kept_for_the_next_run(tmp_path: Path) -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    async with sim.run() as url:
        config = oo_config(sim, url, state_store=f"file:{tmp_path}/state.json")
        for _ in range(2):  # two runs, one login
            async with invoicekit.connect(config) as client:
                await client.get(1)
        assert sim.logins == 1
        text = (tmp_path / "state.json").read_text()
        assert sim.password not in text
        sim.revoke_tokens()  # the stored token dies (an admin's "log out all"): one new login
        async with invoicekit.connect(config) as client:
            await client.get(1)
        assert sim.logins == 2


async def test_a_changed_password_is_noticed_by_the_portal_and_logs_in_again(tmp_path: Path) -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    store = FileStateStore(tmp_path / "state.json")
    async with sim.run() as url:
        settings = OnlyOfficeSettings.from_mapping(oo_config(sim, url))
        async with OnlyOfficeClient(settings, state_store=store) as client:
            await client.get(1)
        # Changing the password on the portal revokes the user's tokens (the user's index changes).
        sim.password = "a-new-password-Zt3"
        sim.revoke_tokens()
        changed = OnlyOfficeSettings.from_mapping(oo_config(sim, url))
        async with OnlyOfficeClient(changed, state_store=FileStateStore(tmp_path / "state.json")) as client:
            await client.get(1)  # the stored token gets a 401; the new password logs in
    assert sim.logins == 2 and sim.login_attempts == 2


async def test_the_state_file_holds_nothing_derived_from_the_password(tmp_path: Path) -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    async with sim.run() as url:
        for password in (sim.password, "another-password-Vb8"):
            sim.password = password
            sim.revoke_tokens()
            settings = OnlyOfficeSettings.from_mapping(oo_config(sim, url))
            async with OnlyOfficeClient(settings, state_store=FileStateStore(tmp_path / "state.json")) as client:
                await client.get(1)
            state = json.loads((tmp_path / "state.json").read_text())
            (record,) = state["records"].values()
            stored = json.loads(base64.b64decode(record["value"]))
            # Only the token, its times and the chain position; the chain is the same whatever the password.
            assert set(stored) == {"kind", "chain", "generation", "chain_started", "token", "expires", "obtained_at"}
            assert stored["chain"] == LOGIN_CHAIN
            assert password not in json.dumps(state)


async def test_the_password_is_revealed_only_to_log_in(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing hashes (or caches) the password on the side: it is read for the login request only.
    sim = OnlyOfficeSimulator(invoices=1)
    reveal = Secret.reveal
    revealed: list[str] = []

    def spy(secret: Secret) -> str:
        value = reveal(secret)
        if value == sim.password:
            revealed.append(value)
        return value

    monkeypatch.setattr(Secret, "reveal", spy)
    async with sim.run() as url:
        settings = OnlyOfficeSettings.from_mapping(oo_config(sim, url))
        async with OnlyOfficeClient(settings, state_store=MemoryStateStore()) as client:
            assert revealed == []  # building the client reads no password
            await client.get(1)
    assert len(revealed) == 1 and sim.logins == 1


async def test_a_short_login_token_is_renewed_before_it_expires_not_on_every_call() -> None:
    sim = OnlyOfficeSimulator(invoices=1, token_lifetime=timedelta(seconds=30))
    async with sim.run() as url:
        settings = OnlyOfficeSettings.from_mapping(oo_config(sim, url))
        async with OnlyOfficeClient(settings, state_store=MemoryStateStore()) as client:
            for _ in range(20):
                await client.get(1)
    assert sim.logins == 1


async def test_a_cancelled_caller_leaves_the_login_to_finish(tmp_path: Path) -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    sim.faults.delay(0.3, path="/api/2.0/authentication*")
    async with sim.run() as url:
        config = oo_config(sim, url, state_store=f"file:{tmp_path}/state.json")
        client = invoicekit.connect(config)
        caller = asyncio.create_task(client.get(1))
        for _ in range(200):
            if sim.requests:
                break
            await asyncio.sleep(0.01)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        await client.aclose()  # the login completes and is saved
        async with invoicekit.connect(config) as again:
            await again.get(1)
    assert sim.logins == 1


OUTAGE = {"status": 1, "statusCode": 500, "error": {"message": "Database is unavailable", "hresult": -2146233088}}


async def test_a_login_outage_is_transient_not_refused_credentials() -> None:
    # A 500 that is not the portal's "wrong password" or "too many attempts" answer is an outage:
    # the short backoff, then the next call logs in (not 30 s of remembered "refused credentials").
    sim = OnlyOfficeSimulator(invoices=1)
    sim.faults.fail_next(500, body=OUTAGE, path=LOGIN_PATH)
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url, state_store="memory:")) as client:
        with pytest.raises(ServerError, match="Database is unavailable") as info:
            await client.get(1)
        assert not isinstance(info.value, AuthenticationError)
        await asyncio.sleep(1.1)  # the first transient backoff step is 1 s
        await client.get(1)
    assert sim.count("POST", LOGIN_PATH) == 2 and sim.logins == 1


async def test_a_login_answer_cut_off_is_transient_not_refused_credentials() -> None:
    # The portal answered 201 and the connection broke mid-body: nothing says the password is
    # wrong. It was an AuthenticationError ("login ... failed", the CLI's exit 8 "credentials
    # refused") remembered for the 30 s refusal backoff, because its status is below 300.
    sim = OnlyOfficeSimulator(invoices=1)
    sim.faults.malformed(kind="truncated", path=LOGIN_PATH)
    async with sim.run() as url, invoicekit.connect(oo_config(sim, url, state_store="memory:")) as client:
        with pytest.raises(IncompleteResponseError) as info:
            await client.get(1)
        assert not isinstance(info.value, AuthenticationError) and info.value.status == 201
        assert_no_secret(error_texts(info.value), [sim.password, *sim.tokens])
        await asyncio.sleep(1.1)  # the first transient backoff step is 1 s
        await client.get(1)
    assert sim.count("POST", LOGIN_PATH) == 2


async def test_a_refused_login_is_remembered_past_the_transient_backoff() -> None:
    sim = OnlyOfficeSimulator(invoices=1)
    async with sim.run() as url:
        config = oo_config(sim, url, password="wrong-password-Kq71", state_store="memory:")
        async with invoicekit.connect(config) as client:
            with pytest.raises(AuthenticationError, match="User authentication failed"):
                await client.get(1)
            await asyncio.sleep(1.1)
            with pytest.raises(AuthenticationError, match="User authentication failed"):
                await client.get(1)  # still within the refusal's backoff: no second login
    assert sim.login_attempts == 1


@pytest.mark.parametrize(
    ("status", "message", "refused"),
    [
        (500, "User authentication failed", True),
        (500, "Login Fail. Too many attempts", True),
        (403, "Access denied", True),
        (500, "Object reference not set to an instance of an object.", False),
        (503, "Portal is being transferred", False),
    ],
)
def test_login_refusals_are_judged_by_the_answer(status: int, message: str, refused: bool) -> None:
    cls = ServerError if status >= 500 else PermissionDeniedError
    error = cls(message, status=status, provider="onlyoffice", method="POST", url="u")
    assert is_login_refusal(error) is refused
