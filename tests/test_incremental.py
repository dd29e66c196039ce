"""A command-line build after an edit keeps the items whose files did not change
(content/itemcache.py), and still writes exactly what a cold build writes."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image as PILImage

from site_builder.build import build
from site_builder.cache import CACHE_DIR
from site_builder.check import check
from site_builder.config import load_config
from site_builder.content import itemcache
from tests.helpers import copy_project, run_cli, snapshot

ITEMS = 2  # in the minimal fixture: dolls/hmong, ocop/tea


def cold(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """The project built from nothing by the CLI, with no cache, into another folder."""
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    done = run_cli(project, "build", "--no-cache", "--no-pdf", "--output", str(out))
    assert done.code == 0, done.err
    return snapshot(out)


def incremental(project: Path) -> dict[str, bytes]:
    done = run_cli(project, "build", "--no-pdf")
    assert done.code == 0, done.err
    assert "Traceback" not in done.err
    return snapshot(project / "output")


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        with open(project / rel, "a", encoding="utf-8") as f:
            f.write(text)

    return edit


def _replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _photo(project: Path) -> None:
    path = project / "content/dolls/hmong/doll.png"
    with PILImage.open(path) as im:
        im = im.convert("RGB").transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
        im.save(path)


def _delete_item(project: Path) -> None:
    _replace("booklets/gifts.yaml", "  - ocop/tea\n", "")(project)
    shutil.rmtree(project / "content/ocop/tea")


def _add_item(project: Path) -> None:
    src, dest = project / "content/dolls/hmong", project / "content/dolls/dao-do"
    shutil.copytree(src, dest)
    _replace("content/dolls/dao-do/item.yaml", "XM-D01", "XM-D02")(project)
    _replace("content/dolls/dao-do/vi.md", "title:", "title: Người Dao đỏ —")(project)


EDITS: dict[str, Callable[[Path], None]] = {
    "story vi.md": _append("content/dolls/hmong/vi.md", "\nMột câu mới về búp bê.\n"),
    "story en.md": _append("content/dolls/hmong/en.md", "\nOne more sentence.\n"),
    "item.yaml": _replace("content/dolls/hmong/item.yaml", "price: 450000", "price: 470000"),
    "photo": _photo,
    "booklet": _replace("booklets/gifts.yaml", "An introduction.", "A new introduction."),
    "template": _replace("templates/item.html", "</article>", "<p>Mới.</p></article>"),
    "site.yaml": _replace("site.yaml", "Búp bê Xín Mần", "Búp bê Xín Mần, Hà Giang"),
    "categories.yaml": _append("content/categories.yaml", ""),  # filled below
    "translation .po": _replace(
        "locale/vi/LC_MESSAGES/site.po", 'msgstr "Giá"', 'msgstr "Giá bán"'
    ),
    "delete an item": _delete_item,
    "add an item": _add_item,
}


def _categories(project: Path) -> None:
    path = project / "content/categories.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Xín Mần", "Xín Mần (Hà Giang)", 1), encoding="utf-8")


EDITS["categories.yaml"] = _categories


@pytest.mark.parametrize("kind", list(EDITS))
def test_an_incremental_build_equals_a_cold_build(kind: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    before = incremental(project)  # the first build fills the cache
    assert (project / CACHE_DIR / itemcache.FILE).is_file()
    EDITS[kind](project)
    after = incremental(project)
    assert after != before, "the edit must show on the site, else this test proves nothing"
    assert after == cold(project, tmp_path)


def test_only_the_edited_item_is_loaded_again(minimal: Path) -> None:
    assert build(minimal, with_print=False).items_loaded == ITEMS
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(minimal)
    report = build(minimal, with_print=False)
    assert (report.items_kept, report.items_loaded) == (ITEMS - 1, 1)
    os.utime(minimal / "content/ocop/tea/vi.md")  # touched, same bytes: the digest decides
    report = build(minimal, with_print=False)
    assert (report.items_kept, report.items_loaded) == (ITEMS, 0)


def test_settings_the_items_depend_on_load_every_item_again(minimal: Path) -> None:
    build(minimal, with_print=False)
    _categories(minimal)
    assert build(minimal, with_print=False).items_loaded == ITEMS
    _replace("site.yaml", "languages: [vi, en]", "languages: [en, vi]")(minimal)
    report = check(minimal)  # ocop/tea has no en.md: an error now, found again
    assert report.items_loaded == ITEMS
    assert [e.path for e in report.errors] == [minimal.resolve() / "content/ocop/tea/en.md"]


def test_a_site_title_edit_keeps_the_items(minimal: Path) -> None:
    build(minimal, with_print=False)
    EDITS["site.yaml"](minimal)
    report = build(minimal, with_print=False)
    assert (report.items_kept, report.items_loaded) == (ITEMS, 0)


def _sealed(project: Path, body: bytes) -> bytes:
    context = itemcache.context_key(load_config(project.resolve()))
    return f"{context} {itemcache._sealed(body)}".encode() + b"\n" + body


class Boom:
    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, ("touch pwned",))


DAMAGE: dict[str, Callable[[Path, bytes], bytes]] = {
    "truncated": lambda _p, data: data[: len(data) // 2],
    "garbage": lambda _p, data: os.urandom(len(data)),
    "empty": lambda _p, data: b"",
    "no header line": lambda _p, data: data.replace(b"\n", b" ", 1),
    "header of 5 kB": lambda _p, data: b"x" * 5000 + data,
    "other version": lambda _p, data: b"0" * 64 + data[64:],
    "body changed under its seal": lambda _p, data: data[:-10] + b"x" * 10,
    "foreign class, sealed": lambda p, _data: _sealed(p, pickle.dumps({"x": Boom()})),
    "not entries, sealed": lambda p, _data: _sealed(p, pickle.dumps({"x": 1})),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_item_cache_is_ignored(damage: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    incremental(project)
    path = project / CACHE_DIR / itemcache.FILE
    path.write_bytes(DAMAGE[damage](project, path.read_bytes()))
    EDITS["story en.md"](project)
    report = build(project, with_print=False)
    assert report.items_loaded == ITEMS  # nothing taken from the damaged file
    assert not (project / "pwned").exists()
    assert snapshot(project / "output") == cold(project, tmp_path)
    context = itemcache.context_key(load_config(project.resolve()))
    assert len(itemcache.ItemCache(project.resolve(), context).entries) == ITEMS  # written anew


def _entries(project: Path) -> dict[str, itemcache.Entry]:
    context = itemcache.context_key(load_config(project.resolve()))
    return itemcache.ItemCache(project.resolve(), context).entries


def test_an_edit_is_kept_in_the_journal_not_a_new_file(minimal: Path) -> None:
    """After one edit, the entry is appended to items.journal; items.pickle is not
    rewritten, and the next builds read both."""
    build(minimal, with_print=False)
    whole = minimal / CACHE_DIR / itemcache.FILE
    journal = minimal / CACHE_DIR / itemcache.JOURNAL
    before = whole.read_bytes()
    assert not journal.exists()
    for n in range(3):
        _append("content/dolls/hmong/vi.md", f"\nCâu mới số {n}.\n")(minimal)
        report = build(minimal, with_print=False)
        assert (report.items_kept, report.items_loaded) == (ITEMS - 1, 1)
        assert whole.read_bytes() == before
        assert journal.read_bytes().count(b"\n") >= n + 1  # one record per edit
    report = build(minimal, with_print=False)  # the last edit, from the journal
    assert (report.items_kept, report.items_loaded) == (ITEMS, 0)
    hmong = _entries(minimal)[str(minimal.resolve() / "content/dolls/hmong")]
    story = hmong.result[0].translations["vi"].body_html
    assert "Câu mới số 2." in story


def test_a_full_journal_is_folded_into_the_file(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(itemcache, "JOURNAL_MAX_BYTES", 1)  # no record fits
    build(minimal, with_print=False)
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(minimal)
    build(minimal, with_print=False)
    assert not (minimal / CACHE_DIR / itemcache.JOURNAL).exists()
    assert (build(minimal, with_print=False).items_loaded, len(_entries(minimal))) == (0, ITEMS)


JOURNAL_DAMAGE: dict[str, Callable[[Path, bytes], bytes]] = {
    "truncated": lambda _p, data: data[: len(data) // 2],
    "garbage": lambda _p, data: os.urandom(len(data)),
    "body changed under its seal": lambda _p, data: data[:-10] + b"x" * 10,
    "bound to another items.pickle": lambda _p, data: data.replace(
        data.split(b" ")[1], b"0" * 64, 1
    ),
    "foreign class, sealed": lambda p, data: _journal_record(
        p, data, pickle.dumps(({"x": Boom()}, []))
    ),
}


def _journal_record(project: Path, data: bytes, body: bytes) -> bytes:
    context, base = data.split(b" ")[:2]
    return b"%s %s %s %d\n" % (context, base, itemcache.digest(body).encode(), len(body)) + body


@pytest.mark.parametrize("damage", list(JOURNAL_DAMAGE))
def test_a_damaged_journal_is_ignored(damage: str, tmp_path: Path) -> None:
    """A record that does not check is not used: the item it held loads again."""
    project = copy_project(tmp_path / "site")
    incremental(project)
    EDITS["story en.md"](project)
    incremental(project)  # the edit's entry: in the journal
    path = project / CACHE_DIR / itemcache.JOURNAL
    path.write_bytes(JOURNAL_DAMAGE[damage](project, path.read_bytes()))
    report = build(project, with_print=False)
    assert report.items_loaded == 1  # the edited item: its record was not trusted
    assert not (project / "pwned").exists()
    assert snapshot(project / "output") == cold(project, tmp_path)


def test_an_item_with_errors_is_kept_with_its_errors(minimal: Path) -> None:
    """A broken item's errors come back the same from the cache: file, line, field."""
    _replace("content/dolls/hmong/item.yaml", "price: 450000", "price: nhiều")(minimal)
    first = check(minimal)
    _append("content/ocop/tea/vi.md", "\nMột câu mới.\n")(minimal)
    second = check(minimal)
    assert first.errors and [e.format(minimal) for e in first.errors] == [
        e.format(minimal) for e in second.errors
    ]


