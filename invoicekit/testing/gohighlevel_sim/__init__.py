"""GoHighLevel invoices API simulator (see :class:`GoHighLevelSimulator`)."""

from .simulator import BurstLimiter, GoHighLevelSimulator

#: The simulator :func:`invoicekit.testing.simulators` finds for the ``gohighlevel`` provider.
SIMULATOR = GoHighLevelSimulator

__all__ = ["SIMULATOR", "BurstLimiter", "GoHighLevelSimulator"]
