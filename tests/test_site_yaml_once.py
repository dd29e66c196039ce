"""site.yaml is parsed once per command, and later checks still name its lines.

The count is taken with a profiler hook on the real parsing functions (nothing is
replaced): every call of `parse_yaml` or `quiet_yaml` whose file is site.yaml counts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from site_builder import cli
from site_builder.content import free_codes, yamlsource
from tests.helpers import copy_project

PARSERS = {yamlsource.parse_yaml.__code__, free_codes.quiet_yaml.__code__}


@contextmanager
def site_yaml_parses() -> Iterator[list[str]]:
    """The callers (function names) of each parse of a site.yaml while the block runs."""
    seen: list[str] = []

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in PARSERS:
            path = frame.f_locals.get("path")
            if isinstance(path, Path) and path.name == "site.yaml":
                caller = frame.f_back
                seen.append(caller.f_code.co_qualname if caller else "?")

    old = sys.getprofile()
    sys.setprofile(hook)
    try:
        yield seen
    finally:
        sys.setprofile(old)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # every step in this process, where we see it
    root = copy_project(tmp_path / "site", "minimal")
    text = (root / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(
        text + "moved_codes:\n  XM-D77: XM-D01\nbudgets:\n  landing_kb: 1\n", encoding="utf-8"
    )
    return root


@pytest.mark.parametrize("command", [["build"], ["check"], ["stickers"], ["qr", "XM-D01"]])
def test_one_parse_per_command(project: Path, command: list[str]) -> None:
    with site_yaml_parses() as seen:
        cli.main(["--project", str(project), *command])
    assert seen == ["load_config"], seen


def test_checks_after_loading_still_name_the_line(project: Path) -> None:
    """The budget warning's line comes from the one parse, not from reading the file again."""
    lines = (project / "site.yaml").read_text(encoding="utf-8").splitlines()
    expected = lines.index("  landing_kb: 1") + 1
    from site_builder.check import check

    report = check(project)
    budget = [w for w in report.warnings if w.field == "budgets.landing_kb"]
    assert budget, report.warnings
    assert {w.line for w in budget} == {expected}
