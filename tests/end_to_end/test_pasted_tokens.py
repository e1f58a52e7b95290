"""A token pasted with a stray character (a no-break or zero-width space, a letter with an accent,
a newline or tab at the end) is refused when the config is read, before a request goes out; the
same token typed cleanly works. Against both providers' simulators, which record every request."""

from __future__ import annotations

from typing import Any

import pytest

import invoicekit
from invoicekit import ConfigError
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

OO_TOKEN = "oo-pasted-token-4Fh8Kq2Zt"
GHL_TOKEN = "ghl-pasted-token-7Rb3Nw9Xm"
STRAY = ["\u00a0", "\u200b", "\u00e9", "\n", "\t", " "]


def pasted(token: str, stray: str) -> list[str]:
    """The token with ``stray`` in the middle, at the end and (for those a paste brings) at the start."""
    middle = token[:9] + stray + token[9:]
    return [middle, token + stray] + ([stray + token] if stray in ("\u00a0", "\u200b", " ") else [])


async def first_page(config: dict[str, Any]) -> list[invoicekit.Invoice]:
    async with invoicekit.connect(config) as client:
        return [invoice async for invoice in client.list(page_size=1, limit=1)]


@pytest.mark.parametrize("stray", STRAY, ids=[f"U+{ord(c):04X}" for c in STRAY])
@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
async def test_the_clean_token_works_and_the_pasted_ones_are_refused_before_sending(provider: str, stray: str) -> None:
    sim: OnlyOfficeSimulator | GoHighLevelSimulator
    if provider == "onlyoffice":
        token, sim = OO_TOKEN, OnlyOfficeSimulator(token=OO_TOKEN, invoices=1)
    else:
        token, sim = GHL_TOKEN, GoHighLevelSimulator(token=GHL_TOKEN, invoices=1)
    async with sim.run():
        assert len(await first_page(sim.client_config(token=token))) == 1
        assert "Authorization" in sim.requests[-1].headers  # recorded redacted; the simulator checked it
        sent = len(sim.requests)
        for bad in pasted(token, stray):
            with pytest.raises(ConfigError) as info:
                await first_page(sim.client_config(token=bad))
            assert info.value.key == "token" and token[:9] not in str(info.value)
        assert len(sim.requests) == sent


async def test_gohighlevel_oauth_takes_a_non_ascii_client_secret_it_sends_in_a_form() -> None:
    secret = "s\u00e9cret-d\u2019app \u00fc\u00df"  # a client secret is the app owner's choice
    sim = GoHighLevelSimulator(client_secret=secret, invoices=1)
    async with sim.run():
        assert len(await first_page(sim.client_config(auth="oauth"))) == 1
        assert sim.count("POST", "/oauth/token") == 1
