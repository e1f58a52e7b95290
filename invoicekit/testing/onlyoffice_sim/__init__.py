"""ONLYOFFICE CRM invoice API simulator (see :class:`OnlyOfficeSimulator`)."""

from .simulator import OnlyOfficeSimulator

#: The simulator :func:`invoicekit.testing.simulators` finds for the ``onlyoffice`` provider.
SIMULATOR = OnlyOfficeSimulator

__all__ = ["SIMULATOR", "OnlyOfficeSimulator"]
