"""``--json`` output stays one valid JSON document when a command fails part-way."""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator

import pytest

from invoicekit import Invoice, InvoiceClient, ServerError
from invoicekit.cli import reading

from .conftest import InvokeCli, Served


async def test_a_json_list_that_fails_after_the_first_page_is_still_a_json_array(
    served: Served, invoke: InvokeCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The array streams one invoice per line; a listing that failed on a later page left
    ``[`` and the invoices read so far without the closing ``]``: stdout no JSON parser reads.
    Now the array is closed, and the failure is the exit status and the one line on stderr."""
    real_listing = reading.listing

    def failing_after_one(client: InvoiceClient, args: argparse.Namespace) -> AsyncIterator[Invoice]:
        async def pages() -> AsyncIterator[Invoice]:
            async for invoice in real_listing(client, args):
                yield invoice
                raise ServerError("page 2 failed", status=502, provider=client.provider, method="GET",
                                  url="http://127.0.0.1/page2")

        return pages()

    monkeypatch.setattr(reading, "listing", failing_after_one)
    result = await invoke("invoices", "list", "--config", str(served.config), "--json")
    assert result.status == 4, result.err
    assert "page 2 failed" in result.one_error_line()
    listed = json.loads(result.out)
    assert [invoice["id"] for invoice in listed] == [1]
