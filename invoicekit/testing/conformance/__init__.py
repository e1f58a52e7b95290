"""The provider conformance suite: one set of behavioural tests every adapter must pass.

    from invoicekit.testing.conformance import ConformanceSuite, OnlyOfficeSimulatorHarness

    class TestOnlyOffice(ConformanceSuite):
        def make_harness(self):
            return OnlyOfficeSimulatorHarness(response_format="xml")

A third-party adapter implements :class:`ProviderHarness` (how to reach its server, known
contacts, missing and invalid ids, refused status changes) and subclasses
:class:`ConformanceSuite` the same way. The suite needs pytest and pytest-asyncio; it is imported
on first use, so harnesses and the simulator configs stay importable without them.
"""

from typing import TYPE_CHECKING

from ..._lazy import lazy_exports
from .harness import ForbiddenMove, ProviderHarness
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
    "Conformance",
    "ConformanceSuite",
    "ForbiddenMove",
    "GoHighLevelSimulatorHarness",
    "OnlyOfficeSimulatorHarness",
    "ProviderHarness",
    "SimulatorHarness",
    "gohighlevel_simulator_config",
    "onlyoffice_simulator_config",
]
