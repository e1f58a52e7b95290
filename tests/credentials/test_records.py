"""Both adapters store their credentials in the one record layout of
:mod:`invoicekit.credentials.record`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from invoicekit.gohighlevel import OAuthTokens
from invoicekit.onlyoffice.auth import Token
from invoicekit.secret import Secret

STARTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ENVELOPE = {"kind", "chain", "generation", "chain_started"}


def test_both_adapters_share_the_record_envelope_and_round_trip() -> None:
    tokens = OAuthTokens(refresh_token=Secret("r"), access_token=Secret("a"), expires_at=STARTED).positioned(
        generation=3, chain="c1", chain_started=STARTED
    )
    login = Token(Secret("t"), STARTED, obtained_at=STARTED).positioned(generation=2, chain="c2", chain_started=STARTED)
    for credential, record in ((tokens, tokens.to_record()), (login, login.to_record())):
        fields = json.loads(record)
        assert set(fields) >= ENVELOPE
        assert fields["chain_started"] == STARTED.isoformat()
        assert type(credential).from_record(record) == credential
