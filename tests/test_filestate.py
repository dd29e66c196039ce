"""The one "has this file changed?" rule (site_builder/filestate.py), and the long-lived
memories that follow it: a file rewritten in the same clock tick with the same size keeps
every `stat` field but its bytes, and must still be seen (the live preview runs for hours).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from site_builder import assets, catalog, filestate


def rewrite_keeping_stat(path: Path, data: bytes) -> None:
    """Replace the bytes of `path` in place (same inode, same size) and put its old
    modification time back: what a second save in one clock tick looks like to `stat`."""
    before = path.stat()
    assert len(data) == before.st_size
    with path.open("r+b") as f:
        f.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


def age(path: Path, seconds: int = 60) -> None:
    old = time.time_ns() - seconds * 1_000_000_000
    os.utime(path, ns=(old, old))


def test_a_state_seen_just_after_a_write_does_not_vouch_for_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"price 450000")
    recorded = filestate.scan(tmp_path)
    seen = time.time_ns()
    rewrite_keeping_stat(path, b"price 990000")
    assert filestate.scan(tmp_path) == recorded  # stat cannot tell
    assert not filestate.unchanged(recorded, seen, filestate.scan(tmp_path))


def test_a_settled_state_vouches_until_any_field_changes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    age(path)
    recorded, seen = filestate.scan(tmp_path), time.time_ns()
    assert filestate.unchanged(recorded, seen, filestate.scan(tmp_path))
    path.write_bytes(b"two!")
    assert not filestate.unchanged(recorded, seen, filestate.scan(tmp_path))
    (tmp_path / "b.txt").write_bytes(b"new file")
    assert len(filestate.scan(tmp_path)) == 2


def test_scan_does_not_follow_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "link").symlink_to(outside, target_is_directory=True)
    assert [Path(s.path).name for s in filestate.scan(inside)] == ["link"]


def test_content_digest_sees_a_same_tick_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "font.ttf"
    path.write_bytes(b"AAAA")
    first = filestate.content_digest(path)
    rewrite_keeping_stat(path, b"BBBB")
    assert filestate.content_digest(path) != first


def test_content_digest_is_remembered_once_settled(tmp_path: Path) -> None:
    path = tmp_path / "font.ttf"
    path.write_bytes(b"AAAA")
    age(path)
    first = filestate.content_digest(path)
    state = filestate.state_of(path)
    assert state is not None and filestate._digests.get(state) == first
    path.write_bytes(b"BBBBB")  # a real edit: another size and time
    assert filestate.content_digest(path) != first


def test_asset_names_follow_a_same_tick_edit_of_the_stylesheet(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "assets"
    folder.mkdir(parents=True)
    css = folder / "site.css"
    css.write_text("a{color:red}")
    first = assets.asset_names(tmp_path / "templates")["site.css"]
    rewrite_keeping_stat(css, b"a{color:blu}")
    second = assets.asset_names(tmp_path / "templates")["site.css"]
    assert first != second and second.startswith("assets/site.")


def test_a_catalogue_saved_twice_in_one_tick_is_read_again(tmp_path: Path) -> None:
    po = tmp_path / "vi" / "LC_MESSAGES" / "site.po"
    po.parent.mkdir(parents=True)
    entry = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Tea"\nmsgstr "{}"\n'
    po.write_text(entry.format("Trà A"), encoding="utf-8")
    assert catalog.load_catalog(tmp_path, "vi", "site").gettext("Tea") == "Trà A"
    rewrite_keeping_stat(po, entry.format("Trà B").encode("utf-8"))
    assert catalog.load_catalog(tmp_path, "vi", "site").gettext("Tea") == "Trà B"
