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

Choose per test (or class/module, with ``pytestmark``) with markers: keyword arguments of the
simulator's ``client_config`` (``response_format``, ``login``, ``auth``) choose how the client
connects, ``config`` overrides config keys, the others go to the simulator's constructor
(``invoices=0``, ``burst_limit=5``...)::

    @pytest.mark.invoicekit_onlyoffice(response_format="xml", login=True, invoices=0)
    @pytest.mark.invoicekit_gohighlevel(auth="oauth", config={"max_retries": 0})

or project-wide with ini options ``invoicekit_onlyoffice_format = json|xml`` and
``invoicekit_gohighlevel_auth = token|oauth``.

The fixtures are made for every simulator :func:`invoicekit.testing.simulator_types` knows when
the plugin loads (the built-in ones), named after its provider. The async fixtures need
pytest-asyncio (``asyncio_mode = auto``, or mark the tests). This module is imported by every
pytest run where invoicekit is installed, so it never fails: without pytest-asyncio the fixtures
exist and fail with a clear message when used.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from .registry import simulator_types

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

SIMULATORS = simulator_types()
PROVIDERS = tuple(simulator.provider for simulator in SIMULATORS)


def _mark_name(simulator_type: type[Simulator]) -> str:
    return f"invoicekit_{simulator_type.provider}"


def _choices(simulator_type: type[Simulator]) -> dict[str, Any]:
    """The keyword choices of ``client_config`` (``response_format``...) and their defaults."""
    parameters = inspect.signature(simulator_type.client_config).parameters.values()
    return {p.name: p.default for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "url"}


def pytest_addoption(parser: pytest.Parser) -> None:
    for simulator_type in SIMULATORS:
        defaults = _choices(simulator_type)
        for ini, (keyword, help_text) in simulator_type.pytest_ini.items():
            parser.addini(ini, f"invoicekit: {help_text}", default=str(defaults[keyword]))


def pytest_configure(config: pytest.Config) -> None:
    for simulator_type in SIMULATORS:
        choices = ", ".join(f"{name}=None" for name in _choices(simulator_type))
        config.addinivalue_line(
            "markers",
            f"{_mark_name(simulator_type)}({choices}, config=None, **simulator): how the "
            f"{simulator_type.provider}_* fixtures run: client_config choices, config overrides, simulator arguments",
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


def _named(fn: Callable[..., Any], name: str, doc: str, parameters: tuple[str, ...] | None = None) -> None:
    """Give a generated fixture function its fixture name (and, when given, the names of the
    fixtures it takes, which pytest reads from the signature)."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    if parameters is not None:
        fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in parameters]
        )


def _marker(request: pytest.FixtureRequest, simulator_type: type[Simulator]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The closest marker's keyword arguments, split into (plugin options, simulator arguments)."""
    name = _mark_name(simulator_type)
    mark = request.node.get_closest_marker(name)
    if mark is None:
        return {}, {}
    if mark.args:
        pytest.fail(f"@pytest.mark.{name} takes keyword arguments only", pytrace=False)
    plugin_keys = {*_choices(simulator_type), "config"}
    options = {k: v for k, v in mark.kwargs.items() if k in plugin_keys}
    simulator = {k: v for k, v in mark.kwargs.items() if k not in plugin_keys}
    return options, simulator


def _client_config(request: pytest.FixtureRequest, simulator: Simulator) -> dict[str, Any]:
    """The config for ``simulator``: the marker's choices, else the ini options, else the
    defaults of ``client_config``; then the marker's ``config`` overrides."""
    simulator_type = type(simulator)
    options, _ = _marker(request, simulator_type)
    chosen: dict[str, Any] = {}
    for ini, (keyword, _help) in simulator_type.pytest_ini.items():
        chosen[keyword] = request.config.getini(ini)
    chosen.update((k, v) for k, v in options.items() if k != "config" and v is not None)
    chosen = {k: v.strip().lower() if isinstance(v, str) else v for k, v in chosen.items()}
    overrides = options.get("config") or {}
    if not isinstance(overrides, dict):
        pytest.fail(f"@pytest.mark.{_mark_name(simulator_type)}(config=...) must be a dict", pytrace=False)
    try:
        return simulator.client_config(**chosen, **overrides)
    except ValueError as exc:
        pytest.fail(f"invoicekit: {exc}", pytrace=False)


def _fixtures_for(simulator_type: type[Simulator]) -> dict[str, Any]:
    """``<provider>_simulator``, ``_config``, ``_contact`` and ``_client`` for one simulator."""
    provider = simulator_type.provider

    async def simulator_fixture(request: pytest.FixtureRequest) -> AsyncIterator[Simulator]:
        _, arguments = _marker(request, simulator_type)
        simulator = simulator_type(**arguments)
        async with simulator.run():
            yield simulator

    def config_fixture(request: pytest.FixtureRequest) -> dict[str, Any]:
        simulator: Simulator = request.getfixturevalue(f"{provider}_simulator")
        return _client_config(request, simulator)

    def contact_fixture() -> Contact:
        return simulator_type.contacts[0]

    async def client_fixture(**fixtures: Any) -> AsyncIterator[InvoiceClient]:
        from ..config import connect

        async with connect(fixtures[f"{provider}_config"]) as client:
            yield client

    _named(simulator_fixture, f"{provider}_simulator",
           f"A running :class:`{simulator_type.__name__}` (``sim.url`` is where it serves).")
    _named(config_fixture, f"{provider}_config",
           f"``invoicekit.connect`` config for the running {provider} simulator (a new dict per test).")
    _named(contact_fixture, f"{provider}_contact", f"A customer the {provider} simulator accepts.")
    _named(client_fixture, f"{provider}_client",
           f"A client connected to the {provider} simulator, closed after the test.", (f"{provider}_config",))
    return {
        simulator_fixture.__name__: _async_fixture(simulator_fixture),
        config_fixture.__name__: pytest.fixture(config_fixture),
        contact_fixture.__name__: pytest.fixture(contact_fixture),
        client_fixture.__name__: _async_fixture(client_fixture),
    }


for _simulator_type in SIMULATORS:
    globals().update(_fixtures_for(_simulator_type))


@pytest.fixture
def gohighlevel_webhooks(gohighlevel_simulator: GoHighLevelSimulator) -> WebhookSender:
    """The simulator's signed webhooks: ``register(url)`` a receiver, then every state change
    is POSTed to it, signed by the test keys ``ed25519_public_key``/``rsa_public_key``
    (``verifier()`` builds a matching :class:`~invoicekit.events.WebhookVerifier`)."""
    return gohighlevel_simulator.webhooks


# -- every provider -----------------------------------------------------------------------------
# Plain fixtures that pick the provider's own fixture: the async ones run in the test's loop.


@pytest.fixture(params=PROVIDERS)
def invoicekit_provider(request: pytest.FixtureRequest) -> str:
    """Each provider in turn: tests using it (or the fixtures below) run once per provider."""
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
