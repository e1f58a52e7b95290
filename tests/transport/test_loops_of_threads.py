"""The transport's table of event loops, as two threads change it at once.

Each event loop a client is used in gets its own session, and the loops that have ended are
forgotten when a new one starts. With threads, another thread may register or forget a loop in
the middle of that: here a loop that has ended does exactly that when it is asked whether it is
closed, the moment a second thread would.
"""

from __future__ import annotations

import asyncio
from typing import Any

from invoicekit._http.transport import HttpTransport
from invoicekit.options import ClientOptions


class _EndedLoop:
    """An ended loop whose ``is_closed()`` runs ``meanwhile`` (what another thread does then)."""

    def __init__(self, transport: HttpTransport, meanwhile: str) -> None:
        self._transport = transport
        self._meanwhile = meanwhile

    def is_closed(self) -> bool:
        loops: dict[Any, Any] = self._transport._loops  # type: ignore[assignment]
        if self._meanwhile == "registers":
            loops[object()] = None  # another thread's loop, registered now
        else:
            loops.pop(self, None)  # another thread forgot this ended loop first
        return True


async def _first_session_while_another_thread(meanwhile: str) -> None:
    transport = HttpTransport(provider="testapi", base_url="http://127.0.0.1:9/", options=ClientOptions())
    ended = _EndedLoop(transport, meanwhile)
    transport._loops[ended] = None  # type: ignore[index]
    try:
        state = await transport._enter(asyncio.get_running_loop())  # a new loop: ended ones forgotten
        assert ended not in transport._loops
        assert transport._loops[asyncio.get_running_loop()] is state
    finally:
        for stand_in in [loop for loop, state in transport._loops.items() if state is None]:
            del transport._loops[stand_in]  # the stand-ins have no session to close
        await transport.aclose()


async def test_a_loop_registered_by_another_thread_meanwhile() -> None:
    # Before: RuntimeError: dictionary changed size during iteration.
    await _first_session_while_another_thread("registers")


async def test_an_ended_loop_forgotten_by_another_thread_first() -> None:
    # Before: the same RuntimeError, or a KeyError deleting the loop the other thread forgot.
    await _first_session_while_another_thread("forgets")
