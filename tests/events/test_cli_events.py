"""``invoicekit events watch`` and ``invoicekit events verify``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import invoicekit
from invoicekit import InvoiceDraft, LineItem
from invoicekit.cli import main
from invoicekit.testing import OnlyOfficeSimulator
from invoicekit.testing.conformance.simulated import ONLYOFFICE_CONTACTS, onlyoffice_simulator_config
from invoicekit.testing.gohighlevel_sim.webhooks import WebhookSender

from .conftest import DOC_INVOICE, body_of

Cli = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """``await cli("events", ...)``: the CLI's main in a worker thread (it runs its own loop
    there while the test's loop serves the simulator); (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    async def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = await asyncio.wait_for(asyncio.to_thread(main, list(args)), timeout=30)
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
async def portal(tmp_path: Path) -> tuple[OnlyOfficeSimulator, Path]:
    sim = OnlyOfficeSimulator(invoices=2)
    async with sim.run() as url:
        config = onlyoffice_simulator_config(sim, url)
        path = tmp_path / "invoicekit.toml"
        path.write_text("".join(f'{k} = {json.dumps(v)}\n' for k, v in config.items()), encoding="utf-8")
        yield sim, path  # type: ignore[misc]


async def test_watch_prints_existing_invoices_as_json_lines(portal: tuple[OnlyOfficeSimulator, Path], cli: Cli) -> None:
    _, config = portal
    status, out, err = await cli("events", "watch", "--config", str(config), "--interval", "0.2", "--count", "3",
                                 "--emit-existing")
    assert (status, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 3 and {line["provider"] for line in lines} == {"onlyoffice"}
    assert all(line["invoice"]["id"] == line["invoice_id"] for line in lines)
    # Each seeded invoice is new to the watcher; one that is not a draft is also reported in its
    # status, right after its creation.
    for index, line in enumerate(lines):
        if line["kind"] != "created":
            assert line["kind"] == line["invoice"]["status"] == "sent"
            assert lines[index - 1]["kind"] == "created" and lines[index - 1]["invoice_id"] == line["invoice_id"]
    assert lines[0]["kind"] == "created" and isinstance(lines[0]["invoice_id"], int)


async def test_watch_reports_a_change_made_while_it_runs(portal: tuple[OnlyOfficeSimulator, Path], cli: Cli) -> None:
    sim, config = portal
    watching = asyncio.ensure_future(
        cli("events", "watch", "--config", str(config), "--interval", "0.2", "--count", "1", "--duration", "20")
    )
    for _ in range(200):  # until the baseline listing went out (bounded: 10 s)
        if sim.count("GET", "*/crm/invoice/filter*"):
            break
        await asyncio.sleep(0.05)
    async with invoicekit.connect(onlyoffice_simulator_config(sim, str(sim.url))) as client:
        made = await client.create(InvoiceDraft(
            currency="USD", contact=ONLYOFFICE_CONTACTS[0], issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
            terms="Net 30",
            lines=[LineItem(name="Retainer", unit_price=Decimal(100))],
        ))
    status, out, _ = await watching
    assert status == 0
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert (line["kind"], line["invoice_id"]) == ("created", made.id)


async def test_watch_stops_after_its_duration(portal: tuple[OnlyOfficeSimulator, Path], cli: Cli) -> None:
    _, config = portal
    assert await cli("events", "watch", "--config", str(config), "--interval", "0.1", "--duration", "0.4") == (
        0, "", "")


@pytest.mark.parametrize("option", [["--interval", "0"], ["--duration", "-1"], ["--count", "0"]])
def test_watch_refuses_unbounded_or_odd_options(option: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["events", "watch", *option])
    assert caught.value.code == 2
    assert "positive" in capsys.readouterr().err


@pytest.fixture
def capture(tmp_path: Path, signer: WebhookSender) -> Callable[..., list[str]]:
    """Files for ``events verify``: headers, body and the simulator's keys."""

    def write(body: bytes, headers: dict[str, str] | str) -> list[str]:
        (tmp_path / "body.json").write_bytes(body)
        text = headers if isinstance(headers, str) else json.dumps(headers)
        (tmp_path / "headers.txt").write_text(text, encoding="utf-8")
        (tmp_path / "ed.pem").write_text(signer.ed25519_public_key, encoding="ascii")
        (tmp_path / "rsa.pem").write_text(signer.rsa_public_key, encoding="ascii")
        return ["events", "verify", "--headers", str(tmp_path / "headers.txt"), "--body", str(tmp_path / "body.json"),
                "--ed25519-key", str(tmp_path / "ed.pem"), "--rsa-key", str(tmp_path / "rsa.pem"),
                "--now", "2025-01-28T14:36:00Z"]

    return write


async def test_verify_accepts_a_genuine_capture(
    cli: Cli, capture: Callable[..., list[str]], signer: WebhookSender
) -> None:
    body = body_of({**DOC_INVOICE, "name": "Café ☕"})
    status, out, _ = await cli(*capture(body, signer.sign(body)))
    assert status == 0
    assert json.loads(out) == {
        "valid": True, "scheme": "ed25519", "event": "InvoiceEvent", "delivery_id": "abc123xyz",
        "occurred_at": "2025-01-28T14:35:00+00:00", "kind": "created", "invoice_id": "6578278e879ad2646715ba9c",
    }


async def test_verify_reads_an_http_header_block(
    cli: Cli, capture: Callable[..., list[str]], signer: WebhookSender
) -> None:
    body = body_of(DOC_INVOICE)
    block = "POST /hooks HTTP/1.1\nHost: example.com\nContent-Type: application/json\n" + "".join(
        f"X-WH-Signature: {v}\n" for k, v in signer.sign(body).items() if k == "x-wh-signature"
    ) + "\n" + body.decode()
    status, out, _ = await cli(*capture(body, block))
    assert status == 0 and json.loads(out)["scheme"] == "rsa"


@pytest.mark.parametrize(
    ("change", "reason"),
    [("tamper", "bad_signature"), ("unsigned", "missing_signature"), ("stale", "stale_timestamp")],
)
async def test_verify_names_why_a_capture_is_invalid(
    cli: Cli, capture: Callable[..., list[str]], signer: WebhookSender, change: str, reason: str
) -> None:
    body = body_of(DOC_INVOICE)
    headers = signer.sign(body)
    if change == "tamper":
        body = body.replace(b"Macbook", b"MacBook")
    if change == "unsigned":
        headers = {"content-type": "application/json"}
    args = capture(body, headers)
    if change == "stale":
        args[-1] = "2025-01-29T14:36:00Z"
    status, out, _ = await cli(*args)
    assert status == 1
    assert out.startswith(f"invalid: {reason}: ")


async def test_verify_with_gohighlevel_s_keys_refuses_a_foreign_signature(
    cli: Cli, tmp_path: Path, signer: WebhookSender
) -> None:
    body = body_of(DOC_INVOICE)
    (tmp_path / "b").write_bytes(body)
    (tmp_path / "h").write_text(json.dumps(signer.sign(body)), encoding="utf-8")
    status, out, _ = await cli("events", "verify", "--headers", str(tmp_path / "h"), "--body", str(tmp_path / "b"))
    assert (status, out.split(":")[0:2]) == (1, ["invalid", " bad_signature"])


async def test_verify_with_an_unreadable_headers_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "h").write_text("{not json", encoding="utf-8")
    (tmp_path / "b").write_bytes(b"{}")
    status, _, err = await cli("events", "verify", "--headers", str(tmp_path / "h"), "--body", str(tmp_path / "b"))
    assert status == 2 and "not a JSON object of headers" in err


