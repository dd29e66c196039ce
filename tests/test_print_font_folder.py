"""The folders WeasyPrint copies our fonts into do not pile up in the temporary folder.

Each process that draws a PDF needs one (~620 kB); WeasyPrint removes its own only when
its font configuration is garbage-collected, which a pool's worker never does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from site_builder.print import fontfolder
from tests.helpers import copy_project, run_cli


def font_folders(tmp: Path) -> list[str]:
    return sorted(
        name for name in os.listdir(tmp) if name.startswith(("weasyprint-", fontfolder.PREFIX))
    )


def test_builds_and_sticker_sheets_drawn_by_workers_leave_no_font_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "site", "sample")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")

    built = run_cli(project, "build")
    assert built.code == 0, built.err
    drawn = run_cli(project, "stickers", "--all", "--template", "L7163")
    assert drawn.code == 0, drawn.err

    booklets = sorted((project / "output").rglob("*.pdf"))
    sheets = sorted((project / "stickers").glob("*.pdf"))
    assert len(booklets) >= 2 and sheets
    for pdf in (*booklets, *sheets):  # drawn with our fonts, embedded
        fonts = {
            str(font.get("/BaseFont", ""))
            for page in PdfReader(pdf).pages
            for font in (page["/Resources"].get("/Font") or {}).values()
            for font in [font.get_object()]
        }
        assert fonts and all("Noto-Sans-XM" in name for name in fonts), (pdf, fonts)
    assert font_folders(tmp) == []


def test_the_folder_of_a_killed_process_is_removed_by_the_next_one(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    script = (
        "import sys, time\n"
        "from site_builder.print import fontfolder\n"
        "print(fontfolder.make(), flush=True)\n"
        "time.sleep(600)\n"
    )
    killed = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    assert killed.stdout is not None
    left = Path(killed.stdout.readline().strip())
    running = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    assert running.stdout is not None
    alive = Path(running.stdout.readline().strip())
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        assert left.is_dir() and left.parent == tmp  # SIGKILL: nothing ran

        # a folder made moments ago may belong to a process this one cannot see
        assert fontfolder.sweep(tmp) == []
        assert left.is_dir()

        later = time.time() + fontfolder.STALE_SECONDS + 1
        (tmp / "weasyprint-abc").mkdir()  # WeasyPrint's own, maybe another program's
        assert fontfolder.sweep(tmp, now=later) == [left]
        assert not left.exists()
        assert alive.is_dir() and (tmp / "weasyprint-abc").is_dir()
    finally:
        running.kill()
        running.wait(timeout=60)
        killed.wait(timeout=60)


def test_a_process_removes_its_own_folder_when_it_ends(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    script = (
        "from site_builder.print import fontfolder\n"
        "folder = fontfolder.make()\n"
        "(folder / 'font').write_bytes(b'x')\n"
        "print(folder)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "TMPDIR": str(tmp)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).parent == tmp
    assert font_folders(tmp) == []


def test_sticker_workers_stopped_by_sigterm_leave_no_font_folder(tmp_path: Path) -> None:
    """Ctrl-C or SIGTERM kills the workers (SIGKILL: they run nothing at their end); their
    parent removes their folders. (Each left 620 kB until a later run, 10 minutes on.)"""
    from bench import corpus

    corpus.generate(tmp_path / "corpus", items=400, seed=1, peers=False)
    project = tmp_path / "corpus/ours"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "SITE_BUILDER_JOBS": "2", "LANG": "C.UTF-8"}
    command = [sys.executable, "-m", "site_builder", "--project", str(project)]
    proc = subprocess.Popen(
        [*command, "stickers", "--all", "--copies", "4"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120  # (a worker makes its folder as it starts drawing)
    while not font_folders(tmp) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert font_folders(tmp), "no worker started drawing"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, (out, err)
    assert err == "Stopped.\n"
    assert font_folders(tmp) == []
