"""A failed build never leaves a half-written site; two builds never interleave."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder import build as build_module
from site_builder import writer
from site_builder.build import build
from site_builder.errors import ContentError, ErrorList, SiteError
from site_builder.writer import LOCK_FILE, BuildLocked
from tests.helpers import run_cli, snapshot


@pytest.fixture
def built(minimal: Path) -> tuple[Path, dict[str, bytes]]:
    build(minimal)
    return minimal, snapshot(minimal / "output")


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if ".staging-" in p.name or ".old-" in p.name)


def test_content_failure_leaves_output_unchanged(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    (root / "content/dolls/hmong/vi.md").write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(ErrorList):
        build(root)
    assert snapshot(root / "output") == before
    assert leftovers(root) == []


def test_template_failure_leaves_output_unchanged(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    (root / "templates/page.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ text.nope() }}{% endblock %}"
    )
    with pytest.raises(ContentError, match="template error"):
        build(root)
    assert snapshot(root / "output") == before


def test_qr_failure_leaves_output_unchanged(
    built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, before = built
    real = build_module.make_qr

    def failing(data: str, ec: str = "M"):  # type: ignore[no-untyped-def]
        if data.endswith("XM-P01"):
            raise ValueError("injected QR failure")
        return real(data, ec)

    monkeypatch.setattr(build_module, "make_qr", failing)
    with pytest.raises(ValueError, match="injected"):
        build(root, use_cache=False)
    assert snapshot(root / "output") == before
    assert leftovers(root) == []


def test_pdf_failure_leaves_output_unchanged(
    built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, before = built

    def failing(*args: object, **kwargs: object) -> bytes:
        raise SiteError("injected PDF failure")

    monkeypatch.setattr(build_module, "sticker_sheet", failing)
    with pytest.raises(SiteError, match="injected PDF failure"):
        build(root, use_cache=False)
    assert snapshot(root / "output") == before


def test_disk_full_leaves_output_unchanged(
    built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, before = built
    real = writer.Staging.put
    calls = {"n": 0}

    def full(
        self: writer.Staging, rel: str, data: bytes | Path, link: bool = True
    ) -> tuple[int, int, int]:
        calls["n"] += 1
        if calls["n"] > 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, rel, data, link)

    monkeypatch.setattr(writer.Staging, "put", full)
    with pytest.raises(SiteError) as info:
        build(root, use_cache=False)
    assert str(info.value) == (
        "could not write the site (No space left on device); the previous output/ was left as it was."
    )
    assert snapshot(root / "output") == before
    assert leftovers(root) == []


def test_a_second_build_at_the_same_time_is_refused(minimal: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(minimal / LOCK_FILE)!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode())\n"
            "print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildLocked) as info:
            build(minimal)
        assert str(info.value) == (
            f"another build of this project is running (process {holder.pid}). "
            "Wait for it to finish, then try again."
        )
        result = run_cli(minimal, "build")
        assert result.code == 1 and "another build of this project is running" in result.err
        assert not (minimal / "output").exists()
    finally:
        holder.kill()
        holder.wait()
    build(minimal)  # the lock is released with its holder
    assert (minimal / "output/index.html").is_file()


def test_the_lock_is_released_after_a_failed_build(minimal: Path) -> None:
    (minimal / "site.yaml").write_text("title: [")
    with pytest.raises(ContentError):
        build(minimal)
    fd = os.open(minimal / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # would raise if still held
    finally:
        os.close(fd)


def test_output_is_readable_by_a_web_server(minimal: Path) -> None:
    build(minimal)
    mode = (minimal / "output").stat().st_mode & 0o777
    assert mode & 0o005 == 0o005  # others may read and enter


def test_a_large_old_output_is_removed_in_the_background(
    built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The command returns once the new site is in place; the old one goes away by itself,
    and the background removal never holds the project lock."""
    import time

    root, before = built
    monkeypatch.setattr(writer, "BACKGROUND_REMOVAL_FROM", 0)
    story = root / "content/dolls/hmong/en.md"
    story.write_text(story.read_text().replace("dyed with indigo", "dyed with deep indigo"))
    build(root)
    after = snapshot(root / "output")
    assert after != before and after == snapshot(root / "output")
    story.write_text(story.read_text().replace("deep indigo", "dark indigo"))
    build(root)  # at once: not locked by the removal
    deadline = time.monotonic() + 20
    while leftovers(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(root) == []
    build(root, tmp_path / "clean", use_cache=False)
    assert snapshot(root / "output") == snapshot(tmp_path / "clean")
