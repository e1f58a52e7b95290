"""``invoicekit export``: JSON Lines streamed page by page, progress on stderr, no half files."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import stat
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from invoicekit.cli.export import Progress
from invoicekit.testing import OnlyOfficeSimulator

from .conftest import OO_TOKEN, InvokeCli, RunCli, clean_environ, free_port, onlyoffice_settings, write_config


@pytest.fixture
async def big(tmp_path: Path) -> tuple[OnlyOfficeSimulator, Path]:
    sim = OnlyOfficeSimulator(token=OO_TOKEN, invoices=250)
    async with sim.run() as url:
        yield sim, write_config(tmp_path / "big.toml", {"big": onlyoffice_settings(url)})  # type: ignore[misc]


async def test_export_to_a_file_with_progress_and_to_stdout(
    big: tuple[OnlyOfficeSimulator, Path], run_cli: RunCli, tmp_path: Path
) -> None:
    sim, config = big
    target = tmp_path / "out" / "invoices.jsonl"
    target.parent.mkdir()
    to_file, drafts = await asyncio.gather(
        run_cli("export", "--config", str(config), "--output", str(target), "--page-size", "40",
                "--progress-every", "100"),
        run_cli("export", "--config", str(config), "--status", "draft", "--quiet", "--raw"),
    )
    assert to_file.status == 0 and to_file.out == ""
    # stderr is a pipe here, so progress comes as lines (on a terminal it is rewritten in place).
    assert to_file.err.splitlines() == [
        "exported 100 invoices...", "exported 200 invoices...", f"exported 250 invoices to {target}",
    ]
    lines = target.read_text().splitlines()
    assert len(lines) == 250
    records = [json.loads(line) for line in lines]
    assert sorted(r["id"] for r in records) == list(range(1, 251))
    issued = [r["issue_date"] for r in records]
    assert issued == sorted(issued)  # the one default order: issue date, oldest first
    assert Decimal(records[0]["total"]) > 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["invoices.jsonl"]  # no temp file left
    pages = [r.params["startIndex"] for r in sim.requests if r.path.endswith("/filter.json")
             and r.params.get("count") == "40"]
    assert pages == [str(n) for n in range(0, 280, 40)]  # streamed: 7 pages of 40, the last short

    assert drafts.status == 0 and drafts.err == ""
    exported = [json.loads(line) for line in drafts.out.splitlines()]
    assert len(exported) == sum(i.status == 1 for i in sim.store.invoices.values())
    assert {r["status"] for r in exported} == {"draft"} and all("raw" in r for r in exported)


async def test_failed_export_leaves_no_file(invoke: InvokeCli, tmp_path: Path) -> None:
    config = write_config(tmp_path / "down.toml", {"down": onlyoffice_settings(f"http://127.0.0.1:{free_port()}")})
    target = tmp_path / "invoices.jsonl"
    target.write_text("the previous export\n")
    result = await invoke("export", "--config", str(config), "-o", str(target))
    assert result.status == 5 and result.one_error_line().startswith("onlyoffice list")
    assert target.read_text() == "the previous export\n"  # replaced only by a complete export
    # No temp file left behind (a tiny directory: blocking the loop here is harmless).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["down.toml", "invoices.jsonl"]  # noqa: ASYNC240

    missing_dir = await invoke("export", "--config", str(config), "-o", str(tmp_path / "no" / "such.jsonl"))
    assert missing_dir.status == 2 and "No such file or directory" in missing_dir.one_error_line()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_rewrites_one_line_on_a_terminal_and_can_be_silenced() -> None:
    tty = _Terminal()
    progress = Progress(tty, quiet=False, interval=0.0)
    for _ in range(3):
        progress.tick()
    progress.done("out.jsonl")
    assert tty.getvalue() == (
        "\rexported 1 invoice...\rexported 2 invoices...\rexported 3 invoices...\rexported 3 invoices to out.jsonl\n"
    )
    quiet = io.StringIO()
    silent = Progress(quiet, quiet=True, every=1)
    silent.tick()
    silent.done("x")
    assert quiet.getvalue() == "" and silent.count == 1
    pipe = io.StringIO()
    lines = Progress(pipe, quiet=False, every=2)
    for _ in range(5):
        lines.tick()
    lines.done("stdout")
    assert pipe.getvalue().splitlines() == ["exported 2 invoices...", "exported 4 invoices...",
                                            "exported 5 invoices to stdout"]


@pytest.mark.parametrize(("signum", "status", "line"), [
    (signal.SIGTERM, 143, "invoicekit: terminated"), (signal.SIGINT, 130, "invoicekit: interrupted"),
])
async def test_a_signal_during_export_leaves_no_partial_file(
    big: tuple[OnlyOfficeSimulator, Path], tmp_path: Path, signum: int, status: int, line: str
) -> None:
    sim, config = big
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "invoices.jsonl"
    target.write_text("the previous export\n")
    # Every page is held back, so the export is surely in progress when SIGTERM comes.
    sim.faults.delay(30, times=None, path="/api/2.0/crm/invoice/filter.json")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "invoicekit", "export", "--config", str(config), "-o", str(target),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=clean_environ(), cwd=tmp_path,
    )
    try:
        for _ in range(600):  # at most 60 s: the temporary file exists and the first page was asked for
            if any(r.path.endswith("/filter.json") for r in sim.requests) and len(list(out_dir.iterdir())) == 2:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the export did not start")
        process.send_signal(signum)
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == status, err
    assert out == b"" and err.decode() == line + "\n"
    assert [p.name for p in out_dir.iterdir()] == ["invoices.jsonl"]
    assert target.read_text() == "the previous export\n"


async def test_export_keeps_the_mode_and_refuses_links(
    big: tuple[OnlyOfficeSimulator, Path], invoke: InvokeCli, tmp_path: Path
) -> None:
    _, config = big
    cfg = ("--config", str(config), "--quiet", "--limit", "3")
    private = tmp_path / "private.jsonl"
    private.write_text("old\n")
    private.chmod(0o640)
    assert (await invoke("export", *cfg, "-o", str(private))).status == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o640 and len(private.read_text().splitlines()) == 3

    fresh = tmp_path / "fresh.jsonl"
    umask = os.umask(0o027)
    try:
        assert (await invoke("export", *cfg, "-o", str(fresh))).status == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640  # 0666 less the umask, as open() gives

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "target.jsonl").write_text("not to be touched\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(elsewhere / "target.jsonl")
    refused = await invoke("export", *cfg, "-o", str(link))
    assert refused.status == 2 and "is a symbolic link: give the file it points to" in refused.one_error_line()
    assert link.is_symlink() and (elsewhere / "target.jsonl").read_text() == "not to be touched\n"
    directory = await invoke("export", *cfg, "-o", str(elsewhere))
    assert directory.status == 2 and "exists and is not a regular file" in directory.one_error_line()
    names = sorted(p.name for p in tmp_path.iterdir())  # noqa: ASYNC240 (a tiny directory)
    assert names == ["big.toml", "elsewhere", "fresh.jsonl", "link.jsonl", "private.jsonl"]


async def test_an_output_in_a_directory_that_does_not_exist_names_the_file_given(
    big: tuple[OnlyOfficeSimulator, Path], invoke: InvokeCli, tmp_path: Path
) -> None:
    """The error named the temporary file (``.x.jsonl.76l0agvy.part``), which the user never gave."""
    _, config = big
    target = tmp_path / "no-such-directory" / "invoices.jsonl"
    result = await invoke("export", "--config", str(config), "--quiet", "--limit", "3", "-o", str(target))
    assert result.status == 2
    line = result.one_error_line()
    assert line == (f"cannot write {str(target)!r}: No such file or directory"
                    f" (the directory {str(target.parent)!r} does not exist)"), line
    assert not target.parent.exists()
