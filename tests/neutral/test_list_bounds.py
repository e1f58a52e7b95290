"""List filters whose bounds cross can match nothing: refused before anything is sent.

Before, ``client.list(issued_from=..., issued_to=<earlier>)`` asked ONLYOFFICE anyway and
silently listed nothing (GoHighLevel alone refused it), and crossed due dates listed nothing on
both. Now :class:`ListFilters` refuses them when it is built, the same way on every provider.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from invoicekit import InvalidRequestError, InvoiceClient
from invoicekit.adapter import ListFilters
from invoicekit.testing import Simulator

CROSSED: list[tuple[dict[str, Any], str, str]] = [
    ({"issued_from": date(2026, 3, 2), "issued_to": date(2026, 3, 1)}, "issued_to", "issued_from"),
    ({"due_from": date(2026, 3, 2), "due_to": date(2026, 3, 1)}, "due_to", "due_from"),
    # A datetime bound means its calendar day, as both adapters send it.
    ({"issued_from": datetime(2026, 3, 2, 0, 30, tzinfo=UTC), "issued_to": date(2026, 3, 1)},
     "issued_to", "issued_from"),
]


@pytest.mark.parametrize(("bounds", "field", "other"), CROSSED)
async def test_crossed_bounds_are_refused_before_anything_is_sent(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator,
    bounds: dict[str, Any], field: str, other: str,
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        invoicekit_client.list(**bounds)
    assert caught.value.field == field
    assert f"is before {other}" in str(caught.value)
    assert str(bounds[field]) in str(caught.value)
    assert invoicekit_simulator.requests == []


@pytest.mark.parametrize(("bounds", "field", "other"), CROSSED)
def test_the_filters_refuse_crossed_bounds_when_built(bounds: dict[str, Any], field: str, other: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        ListFilters(**bounds)
    assert caught.value.field == field


async def test_equal_bounds_are_one_inclusive_day(invoicekit_client: InvoiceClient) -> None:
    [first] = [i async for i in invoicekit_client.list(limit=1)]
    assert first.issue_date is not None
    day = first.issue_date
    listed = [i async for i in invoicekit_client.list(issued_from=day, issued_to=day)]
    assert listed and all(i.issue_date == day for i in listed)


@pytest.mark.parametrize("field", ["issued_from", "issued_to", "due_from", "due_to"])
async def test_a_bound_that_is_no_date_is_refused_the_same_way_before_sending(
    invoicekit_client: InvoiceClient, invoicekit_simulator: Simulator, field: str
) -> None:
    """GoHighLevel compares due dates itself, page by page: a text bound raised a bare
    TypeError there, mid-listing, while ONLYOFFICE refused it before sending."""
    with pytest.raises(InvalidRequestError) as caught:
        [i async for i in invoicekit_client.list(**{field: "2026-03-01"})]
    assert caught.value.field == field
    assert invoicekit_simulator.requests == []


async def test_a_datetime_due_bound_means_its_day_on_every_provider(invoicekit_client: InvoiceClient) -> None:
    due = [i.due_date async for i in invoicekit_client.list() if i.due_date is not None]
    assert due
    day = min(due)
    by_day = [i.id async for i in invoicekit_client.list(due_from=day, due_to=day)]
    by_time = [i.id async for i in invoicekit_client.list(due_from=datetime(day.year, day.month, day.day, 23, 59,
                                                                               tzinfo=UTC),
                                                          due_to=datetime(day.year, day.month, day.day, tzinfo=UTC))]
    assert by_day and by_time == by_day
