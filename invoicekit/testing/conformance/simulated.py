"""Config mappings for the built-in simulators, and conformance harnesses that use them.

The harnesses are what ``tests/conformance`` runs in this repository, and a worked example for a
third-party harness. The config builders are shared with the pytest plugin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, ClassVar, Literal

from ...models import Contact, InvoiceId
from ..gohighlevel_sim import GoHighLevelSimulator
from ..onlyoffice_sim import OnlyOfficeSimulator
from .harness import ForbiddenMove, ProviderHarness

#: Contacts the ONLYOFFICE simulator seeds (ids 1..5); these two are people.
ONLYOFFICE_CONTACTS = (
    Contact(id=2, name="Jane Cooper"),
    Contact(id=5, name="Robert Fox"),
)
#: GoHighLevel invoices carry the contact's details; any id/name/email pair is accepted.
GOHIGHLEVEL_CONTACTS = (
    Contact(id="Ct9JaneCooper0000001", name="Jane Cooper", email="jane.cooper@example.com"),
    Contact(id="Ct9RobertFox00000002", name="Robert Fox", email="robert.fox@example.com"),
)


def onlyoffice_simulator_config(
    simulator: OnlyOfficeSimulator,
    url: str,
    *,
    response_format: Literal["json", "xml"] = "json",
    login: bool = False,
    **overrides: Any,
) -> dict[str, Any]:
    """A config mapping for :func:`invoicekit.connect` that reaches ``simulator`` at ``url``:
    its token (or, with ``login``, its username and password), catalogue item 1 for lines
    without an item. ``overrides`` are merged last."""
    config: dict[str, Any] = {"provider": "onlyoffice", "base_url": url, "response_format": response_format}
    if login:
        # The simulator's tokens die with it: keep them in the client, not in the user's state file.
        config.update(username=simulator.username, password=simulator.password, state_store="memory:")
    else:
        config["token"] = simulator.token
    config["default_item_id"] = 1
    config.update(overrides)
    return config


def gohighlevel_simulator_config(
    simulator: GoHighLevelSimulator, url: str, *, oauth: bool = False, **overrides: Any
) -> dict[str, Any]:
    """A config mapping for :func:`invoicekit.connect` that reaches ``simulator`` at ``url``:
    its access token (or, with ``oauth``, its client id/secret and refresh token), its location
    and user, and the business name and default invoice name GHL requires. ``overrides`` are
    merged last."""
    config: dict[str, Any] = {"provider": "gohighlevel", "base_url": url, "location_id": simulator.location_id}
    if oauth:
        config.update(
            client_id=simulator.client_id,
            client_secret=simulator.client_secret,
            refresh_token=simulator.refresh_token,
            state_store="memory:",  # the simulator's tokens die with it: never in the user's state file
        )
    else:
        config["token"] = simulator.token
    config.update(user_id=simulator.user_id, business={"name": "Simulated Agency LLC"}, default_name="Invoice")
    config.update(overrides)
    return config


class OnlyOfficeSimulatorHarness(ProviderHarness):
    """ONLYOFFICE on an empty :class:`OnlyOfficeSimulator` (contacts and catalogue seeded)."""

    id_type: ClassVar[type[int]] = int
    forbidden_moves: ClassVar[tuple[ForbiddenMove, ...]] = (
        # Only drafts are editable (the server answers 404; the adapter refuses first).
        ForbiddenMove("update", ("send",)),
        ForbiddenMove("update", ("send", "mark_paid")),
    )

    def __init__(
        self,
        *,
        response_format: Literal["json", "xml"] = "json",
        login: bool = False,
        utc_offset: timedelta = timedelta(0),
    ) -> None:
        self.response_format: Literal["json", "xml"] = response_format
        self.login = login
        self.simulator = OnlyOfficeSimulator(invoices=0, utc_offset=utc_offset)

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[Mapping[str, Any]]:
        async with self.simulator.run() as url:
            yield onlyoffice_simulator_config(
                self.simulator, url, response_format=self.response_format, login=self.login, max_retries=0
            )

    def contacts(self) -> tuple[Contact, Contact]:
        return ONLYOFFICE_CONTACTS

    def missing_ids(self) -> Sequence[InvoiceId]:
        return (987654, 2**31 - 1)

    def invalid_ids(self) -> Sequence[object]:
        return (0, -3, "12a", "", 2**31, 1.0, True, None)

    def request_count(self) -> int:
        return len(self.simulator.requests)

    def list_request_count(self) -> int:
        return self.simulator.count("GET", "/api/2.0/crm/invoice/filter.*")


class GoHighLevelSimulatorHarness(ProviderHarness):
    """GoHighLevel on an empty :class:`GoHighLevelSimulator`, by access token or OAuth."""

    id_type: ClassVar[type[str]] = str
    forbidden_moves: ClassVar[tuple[ForbiddenMove, ...]] = (
        # Only drafts can be deleted; drafts cannot be voided (reference section 3).
        ForbiddenMove("delete", ("send",)),
        ForbiddenMove("delete", ("send", "mark_paid")),
        ForbiddenMove("delete", ("send", "void")),
        ForbiddenMove("void", ()),
    )

    def __init__(self, *, oauth: bool = False) -> None:
        self.oauth = oauth
        self.simulator = GoHighLevelSimulator(invoices=0)

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[Mapping[str, Any]]:
        async with self.simulator.run() as url:
            yield gohighlevel_simulator_config(self.simulator, url, oauth=self.oauth, max_retries=0)

    def contacts(self) -> tuple[Contact, Contact]:
        return GOHIGHLEVEL_CONTACTS

    def missing_ids(self) -> Sequence[InvoiceId]:
        return ("65f0c0ffee0000000000dead", "0" * 24)

    def invalid_ids(self) -> Sequence[object]:
        return ("", "a/b", "x y", " 65f0c0ffee", "65f0?x=1", "%2F", 42, None)

    def request_count(self) -> int:
        return len(self.simulator.requests)  # token refreshes included: they are sent too

    def list_request_count(self) -> int:
        return self.simulator.count("GET", "/invoices/")
