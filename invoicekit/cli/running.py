"""Running a command's async body: config resolved first, then one client for the body."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from ..client import InvoiceClient
from ..config import connect
from .common import resolve_config

Body = Callable[[InvoiceClient, argparse.Namespace], Awaitable[int]]


def run(args: argparse.Namespace, body: Body) -> int:
    """``body(client, args)`` with a client for the configured provider; its exit status."""
    config = resolve_config(args)  # config errors surface before any event loop or socket

    async def with_client() -> int:
        async with connect(config) as client:
            return await body(client, args)

    return asyncio.run(with_client())


def command(body: Body) -> Callable[[argparse.Namespace], int]:
    """A parser's ``func``: :func:`run` with this body."""
    return lambda args: run(args, body)
