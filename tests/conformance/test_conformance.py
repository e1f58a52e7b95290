"""The conformance suite against both adapters on both simulators: ONLYOFFICE in JSON and in XML
(the XML portal in a UTC-5 zone, so dates must not shift; JSON also with login, UTC+13) and
GoHighLevel by access token, by OAuth (refresh on first use) and on a "shared account" with
invoices the suite must ignore and leave alone (the mode for real test accounts)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from invoicekit.testing import GoHighLevelSimulator
from invoicekit.testing.conformance import (
    ConformanceSuite,
    GoHighLevelSimulatorHarness,
    OnlyOfficeSimulatorHarness,
    ProviderHarness,
    compare_runs,
    run_billing_service,
)


class TestOnlyOfficeJson(ConformanceSuite):
    def make_harness(self) -> ProviderHarness:
        return OnlyOfficeSimulatorHarness(response_format="json")


class TestOnlyOfficeXml(ConformanceSuite):
    def make_harness(self) -> ProviderHarness:
        return OnlyOfficeSimulatorHarness(response_format="xml", utc_offset=timedelta(hours=-5))


class TestGoHighLevelToken(ConformanceSuite):
    def make_harness(self) -> ProviderHarness:
        return GoHighLevelSimulatorHarness(oauth=False)


class TestGoHighLevelOAuth(ConformanceSuite):
    def make_harness(self) -> ProviderHarness:
        return GoHighLevelSimulatorHarness(oauth=True)


class TestOnlyOfficeJsonLoginEastOfUtc(ConformanceSuite):
    """Username/password login, and a portal zone far east of UTC (dates must not shift)."""

    def make_harness(self) -> ProviderHarness:
        return OnlyOfficeSimulatorHarness(response_format="json", login=True, utc_offset=timedelta(hours=13))


class SharedGoHighLevelHarness(GoHighLevelSimulatorHarness):
    """As on a real account: invoices the test did not make are there, and are left alone."""

    isolated = False

    def __init__(self) -> None:
        super().__init__()
        self.simulator = GoHighLevelSimulator(invoices=9)
        self.preexisting = dict(self.simulator.store.invoices)

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[Mapping[str, Any]]:
        async with super().serve() as config:
            yield config
        # The suite cleaned up: what it made is gone or void, what was there is untouched.
        kept = {k: v for k, v in self.simulator.store.invoices.items() if k in self.preexisting}
        assert kept == self.preexisting
        made = [i for k, i in self.simulator.store.invoices.items() if k not in self.preexisting]
        assert all(i.status == "void" for i in made), [i.status for i in made]


class TestGoHighLevelSharedAccount(ConformanceSuite):
    def make_harness(self) -> ProviderHarness:
        return SharedGoHighLevelHarness()


def _harness_suites() -> list[type[ConformanceSuite]]:
    """Every harness this module runs the suite on (a new one is compared automatically)."""
    return [suite for name, suite in globals().items()
            if name.startswith("Test") and isinstance(suite, type) and issubclass(suite, ConformanceSuite)]  # fmt: skip


async def test_billing_service_reads_back_the_same_on_every_harness() -> None:
    """The scenario's normalised read-backs, harness against harness: a difference between
    providers is a field-level line (``A vs B: field: a != b (at step, ...)``)."""
    suites = _harness_suites()
    assert len(suites) >= 3
    runs = {suite.__name__: await run_billing_service(suite().make_harness()) for suite in suites}
    assert len({run.provider for run in runs.values()}) >= 2, "the comparison needs two providers"
    differences = compare_runs(runs)
    assert not differences, "\n".join(["the same draft read back differently:", *differences])
