"""Running a command's async body: config resolved first, one client, SIGTERM as a clean stop.

SIGTERM (a service manager, ``kill``, a CI timeout) cancels the running command as Ctrl+C does,
so every ``finally`` runs (connections close, ``export`` removes its temporary file), and then
ends it with :class:`Terminated` (exit status 143).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..client import InvoiceClient
from ..config import connect
from . import dryrun
from .common import resolve_config

T = TypeVar("T")
Body = Callable[[InvoiceClient, argparse.Namespace], Awaitable[int]]


class Terminated(Exception):
    """The command was stopped by SIGTERM, after cleaning up."""


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
    """``asyncio.run(main())``, the one place where a command's event loop starts, with SIGTERM
    cancelling it (then :class:`Terminated`)."""
    return asyncio.run(_stoppable(main))


async def _stoppable(main: Callable[[], Awaitable[T]]) -> T:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    terminated = False

    def terminate() -> None:
        nonlocal terminated
        terminated = True
        task.cancel()

    installed = False
    # Windows has no loop signal handlers, and only the main thread may set one (in-process
    # tests run the CLI in a worker thread): there SIGTERM keeps its default meaning.
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGTERM, terminate)
        installed = True
    try:
        return await main()
    except asyncio.CancelledError:
        if terminated:
            raise Terminated from None
        raise
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGTERM)


def command(body: Body) -> Callable[[argparse.Namespace], int]:
    """A parser's ``func``: :func:`run` with this body."""
    return lambda args: run(args, body)
