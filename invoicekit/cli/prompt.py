"""A yes/no question on the terminal, asked without blocking the event loop.

The answer is awaited through the loop (``add_reader`` on stdin), so Ctrl+C at the question
cancels the command at once, as it would anywhere else, and the command keeps its one client:
a second connection would log in or refresh a token a second time.
"""

from __future__ import annotations

import asyncio
import os
import sys


async def ask(question: str) -> bool:
    """Write ``question`` to stderr; True when the answer is ``y`` or ``yes`` (any case)."""
    sys.stderr.write(question)
    sys.stderr.flush()
    return (await _read_line()).strip().lower() in ("y", "yes")


async def _read_line() -> str:
    loop = asyncio.get_running_loop()
    try:
        fd = sys.stdin.fileno()
        answer: asyncio.Future[str] = loop.create_future()

        def ready() -> None:
            if not answer.done():
                answer.set_result(os.read(fd, 4096).decode(errors="replace"))  # b"" at end of input: no

        loop.add_reader(fd, ready)
    except (OSError, ValueError, NotImplementedError):
        # No pollable stdin (Windows' loop, a replaced sys.stdin): a plain blocking read.
        return sys.stdin.readline()
    try:
        return await answer
    finally:
        loop.remove_reader(fd)
