"""The conformance suite against both adapters on both simulators: ONLYOFFICE in JSON and in XML
(the XML portal in a UTC-5 zone, so dates must not shift) and GoHighLevel by access token and by
OAuth (refresh on first use)."""

from __future__ import annotations

from datetime import timedelta

from invoicekit.testing.conformance import (
    ConformanceSuite,
    GoHighLevelSimulatorHarness,
    OnlyOfficeSimulatorHarness,
    ProviderHarness,
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
