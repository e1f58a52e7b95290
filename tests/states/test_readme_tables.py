"""README's "Invoice states" tables are the code's tables: parsed back from the markdown, cell by
cell, for every built-in provider, and nothing else in the section pretends to be one."""

from __future__ import annotations

import re
from pathlib import Path

from invoicekit import InvoiceStatus
from invoicekit.gohighlevel import GoHighLevelClient
from invoicekit.onlyoffice import OnlyOfficeClient
from invoicekit.states import STATE_OPERATIONS, Outcome, StateMachine

README = Path(__file__).resolve().parents[2] / "README.md"
CLIENTS = (OnlyOfficeClient, GoHighLevelClient)


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Invoice states\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _readme_tables() -> dict[str, dict[tuple[str, str], str]]:
    """provider -> (operation, status) -> cell, from each table after a "Name (`provider`):" line."""
    tables: dict[str, dict[tuple[str, str], str]] = {}
    for match in re.finditer(r"^[^\n|]+\(`(\w+)`\):\n\n((?:\|.*\|\n?)+)", _section(), re.MULTILINE):
        rows = [[cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
                for line in match.group(2).strip().splitlines()]
        header, body = rows[0], rows[2:]
        assert rows[1] == ["---"] * len(header)
        tables[match.group(1)] = {
            (op, row[0]): cell for row in body for op, cell in zip(header[1:], row[1:], strict=True)
        }
    return tables


def _code_table(machine: StateMachine) -> dict[tuple[str, str], str]:
    return {(op.value, status.value): machine.outcome(op, status).value
            for status in machine.statuses for op in STATE_OPERATIONS}


def test_readme_has_exactly_the_code_tables() -> None:
    readme = _readme_tables()
    machines = [client.state_machine for client in CLIENTS]
    assert all(isinstance(m, StateMachine) for m in machines)
    assert set(readme) == {m.provider for m in machines if m is not None}
    for machine in machines:
        assert machine is not None
        assert readme[machine.provider] == _code_table(machine), f"README's {machine.provider} table is stale"
        assert machine.markdown() in _section()  # same row order as the code's too


def test_the_readme_cells_are_the_four_outcomes_and_known_statuses() -> None:
    for table in _readme_tables().values():
        assert set(table.values()) <= {o.value for o in Outcome}
        assert {status for _, status in table} <= {s.value for s in InvoiceStatus}
        assert {op for op, _ in table} == {op.value for op in STATE_OPERATIONS}
