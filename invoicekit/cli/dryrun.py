"""``--dry-run``: a write command runs for real up to its first write request, which is shown
instead of sent.

The client gets a session whose connector refuses to open a connection for a write: a request
that is not GET/HEAD/OPTIONS and carries credentials (every invoice API call does; a login or a
token refresh does not, and goes through, as reads do). So the command does everything the real
one does before that point, through the same code: the arguments and the file become models,
the adapter runs its own checks and builds the request, and it reads what it needs (the invoice
to update or move, the next number for a create without one). What only the provider decides on
receiving the write (its validation, permissions, a conflicting change) stays unknown, and an
operation that needs several writes shows only the first.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

import aiohttp

from .._log import scrub
from ..models import Invoice
from . import output

if TYPE_CHECKING:
    import argparse

    from aiohttp.client_reqrep import ClientRequest
    from aiohttp.connector import Connection
    from aiohttp.tracing import Trace

DRY_RUN_HELP = """\
dry run (--dry-run):
  The command runs for real until its first request that would change something, and prints
  that request (method, URL, body) instead of sending it. Checked on the way: the arguments
  and the file (the same models as the real call), the provider client's own checks (ids,
  amounts, currency, and the status of the invoice where the client checks it before writing)
  and what reading the invoice tells (it exists; reads, logins and token refreshes are real
  requests). Not checked: what only the provider decides when it receives the write (its own
  validation, permissions, a change made meanwhile). An operation that needs several writes
  shows the first; one that needs none says so."""

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


class WouldSend(Exception):
    """The write request a dry run stopped: never an InvoiceKitError, so no adapter catches it."""

    def __init__(self, method: str, url: str, content_type: str, body: str | None) -> None:
        super().__init__(f"{method} {url}")
        self.method = method
        self.url = url
        self.content_type = content_type
        self.body = body

    def body_value(self) -> Any:
        """The body as JSON values when it is JSON, else its text (None without one)."""
        if self.body is not None and "json" in self.content_type:
            with contextlib.suppress(ValueError):
                return json.loads(self.body)
        return self.body


class _StopWrites(aiohttp.TCPConnector):
    async def connect(
        self, req: ClientRequest, traces: list[Trace], timeout: aiohttp.ClientTimeout  # noqa: ASYNC109 (aiohttp's)
    ) -> Connection:
        if req.method.upper() not in SAFE_METHODS and "Authorization" in req.headers:
            raise WouldSend(req.method.upper(), str(req.url), req.headers.get("Content-Type", ""), _text(req.body))
        return await super().connect(req, traces, timeout)


def _text(body: object) -> str | None:
    decode = getattr(body, "decode", None)  # aiohttp's payloads and bytes alike
    text = decode("utf-8", "replace") if body and callable(decode) else None
    return text if isinstance(text, str) else None


@contextlib.asynccontextmanager
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A session that lets reads through and stops the first write with :class:`WouldSend`."""
    async with aiohttp.ClientSession(connector=_StopWrites(), cookie_jar=aiohttp.DummyCookieJar()) as opened:
        yield opened


def print_would_send(write: WouldSend, args: argparse.Namespace) -> None:
    if output.wants_json(args):
        print(scrub(output.dumps({
            "dry_run": True, "would_send": {"method": write.method, "url": write.url, "body": write.body_value()},
        })))
        return
    lines = [f"dry run: nothing was sent; the first write would be {write.method} {write.url}"]
    body = write.body_value()
    if body is not None:
        lines.append(json.dumps(body, indent=2, ensure_ascii=False) if not isinstance(body, str) else body)
    sys.stdout.write(scrub("\n".join(lines)) + "\n")


def print_no_write(invoice: Invoice, args: argparse.Namespace) -> None:
    """The operation finished without needing a write (e.g. marking a paid invoice paid)."""
    if output.wants_json(args):
        raw = getattr(args, "raw", False)
        print(output.dumps({"dry_run": True, "would_send": None, "invoice": output.invoice_json(invoice, raw=raw)}))
        return
    print("dry run: no write needed; the invoice as it is:")
    output.write_detail(invoice, sys.stdout)
