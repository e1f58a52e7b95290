"""Running a command's async body: config resolved first, then one client for the body."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..client import InvoiceClient
from ..config import connect
from . import dryrun
from .common import resolve_config

T = TypeVar("T")
Body = Callable[[InvoiceClient, argparse.Namespace], Awaitable[int]]


def run(
    args: argparse.Namespace, body: Callable[[InvoiceClient, argparse.Namespace], Awaitable[T]], *,
    dry_run: bool = False,
) -> T:
    """``body(client, args)`` with a client for the configured provider. With ``dry_run`` the
    client's first write raises :class:`invoicekit.cli.dryrun.WouldSend` instead of going out."""
    config = resolve_config(args)  # config errors surface before any event loop or socket

    async def with_client() -> T:
        if not dry_run:
            async with connect(config) as client:
                return await body(client, args)
        async with dryrun.session() as session, connect(config, session=session) as client:
            return await body(client, args)

    return run_async(with_client)


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """``asyncio.run(main())``: the one place where a command's event loop starts."""
    return asyncio.run(_awaited(main))


async def _awaited(main: Callable[[], Awaitable[T]]) -> T:
    return await main()


def command(body: Body) -> Callable[[argparse.Namespace], int]:
    """A parser's ``func``: :func:`run` with this body."""
    return lambda args: run(args, body)
