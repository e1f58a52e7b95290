"""The benchmark starts, runs a tiny workload and prints its table (figures are not checked:
the benchmark itself is run by hand, ``python -m bench``; see README "Performance")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_quick_prints_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = done.stdout
    assert "| case" in table and "invoicekit" in table and "baseline" in table
    for case in ("get onlyoffice-json, concurrency 100", "get gohighlevel-json, concurrency 1",
                 "list 250 onlyoffice-xml, pages of 100", "decode 50 gohighlevel-json",
                 "memory: list() peak, 1,000 vs 100 onlyoffice-json"):
        assert case in table, case
    data = json.loads(out.read_text())
    assert data["meta"]["quick"] is True
    rows = {row["case"]: row for row in data["rows"]}
    assert len(rows) == 22
    for row in rows.values():
        assert row["invoicekit"] > 0 and row["baseline"] > 0 and row["ratio"] > 0


def test_bench_rejects_unknown_section() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "unknown section" in done.stderr