def test_check_after_an_edit_uses_the_item_cache(minimal: Path) -> None:
    build(minimal, with_print=False)
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(minimal)
    report = check(minimal)
    assert not report.failed()
    assert (report.items_kept, report.items_loaded) == (ITEMS - 1, 1)


def test_a_killed_incremental_build_is_repaired_by_the_next(tmp_path: Path) -> None:
    """SIGKILL while an incremental build writes (its staging folder is filling, the item
    cache already saved): the next build succeeds and equals a cold build."""
    import signal

    from bench import corpus
    from tests.test_interrupt import cli, finish, leftovers, wait_for

    corpus.generate(tmp_path / "c", items=250, seed=5, peers=False)  # loads on 2 workers
    root = tmp_path / "c" / "ours"
    code, _out, err = finish(cli(root, "build", "--no-pdf"))
    assert code == 0, err
    story = sorted((root / "content/dolls").glob("*/vi.md"))[0]
    with open(story, "a", encoding="utf-8") as f:
        f.write("\nCâu thêm trước khi bị dừng.\n")
    victim = cli(root, "build", "--no-pdf")
    wait_for(
        lambda: bool(list(root.glob(".output.staging-*"))) or victim.poll() is not None,
        "the staging folder",
    )
    assert victim.poll() is None, "the build ended before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    code, out, err = finish(cli(root, "build", "--no-pdf"))
    assert code == 0 and out.startswith("Built ") and "Traceback" not in err, err
    wait_for(lambda: not leftovers(root), "folders left next to output/")
    assert snapshot(root / "output") == cold(root, tmp_path)


