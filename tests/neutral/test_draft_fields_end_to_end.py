"""Every draft field works everywhere or is refused the same way everywhere, before sending (#11).

For each field of InvoiceDraft (and of its lines and contact) on each simulator configuration:
where the provider's rules (``client.rules``, README "Provider rules") say it has a place for the
value, the invoice reads back with it as written, from the create and from a fresh ``get``;
where they say it has none, ``create`` is an InvalidRequestError naming the field and the
simulator receives nothing. Values a provider needs and a draft may leave out (GoHighLevel's
name, ONLYOFFICE's terms) come from the provider's own defaults, the same rule on every provider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import attrs
import pytest

import invoicekit
from invoicekit import Contact, InvalidRequestError, Invoice, InvoiceClient, InvoiceDraft, LineItem
from invoicekit.testing import OnlyOfficeSimulator, Simulator, SimulatorVariant, simulators

VARIANTS = [v for v in simulators() if v.name in ("onlyoffice-json", "onlyoffice-xml", "gohighlevel-token")]


@attrs.frozen
class Harness:
    client: InvoiceClient
    simulator: Simulator
    contact: Contact


@pytest.fixture(params=VARIANTS, ids=lambda v: v.name)
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    variant: SimulatorVariant = request.param
    sim = variant.simulator(invoices=0)
    async with sim.run() as url, invoicekit.connect(variant.client_config(sim, url=url)) as client:
        yield Harness(client, sim, variant.contact)


def base(contact: Contact, **overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "EUR", "contact": contact, "terms": "Net 30", "issue_date": date(2026, 11, 21),
        "due_date": date(2026, 12, 21),
        "lines": [LineItem(name="Consulting", quantity=Decimal(3), unit_price=Decimal("120.00"))],
    }
    values.update(overrides)
    return InvoiceDraft(**values)


Read = Callable[[Invoice], Any]

#: (rule path, draft values, the field an error names, what reads back, the value written).
FIELDS: list[tuple[str, dict[str, Any], str, Read, Any]] = [
    ("number", {"number": "FIELD-0001"}, "number", lambda i: i.number, "FIELD-0001"),
    ("name", {"number": "FIELD-0002", "name": "FIELD-0002"}, "name", lambda i: i.name, "FIELD-0002"),
    ("terms", {"terms": "Payable within 14 days."}, "terms", lambda i: i.terms, "Payable within 14 days."),
    ("description", {"description": "November work, on site"}, "description", lambda i: i.description,
     "November work, on site"),
    ("due_date", {"due_date": date(2027, 1, 15)}, "due_date", lambda i: i.due_date, date(2027, 1, 15)),
    ("purchase_order_number", {"purchase_order_number": "PO-7"}, "purchase_order_number",
     lambda i: i.purchase_order_number, "PO-7"),
    ("exchange_rate", {"exchange_rate": Decimal("1.25")}, "exchange_rate", lambda i: i.exchange_rate,
     Decimal("1.25")),
    ("language", {"language": "de-DE"}, "language", lambda i: i.language, "de-DE"),
    ("lines[].name", {"lines": [LineItem(name="Workshop", quantity=Decimal(1), unit_price=Decimal(90))]},
     "lines[0].name", lambda i: [line.name for line in i.lines], ["Workshop"]),
    ("lines[].description",
     {"lines": [LineItem(name="Consulting", description="On site", quantity=Decimal(1), unit_price=Decimal(90))]},
     "lines[0].description", lambda i: [line.description for line in i.lines], ["On site"]),
    ("lines[].discount",
     {"lines": [LineItem(name="Consulting", quantity=Decimal(2), unit_price=Decimal(50), discount=Decimal(10))]},
     "lines[0].discount", lambda i: [line.discount for line in i.lines], [Decimal(10)]),
    ("quantity and price",
     {"lines": [LineItem(name="Consulting", quantity=Decimal("2.5"), unit_price=Decimal("80.10"))]},
     "lines[0]", lambda i: [(line.quantity, line.unit_price) for line in i.lines],
     [(Decimal("2.5"), Decimal("80.10"))]),
    ("contact.id", {}, "contact.id", lambda i: i.contact.id, None),  # the harness's contact: see below
]


@pytest.mark.parametrize(("path", "values", "field", "read", "written"), FIELDS, ids=[f[0] for f in FIELDS])
async def test_each_field_reads_back_as_written_or_is_refused_unsent(
    harness: Harness, path: str, values: dict[str, Any], field: str, read: Read, written: Any
) -> None:
    client, sim = harness.client, harness.simulator
    draft = base(harness.contact, **values)
    if path == "contact.id":
        written = harness.contact.id
    try:
        client.rules.check_fields(draft)  # what the declared rules say of this very value
    except InvalidRequestError:
        assert not client.rules.holds(path)
        with pytest.raises(InvalidRequestError) as caught:
            await client.create(draft)
        assert caught.value.field == field
        assert sim.requests == []
        return
    created = await client.create(draft)
    read_back = await client.get(created.id)
    assert read(created) == written
    assert read(read_back) == written


async def test_the_contact_reads_back_by_id_and_name(harness: Harness) -> None:
    created = await harness.client.create(base(harness.contact))
    read = await harness.client.get(created.id)
    for invoice in (created, read):
        assert invoice.contact is not None
        assert (invoice.contact.id, invoice.contact.name) == (harness.contact.id, harness.contact.name)


@pytest.mark.parametrize("number", [None, "FIELD-0100"])
async def test_a_nameless_draft_is_named_after_its_number_everywhere(harness: Harness, number: str | None) -> None:
    """No name and no default_name in the configuration: the invoice's name is its number (the
    draft's, else the one the provider gives it), on every provider."""
    assert getattr(harness.client.settings, "default_name", None) is None  # type: ignore[attr-defined]
    created = await harness.client.create(base(harness.contact, number=number))
    read = await harness.client.get(created.id)
    for invoice in (created, read):
        assert invoice.number
        assert invoice.name == invoice.number
        if number is not None:
            assert invoice.number == number


