"""The simulator registry: every simulator variant, reachable by config, without naming providers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

import invoicekit
from invoicekit.cli import build_parser
from invoicekit.testing import (
    GoHighLevelSimulator,
    OnlyOfficeSimulator,
    Simulator,
    SimulatorVariant,
    gohighlevel_simulator_config,
    onlyoffice_simulator_config,
    register_simulator,
    simulator_type,
    simulator_types,
    simulators,
)
from invoicekit.testing import registry as simulator_registry


def test_every_variant_is_an_entry_and_the_tour_runs_one_per_format() -> None:
    assert [v.name for v in simulators()] == [
        "onlyoffice-json", "onlyoffice-xml", "gohighlevel-token", "gohighlevel-oauth",
    ]
    assert [v.label for v in simulators(tour=True)] == ["onlyoffice (json)", "onlyoffice (xml)", "gohighlevel"]
    assert simulator_types() == (OnlyOfficeSimulator, GoHighLevelSimulator)
    assert simulator_type("gohighlevel") is GoHighLevelSimulator
    with pytest.raises(LookupError):
        simulator_type("acme")


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_each_variant_connects_and_lists_the_seeded_invoices(variant: SimulatorVariant) -> None:
    simulator = variant.simulator(invoices=3)
    assert variant.contact in type(simulator).contacts
    async with simulator.run() as url:
        config = variant.client_config(simulator, max_retries=0)
        assert config["provider"] == variant.provider and config["base_url"] == url and config["max_retries"] == 0
        async with invoicekit.connect(config) as client:
            assert len([i async for i in client.list(page_size=2)]) == 3
    assert simulator.count() >= 2


async def test_the_variants_differ_on_the_wire() -> None:
    oo = OnlyOfficeSimulator(invoices=1)
    async with oo.run(), invoicekit.connect(oo.client_config(response_format="xml")) as client:
        await client.get(1)
    assert oo.requests[0].path == "/api/2.0/crm/invoice/1.xml"
    ghl = GoHighLevelSimulator(invoices=0)
    async with ghl.run(), invoicekit.connect(ghl.client_config(auth="oauth")) as client:
        await client.generate_number()
    assert [r.path for r in ghl.requests] == ["/oauth/token", "/invoices/generate-invoice-number"]


def test_client_config_refuses_unknown_choices_and_needs_a_url() -> None:
    with pytest.raises(ValueError, match="response format must be json or xml, not 'yaml'"):
        OnlyOfficeSimulator().client_config(url="http://127.0.0.1:1", response_format="yaml")
    with pytest.raises(ValueError, match="auth must be token or oauth, not 'basic'"):
        GoHighLevelSimulator().client_config(url="http://127.0.0.1:1", auth="basic")
    with pytest.raises(RuntimeError, match="not running"):
        GoHighLevelSimulator().client_config()


def test_the_older_config_helpers_are_client_config() -> None:
    oo, ghl = OnlyOfficeSimulator(), GoHighLevelSimulator()
    url = "http://127.0.0.1:9"
    assert onlyoffice_simulator_config(oo, url, response_format="xml", login=True, timeout=3) == oo.client_config(
        url=url, response_format="xml", login=True, timeout=3
    )
    assert gohighlevel_simulator_config(ghl, url, oauth=True) == ghl.client_config(url=url, auth="oauth")


class _EchoSimulator(OnlyOfficeSimulator):
    """Stands in for a third party's simulator (a different provider name)."""

    provider: ClassVar[str] = "echo"
    variants: ClassVar[dict[str, dict[str, Any]]] = {"plain": {}}
    tour: ClassVar[tuple[str, ...]] = ("plain",)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Simulator]]:
    monkeypatch.setattr(simulator_registry, "_REGISTERED", {})
    register_simulator(_EchoSimulator)
    yield _EchoSimulator


def test_a_registered_simulator_joins_every_loop(registered: type[Simulator]) -> None:
    assert simulator_types()[-1] is registered
    assert [v.name for v in simulators(tour=True)][-1] == "echo-plain"
    assert [v.label for v in simulators(tour=True)][-1] == "echo"


def test_invoicekit_simulate_has_one_subcommand_per_simulator() -> None:
    parser = build_parser()
    for simulator in simulator_types():
        args = parser.parse_args(["simulate", simulator.provider, "--port", "0"])
        assert args.simulator_type is simulator and args.port == 0
    args = parser.parse_args(["simulate", "ghl", "--location-id", "Loc1"])
    assert args.simulator_type is GoHighLevelSimulator and args.location_id == "Loc1"
