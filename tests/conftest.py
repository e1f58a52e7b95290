"""Test-suite wide setup."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import aioresponses.core as aioresponses_core
import pytest
from aiohttp import ClientResponse
from yarl import URL


def _aioresponses_compat() -> None:
    """aioresponses 0.7.9 (the newest release) builds ``ClientResponse`` without the
    ``stream_writer`` argument that aiohttp 3.14 requires; hand it a finished writer.
    A no-op on aiohttp versions that do not take the argument."""
    if "stream_writer" not in inspect.signature(ClientResponse.__init__).parameters:
        return

    class CompatResponse(ClientResponse):
        def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
            super().__init__(method, url, **kwargs)

    aioresponses_core.ClientResponse = CompatResponse  # type: ignore[misc]


_aioresponses_compat()


@pytest.fixture(autouse=True)
def _private_state_directory(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """OAuth and password-login clients keep their tokens in the user's state directory by
    default: every test gets its own, so no test reads another's tokens or writes to ``~``."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


_SPAN_EXPORTERS: list[Any] = []  # the one in-memory exporter, made at first use


@pytest.fixture
def spans() -> Iterator[Any]:
    """The OpenTelemetry spans finished during the test (an ``InMemorySpanExporter``).

    The global tracer provider can be set once per process: this sets an SDK one the first time
    and adds the exporter to it, and every later test reuses both.
    """
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    if not _SPAN_EXPORTERS:
        provider = trace.get_tracer_provider()
        if not isinstance(provider, TracerProvider):
            provider = TracerProvider()
            trace.set_tracer_provider(provider)
        exporter = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        _SPAN_EXPORTERS.append(exporter)
    exporter = _SPAN_EXPORTERS[0]
    exporter.clear()
    yield exporter
    exporter.clear()
