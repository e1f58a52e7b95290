"""Text that no UTF-8 body or URL can carry (a lone surrogate) is refused before sending, naming
the field, on every provider and in every part of a request: never a bare UnicodeEncodeError."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import invoicekit
from invoicekit import Contact, InvalidRequestError, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.testing import simulators

SURROGATE = "bad\ud800text"


@pytest.fixture(params=[v.name for v in simulators()])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, InvoiceClient]]:
    variant = next(v for v in simulators() if v.name == request.param)
    simulator = variant.simulator()
    async with simulator.run() as url, invoicekit.connect(variant.client_config(simulator, url=url)) as client:
        yield simulator, client


async def _draft(client: InvoiceClient, **text: str) -> InvoiceDraft:
    contact = await client.contacts.ensure(Contact(name="Jane Doe", email="jane.doe@example.com"))
    fields: dict[str, Any] = {"terms": "Due in 30 days", "name": "Services", **text}
    if client.provider == "onlyoffice":
        fields.pop("name")
    return InvoiceDraft(
        currency="USD", contact=contact, issue_date=date(2026, 1, 1), due_date=date(2026, 1, 31),
        lines=[LineItem(name="Consulting", quantity=Decimal(1), unit_price=Decimal("10.00"))], **fields,
    )


def _invoice_requests(simulator: Any) -> list[Any]:
    # A first call may log in or refresh a token first: that is not the refused request.
    return [r for r in simulator.requests if "invoice" in r.path]


async def _refused(simulator: Any, call: Callable[[], Awaitable[object]]) -> InvalidRequestError:
    before = len(_invoice_requests(simulator))
    with pytest.raises(InvalidRequestError) as caught:
        await call()
    assert len(_invoice_requests(simulator)) == before, "nothing may be sent"
    assert caught.value.__cause__ is None
    return caught.value


async def test_a_lone_surrogate_in_a_body_is_refused_naming_the_field(served: tuple[Any, InvoiceClient]) -> None:
    simulator, client = served
    draft = await _draft(client, terms=SURROGATE)
    error = await _refused(simulator, lambda: client.create(draft))
    assert error.field in ("terms", "termsNotes")
    assert "surrogate" in str(error)


async def test_a_lone_surrogate_in_a_query_is_refused_naming_the_field(served: tuple[Any, InvoiceClient]) -> None:
    simulator, client = served
    error = await _refused(simulator, lambda: client.list(search=SURROGATE).__anext__())
    assert error.field == "search"
