"""Every indexable page has a meta description in its language, and the sitemap lists every
indexable page with its hreflang alternates and x-default (issue 15, item 6)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from site_builder.content.loader import load_site
from tests.helpers import parse_html

BASE = "https://xinman.example.vn"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _head(path: Path) -> dict[str, object]:
    tree = parse_html(path)
    metas = {m.get("name"): m.get("content") for m in tree.iter("meta") if m.get("name")}
    links = [ln for ln in tree.iter("link")]
    return {
        "lang": tree.get("lang"),
        "description": metas.get("description"),
        "robots": metas.get("robots"),
        "canonical": next((ln.get("href") for ln in links if ln.get("rel") == "canonical"), None),
        "alternates": {
            ln.get("hreflang"): ln.get("href") for ln in links if ln.get("rel") == "alternate"
        },
    }


def _pages(out: Path) -> dict[str, dict[str, object]]:
    """Every language page of the site: its absolute URL -> what its <head> says."""
    pages = {}
    for lang in ("vi", "en"):
        for path in sorted((out / lang).rglob("index.html")):
            url = f"{BASE}/{path.parent.relative_to(out).as_posix()}/"
            pages[url] = _head(path)
    return pages


def _sitemap(out: Path) -> dict[str, dict[str, str]]:
    root = ET.parse(out / "sitemap.xml").getroot()
    found: dict[str, dict[str, str]] = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS) or ""
        assert loc not in found, f"{loc} listed twice"
        found[loc] = {
            ln.get("hreflang") or "": ln.get("href") or "" for ln in url.findall("x:link", NS)
        }
    return found


def test_every_indexable_page_has_a_description_in_its_language(sample_site: Path) -> None:
    out = sample_site / "output"
    site = load_site(sample_site)
    pages = _pages(out)
    indexable = {u: h for u, h in pages.items() if h["robots"] != "noindex"}
    assert len(indexable) >= 40
    for url, head in indexable.items():
        assert isinstance(head["description"], str) and head["description"].strip(), url
    tagline = site.config.tagline
    assert pages[f"{BASE}/vi/"]["description"] == tagline["vi"]
    assert pages[f"{BASE}/en/"]["description"] == tagline["en"]
    assert pages[f"{BASE}/en/dolls/"]["description"] == (
        "Dolls in traditional costumes: " + tagline["en"]
    )
    assert pages[f"{BASE}/vi/ocop/"]["description"] == "Sản phẩm OCOP: " + tagline["vi"]
    for item in site.items:
        for lang, tr in item.translations.items():
            expected = tr.summary or f"{tr.title}: {tagline[lang]}"
            page = pages[f"{BASE}/{lang}/{item.kind}/{item.slug}/"]
            assert page["description"] == expected, (item.slug, lang)
            for booklet in site.booklets:
                if f"{item.kind}/{item.slug}" in booklet.entries:
                    chapter = f"{BASE}/{lang}/booklets/{booklet.slug}/{item.kind}-{item.slug}/"
                    assert pages[chapter]["description"] == expected
    # never the other language's text on an English page
    vi_texts = {tr.summary for i in site.items for lg, tr in i.translations.items() if lg == "vi"}
    vi_texts.add(tagline["vi"])
    for url, head in indexable.items():
        if url.startswith(f"{BASE}/en/"):
            assert head["description"] not in vi_texts, url


def test_the_sitemap_lists_every_indexable_page_with_alternates_and_x_default(
    sample_site: Path,
) -> None:
    out = sample_site / "output"
    site = load_site(sample_site)
    pages = _pages(out)
    sitemap = _sitemap(out)
    # indexable: not noindex, and the canonical version of itself (not a fallback copy)
    indexable = {u for u, h in pages.items() if h["robots"] != "noindex" and h["canonical"] == u}
    assert set(sitemap) == indexable
    booklet_pages = {u for u in sitemap if "/booklets/" in u}
    chapters = sum(len(b.entries) for b in site.booklets)
    assert len(booklet_pages) == 2 * (len(site.booklets) + chapters) >= 20
    assert not [u for u in sitemap if "/print/" in u]
    for url, links in sitemap.items():
        head = pages[url]
        assert links == head["alternates"], url  # the same alternates as the page's <head>
        assert links["x-default"].startswith(f"{BASE}/vi/"), url
        assert url in links.values()
        for alt in links.values():
            assert alt in sitemap, (url, alt)
