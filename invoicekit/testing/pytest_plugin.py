"""pytest plugin: running provider simulators and connected clients as fixtures.

Installed with invoicekit and registered through the ``pytest11`` entry point, so a project's
own service tests get real HTTP round trips against an in-memory provider and need no mocks::

    async def test_billing(onlyoffice_client, onlyoffice_contact):
        invoice = await bill_customer(onlyoffice_client, onlyoffice_contact)
        assert invoice.status == "draft"

    async def test_billing_on_every_provider(invoicekit_config, invoicekit_contact):
        await my_service(invoicekit_config, invoicekit_contact)  # runs once per provider

Fixtures (function scope; each test gets a fresh simulator on 127.0.0.1):

- ``onlyoffice_simulator`` / ``gohighlevel_simulator``: the running simulator (``sim.url``,
  ``sim.store``, ``sim.requests``, ``sim.faults``...);
- ``onlyoffice_config`` / ``gohighlevel_config``: a config mapping for ``invoicekit.connect``
  pointing at it (a new dict per test: change it freely);
- ``onlyoffice_client`` / ``gohighlevel_client``: a connected client, closed after the test;
- ``onlyoffice_contact`` / ``gohighlevel_contact``: a customer the simulator accepts;
- ``gohighlevel_webhooks``: the GoHighLevel simulator's signed webhooks (``register(url)``,
  the test public keys, ``verifier()``, ``deliveries``);
- ``invoicekit_provider`` (parametrized: ``"onlyoffice"``, ``"gohighlevel"``) with
  ``invoicekit_simulator``, ``invoicekit_config``, ``invoicekit_client`` and
  ``invoicekit_contact``: the same test once per provider.

Choose per test (or class/module, with ``pytestmark``) with markers; keyword arguments other
than those below go to the simulator's constructor (``invoices=0``, ``burst_limit=5``...)::

    @pytest.mark.invoicekit_onlyoffice(response_format="xml", login=True, invoices=0)
    @pytest.mark.invoicekit_gohighlevel(auth="oauth", config={"max_retries": 0})

or project-wide with ini options ``invoicekit_onlyoffice_format = json|xml`` and
``invoicekit_gohighlevel_auth = token|oauth``.

The async fixtures need pytest-asyncio (``asyncio_mode = auto``, or mark the tests). This module
is imported by every pytest run where invoicekit is installed, so it imports nothing heavy and
never fails: without pytest-asyncio the fixtures exist and fail with a clear message when used.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

_pytest_asyncio: ModuleType | None
try:
    import pytest_asyncio as _pytest_asyncio
except ImportError:  # pragma: no cover - depends on the environment
    _pytest_asyncio = None

if TYPE_CHECKING:
    from ..client import InvoiceClient
    from ..models import Contact
    from ._server import Simulator
    from .gohighlevel_sim import GoHighLevelSimulator
    from .gohighlevel_sim.webhooks import WebhookSender
    from .onlyoffice_sim import OnlyOfficeSimulator

PROVIDERS = ("onlyoffice", "gohighlevel")
_FORMATS = ("json", "xml")
_AUTHS = ("token", "oauth")
_OO_MARK = "invoicekit_onlyoffice"
_GHL_MARK = "invoicekit_gohighlevel"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "invoicekit_onlyoffice_format", "invoicekit: ONLYOFFICE response format of the fixtures (json or xml)",
        default="json",
    )
    parser.addini(
        "invoicekit_gohighlevel_auth", "invoicekit: GoHighLevel fixtures authenticate by 'token' or 'oauth'",
        default="token",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_OO_MARK}(response_format=None, login=False, config=None, **simulator): how the onlyoffice_* "
        "fixtures run: response format, username/password login, config overrides, simulator arguments",
    )
    config.addinivalue_line(
        "markers",
        f"{_GHL_MARK}(auth=None, config=None, **simulator): how the gohighlevel_* fixtures run: "
        "'token' or 'oauth', config overrides, simulator arguments",
    )


def _async_fixture(fn: Callable[..., Any]) -> Any:
    """``pytest_asyncio.fixture`` when pytest-asyncio is installed; else a fixture that fails
    with an explanation only when a test uses it."""
    if _pytest_asyncio is not None:
        return _pytest_asyncio.fixture(fn)

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        pytest.fail(
            f"the {fn.__name__} fixture (invoicekit) needs pytest-asyncio: pip install pytest-asyncio",
            pytrace=False,
        )

    # The same name and arguments, but not functools.wraps: pytest follows __wrapped__ to the
    # async function and would refuse it before this message could be shown.
    unavailable.__name__ = unavailable.__qualname__ = fn.__name__
    unavailable.__doc__ = fn.__doc__
    unavailable.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    return pytest.fixture(unavailable)


def _marker(
    request: pytest.FixtureRequest, name: str, plugin_keys: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The closest marker's keyword arguments, split into (plugin options, simulator arguments)."""
    mark = request.node.get_closest_marker(name)
    if mark is None:
        return {}, {}
    if mark.args:
        pytest.fail(f"@pytest.mark.{name} takes keyword arguments only", pytrace=False)
    options = {k: v for k, v in mark.kwargs.items() if k in plugin_keys}
    simulator = {k: v for k, v in mark.kwargs.items() if k not in plugin_keys}
    return options, simulator


def _choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        pytest.fail(f"invoicekit: {what} must be {' or '.join(allowed)}, not {value!r}", pytrace=False)
    return text


def _overrides(options: dict[str, Any], name: str) -> dict[str, Any]:
    extra = options.get("config") or {}
    if not isinstance(extra, dict):
        pytest.fail(f"@pytest.mark.{name}(config=...) must be a dict", pytrace=False)
    return dict(extra)


