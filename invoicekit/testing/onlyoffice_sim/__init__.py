"""ONLYOFFICE CRM invoice API simulator (see :class:`OnlyOfficeSimulator`)."""

from .simulator import OnlyOfficeSimulator

__all__ = ["OnlyOfficeSimulator"]