async def test_a_draft_without_terms_gets_the_providers_own(harness: Harness) -> None:
    """Without a draft's or a default_terms setting, the provider's own invoice terms: the
    portal's (its web form's default) on ONLYOFFICE, the location's on GoHighLevel."""
    created = await harness.client.create(base(harness.contact, terms=None))
    read = await harness.client.get(created.id)
    expected = "Payment is due within 30 days of the invoice date."  # both simulators' default
    if isinstance(harness.simulator, OnlyOfficeSimulator):
        assert harness.simulator.store.default_terms == expected
    assert created.terms == read.terms == expected


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_blank_portal_terms_refuse_a_draft_without_terms_before_sending(fmt: str) -> None:
    """ONLYOFFICE only: the one provider that needs terms."""
    sim = OnlyOfficeSimulator(invoices=0)
    contact = OnlyOfficeSimulator.contacts[0]
    async with sim.run() as url, invoicekit.connect(sim.client_config(url=url, response_format=fmt)) as client:
        # The portal's own setting, blanked as an administrator would (PUT crm/invoice/settings/terms).
        async with aiohttp.ClientSession() as session, session.put(
            f"{url}/api/2.0/crm/invoice/settings/terms.{fmt}", data={"terms": ""}, headers={"Authorization": sim.token}
        ) as response:
            assert response.status == 200
            assert "companyName" in await response.text()  # InvoiceSetting, in the format asked for
        assert sim.store.default_terms == ""
        sent = len(sim.requests)
        with pytest.raises(InvalidRequestError) as caught:
            await client.create(base(contact, terms=None, lines=[
                LineItem(name="A brand new item", quantity=Decimal(1), unit_price=Decimal(10)),
            ]))
        assert caught.value.field == "terms" and "default_terms" in str(caught.value)
        # Only the settings were read: no item was looked up or created, nothing was posted.
        assert [r.path for r in sim.requests[sent:]] == [f"/api/2.0/crm/invoice/settings.{fmt}"]
        # A draft with its own terms is not affected.
        assert (await client.create(base(contact))).terms == "Net 30"
