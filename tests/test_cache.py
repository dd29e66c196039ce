"""The build cache changes speed, never output."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import brotli
import pytest

from site_builder.build import build
from site_builder.cache import CACHE_DIR, JOURNAL, Table
from tests.helpers import snapshot


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """The files that changed, leaving out the compressed copies (.br, .gz) of changed
    files, after checking that every copy still holds its file's bytes."""
    keys = before.keys() | after.keys()
    for key, data in after.items():
        if key.endswith(".br"):
            assert brotli.decompress(data) == after[key[:-3]], key
        elif key.endswith(".gz"):
            assert gzip.decompress(data) == after[key[:-3]], key
    diff = {k for k in keys if before.get(k) != after.get(k)}
    return {k for k in diff if not (k.endswith((".br", ".gz")) and k[:-3] in diff)}


def clean_build(tmp_path: Path, project: Path, name: str) -> dict[str, bytes]:
    """The same project built from nothing, without any cache, elsewhere."""
    out = tmp_path / name
    build(project, out, use_cache=False)
    return snapshot(out)


def test_nothing_changed_means_nothing_done(minimal: Path) -> None:
    build(minimal)
    before = snapshot(minimal / "output")
    report = build(minimal)
    assert report.up_to_date and report.pages == 0
    assert snapshot(minimal / "output") == before


def test_a_touched_output_is_rebuilt(minimal: Path) -> None:
    build(minimal)
    before = snapshot(minimal / "output")
    (minimal / "output/vi/index.html").write_text("tampered")
    report = build(minimal)
    assert not report.up_to_date
    assert snapshot(minimal / "output") == before


def test_editing_one_story_changes_exactly_its_dependants(minimal: Path) -> None:
    build(minimal)
    before = snapshot(minimal / "output")
    story = minimal / "content/dolls/hmong/en.md"
    story.write_text(story.read_text().replace("dyed with indigo", "dyed with deep indigo"))
    build(minimal)
    assert changed(before, snapshot(minimal / "output")) == {
        "en/dolls/hmong/index.html",  # the page
        "en/booklets/gifts/dolls-hmong/index.html",  # its chapter in the e-booklet
        "print/gifts-en.pdf",  # the booklets that print the story
        "print/gifts-vi-en.pdf",
        "sw.js",  # the service worker, whose version follows every change (webapp.py)
    }


def test_a_template_edit_changes_the_pages_that_use_it(minimal: Path) -> None:
    build(minimal)
    before = snapshot(minimal / "output")
    page = minimal / "templates/page.html"
    page.write_text(page.read_text().replace("<article", '<article class="free"'))
    build(minimal)
    assert changed(before, snapshot(minimal / "output")) == {
        "vi/pages/visit/index.html",
        "en/pages/visit/index.html",
        "sw.js",  # the service worker (a template is part of its version)
    }


def test_the_cache_never_changes_the_output(minimal: Path, tmp_path: Path) -> None:
    reference = clean_build(tmp_path, minimal, "reference")
    build(minimal)  # fills the cache
    cache = minimal / CACHE_DIR
    assert (cache / "markdown.json").is_file() and (cache / "qr.json").is_file()
    build(minimal, tmp_path / "warm")  # from the cache
    assert snapshot(tmp_path / "warm") == reference


@pytest.mark.parametrize("damage", ["garbage", "other-version", "tampered-value", "deleted"])
def test_a_damaged_cache_is_ignored(minimal: Path, tmp_path: Path, damage: str) -> None:
    reference = clean_build(tmp_path, minimal, "reference")
    build(minimal)
    cache = minimal / CACHE_DIR
    for table in ("markdown.json", "qr.json", "outputs.json"):
        path = cache / table
        header, body = path.read_text().split("\n", 1)
        seal, entries = json.loads(header), json.loads(body)
        if damage == "garbage":
            path.write_bytes(b"\x00not json")
        elif damage == "other-version":
            seal["stamp"] = "site-builder 0.0.0 cache 0"
            path.write_text(json.dumps(seal) + "\n" + body)
        elif damage == "tampered-value":
            key = next(iter(entries))
            entries[key] = {
                "markdown.json": "<script>alert(1)</script>",
                "qr.json": [1, []],
                "outputs.json": str(tmp_path / "elsewhere"),
            }[table]
            path.write_text(header + "\n" + json.dumps(entries, sort_keys=True))
        else:
            path.unlink()
    for pdf in (cache / "files").iterdir():
        if not pdf.name.endswith(".sum"):
            pdf.write_bytes(b"%PDF-1.7 broken")
    build(minimal, tmp_path / "again")
    assert snapshot(tmp_path / "again") == reference