async def test_verify_without_the_extra_is_a_usage_error(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives", None)
    (tmp_path / "h").write_text("{}", encoding="utf-8")
    (tmp_path / "b").write_bytes(b"{}")
    status, _, err = await cli("events", "verify", "--headers", str(tmp_path / "h"), "--body", str(tmp_path / "b"))
    assert status == 2 and "invoicekit[webhooks]" in err


async def test_a_second_watch_resumes_from_the_first(portal: tuple[OnlyOfficeSimulator, Path], cli: Cli) -> None:
    sim, config = portal
    assert await cli("events", "watch", "--config", str(config), "--interval", "0.1", "--duration", "0.3") == (
        0, "", "")  # the baseline, checkpointed in the default state file
    async with invoicekit.connect(onlyoffice_simulator_config(sim, str(sim.url))) as client:
        made = await client.create(InvoiceDraft(
            currency="USD", contact=ONLYOFFICE_CONTACTS[0], issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
            terms="Net 30", lines=[LineItem(name="Retainer", unit_price=Decimal(100))],
        ))
    status, out, _ = await cli("events", "watch", "--config", str(config), "--interval", "0.1", "--count", "1",
                               "--duration", "10")
    assert status == 0
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert (line["kind"], line["invoice_id"]) == ("created", made.id)
    # The printed event was handled: a third run has nothing to report.
    assert await cli("events", "watch", "--config", str(config), "--interval", "0.1", "--duration", "0.3") == (
        0, "", "")
