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
    (project / ".site-builder-cache" / "marker").write_text("from before")
    (project / "output").mkdir()
    (project / "output" / "kept.txt").write_text("a build's output is not deleted")
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
    assert (project / "output" / "kept.txt").is_file()
    assert not (project / ".site-builder-cache" / "marker").exists()


def test_bench_targets_judge_the_sticker_time_per_sheet() -> None:
    """`make bench` prints the cold sticker time per 21-label sheet as PASS/FAIL."""
    from bench.run import Result, Sample, targets

    def row(seconds: float, items: int) -> list[str]:
        results = [Result("ours", "stickers-cold", [Sample(seconds, 100.0)])]
        table = targets(results, items)
        (line,) = [ln for ln in table.splitlines() if "per 21-label sheet" in ln]
        return [cell.strip() for cell in line.split("|")[2:4]]

    # 2,000 items: 96 sheets (the last one has 5 labels)
    assert row(9.6, 2000) == ["0.100 s × 96 sheets", "PASS"]
    assert row(9.7, 2000) == ["0.101 s × 96 sheets", "FAIL"]
    assert row(1.0, 21) == ["1.000 s × 1 sheets", "FAIL"]
    assert targets([Result("ours", "stickers-cold", [Sample(5.0, 1.0)])]).count("not measured")


def test_bench_judges_check_after_one_edit_not_check_again() -> None:
    """The check target is judged on `check` run after one edit and its build, not on a
    check run again with nothing changed (which prints the last report)."""
    from bench.run import Result, Sample, table, targets

    results = [
        Result("ours", "one-edit", [Sample(0.26, 80.0)] * 3),
        Result("ours", "check-edit", [Sample(s, 80.0) for s in (0.31, 0.30, 0.33)]),
        Result("ours", "check", [Sample(0.15, 50.0)] * 3),
    ]
    (line,) = [ln for ln in targets(results).splitlines() if "check after one edit" in ln]
    assert [cell.strip() for cell in line.split("|")[2:4]] == ["0.31 s vs 0.26 s", "FAIL"]
    rows = [ln.split("|")[1].strip() for ln in table(results).splitlines()[2:]]
    assert "(f) check after one edit (and its build)" in rows
    assert "(f) check again, nothing changed" in rows
