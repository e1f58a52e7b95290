"""README's first Python example runs verbatim, unchanged, on every simulator configuration:
ONLYOFFICE (JSON and XML answers) and GoHighLevel. It names the customer by name and e-mail and
its line by name, with no provider-only field."""

from __future__ import annotations

import re
import types
from decimal import Decimal
from pathlib import Path

import pytest

import invoicekit
from invoicekit import InvoiceStatus
from invoicekit.state import MemoryStateStore
from invoicekit.testing import SimulatorVariant, simulators

README = Path(__file__).resolve().parents[2] / "README.md"


def first_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "README has no python block"
    return str(blocks[0])


def test_the_example_names_no_provider() -> None:
    code = first_example()
    assert "async def bill(config)" in code and "contacts.ensure(Contact(name=" in code
    assert not re.search(r"item_id|default_|onlyoffice|gohighlevel|extra=", code, re.IGNORECASE)


@pytest.mark.parametrize("variant", simulators(), ids=lambda v: v.name)
async def test_the_first_example_runs_unchanged(variant: SimulatorVariant, capsys: pytest.CaptureFixture[str]) -> None:
    example = types.ModuleType("readme_example")
    exec(compile(first_example(), "README.md:first-example", "exec"), example.__dict__)
    sim = variant.simulator(invoices=0)
    async with sim.run() as url:
        # One store for the three clients: an OAuth refresh token is single-use.
        config = variant.client_config(sim, url=url, state_store=MemoryStateStore())
        await example.bill(config)
        await example.bill(config)  # a second run finds the customer and the item again
        async with invoicekit.connect(config) as client:
            customer = await client.contacts.find_by_email("jane@example.com")
            assert customer is not None and customer.name == "Jane Cooper"
            sent = [i async for i in client.list(status="sent")]
            assert len(sent) == 2
            for listed in sent:
                invoice = await client.get(listed.id)
                assert invoice.status is InvoiceStatus.SENT and invoice.currency == "EUR"
                assert invoice.contact is not None and invoice.contact.id == customer.id
                assert [(line.name, line.quantity, line.unit_price) for line in invoice.lines] == [
                    ("Consulting", 3, Decimal("120.00"))]
                assert invoice.total == Decimal("360.00")
    printed = capsys.readouterr().out.splitlines()
    assert all(line.endswith(" 360.00") or line.endswith(" 360") for line in printed), printed
