"""Never delete what the tool did not write; publish files a web server can read.

Every verb that writes (build, stickers, qr; serve builds like build) writes only into a
folder that is new, empty or holds the tool's marker. Each refused folder is left
byte-identical (the whole project is compared, .git included), with a message naming
the folder, exit 1 and no traceback.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.outdir import MARKER
from site_builder.writer import write_atomic
from tests.helpers import copy_project, parse_html, run_cli, snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The minimal project with a git folder, as members' projects have."""
    root = copy_project(tmp_path / "home" / "site", "minimal")
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "objects" / "ab12").write_bytes(b"\x78\x9c blob")
    return root


def everything(folder: Path) -> dict[str, bytes | str]:
    """Every file and folder below `folder` (folders too: an empty one must stay)."""
    out: dict[str, bytes | str] = dict(snapshot(folder))
    for p in folder.rglob("*"):
        if p.is_dir():
            out[p.relative_to(folder).as_posix() + "/"] = oct(p.stat().st_mode)
    return out


def refused(result_err: str, code: int) -> None:
    assert code == 1
    assert "Traceback" not in result_err


REFUSALS = {
    # --output as typed -> the English message after "Error: "
    ".": "refusing to write into {root}: it is the project folder itself (site.yaml, "
    "content/, ...), and writing there would replace them. Use a new folder, e.g. output/. "
    "Nothing was changed.",
    "..": "refusing to write into {home}: it holds the project folder {root}, and writing "
    "there would replace it. Use a new folder, e.g. output/. Nothing was changed.",
    "content": "refusing to write into content/: content/ belongs to the project, and writing "
    "there would replace what is in it. Use a new folder, e.g. output/. Nothing was changed.",
    "content/dolls/hmong": "refusing to write into content/dolls/hmong/: content/ belongs "
    "to the project, and writing there would replace what is in it. Use a new folder, e.g. "
    "output/. Nothing was changed.",
    "booklets": "refusing to write into booklets/: booklets/ belongs to the project, and "
    "writing there would replace what is in it. Use a new folder, e.g. output/. "
    "Nothing was changed.",
    "templates": "refusing to write into templates/: templates/ belongs to the project, and "
    "writing there would replace what is in it. Use a new folder, e.g. output/. "
    "Nothing was changed.",
    ".git": "refusing to write into .git/: .git/ belongs to the project, and writing there "
    "would replace what is in it. Use a new folder, e.g. output/. Nothing was changed.",
    "site.yaml": "refusing to write into site.yaml: it is a file, not a folder. Use a new "
    "folder, e.g. output/. Nothing was changed.",
}


@pytest.mark.parametrize("typed", list(REFUSALS))
def test_build_refuses_the_project_its_parents_and_its_sources(project: Path, typed: str) -> None:
    home = project.parent
    before = everything(home)
    result = run_cli(project, "build", "--output", typed)
    refused(result.err, result.code)
    expected = REFUSALS[typed].format(root=project, home=home)
    assert result.err == f"Error: {expected}\n"
    assert everything(home) == before  # byte-identical: not even a lock file


def test_build_refuses_a_folder_holding_a_members_files(project: Path, tmp_path: Path) -> None:
    desktop = tmp_path / "Desktop"
    (desktop / "Ảnh Tết").mkdir(parents=True)
    (desktop / "Ảnh Tết" / "IMG_0001.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    (desktop / "báo cáo.docx").write_bytes(b"PK\x03\x04 report")
    for n in range(6):
        (desktop / f"ghi-chú-{n}.txt").write_text(f"note {n}\n")
    before = everything(desktop), everything(project)
    result = run_cli(project, "build", "--output", str(desktop))
    refused(result.err, result.code)
    assert result.err == (
        f"Error: refusing to write into {desktop}: it holds files site-builder did not write "
        "(báo cáo.docx, ghi-chú-0.txt, ghi-chú-1.txt, ghi-chú-2.txt, ghi-chú-3.txt (+3)), "
        "and writing there would replace them. Choose an empty or new folder, e.g. output/. "
        "Nothing was changed.\n"
    )
    vi = run_cli(project, "--lang", "vi", "build", "--output", str(desktop))
    refused(vi.err, vi.code)
    assert vi.err.startswith(
        f"Lỗi: không ghi vào {desktop}: thư mục này có những tệp không do site-builder tạo ra "
        "(báo cáo.docx, "
    )
    assert (everything(desktop), everything(project)) == before


def test_the_default_output_holding_a_members_files_is_refused(project: Path) -> None:
    """An output/ the member made by hand (no marker, never built into) is theirs."""
    (project / "output").mkdir()
    (project / "output" / "thư gửi khách.txt").write_text("Kính gửi ...\n")
    before = everything(project)
    result = run_cli(project, "--lang", "vi", "build")
    refused(result.err, result.code)
    assert result.err == (
        "Lỗi: không ghi vào output/: thư mục này có những tệp không do site-builder tạo ra "
        "(thư gửi khách.txt), ghi vào đó sẽ thay mất chúng. Hãy chọn một thư mục trống "
        "hoặc thư mục mới, ví dụ output/. Chưa có gì bị thay đổi.\n"
    )
    assert everything(project) == before


def test_empty_and_marked_folders_are_written(project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli(project, "build", "--no-pdf", "--output", str(empty)).code == 0
    assert (empty / MARKER).is_file()
    assert parse_html(empty / "index.html") is not None
    (empty / "stale.html").write_text("left by hand in the tool's folder")
    assert run_cli(project, "build", "--no-pdf", "--no-cache", "--output", str(empty)).code == 0
    assert not (empty / "stale.html").exists()  # the tool's folder is replaced whole


def test_an_output_built_by_an_older_version_is_still_accepted(project: Path) -> None:
    """Before the marker, the cache recorded where the last good build wrote."""
    build(project)
    (project / "output" / MARKER).unlink()
    build(project, use_cache=True)
    assert (project / "output" / MARKER).is_file()


def test_qr_and_stickers_refuse_the_same_folders(project: Path, tmp_path: Path) -> None:
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    (desktop / "notes.txt").write_text("mine\n")
    before = everything(project.parent), everything(desktop)
    for args in (
        ["qr", "XM-D01", "--out-dir", "."],
        ["qr", "XM-D01", "--out-dir", "content/dolls"],
        ["qr", "XM-D01", "--out-dir", str(desktop)],
        ["stickers", "gifts", "-o", "content/stickers.pdf"],
        ["stickers", "gifts", "-o", "templates/x.pdf"],
        ["stickers", "gifts", "-o", str(desktop / "stickers.pdf")],
        ["stickers", "gifts", "-o", "site.yaml"],
    ):
        result = run_cli(project, *args)
        refused(result.err, result.code)
        assert result.err.startswith("Error: refusing to write into "), (args, result.err)
    assert run_cli(project, "qr", "XM-D01", "--out-dir", "site.yaml").err == (
        "Error: refusing to write into site.yaml: it is a file, not a folder. "
        "Use a new folder, e.g. output/. Nothing was changed.\n"
    )
    assert (everything(project.parent), everything(desktop)) == before


def test_qr_writes_into_its_own_folder_by_default(project: Path) -> None:
    result = run_cli(project, "qr", "XM-D01")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (project / "qr").iterdir()) == [
        MARKER,
        "XM-D01.png",
        "XM-D01.svg",
    ]
    assert run_cli(project, "qr", "XM-P01").code == 0  # the tool's folder: written again


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_of(folder: Path) -> dict[str, int]:
    out = {".": mode(folder)}
    for p in folder.rglob("*"):
        out[p.relative_to(folder).as_posix()] = mode(p)
    return out


def published(folder: Path) -> list[str]:
    """Paths below `folder` whose mode is not 0644 (files) or 0755 (folders)."""
    return sorted(
        rel
        for rel, m in modes_of(folder).items()
        if m != (0o755 if (folder / rel).is_dir() else 0o644)
    )


def cli_under_umask(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "--project", str(project), *args],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=300,
        umask=0o077,
    )


