"""The simulator registry: every in-process simulator, and every way to configure a client for it.

The demo, the pytest plugin, the conformance harnesses and ``invoicekit simulate`` loop over
:func:`simulators` (or :func:`simulator_types`) instead of naming providers. A built-in
provider's simulator is ``SIMULATOR`` in ``invoicekit.testing.<provider>_sim``, found through
the provider registry (:func:`invoicekit.registry.builtin_providers`); a third-party adapter
adds its own simulator with :func:`register_simulator`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from ..models import Contact
from ..registry import builtin_providers
from ._server import Simulator

_REGISTERED: dict[str, type[Simulator]] = {}


def register_simulator(simulator_type: type[Simulator]) -> None:
    """Make a simulator class (with ``provider``, ``variants``, ``client_config``...) known to
    :func:`simulators`; it replaces any simulator registered for the same provider."""
    _REGISTERED[simulator_type.provider] = simulator_type


def simulator_types() -> tuple[type[Simulator], ...]:
    """One simulator class per provider: the built-in ones first, then the registered ones."""
    found: dict[str, type[Simulator]] = {}
    for provider in builtin_providers():
        found[provider] = importlib.import_module(f"{__package__}.{provider}_sim").SIMULATOR
    found.update(_REGISTERED)
    return tuple(found.values())


def simulator_type(provider: str) -> type[Simulator]:
    """The simulator class of ``provider`` (its registry name); LookupError when there is none."""
    for candidate in simulator_types():
        if candidate.provider == provider:
            return candidate
    raise LookupError(f"no simulator for provider {provider!r}")


@frozen
class SimulatorVariant:
    """One way to run a client against a simulator: ONLYOFFICE answering JSON, or XML;
    GoHighLevel by access token, or by OAuth."""

    simulator_type: type[Simulator]
    #: The variant's key in ``simulator_type.variants`` (``"xml"``, ``"oauth"``).
    variant: str

    @property
    def provider(self) -> str:
        return self.simulator_type.provider

    @property
    def name(self) -> str:
        """``provider-variant``: ``"onlyoffice-xml"``, ``"gohighlevel-oauth"``."""
        return f"{self.provider}-{self.variant}"

    @property
    def label(self) -> str:
        """How the demo titles it: the provider alone when the demo runs one variant of it."""
        if len(self.simulator_type.tour) == 1 and self.variant in self.simulator_type.tour:
            return self.provider
        return f"{self.provider} ({self.variant})"

    @property
    def options(self) -> Mapping[str, Any]:
        """The keyword arguments of ``client_config`` that select this variant."""
        return self.simulator_type.variants[self.variant]

    @property
    def contact(self) -> Contact:
        """A customer the simulator accepts."""
        return self.simulator_type.contacts[0]

    def simulator(self, **arguments: Any) -> Simulator:
        """A new simulator (``arguments`` go to its constructor: ``invoices=0``...)."""
        return self.simulator_type(**arguments)

    def client_config(self, simulator: Simulator, **overrides: Any) -> dict[str, Any]:
        """The config mapping for this variant of a running ``simulator``."""
        return simulator.client_config(**{**self.options, **overrides})


def simulators(*, tour: bool = False) -> tuple[SimulatorVariant, ...]:
    """Every simulator variant, provider by provider; with ``tour``, those ``invoicekit demo`` runs."""
    return tuple(
        SimulatorVariant(simulator_type, variant)
        for simulator_type in simulator_types()
        for variant in simulator_type.variants
        if not tour or variant in simulator_type.tour
    )


__all__ = ["SimulatorVariant", "register_simulator", "simulator_type", "simulator_types", "simulators"]
