"""The bilingual site, built end to end and read back as parsed HTML."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from site_builder.build import build
from site_builder.content.loader import load_site
from tests.helpers import copy_project, parse_html, resolved_file, snapshot, text_of

LANGS = ("vi", "en")


def item_pages(root: Path) -> list[tuple[str, str, str]]:
    site = load_site(root)
    return [(item.kind, item.slug, lang) for item in site.items for lang in LANGS]


def test_every_item_page_exists_in_both_languages(sample_site: Path) -> None:
    site = load_site(sample_site)
    assert len(site.items_of("dolls")) >= 4 and len(site.items_of("ocop")) >= 4
    for item in site.items:
        for lang in LANGS:
            page = sample_site / "output" / lang / item.kind / item.slug / "index.html"
            tree = parse_html(page)
            assert tree.get("lang") == lang
            h1 = tree.find(".//h1")
            assert h1 is not None and text_of(h1) == item.translations[lang].title


def test_switcher_and_hreflang_point_to_the_counterpart(sample_site: Path) -> None:
    out = sample_site / "output"
    pages = sorted(p for p in out.glob("vi/**/index.html"))
    # (the offline page says every language itself: it is shown at any address)
    pages = [p for p in pages if p.parent.name != "offline"]
    assert len(pages) > 10
    for vi_page in pages:
        rel = vi_page.relative_to(out / "vi")
        en_page = out / "en" / rel
        assert en_page.is_file(), f"no English counterpart for {rel}"
        for page, other in ((vi_page, "en"), (en_page, "vi")):
            tree = parse_html(page)
            switch = tree.findall(".//nav[@class='langs']/a")
            assert [a.get("hreflang") for a in switch] == [other]
            expected = "/" + other + "/" + rel.parent.as_posix() + "/"
            assert switch[0].get("href") == expected.replace("/./", "/")
            alternates = {
                link.get("hreflang"): link.get("href")
                for link in tree.findall(".//link[@rel='alternate']")
            }
            assert set(alternates) == {"vi", "en", "x-default"}
            for href in alternates.values():
                assert href.startswith("https://xinman.example.vn/")
            assert alternates["x-default"] == alternates["vi"]


def test_every_internal_link_and_anchor_resolves(sample_site: Path) -> None:
    out = sample_site / "output"
    checked = 0
    for page in out.rglob("*.html"):
        tree = parse_html(page)
        for el in tree.iter():
            for attr in ("href", "src"):
                url = el.get(attr)
                if not url or url.startswith(("https://", "http://", "mailto:", "tel:", "data:")):
                    continue
                parts = urlsplit(url)
                here = "/" + page.relative_to(out).as_posix()
                target = resolved_file(out, urljoin(here, parts.path) if parts.path else here)
                assert target is not None, f"{page.relative_to(out)}: broken link {url}"
                if parts.fragment:
                    ids = {e.get("id") for e in parse_html(target).iter()}
                    assert parts.fragment in ids, f"{page.relative_to(out)}: broken anchor {url}"
                checked += 1
    assert checked > 200


def test_prices_are_formatted_for_the_page_language(sample_site: Path) -> None:
    site = load_site(sample_site)
    item = next(i for i in site.items if i.price[0] == i.price[1])
    amount = item.price[0]
    expected = {"vi": f"{amount:,}".replace(",", ".") + "\xa0₫", "en": f"{amount:,}\xa0VND"}
    for lang in LANGS:
        tree = parse_html(sample_site / "output" / lang / item.kind / item.slug / "index.html")
        price = tree.find(".//p[@class='price-top']/strong")  # the one place it is shown
        assert price is not None
        assert "".join(price.itertext()) == expected[lang]


def test_sitemap_lists_every_page_with_alternates(sample_site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(sample_site / "output" / "sitemap.xml").getroot()
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    for kind, slug, lang in item_pages(sample_site):
        assert f"https://xinman.example.vn/{lang}/{kind}/{slug}/" in locs
    for url in root.findall("s:url", ns):
        alts = url.findall("x:link", ns)
        assert {a.get("hreflang") for a in alts} == {"vi", "en", "x-default"}


def test_404_and_root_language_chooser(sample_site: Path) -> None:
    out = sample_site / "output"
    tree = parse_html(out / "404.html")
    assert {s.get("lang") for s in tree.findall(".//section")} == {"vi", "en"}
    root = parse_html(out / "index.html")
    assert [a.get("href") for a in root.findall(".//main/a")] == ["/vi/", "/en/"]


def test_missing_translation_falls_back_with_a_visible_notice(minimal: Path) -> None:
    build(minimal)  # the tea has no en.md
    tree = parse_html(minimal / "output/en/ocop/tea/index.html")
    assert tree.get("lang") == "en"
    article = tree.find(".//article")
    assert article is not None and article.get("lang") == "vi"
    notice = article.find("p[@class='notice']")
    assert notice is not None and notice.get("lang") == "en"
    assert text_of(notice) == "This page has not been translated yet. It is shown in Vietnamese."
    canonical = tree.find(".//link[@rel='canonical']")
    assert canonical is not None
    hreflangs = {link.get("hreflang") for link in tree.findall(".//link[@rel='alternate']")}
    assert "en" not in hreflangs  # a fallback page is not offered as a translation


def test_missing_translation_omitted_by_policy(minimal: Path) -> None:
    config = minimal / "site.yaml"
    config.write_text(
        config.read_text().replace("missing_translation: fallback", "missing_translation: omit")
    )
    build(minimal)
    assert not (minimal / "output/en/ocop/tea").exists()
    vi = parse_html(minimal / "output/vi/ocop/tea/index.html")
    assert vi.findall(".//nav[@class='langs']/a") == []
    en_index = parse_html(minimal / "output/en/ocop/index.html")
    assert en_index.findall(".//ul[@class='cards']/li") == []


def test_a_third_language_needs_no_code_change(minimal: Path) -> None:
    config = minimal / "site.yaml"
    config.write_text(
        config.read_text()
        .replace("languages: [vi, en]", "languages: [vi, en, zh]")
        .replace("  en: Xín Mần Dolls", "  en: Xín Mần Dolls\n  zh: 新曼娃娃")
    )
    (minimal / "content/dolls/hmong/zh.md").write_text(
        "---\ntitle: 苗族娃娃\nsummary: 靛蓝麻裙。\nalt:\n  doll.png: 穿靛蓝褶裙的娃娃\n---\n故事。\n"
    )
    build(minimal)
    tree = parse_html(minimal / "output/zh/dolls/hmong/index.html")
    assert tree.get("lang") == "zh"
    assert text_of(tree.find(".//h1")) == "苗族娃娃"  # type: ignore[arg-type]
    vi = parse_html(minimal / "output/vi/dolls/hmong/index.html")
    assert [a.get("hreflang") for a in vi.findall(".//nav[@class='langs']/a")] == ["en", "zh"]


def test_nfd_and_nfc_content_build_the_same_site(tmp_path: Path) -> None:
    a = copy_project(tmp_path / "a", "minimal")
    b = copy_project(tmp_path / "b", "minimal")
    for path in b.rglob("*.md"):
        path.write_text(unicodedata.normalize("NFD", path.read_text()))
    for path in b.rglob("*.yaml"):
        path.write_text(unicodedata.normalize("NFD", path.read_text()))
    build(a)
    build(b)
    files_a, files_b = snapshot(a / "output"), snapshot(b / "output")
    assert files_a.keys() == files_b.keys()
    for name, data in files_a.items():
        if name.endswith(".pdf"):  # the same words and pages; internal ids may differ by folder
            assert pdf_text(data) == pdf_text(files_b[name]), name
        else:
            assert data == files_b[name], name


def pdf_text(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_slugs_transliterate_vietnamese_folder_names(minimal: Path) -> None:
    (minimal / "content/dolls/hmong").rename(minimal / "content/dolls/Búp bê Mông đẹp")
    booklet = minimal / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text().replace("dolls/hmong", "dolls/bup-be-mong-dep"))
    build(minimal)
    assert (minimal / "output/vi/dolls/bup-be-mong-dep/index.html").is_file()


def test_images_have_size_and_alt_text(sample_site: Path) -> None:
    for page in (sample_site / "output").rglob("*.html"):
        for img in parse_html(page).iter("img"):
            assert img.get("alt") is not None, page
            assert re.fullmatch(r"\d+", img.get("width") or ""), page
            assert re.fullmatch(r"\d+", img.get("height") or ""), page


@pytest.mark.parametrize("lang", LANGS)
def test_pages_need_no_javascript_to_read(sample_site: Path, lang: str) -> None:
    """The only script is the deferred language memory (JSON-LD is data, not code)."""
    for page in (sample_site / "output" / lang).rglob("*.html"):
        scripts = [
            s
            for s in parse_html(page).findall(".//script")
            if s.get("type") != "application/ld+json"
        ]
        assert all(
            s.get("src", "").startswith("/assets/lang.") and s.get("src", "").endswith(".js")
            for s in scripts
        ), page
