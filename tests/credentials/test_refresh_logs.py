"""A GoHighLevel token refresh failing in each way the simulator can make it fail, with every
logger at DEBUG (the root logger: invoicekit's, aiohttp's and the simulator's own records): no
client secret, refresh token or access token in any record's message, raw ``args``, traceback or
``extra`` fields, nor in the error, its chain or its pickle. Answers that echo the credentials
back are among the failures."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

import invoicekit
from invoicekit.errors import InvoiceKitError
from invoicekit.testing import GoHighLevelSimulator

from .conftest import TOKEN_PATH, assert_no_secret, error_texts, first_invoice_id, ghl_secrets, record_texts


def _echo(status: int) -> Callable[[GoHighLevelSimulator], object]:
    def arm(sim: GoHighLevelSimulator) -> object:
        live = next(iter(sim.refresh_tokens))  # the one the client presents now
        echoed = f"saw refresh_token {live} and {sim.client_secret}; Bearer {next(iter(sim.used_refresh_tokens))}"
        return sim.faults.fail_next(status, path=TOKEN_PATH, times=None, body=echoed)

    return arm


FAILURES: dict[str, Callable[[GoHighLevelSimulator], object]] = {
    "refresh token revoked": lambda sim: sim.revoke_refresh_tokens(),
    "location inactive": lambda sim: setattr(sim, "location_active", False),
    "401": lambda sim: sim.faults.fail_next(401, path=TOKEN_PATH, times=None),
    "429": lambda sim: sim.faults.fail_next(429, path=TOKEN_PATH, times=None),
    "400 echoing the credentials": _echo(400),
    "502 echoing the credentials": _echo(502),
    "truncated answer": lambda sim: sim.faults.malformed(kind="truncated", path=TOKEN_PATH, times=None),
    "not JSON": lambda sim: sim.faults.malformed(kind="bad_json", path=TOKEN_PATH, times=None),
    "an HTML page": lambda sim: sim.faults.malformed(kind="html", path=TOKEN_PATH, times=None),
    "dropped after processing": lambda sim: sim.faults.drop_connection(
        when="after_processing", path=TOKEN_PATH, times=None),
    "too slow": lambda sim: sim.faults.delay(2, path=TOKEN_PATH, times=None),
}


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_a_failing_refresh_logs_and_raises_no_credential(failure: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sim = GoHighLevelSimulator(invoices=1, refresh_token=f"seed-refresh-logs-{failure}")
    async with sim.run() as url:
        config = sim.client_config(url=url, auth="oauth", refresh_token=sim.refresh_token, max_retries=1,
                                   backoff_base=0.01, timeout=0.5, allow_insecure_http=True)
        async with invoicekit.connect(config) as client:
            await client.get(first_invoice_id(sim))  # a first refresh works: there are live tokens to leak
            issued = set(sim.access_tokens)
            sim.expire_tokens()
            FAILURES[failure](sim)
            with pytest.raises(InvoiceKitError) as info:
                await client.get(first_invoice_id(sim))
    assert sim.refreshes >= 1 and caplog.records
    secrets = ghl_secrets(sim) | issued | {sim.refresh_token}
    assert_no_secret([*error_texts(info.value), *record_texts(caplog.records), caplog.text], secrets)
