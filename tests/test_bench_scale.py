"""The bench's national-scale rows: tree memory is really summed, verdicts follow the targets."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.run import Result, Sample, measure
from bench.scale import scale_table
from bench.treemem import TreeSampler

# A parent holding ~60 MB that forks two children each touching another ~80 MB, all alive
# together for a while: the tree's RSS is well above any single process's peak.
TREE_PROGRAM = """
import os, time
keep = bytearray(60 * 1024 * 1024)
kids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        mine = bytearray(80 * 1024 * 1024)
        for i in range(0, len(mine), 4096):
            mine[i] = 1
        time.sleep(3)
        os._exit(0)
    kids.append(pid)
for i in range(0, len(keep), 4096):
    keep[i] = 1
for pid in kids:
    os.waitpid(pid, 0)
"""


def test_measure_sums_the_process_tree(tmp_path: Path) -> None:
    sample = measure([sys.executable, "-c", TREE_PROGRAM], tmp_path, tmp_path / "log")
    # own peak: the parent (~60 MB + interpreter) or one child (its 80 MB + inherited pages)
    assert 60 <= sample.peak_mb < 200
    # the tree: parent 60 + 2 × 80 at the same time, at least
    assert sample.tree_mb >= 220
    assert sample.tree_mb > sample.peak_mb + 100
    assert 0 < sample.tree_pss_mb <= sample.tree_mb
    assert sample.cpu_s > 0


def test_sampler_of_a_missing_process_is_zero() -> None:
    sampler = TreeSampler(2**22 + 12345)  # no such pid on Linux (pid_max ≤ 2**22)
    sampler.sample()
    assert sampler.peak_rss_mb == 0


def _result(scenario: str, seconds: float, cpu: float, tree_mb: float, *more: float) -> Result:
    """One sample, PSS half the RSS; `more`: further samples' seconds (same figures else)."""
    return Result(
        "ours",
        scenario,
        [Sample(s, tree_mb / 2, cpu, tree_mb, tree_mb / 2) for s in (seconds, *more)],
    )


def _rows(text: str) -> dict[str, list[str]]:
    lines = [line for line in text.splitlines() if line.startswith("| ")][1:]
    return {
        cells[0]: cells[1:]
        for cells in ([c.strip() for c in line.strip("|").split("|")] for line in lines)
    }


def test_scale_verdicts() -> None:
    # at 2,000: three check runs as bench/run.py makes them, the first one cold (3.0 s)
    base = [_result("cold", 10.0, 16.0, 300), _result("check", 3.0, 2.0, 100, 2.0, 1.8)]
    big = [
        _result("cold", 110.0, 170.0, 900),  # exactly 11×: PASS; memory under 1 GB
        _result("check-first", 32.0, 30.0, 1100),  # 10.7× the first run: PASS; RSS 1,100: FAIL
        _result("check", 22.5, 30.0, 2200),  # 11.25× the median (2.0 s): FAIL; PSS 1,100: FAIL
        _result("no-change", 1.0, 1.0, 50),  # no base row: time n/a
    ]
    rows = _rows(scale_table(base, big, 2000, 20000))
    assert rows["cold"] == [
        "10.00 / 16.0 / 300",
        "110.00 / 170.0 / 900",
        "11.0×",
        "10.6×",
        "PASS",
        "450",
        "PASS",
        "PASS",
    ]
    assert rows["check-first"][0] == "3.00 / 2.0 / 100"  # the first of the three runs
    assert rows["check-first"][4:] == ["PASS", "550", "FAIL", "PASS"]
    assert rows["check"][0] == "2.00 / 2.0 / 100"  # the median of the three
    assert rows["check"][4:] == ["FAIL", "1100", "FAIL", "FAIL"]
    assert rows["no-change"][4:] == ["n/a", "25", "PASS", "PASS"]
    assert rows["stickers-cold"][4:] == ["n/a", "—", "n/a", "n/a"]


def test_profile_breakdown_of_a_real_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import corpus
    from bench.profile import main as profile_main

    corpus.generate(tmp_path, items=3, seed=1, peers=False)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # restored after the test
    assert profile_main([str(tmp_path / "ours"), "--save", str(tmp_path / "p.prof")]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows["whole build"][1] == "100 %"
    for part in (
        "load (YAML, Markdown, image headers)",
        "precompressed copies (.br, .gz)",
        "render and write pages, QR files, photos",
    ):
        assert float(rows[part][0]) > 0
    assert int(rows["Markdown"][2]) == 3 * 2 + 2 * 2  # items and two free pages, vi and en
    assert (tmp_path / "ours" / "output" / "vi" / "index.html").is_file()


def test_the_first_check_at_scale_is_compared_with_the_first_check_after_an_edit() -> None:
    """bench/run.py (stop 33): `check-edit` (each run after an edit and its build) and
    `check` (again); the scale's first check, made after one edit and its build, is set
    against the first `check-edit` run, not against a check run again."""
    base = [_result("check-edit", 0.5, 0.3, 100, 0.3, 0.3), _result("check", 0.15, 0.15, 50)]
    big = [_result("check-first", 5.4, 5.0, 600), _result("check", 1.2, 1.0, 200)]
    rows = _rows(scale_table(base, big, 2000, 20000))
    assert rows["check-first"][0] == "0.50 / 0.3 / 100" and rows["check-first"][4] == "PASS"
    assert rows["check"][0] == "0.15 / 0.1 / 50"
