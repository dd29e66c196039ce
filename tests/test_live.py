"""The live preview's incremental updates give exactly the site a full build gives.

Real projects, real builds, no mocks: every edit goes through `LiveSite`, then the whole
output tree (HTML, QR files, sitemap, PDFs once the background refresh finished) is
compared byte for byte with a full build of the same sources in another folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.cache import CACHE_DIR
from site_builder.content.loader import load_site
from site_builder.errors import ErrorList
from site_builder.preview.live import LiveSite, PrintUpdate, Update, is_temporary
from tests.helpers import copy_project, snapshot


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> set[str]:
    """Files that differ; a compressed copy (.br, .gz) is left out when its file differs
    too (a copy that differs alone is kept)."""
    diff = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    return {k for k in diff if not (k.endswith((".br", ".gz")) and k[:-3] in diff)}


class Reference:
    """Full builds of the same project into another folder, with a build cache of their
    own (swapped in for the build), so that nothing the preview wrote can reach them.
    (Same project folder: booklet PDFs depend on where the project is.)"""

    def __init__(self, project: Path, tmp_path: Path) -> None:
        self.project = project
        self.output = tmp_path / "reference-output"
        self.cache = tmp_path / "reference-cache"
        self.parked = tmp_path / "preview-cache"

    def snapshot(self, use_cache: bool = True) -> dict[str, bytes]:
        cache = self.project / CACHE_DIR
        if cache.exists():
            cache.rename(self.parked)
        if self.cache.exists():
            self.cache.rename(cache)
        try:
            build(self.project, self.output, use_cache=use_cache)
        finally:
            if cache.exists():
                cache.rename(self.cache)
            if self.parked.exists():
                self.parked.rename(cache)
        return snapshot(self.output)


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[tuple[Path, LiveSite, Reference]]:
    project = copy_project(tmp_path / "site", "sample")
    live = LiveSite(project)
    assert live.update().full
    yield project, live, Reference(project, tmp_path)
    live.close()


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def apply(live: LiveSite, *paths: Path) -> tuple[Update, set[str]]:
    """One save: the update, then the PDF refresh; every output path either wrote."""
    update = live.update(paths)
    touched = set(update.written) | set(update.deleted)
    results = []
    live.refresh_print(results.append)
    live.wait_print()
    for r in results:
        assert r.error is None and not r.superseded
        touched |= set(r.written) | set(r.deleted)
    return update, touched


def assert_same(project: Path, live: LiveSite, reference: Reference) -> None:
    live.wait_print()
    ours = snapshot(project / "output")
    theirs = reference.snapshot()
    assert differing(ours, theirs) == set()
    # the model in memory is the one a full load makes
    assert live.plan is not None and live.plan.site == load_site(project)


def test_edits_match_a_full_build(sample: tuple[Path, LiveSite, Reference]) -> None:
    project, live, reference = sample
    hmong = project / "content/dolls/hmong"
    tea = project / "content/ocop/shan-tuyet-tea"

    # story text in vi.md
    update, _ = apply(live, edit(hmong / "vi.md", "Hoa văn vẽ bằng sáp ong", "Hoa văn sáp ong"))
    # (and the service worker, whose version follows every change: webapp.py)
    assert not update.full and update.written == ["vi/dolls/hmong/index.html", "sw.js"]
    assert_same(project, live, reference)

    # title and summary in the front matter: the cards in the lists change too
    vi = edit(hmong / "vi.md", 'title: "Búp bê trong', 'title: "Búp bê xinh trong')
    edit(vi, 'summary: "Váy xòe', 'summary: "Chiếc váy xòe')
    update, _ = apply(live, vi)
    assert not update.full and "vi/index.html" in update.written
    assert "vi/dolls/index.html" in update.written
    assert_same(project, live, reference)

    # price in item.yaml (two files saved at once: the English story too)
    edit(tea / "item.yaml", "price: 180000", "price: 185000")
    update, _ = apply(live, tea / "item.yaml", edit(tea / "en.md", "tea", "Tea"))
    assert not update.full
    assert_same(project, live, reference)

    # an alt text
    alt = project / "content/ocop/wild-honey/en.md"
    text = alt.read_text(encoding="utf-8")
    start = text.index("product.jpg:") + len("product.jpg:")
    alt.write_text(text[:start] + ' "A jar of honey."\n' + text[text.index("\n", start) + 1 :])
    update, _ = apply(live, alt)
    assert not update.full
    assert_same(project, live, reference)

    # payment taken away and a new date: the payment QR files go, the PDFs change
    item = hmong / "item.yaml"
    text = item.read_text(encoding="utf-8")
    text = text[: text.index("# Chuyển khoản")] + text[text.index("updated:") :]
    item.write_text(text.replace("updated: 2026-11-29", "updated: 2026-12-01"), encoding="utf-8")
    update, _ = apply(live, item)
    assert not update.full
    assert set(update.deleted) == {"pay/XM-D01.svg", "pay/XM-D01.png"}
    assert_same(project, live, reference)

    # a translation removed, then written again: fallback pages, the sitemap
    en = hmong / "en.md"
    saved = en.read_bytes()
    en.unlink()
    update, _ = apply(live, en)
    assert not update.full and "sitemap.xml" in update.written
    assert_same(project, live, reference)
    en.write_bytes(saved)
    update, _ = apply(live, en)
    assert not update.full and "sitemap.xml" in update.written
    assert_same(project, live, reference)

    # the next `site-builder build` sees the changes and builds everything again
    report = build(project)
    assert not report.up_to_date
    assert snapshot(project / "output") == reference.snapshot(use_cache=False)


def test_an_edit_writes_exactly_the_files_it_changes(
    sample: tuple[Path, LiveSite, Reference],
) -> None:
    project, live, reference = sample
    hmong = project / "content/dolls/hmong"
    before = reference.snapshot()

    # a story sentence: its page, its booklet chapter and the booklet PDFs (in the background)
    update, touched = apply(
        live, edit(hmong / "en.md", "grown in the fields", "grown on the slopes")
    )
    after = reference.snapshot()
    assert (
        touched
        == differing(before, after)
        == {
            "en/dolls/hmong/index.html",
            "en/booklets/xin-man-gifts/dolls-hmong/index.html",
            "print/xin-man-gifts-en.pdf",
            "print/xin-man-gifts-vi-en.pdf",
            "sw.js",
        }
    )
    # the booklet PDF names were not known before the first refresh: now the chapter page
    # comes with the update itself
    assert update.written == ["en/dolls/hmong/index.html", "sw.js"]
    update, touched = apply(live, edit(hmong / "en.md", "on the slopes", "on steep slopes"))
    assert update.written == [
        "en/dolls/hmong/index.html",
        "en/booklets/xin-man-gifts/dolls-hmong/index.html",
        "sw.js",
    ]
    assert touched == differing(after, reference.snapshot())

    # a title: its pages, both cards, landing pages, stickers, booklet pages and PDFs
    before = reference.snapshot()
    update, touched = apply(live, edit(hmong / "en.md", "Hmong costume", "Hmong dress"))
    changed = differing(before, reference.snapshot())
    assert touched == changed
    assert {"en/index.html", "en/dolls/index.html", "Q/XM-D01.html"} <= changed
    assert "print/stickers-L7160.pdf" in changed

    # saving without a change writes nothing
    update, touched = apply(live, hmong / "vi.md")
    assert not update.full and touched == set()


def test_a_mistake_then_its_fix(sample: tuple[Path, LiveSite, Reference], tmp_path: Path) -> None:
    project, live, reference = sample
    before = snapshot(project / "output")
    vi = project / "content/dolls/hmong/vi.md"
    good = vi.read_text(encoding="utf-8")
    vi.write_text(good.replace("title:", "titel:", 1), encoding="utf-8")
    tea = project / "content/ocop/shan-tuyet-tea/item.yaml"
    edit(tea, "stars: 4", "stars: four")

    with pytest.raises(ErrorList) as ours:
        live.update([vi, tea])
    with pytest.raises(ErrorList) as full:
        build(project, tmp_path / "elsewhere", use_cache=False)
    assert [e.format() for e in ours.value.errors] == [e.format() for e in full.value.errors]
    assert len(ours.value.errors) >= 2
    assert snapshot(project / "output") == before  # nothing written

    # one fixed: the other item's errors are still reported, by an update of the first
    vi.write_text(good, encoding="utf-8")
    with pytest.raises(ErrorList) as still:
        live.update([vi])
    assert {str(e.path) for e in still.value.errors} == {str(tea)}
    assert snapshot(project / "output") == before

    edit(tea, "stars: four", "stars: 5")
    update, _ = apply(live, tea)
    assert not update.full
    assert_same(project, live, reference)


def test_what_falls_back_to_a_full_build(sample: tuple[Path, LiveSite, Reference]) -> None:
    project, live, reference = sample
    hmong = project / "content/dolls/hmong"

    template = project / "templates/item.html"
    update = live.update([edit(template, "</article>", "</article>\n<!-- a -->")])
    assert update.full

    # a new item folder
    new = project / "content/dolls/hmong-2"
    shutil.copytree(hmong, new)
    edit(new / "item.yaml", "code: XM-D01", "code: XM-D09")
    assert live.update([new / "item.yaml", new / "vi.md"]).full
    assert_same(project, live, reference)

    # the identity of an item: its code, aliases, images
    assert live.update([edit(new / "item.yaml", "code: XM-D09", "code: XM-D10")]).full
    item = edit(new / "item.yaml", "updated:", 'aliases: ["/vi/old-doll/"]\nupdated:')
    assert live.update([item]).full
    assert (project / "output/vi/old-doll/index.html").is_file()
    shutil.copy(hmong / "doll.jpg", new / "doll2.jpg")  # not shown: the build never reads it
    update = live.update([new / "doll2.jpg"])
    assert not update.full and update.written == []
    shutil.copy(project / "content/dolls/dao/doll.jpg", new / "doll.jpg")
    assert live.update([new / "doll.jpg"]).full  # a photo the item shows

    # other files: categories, free pages, booklets, site.yaml; and a deleted folder
    for path in (
        edit(project / "content/categories.yaml", "Mông", "H'Mông"),
        project / "content/pages/about/vi.md",
        project / "booklets/xin-man-gifts.yaml",
        project / "site.yaml",
    ):
        assert live.update([path]).full
    shutil.rmtree(new)
    assert live.update([new / "vi.md"]).full
    assert_same(project, live, reference)

    # after a failed full build, every update is a full build until one succeeds
    edit(template, "<!-- a -->", "{{ broken( }}")
    with pytest.raises(Exception):  # noqa: B017 (a template error, as the build reports it)
        live.update([template])
    vi = edit(hmong / "vi.md", "Hoa văn vẽ", "Hoa văn được vẽ")
    with pytest.raises(Exception):  # noqa: B017
        live.update([vi])
    edit(template, "{{ broken( }}", "")
    assert live.update([template]).full
    assert not live.update([vi]).full
    assert_same(project, live, reference)


def test_omitted_translation_pages_come_and_go(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    edit(project / "site.yaml", "missing_translation: fallback", "missing_translation: omit")
    live = LiveSite(project)
    try:
        live.update()
        en = project / "content/dolls/hmong/en.md"
        saved = en.read_bytes()
        en.unlink()
        update, _ = apply(live, en)
        assert not update.full and "en/dolls/hmong/index.html" in update.deleted
        assert not (project / "output/en/dolls/hmong").exists()  # no empty folder left
        assert snapshot(project / "output") == Reference(project, tmp_path).snapshot()
        en.write_bytes(saved)
        update, _ = apply(live, en)
        assert "en/dolls/hmong/index.html" in update.written
        assert "en/booklets/gifts/dolls-hmong/index.html" in update.written
        assert snapshot(project / "output") == Reference(project, tmp_path).snapshot()
        en.unlink()  # again, now that the booklet pages come with the update itself
        update, _ = apply(live, en)
        assert "en/booklets/gifts/dolls-hmong/index.html" in update.deleted
        assert snapshot(project / "output") == Reference(project, tmp_path).snapshot()
    finally:
        live.close()


def test_editor_files_are_ignored(tmp_path: Path) -> None:
    temporary = (".vi.md.swp", "vi.md~", "#vi.md#", ".#vi.md", "4913", ".vi.md.k3j2h5g1")
    for name in (*temporary, "vi.md.tmp", ".vi.md.tmp1234", "item.yaml___jb_tmp___"):
        assert is_temporary(name), name
    for name in ("vi.md", "item.yaml", "doll.jpg", ".hidden.md", "site.css"):
        assert not is_temporary(name), name
    project = copy_project(tmp_path / "site", "minimal")
    live = LiveSite(project)
    try:
        live.update()
        folder = project / "content/dolls/hmong"
        update = live.update([folder / ".vi.md.swp", folder / "vi.md~", folder / "4913"])
        assert not update.full and update.written == []
    finally:
        live.close()


def test_a_print_error_shows_on_the_error_page_until_fixed(tmp_path: Path) -> None:
    from site_builder.preview.serve import Preview

    project = copy_project(tmp_path / "site", "minimal")
    live = LiveSite(project)
    preview = Preview(project, project / "output", live=live, log=lambda _m: None)
    try:
        assert preview.rebuild()
        vi = edit(project / "content/dolls/hmong/vi.md", "title: Búp bê Mông", "title: Mông 中文")
        assert preview.rebuild({str(vi)})  # the pages are fine; the PDFs come next
        results: list[PrintUpdate] = []
        live.refresh_print(results.append)
        live.wait_print()
        assert results[0].error is not None
        assert preview.printed(results[0])  # the browsers reload: the error page appears
        page = preview.error_page().decode()
        import html

        shown = html.unescape(page)
        assert "'中' (U+4E2D), '文' (U+6587) cannot be printed on the item's sticker." in shown
        with pytest.raises(ErrorList) as refused:  # as the full build says
            build(project, tmp_path / "elsewhere", use_cache=False)
        assert [(e.field, e.line) for e in refused.value.errors] == [("title", 2)]

        edit(vi, "title: Mông 中文", "title: Mông đỏ")
        assert not preview.rebuild({str(vi)})  # still shown until the PDFs are redrawn
        live.refresh_print(results.append)
        live.wait_print()
        assert results[1].error is None and preview.printed(results[1])
        assert preview.problems == []
        assert snapshot(project / "output") == Reference(project, tmp_path).snapshot()
    finally:
        live.close()


def test_a_photo_cut_short_while_the_preview_runs_is_refused_and_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint, imported by the preview to draw the PDFs, turns on Pillow's
    process-wide LOAD_TRUNCATED_IMAGES: a photo half copied (a phone's transfer cut off)
    then decoded with a grey bottom, passed the check, was remembered as good, and
    `check` and `build` trusted that memo afterwards: the damaged photo was published."""
    import weasyprint  # noqa: F401  (as the preview's PDF thread does)
    from PIL import ImageFile

    from site_builder.preview.serve import Preview
    from tests.helpers import run_cli

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # (whoever set it)
    project = copy_project(tmp_path / "site", "minimal")
    live = LiveSite(project)
    preview = Preview(project, project / "output", live=live, log=lambda _m: None)
    photo = project / "content/dolls/hmong/doll.png"
    try:
        assert preview.rebuild()
        before = snapshot(project / "output")
        data = photo.read_bytes()
        photo.write_bytes(data[: len(data) // 2])
        assert not preview.rebuild({str(photo)})
        shown = [p.error.format_localized(project) for p in preview.problems if p.error]
        assert shown == [
            "content/dolls/hmong/item.yaml:6: images[0]: 'doll.png' cannot be read as an "
            "image; the file may be damaged. Open it in an image viewer and save it again as "
            ".jpg or .png."
        ]
        assert snapshot(project / "output") == before
    finally:
        live.close()
    checked = run_cli(project, "--lang", "en", "check")
    assert checked.code == 1
    assert "images[0]: 'doll.png' cannot be read as an image" in checked.out + checked.err
    built = run_cli(project, "--lang", "en", "build")
    assert built.code == 1 and "cannot be read as an image" in built.err
    assert snapshot(project / "output") == before


def test_weasyprint_imported_through_raster_leaves_pillow_strict() -> None:
    """Every place that imports WeasyPrint first (the print engine, the app icons) goes
    through raster.import_weasyprint, under the lock photo decoding holds."""
    import subprocess
    import sys

    script = (
        "from PIL import ImageFile\n"
        "from site_builder.content import raster\n"
        "raster.import_weasyprint()\n"
        "import sys\n"
        "print('weasyprint' in sys.modules, ImageFile.LOAD_TRUNCATED_IMAGES)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.stdout.split() == ["True", "False"], done.stderr
