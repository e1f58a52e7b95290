"""Conformance harnesses on the built-in simulators, and the older config helpers.

The harnesses are what ``tests/conformance`` runs in this repository, and a worked example for a
third-party harness. How a client reaches a simulator is the simulator's own
:meth:`~invoicekit.testing.Simulator.client_config`; what is left here are the provider facts
the suite asks about (id types, refused moves, ids that cannot exist).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, ClassVar, Literal

from ...models import Contact, InvoiceId
from .._server import Simulator
from ..gohighlevel_sim import GoHighLevelSimulator
from ..onlyoffice_sim import OnlyOfficeSimulator
from .harness import ForbiddenMove, ProviderHarness

#: Contacts the ONLYOFFICE simulator seeds (ids 1..5); these two are people.
ONLYOFFICE_CONTACTS = OnlyOfficeSimulator.contacts
#: GoHighLevel invoices carry the contact's details; any id/name/email pair is accepted.
GOHIGHLEVEL_CONTACTS = GoHighLevelSimulator.contacts


def onlyoffice_simulator_config(
    simulator: OnlyOfficeSimulator,
    url: str,
    *,
    response_format: Literal["json", "xml"] = "json",
    login: bool = False,
    **overrides: Any,
) -> dict[str, Any]:
    """``simulator.client_config(url=url, ...)``, kept for code written before it existed."""
    return simulator.client_config(url=url, response_format=response_format, login=login, **overrides)


def gohighlevel_simulator_config(
    simulator: GoHighLevelSimulator, url: str, *, oauth: bool = False, **overrides: Any
) -> dict[str, Any]:
    """``simulator.client_config(url=url, auth=...)``, kept for code written before it existed."""
    return simulator.client_config(url=url, auth="oauth" if oauth else "token", **overrides)


class SimulatorHarness(ProviderHarness):
    """A provider on an empty built-in simulator, reached the way ``client_config`` says.

    Subclasses set the simulator class and the provider facts (:attr:`id_type`,
    :attr:`forbidden_moves`, :meth:`missing_ids`, :meth:`invalid_ids`, :attr:`list_path`).
    """

    simulator_type: ClassVar[type[Simulator]]
    #: The path glob of a list (page) request, for :meth:`list_request_count`.
    list_path: ClassVar[str]

    def __init__(self, simulator: Simulator, **client_options: Any) -> None:
        self.simulator = simulator
        self.client_options = client_options

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[Mapping[str, Any]]:
        async with self.simulator.run():
            yield self.simulator.client_config(**self.client_options, max_retries=0)

    def contacts(self) -> tuple[Contact, Contact]:
        return self.simulator_type.contacts

    def request_count(self) -> int:
        return len(self.simulator.requests)  # logins and token refreshes included: they are sent too

    def list_request_count(self) -> int:
        return self.simulator.count("GET", self.list_path)


class OnlyOfficeSimulatorHarness(SimulatorHarness):
    """ONLYOFFICE on an empty :class:`OnlyOfficeSimulator` (contacts and catalogue seeded)."""

    simulator_type: ClassVar[type[Simulator]] = OnlyOfficeSimulator
    list_path: ClassVar[str] = "/api/2.0/crm/invoice/filter.*"
    id_type: ClassVar[type[int]] = int
    forbidden_moves: ClassVar[tuple[ForbiddenMove, ...]] = (
        # Only drafts are editable (the server answers 404; the adapter refuses first).
        ForbiddenMove("update", ("send",)),
        ForbiddenMove("update", ("send", "mark_paid")),
        ForbiddenMove("send", ("send", "mark_paid")),  # send never takes Paid back to Sent
    )

    def __init__(
        self,
        *,
        response_format: Literal["json", "xml"] = "json",
        login: bool = False,
        utc_offset: timedelta = timedelta(0),
    ) -> None:
        simulator = OnlyOfficeSimulator(invoices=0, utc_offset=utc_offset)
        super().__init__(simulator, response_format=response_format, login=login)
        self.simulator: OnlyOfficeSimulator = simulator
        self.response_format: Literal["json", "xml"] = response_format
        self.login = login

    def missing_ids(self) -> Sequence[InvoiceId]:
        return (987654, 2**31 - 1)

    def invalid_ids(self) -> Sequence[object]:
        return (0, -3, "12a", "", 2**31, 1.0, True, None)


class GoHighLevelSimulatorHarness(SimulatorHarness):
    """GoHighLevel on an empty :class:`GoHighLevelSimulator`, by access token or OAuth."""

    simulator_type: ClassVar[type[Simulator]] = GoHighLevelSimulator
    list_path: ClassVar[str] = "/invoices/"
    id_type: ClassVar[type[str]] = str
    forbidden_moves: ClassVar[tuple[ForbiddenMove, ...]] = (
        # Only drafts can be deleted; drafts cannot be voided (reference section 3).
        ForbiddenMove("delete", ("send",)),
        ForbiddenMove("delete", ("send", "mark_paid")),
        ForbiddenMove("delete", ("send", "void")),
        ForbiddenMove("void", ()),
        # invoicekit's rules on GoHighLevel's statuses (README "Invoice states").
        ForbiddenMove("send", ("send", "mark_paid")),
        ForbiddenMove("update", ("send", "mark_paid")),
        ForbiddenMove("record_payment", ("send", "mark_paid")),
    )

    def __init__(self, *, oauth: bool = False) -> None:
        simulator = GoHighLevelSimulator(invoices=0)
        super().__init__(simulator, auth="oauth" if oauth else "token")
        self.simulator: GoHighLevelSimulator = simulator
        self.oauth = oauth

    def missing_ids(self) -> Sequence[InvoiceId]:
        return ("65f0c0ffee0000000000dead", "0" * 24)

    def invalid_ids(self) -> Sequence[object]:
        return ("", "a/b", "x y", " 65f0c0ffee", "65f0?x=1", "%2F", 42, None)
