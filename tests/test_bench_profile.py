"""bench/profile.py --stickers: a cold `stickers --all` profiled in one process, its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests.helpers import REPO, copy_project


def test_profile_of_the_sticker_command(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    (project / ".site-builder-cache").mkdir()  # a cold run: it is deleted first
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.profile",
            "--stickers",
            "--save",
            str(tmp_path / "s.prof"),
            str(project),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    rows = {
        line.split("|")[1].strip(): line.split("|")[2:-1]
        for line in proc.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| part")
    }
    for part in (
        "whole command",
        "sticker sheets",
        "  WeasyPrint: layout",
        "plan (printed codes, QR encoding)",
    ):
        assert part.strip() in rows, proc.stdout
    whole = float(rows["whole command"][0])
    assert 0 < float(rows["sticker sheets"][0]) <= whole
    pdf = PdfReader(project / "stickers" / "bench-profile-all.pdf")
    assert len(pdf.pages) >= 1
    assert (tmp_path / "s.prof").is_file()
