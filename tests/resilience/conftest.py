"""Hostile servers and faults through the adapters reuse the transport tests' local servers
(``tests/transport/conftest.py``): 127.0.0.1, port 0, stopped by the ``harness`` fixture."""

from tests.transport.conftest import (  # noqa: F401
    PROVIDER,
    TOKEN,
    Harness,
    Request,
    adapter_get_error,
    get,
    harness,
    text,
)
