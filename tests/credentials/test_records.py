"""Both adapters (and the agency's location tokens) store their credentials in the one record layout of
:mod:`invoicekit.credentials.record`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from invoicekit.gohighlevel import OAuthTokens
from invoicekit.gohighlevel.agency import LocationToken
from invoicekit.onlyoffice.auth import Token
from invoicekit.secret import Secret

STARTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ENVELOPE = {"kind", "chain", "generation", "chain_started"}


def credentials() -> tuple[OAuthTokens, Token, LocationToken]:
    tokens = OAuthTokens(refresh_token=Secret("r"), access_token=Secret("a"), expires_at=STARTED).positioned(
        generation=3, chain="c1", chain_started=STARTED
    )
    login = Token(Secret("t"), STARTED, obtained_at=STARTED).positioned(generation=2, chain="c2", chain_started=STARTED)
    location = LocationToken(
        access_token=Secret("l"), expires_at=STARTED, obtained_at=STARTED, location_id="loc-1"
    ).positioned(generation=1, chain="c3", chain_started=STARTED)
    return tokens, login, location


def test_both_adapters_share_the_record_envelope_and_round_trip() -> None:
    for credential, record in ((c, c.to_record()) for c in credentials()):
        fields = json.loads(record)
        assert set(fields) >= ENVELOPE
        assert fields["chain_started"] == STARTED.isoformat()
        assert type(credential).from_record(record) == credential


@pytest.mark.parametrize("generation", [1e999, 1.5, "3", True, -1, None])
def test_a_damaged_generation_makes_the_record_unreadable(generation: object) -> None:
    # ValueError is what every reader of a record (the keeper, ``invoicekit auth``) takes for
    # "unreadable": never an OverflowError of int(infinity) or a silently rounded 1.5.
    for credential in credentials():
        record = json.loads(credential.to_record())
        damaged = json.dumps({**record, "generation": generation}).encode()
        with pytest.raises(ValueError, match="generation"):
            type(credential).from_record(damaged)


@pytest.mark.parametrize("stray", ["\u00a0", "\u200b", "\u00e9", " ", "\n"])
def test_a_stored_token_a_header_cannot_carry_makes_the_record_unreadable(stray: str) -> None:
    # A hand-edited or damaged state file: the token would go into the Authorization header as it
    # is. Unreadable records are replaced (a new login or refresh), never sent.
    for credential in credentials():
        record = json.loads(credential.to_record())
        name = "token" if "token" in record else "access_token"
        damaged = json.dumps({**record, name: record[name] + stray + "x"}).encode()
        with pytest.raises(ValueError, match=f"^the record's {name} holds characters a header cannot carry$"):
            type(credential).from_record(damaged)
