"""The provider conformance suite: one set of behavioural tests every adapter must pass.

    from invoicekit.testing.conformance import ConformanceSuite, OnlyOfficeSimulatorHarness

    class TestOnlyOffice(ConformanceSuite):
        def make_harness(self):
            return OnlyOfficeSimulatorHarness(response_format="xml")

A third-party adapter implements :class:`ProviderHarness` (how to reach its server, known
contacts, missing and invalid ids, refused status changes) and subclasses
:class:`ConformanceSuite` the same way. The suite needs pytest and pytest-asyncio; it is imported
on first use, so harnesses and the simulator configs stay importable without them.

The suite includes the "billing service" scenario (:mod:`.billing`): one draft, billed, sent,
listed as unpaid, paid and read back on every harness, each read-back compared field by field
with the draft; :func:`run_billing_service` and :func:`compare_runs` compare harnesses with each
other.
"""

from typing import TYPE_CHECKING

from ..._lazy import lazy_exports
from .billing import (
    BILLING_CAPABILITIES,
    BILLING_CUSTOMER,
    BillingRun,
    BillingServiceTests,
    billing_draft,
    compare_runs,
    run_billing_scenario,
    run_billing_service,
)
from .harness import ForbiddenMove, ProviderHarness, clean_up
from .simulated import (
    GoHighLevelSimulatorHarness,
    OnlyOfficeSimulatorHarness,
    SimulatorHarness,
    gohighlevel_simulator_config,
    onlyoffice_simulator_config,
)

if TYPE_CHECKING:
    from .suite import Conformance, ConformanceSuite


__getattr__ = lazy_exports(__name__, ".suite", ("Conformance", "ConformanceSuite"))


__all__ = [
    "BILLING_CAPABILITIES",
    "BILLING_CUSTOMER",
    "BillingRun",
    "BillingServiceTests",
    "Conformance",
    "ConformanceSuite",
    "ForbiddenMove",
    "GoHighLevelSimulatorHarness",
    "OnlyOfficeSimulatorHarness",
    "ProviderHarness",
    "SimulatorHarness",
    "billing_draft",
    "clean_up",
    "compare_runs",
    "gohighlevel_simulator_config",
    "onlyoffice_simulator_config",
    "run_billing_scenario",
    "run_billing_service",
]
