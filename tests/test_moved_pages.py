"""A renamed item folder moves the item's pages; the addresses the last good build
published would then open no page, silently (site_builder/moved_pages.py). `build`,
`check` and the preview name the item's item.yaml with the exact `aliases:` line that
keeps them, once: the build that leaves them out records its own files, and the next one
says nothing. A deleted item is not warned about; a printed code is said to still work."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from site_builder import lastbuild
from site_builder.cache import CACHE_DIR
from site_builder.preview.live import LiveSite
from tests.helpers import run_cli
from tests.test_build_links import warnings_of
from tests.test_incremental import _append
from tests.test_quick_build import UPDATED, project_of
from tests.test_vietnamese_messages import words, written

NEW = "content/dolls/bup-be-hmong"
LINE = 'aliases: ["/vi/dolls/hmong/", "/en/dolls/hmong/"]'
WARNING = (
    f"Warning: {NEW}/item.yaml:1: aliases: the last build published this item at "
    "/vi/dolls/hmong/, /en/dolls/hmong/; its folder was renamed or moved since, so links "
    "people shared to the old address open no page. To keep those links working, add this "
    f"line to item.yaml: `{LINE}`. If the old address may stop working, do nothing: once a "
    "build has left it out, this is not said again."
)


def renamed(project: Path, to: str = NEW) -> Path:
    """content/dolls/hmong renamed as a member does it (the booklet that lists it too)."""
    (project / "content/dolls/hmong").rename(project / to)
    booklet = project / "booklets/gifts.yaml"
    text = booklet.read_text("utf-8")
    booklet.write_text(text.replace("dolls/hmong", to.removeprefix("content/")), "utf-8")
    return project / to


def built(project: Path, *flags: str) -> list[str]:
    done = run_cli(project, *flags, "build", "--no-pdf")
    assert done.code == 0, done.err
    return warnings_of(done.out + done.err)


def moved(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "item.yaml:" in w and "aliases:" in w]


def test_a_renamed_folder_is_named_once_with_the_alias_to_write(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    assert built(project) == []
    renamed(project)
    checked = run_cli(project, "check")
    assert checked.code == 0, checked.out + checked.err
    assert moved(warnings_of(checked.out + checked.err)) == [WARNING]  # before the build
    assert built(project) == [WARNING]
    assert not (project / "output/vi/dolls/hmong").exists()  # (left out, as it said)
    assert (project / "output/vi/dolls/bup-be-hmong/index.html").is_file()
    # said once: the loss is accepted by doing nothing
    assert moved(warnings_of(run_cli(project, "check").out)) == []
    _append(f"{NEW}/vi.md", "\nThêm một câu.\n")(project)
    done = run_cli(project, "build", "--no-pdf")
    assert done.out.startswith(UPDATED) and warnings_of(done.out + done.err) == []
    (project / "site.yaml").write_text(  # a full build, too, says nothing more
        (project / "site.yaml").read_text("utf-8") + "\n", "utf-8"
    )
    assert built(project) == []


def test_check_without_a_record_of_the_last_build_still_tells(tmp_path: Path) -> None:
    """The record (`lastbuild`) tells `check` which folders changed; without it (a preview
    only, a record removed) the build cache's list of the files written decides."""
    project = project_of(tmp_path)
    built(project)
    renamed(project)
    (project / CACHE_DIR / lastbuild.RECORD).unlink()
    checked = run_cli(project, "check")
    assert moved(warnings_of(checked.out + checked.err)) == [WARNING]


def test_the_alias_as_written_keeps_the_old_address(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    built(project)
    folder = renamed(project)
    (line,) = re.findall(r"`(aliases: [^`]*)`", run_cli(project, "check").out)
    assert line == LINE
    with open(folder / "item.yaml", "a", encoding="utf-8") as f:
        f.write(line + "\n")  # as the member copies it
    assert built(project) == []
    page = (project / "output/vi/dolls/hmong/index.html").read_text("utf-8")
    assert "/vi/dolls/bup-be-hmong/" in page  # a redirect to the new address
    assert (project / "output/en/dolls/hmong/index.html").is_file()


def test_a_deleted_item_is_not_warned_about(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    built(project)
    shutil.rmtree(project / "content/ocop/tea")  # no longer sold: its pages go on purpose
    booklet = project / "booklets/gifts.yaml"
    text = booklet.read_text("utf-8")
    booklet.write_text(text.replace("  - ocop/tea\n", ""), "utf-8")
    assert moved(warnings_of(run_cli(project, "check").out)) == []
    assert moved(built(project)) == []


def test_a_printed_item_with_aliases_is_told_its_qr_still_works(tmp_path: Path) -> None:
    """Found by its id (written when its code was printed), named on its aliases line,
    the whole list to write; and the printed code is said to be safe."""
    project = project_of(tmp_path)
    _append("content/dolls/hmong/item.yaml", 'aliases: ["/vi/bup-be-mong/"]\n')(project)
    marked = run_cli(project, "codes", "mark-printed", "XM-D01", "--date", "2026-06-01", "--yes")
    assert marked.code == 0, marked.err
    built(project)
    folder = renamed(project, "content/dolls/xin-man")
    at = (
        folder.joinpath("item.yaml")
        .read_text("utf-8")
        .splitlines()
        .index('aliases: ["/vi/bup-be-mong/"]')
    )
    (warning,) = moved(built(project))
    assert warning == (
        f"Warning: content/dolls/xin-man/item.yaml:{at + 1}: aliases: the last build published "
        "this item at /vi/dolls/hmong/, /en/dolls/hmong/; its folder was renamed or moved "
        "since, so links people shared to the old address open no page. The QR codes "
        "printed on its boxes (XM-D01) still open its page. To keep those links working, "
        'change the aliases line of item.yaml to `aliases: ["/vi/bup-be-mong/", '
        '"/vi/dolls/hmong/", "/en/dolls/hmong/"]`. If the old address may stop working, '
        "do nothing: once a build has left it out, this is not said again."
    )


def test_the_warning_in_vietnamese(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    built(project)
    renamed(project)
    english = moved(warnings_of(run_cli(project, "--lang", "en", "check").out))
    (warning,) = moved(built(project, "--lang", "vi"))
    assert warning.startswith(
        f"Cảnh báo: {NEW}/item.yaml:1: aliases: lần tạo trang trước đã đăng sản phẩm này ở "
        "/vi/dolls/hmong/, /en/dolls/hmong/; "
    )
    assert f"`{LINE}`" in warning
    left = set(re.findall(r"[A-Za-z]{3,}", re.sub(r"`[^`]*`|\S+/\S+", " ", warning)))
    assert words(english[0], written(project)) & left == set()


def test_the_preview_tells_on_its_rebuild(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    live = LiveSite(project)
    try:
        assert live.update().full
        folder = renamed(project)
        update = live.update([project / "content/dolls/hmong/item.yaml", folder / "item.yaml"])
        assert update.full
        (warning,) = moved([f"Warning: {w}" for w in update.warnings])
        assert warning == WARNING
        again = live.update([folder / "vi.md"])
        assert moved([f"Warning: {w}" for w in again.warnings]) == []
    finally:
        live.close()
