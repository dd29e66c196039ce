"""The Nu HTML Checker (vnu.jar, the W3C validator) finds no error in the built site."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.validators.conftest import BROKEN, need_vnu


@pytest.fixture(scope="session")
def vnu_errors(sample_site: Path) -> dict[str, list[str]]:
    """One JVM start for the whole output folder and the broken fixture: errors by folder."""
    vnu = need_vnu()
    output = sample_site / "output"
    proc = subprocess.run(
        [*vnu, "--errors-only", "--skip-non-html", str(output), str(BROKEN)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert proc.returncode in (0, 1), f"vnu.jar did not run:\n{proc.stderr[-3000:]}"
    errors: dict[str, list[str]] = {"site": [], "broken": [], "other": []}
    for line in lines:
        url = line.removeprefix('"file:').split('"', 1)[0]
        if str(output) in url:
            errors["site"].append(line.replace(f"file:{output}/", ""))
        elif str(BROKEN) in url:
            errors["broken"].append(line.replace(f"file:{BROKEN}/", ""))
        else:
            errors["other"].append(line)
    assert (proc.returncode == 0) == (not lines), lines
    return errors


def test_the_built_site_is_valid_html(vnu_errors: dict[str, list[str]]) -> None:
    assert vnu_errors["other"] == []
    assert vnu_errors["site"] == [], "Nu HTML Checker:\n" + "\n".join(vnu_errors["site"])


def test_the_checker_rejects_the_broken_page(vnu_errors: dict[str, list[str]]) -> None:
    text = "\n".join(vnu_errors["broken"])
    assert "Duplicate ID “dup”" in text
    assert "An “img” element must have an “alt” attribute" in text
