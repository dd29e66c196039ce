"""Every kind of member mistake: the exact message, exit 1, no traceback, output untouched.

Each folder in tests/invalid_sites/ holds the files that differ from the minimal
fixture (and `delete.txt`, files to remove), plus `expected.txt`: the exact
error output. A `before/` folder holds files in place for the first, good build
(e.g. printed codes the tool then remembers). Regenerate one with `UPDATE_EXPECTED=1 pytest tests/test_invalid_sites.py`
and read the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_builder.build import build
from tests.helpers import copy_project, run_cli, snapshot

CASES = Path(__file__).parent / "invalid_sites"
SPECIAL = {"expected.txt", "delete.txt"}
BEFORE = "before"


def apply_case(project: Path, case: Path) -> None:
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_file() and rel.as_posix() not in SPECIAL and rel.parts[0] != BEFORE:
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, project / rel)
    delete = case / "delete.txt"
    if delete.is_file():
        for line in delete.read_text().split():
            (project / line).unlink()


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_invalid_site(tmp_path: Path, case: str) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    if (CASES / case / BEFORE).is_dir():
        shutil.copytree(CASES / case / BEFORE, project, dirs_exist_ok=True)
    build(project)  # a good build first: its output must survive the bad one
    before = snapshot(project / "output")
    apply_case(project, CASES / case)

    result = run_cli(project, "build")

    expected_file = CASES / case / "expected.txt"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(result.err)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.out == ""
    assert result.err == expected_file.read_text()
    assert snapshot(project / "output") == before


def test_bom_and_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    path = project / "content/dolls/hmong/vi.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    item = project / "content/dolls/hmong/item.yaml"
    item.write_bytes(b"\xef\xbb\xbf" + item.read_bytes().replace(b"\n", b"\r\n"))
    result = run_cli(project, "build")
    assert result.code == 0, result.err
    assert (project / "output/vi/dolls/hmong/index.html").is_file()
