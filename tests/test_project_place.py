"""Where a project cannot be built as it is: missing, read-only, a name too long for the
system; and a key left empty. Each is a message naming the place, never a traceback."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.helpers import Run, copy_project, run_cli


def test_a_missing_project_folder_is_named_as_one(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"
    result = run_cli(tmp_path, "--project", str(missing), "--lang", "en", "build")
    assert (result.code, result.err) == (
        1,
        f"Error: there is no project folder {missing}. Run the command in the project folder "
        "(the one holding site.yaml), or pass --project.\n",
    )


def test_a_folder_name_longer_than_the_system_allows_is_a_message(tmp_path: Path) -> None:
    long = tmp_path / ("a" * 300)
    for verb in ("check", "build"):
        result = run_cli(tmp_path, "--project", str(long), "--lang", "en", verb)
        assert result.code == 1
        assert "Traceback" not in result.err
        assert result.err.endswith(
            ": a folder or file name in this path is longer than the system allows.\n"
        ), result.err


def refuse_lock(monkeypatch: pytest.MonkeyPatch, lock: Path, code: int) -> None:
    """The system's answer `code` to opening `lock` (as root, permissions stop no write:
    a read-only disk or another user's file is answered here instead)."""
    real_open = os.open

    def refused(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path) == str(lock):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)


def test_a_read_only_project_says_so_and_check_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "site")
    refuse_lock(monkeypatch, project / ".site-builder.lock", errno.EROFS)
    assert main(["--project", str(project), "--lang", "en", "build"]) == 1
    assert capsys.readouterr().err == (
        f"Error: the project folder {project} cannot be written (Read-only file system): a "
        "build records its work there. Copy the project to a folder you can write to "
        "(`check` works as it is).\n"
    )
    assert not (project / "output").exists()
    assert main(["--project", str(project), "--lang", "en", "check"]) == 0


def test_a_key_left_empty_says_nothing_was_written_after_its_colon(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    categories = project / "content/categories.yaml"
    text = categories.read_text(encoding="utf-8")
    categories.write_text(text.replace("  hmong: {vi: Mông, en: Hmong}", "  hmong:"), "utf-8")
    line = text.splitlines().index("  hmong: {vi: Mông, en: Hmong}") + 1
    result = run_cli(project, "--lang", "en", "check")
    assert (
        f"content/categories.yaml:{line}: ethnic_groups.hmong: expected texts per language, "
        "found nothing (the line ends after the colon)."
    ) in result.out
    assert "NoneType" not in result.out


def test_a_lock_file_left_by_another_user_is_named_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One `sudo make build` leaves .site-builder.lock owned by root in a folder the member
    can write: the folder is fine, the lock file is not theirs."""
    project = copy_project(tmp_path / "site")
    lock = project / ".site-builder.lock"
    lock.write_text("1 other-computer\n")
    refuse_lock(monkeypatch, lock, errno.EACCES)
    assert main(["--project", str(project), "--lang", "en", "build"]) == 1
    assert capsys.readouterr().err == (
        f"Error: cannot open the lock file {lock}: Permission denied. It was probably left by a "
        "build run as another user (e.g. with sudo): delete it, or give it back to your user.\n"
    )


def run_here(folder: Path, *args: str) -> Run:
    """`site-builder ARGS` without --project, in `folder`: as a member who opened a
    terminal there."""
    proc = subprocess.run(
        [sys.executable, "-m", "site_builder", "--lang", "en", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def test_a_command_in_a_subfolder_uses_the_project_above(tmp_path: Path) -> None:
    """Like git: the nearest folder above holding site.yaml is the project, and files are
    still named from the project's folder (as `check` in the project names them)."""
    project = copy_project(tmp_path / "site")
    item = project / "content/dolls/hmong/item.yaml"
    text = item.read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("price:"))
    item.write_text(text.replace("price: 450000", "price: abc"), "utf-8")
    result = run_here(item.parent, "build")
    assert (result.code, result.err) == (
        1,
        f"Error: content/dolls/hmong/item.yaml:{line}: price: expected a whole number of "
        "đồng, found text ('abc'). Write digits only, without dots, commas or units, e.g. "
        "450000.\n1 error; nothing was written.\n",
    )
    assert sorted(p.name for p in item.parent.iterdir()) == [
        "doll.png",
        "en.md",
        "item.yaml",
        "vi.md",
    ]  # (no lock or cache left in the subfolder)
    item.write_text(text, "utf-8")
    assert run_here(project / "content", "check").code == 0


def test_new_in_a_subfolder_creates_the_item_in_the_project_above(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    result = run_here(project / "content/dolls/hmong", "new", "doll", "Búp bê Dao")
    assert result.code == 0, result.err
    assert result.out.startswith(
        f"Created {project / 'content/dolls/bup-be-dao'} with the code XM-D02: "
    )
    assert (project / "content/dolls/bup-be-dao/item.yaml").is_file()
    assert not (project / "content/dolls/hmong/content").exists()


def test_no_site_yaml_up_to_the_root_keeps_the_message(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    assert not any((p / "site.yaml").exists() for p in (folder, *folder.parents))
    result = run_here(folder, "build")
    assert (result.code, result.err) == (
        1,
        "Error: site.yaml: there is no site.yaml here. Run the command in the project folder "
        "(the one with site.yaml), or pass --project.\n1 error; nothing was written.\n",
    )
    assert list(folder.iterdir()) == []  # (nothing written there: no lock file either)


def test_a_deleted_current_folder_is_a_message(tmp_path: Path) -> None:
    """The terminal's folder deleted under it (a `git checkout`, the file manager): a
    message, not a traceback."""
    script = 'mkdir gone && cd gone && rmdir ../gone && exec "$0" -m site_builder --lang en build'
    proc = subprocess.run(
        ["sh", "-c", script, sys.executable],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert (proc.returncode, proc.stderr) == (
        1,
        "Error: the current folder no longer exists (it was deleted or moved while the "
        "terminal was open). Go to the project folder again, or pass --project.\n",
    )
