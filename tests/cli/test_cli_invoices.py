"""``invoicekit invoices ...`` as a subprocess against both simulators: tables, JSON, the whole
write lifecycle. Independent commands run concurrently to keep the suite quick."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import invoicekit

from .conftest import CliResult, InvokeCli, RunCli, Served, onlyoffice_settings

DRAFT = {
    "currency": "USD", "issue_date": "2025-03-01", "due_date": "2025-03-31", "terms": "Payable within 30 days.",
    "lines": [{"name": "Retainer", "description": "Retainer", "quantity": 1, "unit_price": 1200.00}],
}
# A JSON number with a fraction: read as Decimal, never through a float.
EXTRA_LINE = {"name": "Extra hours", "description": "Extra hours", "quantity": 2.5, "unit_price": "80.00"}


def ok(result: CliResult) -> CliResult:
    assert result.status == 0, (result.args, result.status, result.err)
    assert result.err == ""
    return result


def table_rows(text: str) -> list[list[str]]:
    """The data rows of a table (between the dashed rule and the count line), split on 2+ spaces."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("--"))
    return [re.split(r"\s{2,}", line.strip()) for line in lines[rule + 1 : -1]]


def detail(text: str) -> dict[str, str]:
    """The ``key  value`` lines of a one-invoice view (up to the lines table)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition("  ")
        fields[key] = value.strip()
    return fields


async def neutral_json(config: dict[str, Any], **filters: Any) -> list[dict[str, Any]]:
    """What the library itself reads, in the CLI's JSON shape, to compare the CLI's output with."""
    from invoicekit.cli.output import invoice_json

    async with invoicekit.connect(config) as client:
        return [invoice_json(i) async for i in client.list(**filters)]


async def test_reading_as_subprocess_on_both_providers(served: Served, run_cli: RunCli) -> None:
    cfg = str(served.config)
    ghl_id = next(iter(served.ghl.store.invoices))
    oo_table, ghl_get, limited = await asyncio.gather(
        run_cli("invoices", "list", "--config", cfg),  # default_profile = "oo"
        run_cli("invoices", "get", ghl_id, "--config", cfg, "--profile", "ghl", "--json", "--raw"),
        # Options before the action work too.
        run_cli("invoices", "--json", "--config", cfg, "list", "--limit", "3", "--page-size", "2"),
    )
    header = ok(oo_table).out.splitlines()[0].split()
    assert header == ["id", "number", "status", "contact", "issued", "due", "currency", "total"]
    rows = table_rows(oo_table.out)
    assert [r[0] for r in rows] == [str(i) for i in range(1, 13)]
    assert rows[1][1:3] == ["INV-0000002", "paid"]
    assert oo_table.out.splitlines()[-1] == "12 invoices"

    got = json.loads(ok(ghl_get).out)
    assert got["id"] == ghl_id and got["raw"]["_id"] == ghl_id and "raw" in got["lines"][0]
    assert isinstance(got["total"], str)  # Decimal as a string, exact
    assert Decimal(got["total"]) == served.ghl.store.invoices[ghl_id].total

    assert [i["id"] for i in json.loads(ok(limited).out)] == [1, 2, 3]
    # --limit 3 with pages of 2: two requests, then it stops.
    starts = [r.params["startIndex"] for r in served.onlyoffice.requests
              if r.path.endswith("/filter.json") and r.params["count"] == "2"]
    assert starts == ["0", "2"]


async def test_write_lifecycle_as_subprocess_on_both_providers(
    served: Served, run_cli: RunCli, tmp_path: Path
) -> None:
    """create (file and stdin), update, send, mark paid, void, delete: the same commands on both."""
    changes_file = tmp_path / "changes.json"
    changes_file.write_text(json.dumps({"lines": [DRAFT["lines"][0], EXTRA_LINE]}))

    async def lifecycle(profile: str) -> None:
        base = ("--config", str(served.config), "--profile", profile)
        contact = {"id": 2} if profile == "oo" else {
            "id": "Ct9JaneCooper0000001", "name": "Jane Cooper", "email": "jane.cooper@example.com"}
        draft = json.dumps({**DRAFT, "contact": contact})
        (tmp_path / f"{profile}.json").write_text(draft)
        # One after the other: two ONLYOFFICE creates without a number race on the same
        # generated number (crm/invoice/sample reserves nothing) and one gets the server's 400.
        created_table = await run_cli("invoices", "create", "--file", str(tmp_path / f"{profile}.json"), *base)
        b_created = await run_cli("invoices", "create", "--file", "-", "--json", *base, stdin=draft.encode())
        a = detail(ok(created_table).out)
        b = json.loads(ok(b_created).out)
        assert a["status"] == b["status"] == "draft" and Decimal(a["total"]) == Decimal(b["total"]) == 1200

        changed = json.loads(ok(await run_cli(
            "invoices", "update", a["id"], "--file", str(changes_file), "--json", *base)).out)
        assert Decimal(changed["total"]) == Decimal("1400.00") and len(changed["lines"]) == 2
        assert [Decimal(line["quantity"]) for line in changed["lines"]] == [1, Decimal("2.5")]

        assert detail(ok(await run_cli("invoices", "send", a["id"], *base)).out)["status"] == "sent"
        paid = json.loads(ok(await run_cli("invoices", "mark-paid", a["id"], "--json", *base)).out)
        assert paid["status"] == "paid" and Decimal(paid["amount_due"]) == 0

        deleted = ok(await run_cli("invoices", "delete", str(b["id"]), "--yes", *base))
        assert deleted.out == f"deleted invoice {b['id']} ({b['number']})\n"
        if profile == "ghl":
            voided = json.loads(ok(await run_cli("invoices", "void", a["id"], "--json", *base)).out)
            assert voided["status"] == "void"

    await asyncio.gather(lifecycle("oo"), lifecycle("ghl"))


async def test_tables_json_and_filters_in_process(served: Served, invoke: InvokeCli) -> None:
    cfg = str(served.config)
    ghl_table = ok(await invoke("invoices", "list", "--config", cfg, "--profile", "ghl"))
    assert len(table_rows(ghl_table.out)) == 12 and "partially_paid" in ghl_table.out

    listed = json.loads(ok(await invoke("invoices", "list", "--config", cfg, "--json")).out)
    assert listed == await neutral_json(onlyoffice_settings(served.onlyoffice_url))
    first = listed[0]
    assert first["id"] == 1 and first["provider"] == "onlyoffice"  # ONLYOFFICE ids stay numbers
    store = served.onlyoffice.store
    assert first["total"] == "2549.95" and Decimal(first["total"]) == store.cost(store.invoices[1])
    assert "raw" not in first and first["issue_date"] == "2024-01-04"

    drafts = json.loads(ok(await invoke(
        "invoices", "list", "--config", cfg, "--profile", "ghl", "--json", "--status", "draft")).out)
    assert drafts and {d["status"] for d in drafts} == {"draft"}
    assert len(drafts) == sum(i.status == "draft" for i in served.ghl.store.invoices.values())
    assert all(isinstance(d["id"], str) for d in drafts)

    fields = detail(ok(await invoke("invoices", "get", "2", "--config", cfg)).out)
    assert fields["id"] == "2" and fields["number"] == "INV-0000002" and fields["status"] == "paid"
    assert fields["contact"] == "Globex Ltd <accounts@globex.example.com> (id 3)" and fields["total"] == "7938.12"

    nothing = ok(await invoke("invoices", "list", "--config", cfg, "--issued-from", "2031-01-01"))
    assert nothing.out == "no invoices\n"
    empty = ok(await invoke("invoices", "list", "--config", cfg, "--json", "--issued-from", "2031-01-01"))
    assert json.loads(empty.out) == []

    filtered = ok(await invoke("invoices", "list", "--config", cfg, "--json", "--contact", "2",
                               "--currency", "usd", "--search", "INV", "--due-from", "2024-01-01",
                               "--due-to", "2024-12-31", "--page-size", "5"))
    expected = await neutral_json(
        onlyoffice_settings(served.onlyoffice_url), contact_id=2, currency="USD", search="INV",
        due_from=date(2024, 1, 1), due_to=date(2024, 12, 31),
    )
    assert json.loads(filtered.out) == expected and expected
    request = next(r for r in reversed(served.onlyoffice.requests) if r.path.endswith("/crm/invoice/filter.json")
                   and r.params.get("count") == "5")
    assert request.params["entityid"] == "2" and request.params["currency"] == "USD"
    assert request.params["filterValue"] == "INV" and request.params["dueDateTo"] == "2024-12-31"


async def test_delete_several_is_one_batch(served: Served, invoke: InvokeCli, tmp_path: Path) -> None:
    cfg = ("--config", str(served.config))
    drafts = [str(i.id) for i in served.onlyoffice.store.invoices.values() if i.status == 1][:2]
    assert len(drafts) == 2
    before = served.onlyoffice.count("DELETE")
    table = ok(await invoke("invoices", "delete", *drafts, "--yes", *cfg))
    assert table.out.startswith("deleted 2 of 2:\n") and served.onlyoffice.count("DELETE") == before + 1
    assert [r[0] for r in table_rows(table.out.split("\n", 1)[1])] == drafts

    ghl_drafts = [i.id for i in served.ghl.store.invoices.values() if i.status == "draft"][:2]
    as_json = ok(await invoke("invoices", "delete", *ghl_drafts, "--yes", *cfg, "--profile", "ghl", "--json"))
    assert [i["id"] for i in json.loads(as_json.out)] == ghl_drafts
    single = ok(await invoke("invoices", "delete", "--yes", str(next(
        i.id for i in served.onlyoffice.store.invoices.values() if i.status == 1)), *cfg, "--json"))
    assert json.loads(single.out)["status"] == "draft"  # one id: an object, not an array