def test_an_edit_re_renders_only_the_pages_that_depend_on_it(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    build(minimal, with_print=False)
    rendered: list[str] = []
    real = jinja2.Template.render

    def counting(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        rendered.append(f"{self.name}:{kwargs.get('title')}")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    story = minimal / "content/dolls/hmong/en.md"
    story.write_text(story.read_text().replace("dyed with indigo", "dyed with deep indigo"))
    build(minimal, with_print=False)
    assert sorted(rendered) == ["chapter.html:Hmong doll", "item.html:Hmong doll"]


def test_a_few_stories_are_converted_without_reading_the_markdown_table(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every other item from the item cache: the edited item's, the free pages' and the
    booklets' stories are converted rather than the whole table read (only for a big
    table; here every size counts as big). Many items loaded anew: the table is read."""
    from site_builder import cache as cache_module
    from site_builder.content import itemcache

    build(minimal)
    table = minimal / CACHE_DIR / "markdown.json"
    assert table.is_file()
    monkeypatch.setattr(itemcache, "DEFER_FROM_BYTES", 0)
    reads: list[str] = []
    real = cache_module.Table.data.fget

    def reading(self: cache_module.Table) -> dict:
        if self._data is None:
            reads.append(self.path.name)
        return real(self)

    monkeypatch.setattr(cache_module.Table, "data", property(reading))
    story = minimal / "content/dolls/hmong/en.md"
    story.write_text(story.read_text() + "\nA new line about indigo.\n")
    build(minimal, tmp_path / "edited")
    assert "markdown.json" not in reads
    assert snapshot(tmp_path / "edited") == clean_build(tmp_path, minimal, "reference")
    # categories.yaml changed: every item is loaded anew (more than "a few" of them, here
    # more than one), their stories come from the table
    monkeypatch.setattr(itemcache, "FEW_MISSES", 1)
    reads.clear()
    categories = minimal / "content/categories.yaml"
    categories.write_text(categories.read_text() + "\n# a note\n")
    build(minimal, tmp_path / "again")
    assert "markdown.json" in reads
    assert snapshot(tmp_path / "again") == clean_build(tmp_path, minimal, "reference2")


def test_a_deferred_table_keeps_what_it_made_in_a_small_side_file(tmp_path: Path) -> None:
    """A command that did not read the big table writes what it converted (and what it
    found in the side file) to `<table>.recent.json`; the next such command finds it there
    and leaves the big table as it was."""
    from site_builder.cache import RECENT, Table

    path = tmp_path / "markdown.json"
    big = Table(path)
    big.put("old", "<p>in the table</p>")
    big.save()
    before = path.read_bytes()
    first = Table(path)
    first.defer(8)
    assert first.get("page") is None  # a free page's story: converted, then put
    first.put("page", "<p>Giới thiệu</p>")
    first.save()
    assert path.read_bytes() == before
    second = Table(path)
    second.defer(8)
    assert second.get("page") == "<p>Giới thiệu</p>"
    assert second.get("story") is None
    second.put("story", "<p>Áo chàm</p>")
    second.save()
    third = Table(path)
    third.defer(8)
    assert [third.get("story"), third.get("page")] == ["<p>Áo chàm</p>", "<p>Giới thiệu</p>"]
    # past the deferred lookups the table is read, and takes in what was found meanwhile
    third.defer(0)
    assert third.get("old") == "<p>in the table</p>"
    third.save()
    assert Table(path).data.keys() == {"old", "story", "page"}
    # newest first, at most RECENT entries
    many = Table(path)
    many.defer(RECENT + 10)
    for i in range(RECENT + 5):
        many.put(f"k{i}", "x")
    many.save()
    kept = Table(path)
    kept.defer(RECENT + 10)
    assert kept.get("k0") == "x"
    assert kept.get("page") is None  # pushed out by this command's own entries


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_a_damaged_side_file_is_ignored(tmp_path: Path, damage: str) -> None:
    from site_builder.cache import Table

    path = tmp_path / "markdown.json"
    big = Table(path)
    big.put("old", "<p>in the table</p>")
    big.save()
    first = Table(path)
    first.defer(4)
    first.put("page", "<p>Giới thiệu</p>")
    first.save()
    side = first.recent_path
    data = side.read_bytes()
    side.write_bytes(
        {
            "garbage": b"\x00\xffnot json",
            "truncated": data[: len(data) // 2],
            "foreign": b'{"stamp": "0.0", "sum": "x"}\n{"page": "<script>"}',
        }[damage]
    )
    again = Table(path)
    again.defer(4)
    assert again.get("page") is None


def test_check_after_a_one_edit_build_converts_no_story(minimal: Path) -> None:
    """The build converted the edited story and the free pages' stories without reading
    the Markdown table; `check` right after finds them in its side file: it does not
    even import Python-Markdown. (Here every table counts as big: `DEFER_FROM_BYTES`.)"""
    from tests.helpers import cli_then, run_cli

    assert run_cli(minimal, "build", "--no-pdf").code == 0
    story = minimal / "content/dolls/hmong/en.md"
    story.write_text(story.read_text() + "\nA new line about indigo.\n")
    setup = (
        "from site_builder.content import itemcache\nitemcache.DEFER_FROM_BYTES = 0\n"
        # every story through Python-Markdown, whose import shows a conversion
        "from site_builder import markdown_plain\nmarkdown_plain.enabled = lambda: False"
    )

    def imports_markdown(*args: str) -> bool:
        code, out, imported = cli_then(minimal, "'markdown' in sys.modules", *args, setup=setup)
        assert code == 0, out
        return imported == "True"

    assert imports_markdown("build", "--no-pdf")  # the edited story is converted
    assert not imports_markdown("check")


def test_library_versions_are_importlib_metadatas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The item cache's key names the libraries' versions as importlib.metadata finds
    them (read from the `.dist-info` folders' names, without importing it): the installed
    ones, and one shadowing another earlier on sys.path."""
    import sys
    from importlib import metadata

    from site_builder import libraries
    from site_builder.content import itemcache

    def expected() -> str:
        return " ".join(f"{n}={libraries.metadata_version(n)}" for n in itemcache.LIBRARIES)

    assert itemcache._versions() == expected()
    shadow = tmp_path / "Markdown-0.0.1.dist-info"
    shadow.mkdir()
    (shadow / "METADATA").write_text("Metadata-Version: 2.1\nName: Markdown\nVersion: 0.0.1\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert metadata.version("Markdown") == "0.0.1"
    assert "Markdown=0.0.1" in itemcache._versions()
    assert itemcache._versions() == expected()


def test_a_large_table_is_written_in_parts_that_are_its_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`json_parts` joined is `json.dumps(..., ensure_ascii=False, sort_keys=True)` byte
    for byte, whatever the nesting (slices of 3 entries here), and a table written in
    parts reads back sealed."""
    import json
    import random

    from site_builder import cache as cache_module

    monkeypatch.setattr(cache_module, "JSON_SLICE", 3)
    rng = random.Random(7)

    def value(depth: int) -> object:
        pick = rng.randrange(6 if depth < 3 else 4)
        if pick == 0:
            return rng.randrange(-(10**12), 10**12)
        if pick == 1:
            return "".join(rng.choice('aăâđêôơư ỹ"\\\n<>&😀') for _ in range(rng.randrange(9)))
        if pick == 2:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        if pick == 3:
            return rng.choice([None, True, False, 2.5])
        return {f"k{rng.randrange(99)}ư": value(depth + 1) for _ in range(rng.randrange(12))}

    for _ in range(300):
        v = {f"{n:03}ệ": value(0) for n in range(rng.randrange(20))}
        expected = json.dumps(v, ensure_ascii=False, sort_keys=True).encode("utf-8")
        assert b"".join(cache_module.json_parts(v)) == expected
    table = cache_module.Table(tmp_path / "t.json")
    table.put("ảnh", {"files": {str(n): [n, "đ"] for n in range(10)}})
    table.save()
    assert cache_module._read_sealed(tmp_path / "t.json") == {
        "ảnh": {"files": {str(n): [n, "đ"] for n in range(10)}}
    }


def test_a_digest_of_parts_joined_is_the_digest_of_the_joined_bytes() -> None:
    from site_builder.cache import digest

    pieces = [b"{", "ảnh".encode(), b"}"]
    assert digest("seal", tail=pieces) == digest("seal", "{ảnh}".encode())
    assert digest(tail=pieces) == digest("{ảnh}".encode())
    assert digest("seal", tail=[]) == digest("seal", b"") != digest("seal")


def test_a_deferred_table_read_on_a_miss_keeps_what_it_found_in_its_side_file(
    tmp_path: Path,
) -> None:
    """`defer(read_below=…)`: a lookup in neither the side file nor what was put reads the
    table (smaller than `read_below`) and finds it there; the side file then holds it, so
    the next deferred command finds it without reading the table. A larger table is not
    read: a miss."""
    path = tmp_path / "qr.json"
    table = Table(path)
    for n in range(50):
        table.put(f"k{n}", [n])
    table.save()
    size = path.stat().st_size

    large = Table(path)
    large.defer(4, 0, read_below=size)  # (not smaller than read_below: not read)
    assert large.get("k7") is None and large._data is None
    large.save(keep_unused=True)
    assert not large.recent_path.exists()

    first = Table(path)
    first.defer(4, 0, read_below=size + 1)
    assert first.get("k7") == [7] and first._data is not None  # (read)
    first.save(keep_unused=True)
    assert first.recent_keys() == {"k7"}

    second = Table(path)
    second.defer(4, 0, read_below=size + 1)
    assert second.get("k7") == [7] and second._data is None  # (the side file: not read)
    assert second.get("k8") == [8] and second._data is not None


def _journaled(path: Path, entries: dict[str, object]) -> Table:
    table = Table(path, journal=True)
    for key, value in entries.items():
        table.put(key, value)
    table.save()
    return Table(path, journal=True)


def test_a_journaled_table_writes_a_few_new_entries_beside_itself(tmp_path: Path) -> None:
    """A save that adds a few entries writes them to the journal, not the table again;
    the next reader sees both; past `JOURNAL` entries the table is written whole (with the
    journal's entries) and the journal goes."""
    path = tmp_path / "check.json"
    table = _journaled(path, {f"k{n}": n for n in range(100)})
    assert path.is_file() and not table.journal_path.exists()  # (a new table: whole)
    whole = path.read_bytes()
    for n in range(100):
        table.get(f"k{n}")  # (all used)
    table.put("new", [1])
    table.save()
    assert path.read_bytes() == whole
    assert set(json.loads(table.journal_path.read_bytes().split(b"\n", 1)[1])) == {"new"}
    again = Table(path, journal=True)
    assert again.get("new") == [1] and again.get("k5") == 5
    for n in range(100):
        again.get(f"k{n}")
    for n in range(JOURNAL):
        again.put(f"more{n}", n)
    again.save()  # (65 entries in the journal: too many)
    assert not again.journal_path.exists()
    last = Table(path, journal=True)
    assert last.data == {**{f"k{n}": n for n in range(100)}, "new": [1]} | {
        f"more{n}": n for n in range(JOURNAL)
    }


def test_a_journaled_table_drops_its_unused_entries_once_they_are_many(tmp_path: Path) -> None:
    path = tmp_path / "check.json"
    table = _journaled(path, {f"k{n}": n for n in range(200)})
    for n in range(200 - JOURNAL):  # (64 unused: kept, nothing written)
        table.get(f"k{n}")
    whole = path.read_bytes()
    table.save()
    assert path.read_bytes() == whole and not table.journal_path.exists()
    table = Table(path, journal=True)
    for n in range(200 - JOURNAL - 1):  # (65 unused: the table is written without them)
        table.get(f"k{n}")
    table.save()
    assert Table(path, journal=True).data.keys() == {f"k{n}" for n in range(200 - JOURNAL - 1)}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_a_damaged_journal_is_ignored(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "check.json"
    table = _journaled(path, {"a": 1, "b": 2})
    table.get("a"), table.get("b")
    table.put("c", 3)
    table.save()
    journal = table.journal_path
    data = journal.read_bytes()
    if damage == "garbage":
        journal.write_bytes(b"\x00\xff" * 10)
    elif damage == "truncated":
        journal.write_bytes(data[:-3])
    else:
        journal.write_bytes(b'{"stamp": "other", "sum": "x"}\n{"c": 4}')
    assert Table(path, journal=True).data == {"a": 1, "b": 2}


def test_the_tools_code_digest_is_remembered_by_its_files_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The item cache's key includes a digest of the tool's source (content/itemcache.py
    `code_digest`): remembered with the files' states, so a command reads them only when
    one changed; a file changed (or changed too recently to vouch for) is read again."""
    import os

    import site_builder
    from site_builder.content import itemcache

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {"__init__.py": "x = 1\n", "sub/a.py": "y = 2\n", "sub/data.txt": "not code\n"}
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
        old = (package / name).stat().st_mtime_ns - 10**10  # (settled: 10 s ago)
        os.utime(package / name, ns=(old, old))
    monkeypatch.setattr(site_builder, "__file__", str(package / "__init__.py"))
    memo_dir = tmp_path / "cache"
    memo_dir.mkdir()
    first = itemcache.code_digest(memo_dir)
    assert first == itemcache.code_digest(None)
    assert (memo_dir / itemcache.CODE_MEMO).is_file()

    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: read.append(p.name) or real(p))
    assert itemcache.code_digest(memo_dir) == first and read == ["code.json"]  # the memo
    (package / "sub/data.txt").write_text("changed, but not code\n", encoding="utf-8")
    assert itemcache.code_digest(memo_dir) == first and read == ["code.json"] * 2

    (package / "sub/a.py").write_text("y = 3\n", encoding="utf-8")  # (just now: racy)
    changed = itemcache.code_digest(memo_dir)
    assert changed != first and "a.py" in read
    read.clear()
    assert itemcache.code_digest(memo_dir) == changed and "a.py" in read  # read again
    (memo_dir / itemcache.CODE_MEMO).write_bytes(b'{"stamp": 1, "states": [')  # damaged
    assert itemcache.code_digest(memo_dir) == changed
