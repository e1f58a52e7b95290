"""Test helpers: in-memory simulators of the provider APIs, with fault injection.

    sim = OnlyOfficeSimulator(invoices=250)
    sim.faults.fail_next(503, times=2, headers={"Retry-After": "1"})
    async with sim.run() as url:
        ...  # point a client at url

The simulators serve the endpoints the adapters use over real HTTP on 127.0.0.1, behave like
the real servers (envelopes, quirks, error bodies) and record every request on ``sim.requests``.

:func:`simulators` lists every simulator and every way to configure a client for it
(``variant.simulator()``, ``variant.client_config(sim)``): code that should run against all of
them loops over it instead of naming providers. The conformance suite (``ConformanceSuite``,
``ProviderHarness``) checks any adapter's behaviour; the pytest plugin
(``invoicekit.testing.pytest_plugin``) serves simulators as fixtures.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports
from ._server import RecordedRequest, Simulator
from .conformance import (
    ForbiddenMove,
    GoHighLevelSimulatorHarness,
    OnlyOfficeSimulatorHarness,
    ProviderHarness,
    SimulatorHarness,
    gohighlevel_simulator_config,
    onlyoffice_simulator_config,
)
from .faults import Delay, Drop, Fail, Faults, Malformed, RateLimited
from .gohighlevel_sim import GoHighLevelSimulator
from .onlyoffice_sim import OnlyOfficeSimulator
from .registry import SimulatorVariant, register_simulator, simulator_type, simulator_types, simulators

if TYPE_CHECKING:
    from .conformance import Conformance, ConformanceSuite


# The suite imports pytest and pytest-asyncio: only when asked for, never with the simulators.
__getattr__ = lazy_exports(__name__, ".conformance", ("Conformance", "ConformanceSuite"))


__all__ = [
    "Conformance",
    "ConformanceSuite",
    "Delay",
    "Drop",
    "Fail",
    "Faults",
    "ForbiddenMove",
    "GoHighLevelSimulator",
    "GoHighLevelSimulatorHarness",
    "Malformed",
    "OnlyOfficeSimulator",
    "OnlyOfficeSimulatorHarness",
    "ProviderHarness",
    "RateLimited",
    "RecordedRequest",
    "Simulator",
    "SimulatorHarness",
    "SimulatorVariant",
    "gohighlevel_simulator_config",
    "onlyoffice_simulator_config",
    "register_simulator",
    "simulator_type",
    "simulator_types",
    "simulators",
]