def _photo_entries(project: Path) -> dict[str, str]:
    from site_builder.cache import BuildCache

    return dict(BuildCache(project.resolve()).photos.data)


def test_a_photo_hash_is_remembered_by_the_file_identity(minimal: Path) -> None:
    """The photos' SHA-256 (which names their resized copies) is kept under path, size,
    mtime_ns and inode; a photo changed in the last two seconds is not remembered."""
    import hashlib

    photo = (minimal / "content/dolls/hmong/doll.png").resolve()
    build(minimal, with_print=False)
    st = photo.stat()
    key = f"{photo}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
    assert _photo_entries(minimal)[key] == hashlib.sha256(photo.read_bytes()).hexdigest()[:20]
    _photo(minimal)  # just written: hashed, not remembered
    build(minimal, with_print=False)
    assert not [k for k in _photo_entries(minimal) if k.startswith(f"{photo}\0")]


def _same_size_edit(path: Path) -> None:
    """Change one letter of `path` in place: same size, same inode."""
    text = path.read_text(encoding="utf-8")
    i = text.rindex("a")
    path.write_text(text[:i] + "o" + text[i + 1 :], encoding="utf-8")


def test_a_same_size_edit_with_its_old_time_stamp_is_still_seen(
    minimal: Path, tmp_path: Path
) -> None:
    """The entry was made in the same instant as the file's time stamp ("racy"): the
    content decides, so an edit that keeps size, inode and mtime_ns is not missed."""
    story = minimal / "content/dolls/hmong/en.md"
    stamp = time.time_ns()
    os.utime(story, ns=(stamp, stamp))
    build(minimal, with_print=False)
    _same_size_edit(story)
    os.utime(story, ns=(stamp, stamp))  # size, inode and time as when the entry was made
    report = build(minimal, with_print=False)
    assert report.items_loaded == 1
    got = snapshot(minimal / "output")
    assert got == cold(minimal, tmp_path)


