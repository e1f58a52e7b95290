"""Contract tests: the adapters' requests checked against the providers' official API files."""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

import aioresponses.core as core
from aiohttp import ClientResponse
from yarl import URL


def _aioresponses_compat() -> None:
    """aioresponses 0.7.9 (the newest) builds ClientResponse without the ``stream_writer`` that
    aiohttp 3.14 requires (same shim as tests/gohighlevel/conftest.py; idempotent)."""
    if "stream_writer" not in inspect.signature(ClientResponse.__init__).parameters:
        return
    if getattr(core.ClientResponse, "_invoicekit_compat", False):
        return

    class CompatResponse(ClientResponse):
        _invoicekit_compat = True

        def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
            super().__init__(method, url, **kwargs)

    core.ClientResponse = CompatResponse  # type: ignore[misc]


_aioresponses_compat()
