"""``invoicekit demo``: README's first command, as a subprocess with only the runtime dependencies,
plus in-process checks of how it reports a step that did not behave."""

from __future__ import annotations

import asyncio
import re
import sys
import time
from decimal import Decimal

import pytest

import invoicekit.demo as demo
from invoicekit import Contact
from invoicekit.cli import main
from invoicekit.testing import OnlyOfficeSimulator

# Test-only packages: the demo must run on a fresh install without any of them.
_NOT_INSTALLED_ON_A_FRESH_MACHINE = ("pytest", "_pytest", "jsonschema", "referencing", "hypothesis", "aioresponses")
_RUN_WITHOUT_TEST_DEPS = (
    "import runpy, sys\n"
    f"for name in {_NOT_INSTALLED_ON_A_FRESH_MACHINE!r}:\n"
    "    sys.modules[name] = None  # importing it now raises ImportError\n"
    "sys.argv = ['invoicekit', 'demo']\n"
    "runpy.run_module('invoicekit', run_name='__main__', alter_sys=True)\n"
)


async def test_demo_runs_both_providers_with_runtime_dependencies_only() -> None:
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _RUN_WITHOUT_TEST_DEPS,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
    )
    out_bytes, err_bytes = await asyncio.wait_for(process.communicate(), timeout=60)
    elapsed = time.monotonic() - started
    out, err = out_bytes.decode(), err_bytes.decode()
    assert process.returncode == 0, out + err
    assert err == ""
    assert elapsed < 10  # typically ~1 s including interpreter start; generous for slow CI
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("step "))
    assert header.split() == ["step", "onlyoffice", "(json)", "onlyoffice", "(xml)", "gohighlevel"]
    # Column spans from the rule under the header ("-----  -----  ...").
    rule = lines[lines.index(header) + 1]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    rows = {
        line[: spans[0][1]].strip(): [line[a:b].strip() for a, b in spans[1:]]
        for line in lines if line[: spans[0][1]].strip() in demo.STEPS
    }
    assert list(rows) == list(demo.STEPS)
    for name, cells in rows.items():
        if name == "void":  # driven by capabilities: ONLYOFFICE has no void state
            assert cells[:2] == ["n/a (not supported)"] * 2 and cells[2].startswith("ok")
        else:
            assert all(c.startswith("ok ") for c in cells), (name, cells)
    assert "FAILED" not in out
    assert lines[-1] == "Every step behaved on every provider."
    # Figures from the checked results: numbers and Decimal totals.
    assert "INV-0000006..9" in out and "1,200.00 -> 1,400.00" in out
    # The customer is known by name and e-mail only: each provider's contact comes from ensure.
    assert rows["resolve customer"] == ["ok  created Ada Lovelace"] * 3


def test_demo_output_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert main(["demo"]) == 0
    assert capsys.readouterr().out == first


async def test_a_step_that_misbehaves_is_failed_and_the_rest_still_run() -> None:
    sim = OnlyOfficeSimulator()
    # The status move answers 500: send fails; mark paid (which sends first) then succeeds.
    sim.faults.fail_next(500, method="PUT", path="/api/2.0/crm/invoice/status/*")
    async with sim.run() as url:
        config = {"provider": "onlyoffice", "base_url": url, "token": sim.token, "default_item_id": 1,
                  "max_retries": 0}
        steps = await demo.invoice_lifecycle(config, Contact(id=2))
    outcomes = {s.name: s.outcome for s in steps}
    assert outcomes == {
        "resolve customer": "ok", "create 4 drafts": "ok", "list drafts (filter)": "ok", "update: add a line": "ok",
        "send": "FAILED",
        "mark paid": "ok", "void": "n/a", "delete one draft": "ok", "batch delete rest": "ok",
    }
    failed = next(s for s in steps if s.outcome == "FAILED")
    assert failed.detail.startswith("ServerError: onlyoffice PUT")


async def test_failed_create_skips_the_rest() -> None:
    sim = OnlyOfficeSimulator()
    sim.faults.fail_next(400, method="POST", path="/api/2.0/crm/invoice.json")
    async with sim.run() as url:
        config = {"provider": "onlyoffice", "base_url": url, "token": sim.token, "default_item_id": 1,
                  "max_retries": 0}
        steps = await demo.invoice_lifecycle(config, Contact(id=2))
    assert [s.outcome for s in steps] == ["ok", "FAILED"] + ["skipped"] * (len(demo.STEPS) - 2)


async def test_a_customer_that_cannot_be_resolved_skips_the_rest() -> None:
    sim = OnlyOfficeSimulator()
    sim.faults.fail_next(400, method="POST", path="/api/2.0/crm/contact/person.json")
    async with sim.run() as url:
        steps = await demo.invoice_lifecycle(sim.client_config(url=url, max_retries=0))
    assert [s.outcome for s in steps] == ["FAILED"] + ["skipped"] * (len(demo.STEPS) - 1)
    assert not [r for r in sim.requests if r.path.startswith("/api/2.0/crm/invoice")]


def test_report_marks_failures_and_exit_status(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    good = demo.ProviderRun("alpha", tuple(demo.StepResult(n, "ok", "fine") for n in demo.STEPS))
    bad_steps = [demo.StepResult(n, "ok", "fine") for n in demo.STEPS]
    bad_steps[4] = demo.StepResult("send", "FAILED", "CheckFailed: " + "x" * 80, trace="Traceback: here\n")
    bad = demo.ProviderRun("beta", tuple(bad_steps))

    async def fake_run() -> list[demo.ProviderRun]:
        return [good, bad]

    monkeypatch.setattr(demo, "run_demo", fake_run)
    assert main(["demo"]) == 1
    out = capsys.readouterr().out
    send_row = next(line for line in out.splitlines() if line.startswith("send "))
    assert "ok  fine" in send_row and "FAILED CheckFailed: xxx" in send_row and send_row.endswith("...")
    assert "beta / send: FAILED CheckFailed: " + "x" * 80 in out  # the full reason below the table
    assert "FAILED (1 of 9 steps)" in out and "Traceback" not in out
    assert out.splitlines()[-1] == "Some steps did not behave (see above)."
    assert main(["demo", "--debug"]) == 1
    assert "Traceback: here" in capsys.readouterr().out


def test_number_range_and_money() -> None:
    assert demo._number_range("INV-0000006", "INV-0000009") == "INV-0000006..9"
    assert demo._number_range("6", "9") == "6..9"
    assert demo._number_range("98", "102") == "98..102"
    assert demo._money(Decimal("1400.5")) == "1,400.50"