def test_everything_published_is_world_readable_under_umask_077(project: Path) -> None:
    """Pages, photos (linked from the cache), PDFs, QR files, kept (hard-linked) files of a
    second build, the live preview's writes, stickers and qr: 0644 files, 0755 folders."""
    first = cli_under_umask(project, "build")
    assert first.returncode == 0, first.stderr
    output = project / "output"
    kinds = {p.suffix for p in output.rglob("*") if p.is_file()}
    assert {".html", ".pdf", ".webp", ".jpg", ".svg", ".png"} <= kinds, kinds
    assert published(output) == []
    story = project / "content/dolls/hmong/en.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    pages = {p: p.stat().st_ino for p in output.rglob("*.html")}
    second = cli_under_umask(project, "build")
    assert second.returncode == 0, second.stderr
    kept = [p for p, ino in pages.items() if p.exists() and p.stat().st_ino == ino]
    assert kept, "the second build links the pages it kept from the first"
    assert published(output) == []
    assert cli_under_umask(project, "qr", "XM-D01").returncode == 0
    assert published(project / "qr") == []
    stickers = cli_under_umask(project, "stickers", "gifts")
    assert stickers.returncode == 0, stickers.stderr
    assert published(project / "stickers") == []
    nested = project.parent / "web" / "xinman"  # folders the build makes on the way
    elsewhere = cli_under_umask(project, "build", "--no-pdf", "--output", str(nested / "site"))
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert published(project.parent / "web") == []


def test_write_atomic_publishes_0644_whatever_the_umask(tmp_path: Path) -> None:
    """The live preview writes changed pages into output/ one by one with write_atomic."""
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "page.html", b"<p>x</p>")
    finally:
        os.umask(old)
    assert mode(tmp_path / "page.html") == 0o644
    member = tmp_path / "item.yaml"
    member.write_text("code: XM-D01\n")
    member.chmod(0o664)  # a member's file rewritten by a command keeps its mode
    write_atomic(member, b"code: XM-D01\nprice: 1\n")
    assert mode(member) == 0o664


def test_serve_refuses_before_serving_anything(project: Path) -> None:
    (project / "output").mkdir()
    (project / "output" / "index.html").write_text("<h1>my own page</h1>")
    before = everything(project)
    result = run_cli(project, "serve", "--port", "8765")
    refused(result.err, result.code)
    assert result.err == (
        "Error: refusing to write into output/: it holds files site-builder did not write "
        "(index.html), and writing there would replace them. Choose an empty or new folder, "
        "e.g. output/. Nothing was changed.\n"
    )
    assert everything(project) == before


def test_stickers_into_a_new_folder_then_again(project: Path) -> None:
    first = run_cli(project, "stickers", "gifts", "-o", "in-tem/")
    assert first.code == 0, first.err
    sheets = sorted(p.name for p in (project / "in-tem").iterdir())
    assert sheets[0] == MARKER and len(sheets) == 2 and sheets[1].endswith(".pdf")
    second = run_cli(project, "stickers", "gifts", "-o", "in-tem/2026-12-01.pdf")
    assert second.code == 0, second.err  # the folder is the tool's now
    assert (project / "in-tem" / "2026-12-01.pdf").read_bytes().startswith(b"%PDF-")
