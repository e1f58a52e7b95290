"""Test helpers: in-memory simulators of the provider APIs, with fault injection.

    sim = OnlyOfficeSimulator(invoices=250)
    sim.faults.fail_next(503, times=2, headers={"Retry-After": "1"})
    async with sim.run() as url:
        ...  # point a client at url

The simulators serve the endpoints the adapters use over real HTTP on 127.0.0.1, behave like
the real servers (envelopes, quirks, error bodies) and record every request on ``sim.requests``.
"""

from ._server import RecordedRequest, Simulator
from .faults import Delay, Drop, Fail, Faults, Malformed, RateLimited
from .gohighlevel_sim import GoHighLevelSimulator
from .onlyoffice_sim import OnlyOfficeSimulator

__all__ = [
    "Delay",
    "Drop",
    "Fail",
    "Faults",
    "GoHighLevelSimulator",
    "Malformed",
    "OnlyOfficeSimulator",
    "RateLimited",
    "RecordedRequest",
    "Simulator",
]
