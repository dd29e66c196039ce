"""A member's first hour: the sample is clean, global options go anywhere on the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli import hoist_global_options
from tests.helpers import copy_project, run_cli


def test_the_untouched_sample_passes_strict_check_with_no_warning(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site", "sample")
    result = run_cli(project, "--lang", "en", "check", "--strict")
    assert result.code == 0, result.out + result.err
    assert "Warning" not in result.out + result.err
    assert result.out.rstrip().endswith("Check passed: 0 errors, 0 warnings.")


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--lang", "vi"],
        ["check", "--lang=vi"],
        ["--lang", "vi", "check"],
        ["check", "--format", "text", "--lang", "vi", "--project", "{project}"],
    ],
)
def test_global_options_anywhere_on_the_line(minimal: Path, argv: list[str]) -> None:
    argv = [a.replace("{project}", str(minimal)) for a in argv]
    result = run_cli(minimal, *argv)
    assert result.code == 0, result.err
    assert "Kiểm tra đạt" in result.out


def test_hoisting_keeps_everything_after_a_double_dash() -> None:
    assert hoist_global_options(["new", "page", "--lang", "en", "--", "--lang"]) == [
        "--lang",
        "en",
        "new",
        "page",
        "--",
        "--lang",
    ]
    assert hoist_global_options(["codes", "list", "--verbose", "--project=x"]) == [
        "--verbose",
        "--project=x",
        "codes",
        "list",
    ]
