"""The build cache changes speed, never output."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import brotli
import pytest

from site_builder.build import build
from site_builder.cache import CACHE_DIR
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
