"""GoHighLevel invoices API simulator (see :class:`GoHighLevelSimulator`)."""

from .simulator import BurstLimiter, GoHighLevelSimulator

__all__ = ["BurstLimiter", "GoHighLevelSimulator"]
