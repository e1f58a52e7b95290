"""No credential is reachable from a raised error: not through ``__cause__``, ``__context__``,
``args``, notes, or any attribute of the error or of anything in its chain.

aiohttp's errors for a broken answer (a status line ``2OO``, a ``Content-Length: abc``) carry the
request they belong to, headers included; chained as ``__cause__`` they handed the token to
anyone who logs ``repr(vars(error.__cause__))``. A raw local server sends the garbage.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from invoicekit.errors import InvoiceKitError
from invoicekit.options import ClientOptions

from .conftest import TOKEN, Harness, adapter_get_error, get

OPTS = ClientOptions(max_retries=1, timeout=5)

GARBAGE = {
    "status line 2OO": b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\n{}",
    "content-length abc": b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}",
    "negative content-length": b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}",
    "header without colon": b"HTTP/1.1 200 OK\r\nthis is no header\r\nContent-Length: 2\r\n\r\n{}",
    "not http at all": b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
    "http/9": b"HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    "header line too long": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n{}",
    "bad chunk size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "status 9999": b"HTTP/1.1 9999 Odd\r\nContent-Length: 2\r\n\r\n{}",
    "nul in header": b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\n{}",
    "two content-lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "bad gzip": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
}

_LEAVES = (str, bytes, bytearray, int, float, bool, type(None))
#: Code and machinery, not data: never followed (frames' locals are out of scope).
_NOT_FOLLOWED = (
    types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
    types.TracebackType, types.FrameType, types.CodeType, asyncio.AbstractEventLoop,
)


def reachable(root: object, limit: int = 20_000) -> Iterator[object]:
    """Every object reachable from ``root`` through exception links, attributes (instance dict
    and slots), mappings and sequences; modules, classes and functions are not followed."""
    seen: set[int] = set()
    stack: list[object] = [root]
    while stack and len(seen) < limit:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        yield value
        if isinstance(value, _LEAVES + _NOT_FOLLOWED):
            continue
        if isinstance(value, BaseException):
            stack.extend([value.__cause__, value.__context__, *value.args, *getattr(value, "__notes__", [])])
        if isinstance(value, Mapping):
            try:
                stack.extend(value)
                stack.extend(value.values())
            except Exception:  # a mapping that cannot be walked shows nothing
                continue
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend(value)
        stack.extend(getattr(value, "__dict__", {}).values())
        for cls in type(value).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if isinstance(slot, str) and slot not in ("__weakref__", "__dict__") and hasattr(value, slot):
                    stack.append(getattr(value, slot))


def assert_no_secret_reachable(error: BaseException) -> None:
    for value in reachable(error):
        if isinstance(value, bytes | bytearray):
            assert TOKEN.encode() not in value
            continue
        text: Any
        try:
            text = repr(value) if not isinstance(value, str) else value
        except Exception:  # an object whose repr fails shows nothing
            continue
        assert TOKEN not in text, f"the token is reachable through {type(value).__name__}"


@pytest.mark.parametrize("answer", list(GARBAGE.values()), ids=list(GARBAGE))
async def test_a_broken_answer_raises_an_error_that_reaches_no_secret(harness: Harness, answer: bytes) -> None:
    async def handler(_n: int, _request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(answer)
        await writer.drain()

    server = await harness.raw(handler)
    caller, _ = harness.caller(server.base_url, OPTS)
    try:
        await caller(get(), OPTS)
    except InvoiceKitError as error:
        assert TOKEN.encode() in server.requests[0]  # the token was sent, so it could have leaked
        assert_no_secret_reachable(error)
    else:
        pass  # aiohttp tolerated this one; nothing was raised, so nothing can leak


def test_the_walker_finds_a_token_hidden_in_a_cause() -> None:
    class Holder:
        def __init__(self) -> None:
            self.headers = {"Authorization": TOKEN}

    inner = ValueError("x")
    inner.request_info = Holder()  # type: ignore[attr-defined]
    outer = InvoiceKitError("y")
    outer.__cause__ = inner
    with pytest.raises(AssertionError):
        assert_no_secret_reachable(outer)


@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
@pytest.mark.parametrize("answer", [GARBAGE["status line 2OO"], GARBAGE["content-length abc"]], ids=["2OO", "abc"])
async def test_through_an_adapter_too(harness: Harness, provider: str, answer: bytes) -> None:
    async def handler(_n: int, _request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(answer)
        await writer.drain()

    server = await harness.raw(handler)
    error = await adapter_get_error(provider, server.base_url)
    assert TOKEN.encode() in server.requests[0]
    assert_no_secret_reachable(error)
