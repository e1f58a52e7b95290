"""Bodies nested far deeper than any real answer: every walker stops at a bound.

A hostile server can nest an error body hundreds of levels deep. Parsing it, scrubbing it of
secrets and quoting it in an error must end in a typed invoicekit error (or a cut-off body),
never in a bare RecursionError.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web

from invoicekit._http.messages import Request, Response
from invoicekit._log import TOO_DEEP, scrub_error
from invoicekit._serde import MAX_WALK_DEPTH, excerpt, loads_json
from invoicekit.errors import (
    APIError,
    InvoiceKitError,
    MalformedResponseError,
    ServerError,
    error_class_for_status,
)
from invoicekit.options import ClientOptions

from .conftest import PROVIDER, TOKEN, Harness, adapter_get_error, get, text


def nested(depth: int, leaf: Any = TOKEN) -> Any:
    value: Any = leaf
    for level in range(depth):
        value = {"detail": value} if level % 2 else [value]
    return value


def nested_text(depth: int) -> str:
    """``nested(depth)`` as JSON text, built without a recursive encoder."""
    head = "".join('{"detail":' if level % 2 else "[" for level in reversed(range(depth)))
    tail = "".join("}" if level % 2 else "]" for level in range(depth))
    return head + json.dumps(TOKEN) + tail


@pytest.mark.parametrize("depth", [1_000, 5_000, 100_000])
@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ('{"a":', "}")])
def test_loads_json_refuses_deep_documents_with_value_error(depth: int, opener: str, closer: str) -> None:
    body = opener * depth + "1" + closer * depth
    for form in (body, body.encode(), b"\xef\xbb\xbf" + body.encode(), body.encode("utf-16")):
        # The BOM and UTF-16 forms go through the stdlib fallback, which recurses too.
        with pytest.raises(ValueError, match="nested too deeply"):
            loads_json(form)


def test_the_scrubber_cuts_off_what_is_nested_beyond_its_bound() -> None:
    error = ServerError("boom", status=500, provider=PROVIDER, method="GET", url="u", body={"e": nested(600)})
    scrub_error(error, extra=[TOKEN])
    value: Any = error.body
    depth = 0
    while isinstance(value, dict | list):
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        depth += 1
    assert value == TOO_DEEP and depth <= MAX_WALK_DEPTH
    assert TOKEN not in repr(error.body)


def test_the_scrubber_still_masks_secrets_above_the_bound() -> None:
    error = ServerError("x", status=500, provider=PROVIDER, method="GET", url="u", body=nested(10))
    scrub_error(error, extra=[TOKEN])
    assert TOKEN not in json.dumps(error.body)


def test_excerpt_looks_only_at_the_start_of_a_huge_body() -> None:
    body = b"[" * 10_000_000
    assert excerpt(body) == "[" * 197 + "..."


def deep_error_decoder(request: Request, response: Response) -> APIError:
    """An adapter decoder that keeps the parsed error body, as both adapters do."""
    parsed = loads_json(response.body)
    cls = error_class_for_status(response.status)
    return cls("failed", status=response.status, provider=PROVIDER, method=request.method, url=response.url,
               body=parsed)


@pytest.mark.parametrize("depth", [600, 990])
async def test_a_deeply_nested_error_body_ends_in_a_typed_error(harness: Harness, depth: int) -> None:
    body = nested_text(depth)

    async def handler(request: web.Request) -> web.Response:
        return text(body, status=500)

    server = await harness.web({("GET", "/api/items/1"): handler})
    options = ClientOptions(max_retries=0)
    runner, _ = harness.caller(server.base_url, options)
    runner.decode_error = deep_error_decoder
    with pytest.raises(InvoiceKitError) as info:
        await runner(get(), options)
    error = info.value
    # Parsed and cut off (ServerError), or refused by the parser when the stack is already deep
    # (MalformedResponseError): typed either way, with the status that came back.
    assert isinstance(error, ServerError | MalformedResponseError) and error.status == 500
    assert TOKEN not in repr(error.body)


@pytest.mark.parametrize("provider", ["onlyoffice", "gohighlevel"])
@pytest.mark.parametrize("status", [200, 400, 500])
@pytest.mark.parametrize("depth", [600, 5_000])
async def test_through_both_adapters_deep_answers_end_in_typed_errors(
    harness: Harness, provider: str, status: int, depth: int
) -> None:
    body = nested_text(depth)

    async def handler(_request: web.Request) -> web.Response:
        return text(body, status=status)

    server = await harness.web({("GET", "/{tail:.*}"): handler})
    error = await adapter_get_error(provider, server.base_url)
    assert isinstance(error, APIError) and error.status == status
    assert TOKEN not in repr(error.body)
