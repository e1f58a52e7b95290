"""Closing several resources in order, each one even when an earlier one failed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

Closer = Callable[[], Awaitable[None]]


async def aclose_all(*closers: Closer | None) -> None:
    """Await every closer in order (None ones skipped); the first failure is raised at the end."""
    first: BaseException | None = None
    for closer in closers:
        if closer is None:
            continue
        try:
            await closer()
        except BaseException as exc:
            first = first or exc
    if first is not None:
        raise first
