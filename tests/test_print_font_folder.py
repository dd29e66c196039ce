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
    """A killed process runs nothing at its end; its folder's lock goes with it, so the
    next sweep removes it at once, and never a folder whose process still runs, whatever
    its pid (reused, or another container's)."""
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
        assert fontfolder.sweep(tmp) == []  # both held
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        assert left.is_dir() and left.parent == tmp  # SIGKILL: nothing ran
        (tmp / "weasyprint-abc").mkdir()  # WeasyPrint's own, maybe another program's
        assert fontfolder.sweep(tmp) == [left]
        assert alive.is_dir() and (tmp / "weasyprint-abc").is_dir()

        # a named folder without its lock file (removed by hand): its age decides
        odd = tmp / f"{fontfolder.PREFIX}{running.pid}-abcd"
        odd.mkdir()
        assert fontfolder.sweep(tmp) == []  # (made moments ago)
        later = time.time() + fontfolder.STALE_SECONDS + 1
        assert fontfolder.sweep(tmp, now=later) == [odd]
        assert alive.is_dir()
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


def _make_folder_and_wait() -> None:
    fontfolder.make()
    time.sleep(600)


def test_workers_killed_by_a_stop_have_their_folders_removed_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lifeline.stop (Ctrl-C, SIGTERM, an error) kills the workers with SIGKILL; their
    folders are gone when it returns, not only when the command ends."""
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    from site_builder import lifeline

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
    futures = [pool.submit(_make_folder_and_wait) for _ in range(2)]
    deadline = time.monotonic() + 120
    while len(font_folders(tmp)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(font_folders(tmp)) == 2
    lifeline.stop(pool)
    assert font_folders(tmp) == []
    assert all(f.cancelled() or f.done() for f in futures)


def test_a_folder_being_made_is_not_swept_by_a_sibling(tmp_path: Path) -> None:
    """Two workers start at once: one sweeps while the other has created its lock file but
    not yet locked it. That folder (still under its making name) is left alone unless it is
    old (a process killed while making it); it was removed, and the other worker failed."""
    making = tmp_path / ".site-builder-fonts-making-abcd"
    making.mkdir()
    (making / fontfolder.OWNER).write_bytes(b"")  # created, not locked yet
    assert fontfolder.sweep(tmp_path) == []
    assert making.is_dir()
    later = time.time() + fontfolder.STALE_SECONDS + 1
    assert fontfolder.sweep(tmp_path, now=later) == [making]
