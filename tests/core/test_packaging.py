"""Packaging: an editable install must be visible to type checkers, not only to the interpreter."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_editable_install_is_a_plain_path_entry_that_mypy_can_follow(tmp_path: Path) -> None:
    # setuptools' default for a root-level package is an import-hook finder (a .pth that runs
    # `import __editable___..._finder`), which mypy and pyright cannot follow: `pip install -e .`
    # then leaves a user's `mypy` unable to find invoicekit. The project must get the plain
    # path entry instead. Built from a copy, so the repository gets no build artefacts.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "invoicekit", project / "invoicekit", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    build = "import sys; from setuptools import build_meta; print(build_meta.build_editable(sys.argv[1]))"
    subprocess.run(
        [sys.executable, "-c", build, str(wheels)], cwd=project, check=True, capture_output=True, timeout=120
    )
    (wheel,) = wheels.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (pth,) = [n for n in names if n.endswith(".pth")]
        lines = archive.read(pth).decode().split()
    assert not [n for n in names if "finder" in n]
    assert lines == [str(project)]