# -- ONLYOFFICE ---------------------------------------------------------------------------------


@_async_fixture
async def onlyoffice_simulator(request: pytest.FixtureRequest) -> AsyncIterator[OnlyOfficeSimulator]:
    """A running :class:`~invoicekit.testing.OnlyOfficeSimulator` (``sim.url`` is its portal)."""
    from .onlyoffice_sim import OnlyOfficeSimulator

    _, arguments = _marker(request, _OO_MARK, ("response_format", "login", "config"))
    simulator = OnlyOfficeSimulator(**arguments)
    async with simulator.run():
        yield simulator


@pytest.fixture
def onlyoffice_config(onlyoffice_simulator: OnlyOfficeSimulator, request: pytest.FixtureRequest) -> dict[str, Any]:
    """``invoicekit.connect`` config for the running ONLYOFFICE simulator."""
    from .conformance.simulated import onlyoffice_simulator_config

    options, _ = _marker(request, _OO_MARK, ("response_format", "login", "config"))
    response_format = _choice(
        options.get("response_format") or request.config.getini("invoicekit_onlyoffice_format"), _FORMATS,
        "the ONLYOFFICE response format",
    )
    assert onlyoffice_simulator.url is not None
    return onlyoffice_simulator_config(
        onlyoffice_simulator, onlyoffice_simulator.url, response_format="xml" if response_format == "xml" else "json",
        login=bool(options.get("login", False)), **_overrides(options, _OO_MARK),
    )


@pytest.fixture
def onlyoffice_contact() -> Contact:
    """A person the ONLYOFFICE simulator has (contact 2)."""
    from .conformance.simulated import ONLYOFFICE_CONTACTS

    return ONLYOFFICE_CONTACTS[0]


@_async_fixture
async def onlyoffice_client(onlyoffice_config: dict[str, Any]) -> AsyncIterator[InvoiceClient]:
    """A client connected to the ONLYOFFICE simulator, closed after the test."""
    from ..config import connect

    async with connect(onlyoffice_config) as client:
        yield client


# -- GoHighLevel --------------------------------------------------------------------------------


@_async_fixture
async def gohighlevel_simulator(request: pytest.FixtureRequest) -> AsyncIterator[GoHighLevelSimulator]:
    """A running :class:`~invoicekit.testing.GoHighLevelSimulator` (``sim.url`` is its API base)."""
    from .gohighlevel_sim import GoHighLevelSimulator

    _, arguments = _marker(request, _GHL_MARK, ("auth", "config"))
    simulator = GoHighLevelSimulator(**arguments)
    async with simulator.run():
        yield simulator


@pytest.fixture
def gohighlevel_config(gohighlevel_simulator: GoHighLevelSimulator, request: pytest.FixtureRequest) -> dict[str, Any]:
    """``invoicekit.connect`` config for the running GoHighLevel simulator."""
    from .conformance.simulated import gohighlevel_simulator_config

    options, _ = _marker(request, _GHL_MARK, ("auth", "config"))
    auth = _choice(
        options.get("auth") or request.config.getini("invoicekit_gohighlevel_auth"), _AUTHS, "the GoHighLevel auth"
    )
    assert gohighlevel_simulator.url is not None
    return gohighlevel_simulator_config(
        gohighlevel_simulator, gohighlevel_simulator.url, oauth=auth == "oauth", **_overrides(options, _GHL_MARK)
    )


@pytest.fixture
def gohighlevel_contact() -> Contact:
    """A customer for GoHighLevel invoices (GHL takes the contact's details with each invoice)."""
    from .conformance.simulated import GOHIGHLEVEL_CONTACTS

    return GOHIGHLEVEL_CONTACTS[0]


@pytest.fixture
def gohighlevel_webhooks(gohighlevel_simulator: GoHighLevelSimulator) -> WebhookSender:
    """The simulator's signed webhooks: ``register(url)`` a receiver, then every state change
    is POSTed to it, signed by the test keys ``ed25519_public_key``/``rsa_public_key``
    (``verifier()`` builds a matching :class:`~invoicekit.events.WebhookVerifier`)."""
    return gohighlevel_simulator.webhooks


@_async_fixture
async def gohighlevel_client(gohighlevel_config: dict[str, Any]) -> AsyncIterator[InvoiceClient]:
    """A client connected to the GoHighLevel simulator, closed after the test."""
    from ..config import connect

    async with connect(gohighlevel_config) as client:
        yield client


# -- both providers -----------------------------------------------------------------------------
# Plain fixtures that pick the provider's own fixture: the async ones run in the test's loop.


@pytest.fixture(params=PROVIDERS)
def invoicekit_provider(request: pytest.FixtureRequest) -> str:
    """``"onlyoffice"``, then ``"gohighlevel"``: tests using it (or the fixtures below) run once each."""
    return str(request.param)


@pytest.fixture
def invoicekit_simulator(invoicekit_provider: str, request: pytest.FixtureRequest) -> Simulator:
    simulator: Simulator = request.getfixturevalue(f"{invoicekit_provider}_simulator")
    return simulator


@pytest.fixture
def invoicekit_config(invoicekit_provider: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    config: dict[str, Any] = request.getfixturevalue(f"{invoicekit_provider}_config")
    return config


@pytest.fixture
def invoicekit_contact(invoicekit_provider: str, request: pytest.FixtureRequest) -> Contact:
    contact: Contact = request.getfixturevalue(f"{invoicekit_provider}_contact")
    return contact


@pytest.fixture
def invoicekit_client(invoicekit_provider: str, request: pytest.FixtureRequest) -> InvoiceClient:
    client: InvoiceClient = request.getfixturevalue(f"{invoicekit_provider}_client")
    return client