def test_an_old_file_changed_under_an_old_time_stamp_is_loaded_by_its_content(
    minimal: Path,
) -> None:
    """Files older than the racy window: equal `stat`s keep the item without reading it;
    a different `stat` (another time) with other bytes loads it again."""
    old = 1_700_000_000 * 10**9
    for path in (minimal / "content").rglob("*"):
        if path.is_file():
            os.utime(path, ns=(old, old))
    build(minimal, with_print=False)
    _replace("templates/item.html", "</article>", "<p>Mới.</p></article>")(minimal)
    report = build(minimal, with_print=False)  # stat only
    assert (report.up_to_date, report.items_kept, report.items_loaded) == (False, ITEMS, 0)
    story = minimal / "content/ocop/tea/vi.md"
    _same_size_edit(story)
    os.utime(story, ns=(old + 1, old + 1))
    report = build(minimal, with_print=False)
    assert (report.items_kept, report.items_loaded) == (ITEMS - 1, 1)


def test_kept_items_keep_their_stories_in_the_markdown_table(minimal: Path) -> None:
    """Else the next change of context (categories.yaml) would convert every story again."""
    from site_builder.cache import BuildCache

    def stories() -> int:
        return len(BuildCache(minimal.resolve()).markdown.data)

    build(minimal, with_print=False)
    before = stories()
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(minimal)
    assert build(minimal, with_print=False).items_kept == ITEMS - 1
    assert stories() == before  # the old vi.md's out, the new one's in, the others kept


def test_paths_in_the_item_cache_come_back_equal_with_each_folder_written_once() -> None:
    import io
    from pathlib import PurePosixPath

    paths = [
        Path("/"),
        Path("."),
        Path("relative/vi.md"),
        Path("/dự án/content/dolls/búp bê Mông/vi.md"),
        Path("/dự án/content/dolls/búp bê Mông/en.md"),
        Path("/dự án/content/dolls/búp bê Mông"),
        Path("/p/a b/../x.jpg"),
        Path("/p/.hidden/ảnh.heic"),
        PurePosixPath("/p/pure/name.md"),
    ]
    body = itemcache._dumps({"paths": paths, "again": paths[3]})
    back = itemcache._Unpickler(io.BytesIO(body)).load()
    assert back["paths"] == paths
    assert [type(p) for p in back["paths"]] == [type(p) for p in paths]
    assert [str(p) for p in back["paths"]] == [str(p) for p in paths]
    assert back["again"] is back["paths"][3]  # one object, as written
    assert body.count("búp bê Mông".encode()) == 1  # the folder, once for its 3 paths


def test_an_item_cache_read_ahead_is_the_one_taken(minimal: Path) -> None:
    """What `read_ahead` read is taken by the next `ItemCache` (no second read), and
    checked against the context as any read is."""
    build(minimal, with_print=False)
    root = minimal.resolve()
    itemcache.read_ahead(root)
    path = root / CACHE_DIR / itemcache.FILE
    assert path in itemcache._read_early
    early = itemcache._read_early[path][3]
    context = itemcache.context_key(load_config(root))
    cache = itemcache.ItemCache(root, context)
    assert cache.entries is early and len(early) == ITEMS
    assert path not in itemcache._read_early  # (taken once)
    itemcache.read_ahead(root)
    assert not itemcache.ItemCache(root, "another context").entries  # (not trusted blindly)


def test_an_item_cache_written_after_its_read_ahead_is_read_again(minimal: Path) -> None:
    """items.pickle replaced between `read_ahead` and the `ItemCache` (another file, same
    size or not): the file as it is now is what counts."""
    build(minimal, with_print=False)
    root = minimal.resolve()
    itemcache.read_ahead(root)
    path = root / CACHE_DIR / itemcache.FILE
    stale = itemcache._read_early[path][3]
    os.replace(path, path.with_name("moved"))  # (a new inode: the state differs)
    shutil.copyfile(path.with_name("moved"), path)
    context = itemcache.context_key(load_config(root))
    cache = itemcache.ItemCache(root, context)
    assert cache.entries is not stale and cache.entries.keys() == stale.keys()
    path.write_bytes(b"not a cache")
    itemcache.read_ahead(root)  # (nothing kept: the file is not one)
    assert path not in itemcache._read_early
    assert not itemcache.ItemCache(root, context).entries
