"""Item pages are for tourists; print material is on the members' print page (issue 15, item 5)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.content.loader import load_site
from tests.helpers import parse_html, text_of

LANGS = ("vi", "en")


def _items(sample_site: Path) -> list[tuple[str, str, str]]:
    """(kind, slug, code) of every item of the sample, read from the content itself."""
    site = load_site(sample_site)
    return [(item.kind, item.slug, item.code) for item in site.items]


@pytest.mark.parametrize("lang", LANGS)
def test_item_pages_carry_no_print_material_and_the_price_once(
    sample_site: Path, lang: str
) -> None:
    out = sample_site / "output"
    items = _items(sample_site)
    assert len(items) >= 8
    for kind, slug, code in items:
        tree = parse_html(out / lang / kind / slug / "index.html")
        article = tree.find(".//article")
        assert article is not None
        hrefs = [a.get("href") or "" for a in tree.iter("a")]
        srcs = [im.get("src") or "" for im in tree.iter("img")]
        assert not [h for h in hrefs if h.startswith("/qr/")], (slug, hrefs)
        assert not [s for s in srcs if s.startswith("/qr/")], (slug, srcs)
        assert not [a for a in tree.iter("a") if a.get("download") is not None]
        assert article.find(".//section[@class='code']") is None
        text = text_of(article)
        assert f"/Q/{code}" not in text.upper()  # the short URL belongs to the print page
        price = article.find(".//p[@class='price-top']/strong")
        assert price is not None
        for pay in article.findall("section[@class='pay']"):  # its own transfer amount
            article.remove(pay)
        assert text_of(article).count(text_of(price)) == 1, (slug, text_of(price))
        # the footer leads members to the print page
        footer = tree.find(".//footer")
        assert footer is not None
        assert f"/{lang}/print/" in [a.get("href") for a in footer.iter("a")]


def test_the_payment_box_is_for_vietnamese_banking_apps_and_asks_no_scan(
    sample_site: Path,
) -> None:
    tree = parse_html(sample_site / "output/en/ocop/shan-tuyet-tea/index.html")
    box = tree.find(".//section[@class='pay']")
    assert box is not None
    label = box.find("p[@class='pay-label']")
    assert label is not None
    assert text_of(label) == (
        "Only Vietnamese banking apps can pay this way (VietQR). In your banking app, "
        "transfer to HTX CHE SHAN TUYET CHE LA (VI DU) with the account below."
    )
    assert "scan" not in text_of(box).lower()
    payee = label.find("span")
    assert payee is not None and payee.get("lang") == "vi"
    vi = parse_html(sample_site / "output/vi/ocop/shan-tuyet-tea/index.html")
    vi_label = vi.find(".//section[@class='pay']/p[@class='pay-label']")
    assert vi_label is not None
    assert text_of(vi_label).startswith("Chỉ ứng dụng ngân hàng Việt Nam thanh toán được")
    assert "quét" not in text_of(vi_label)


def test_english_pages_mark_vietnamese_makers_and_producers(sample_site: Path) -> None:
    out = sample_site / "output/en"
    for kind, slug, _code in _items(sample_site):
        facts = parse_html(out / kind / slug / "index.html").find(".//dl[@class='facts']")
        assert facts is not None
        terms = [text_of(e) for e in facts]
        who = "Made by" if kind == "dolls" else "Producer"
        assert list(facts)[terms.index(who) + 1].get("lang") == "vi", slug


@pytest.mark.parametrize("lang", LANGS)
def test_the_members_print_page_lists_every_code_and_is_not_indexed(
    sample_site: Path, lang: str
) -> None:
    out = sample_site / "output"
    tree = parse_html(out / lang / "print/index.html")
    robots = [m.get("content") for m in tree.iter("meta") if m.get("name") == "robots"]
    assert robots == ["noindex"]
    rows = {li.get("id"): li for li in tree.iter("li") if li.get("class") == "print-code"}
    items = _items(sample_site)
    assert set(rows) == {f"code-{code}" for _k, _s, code in items}
    for _kind, _slug, code in items:
        links = {a.get("href"): a for a in rows[f"code-{code}"].iter("a")}
        for ext in ("svg", "png"):
            link = links[f"/qr/{code}.{ext}"]
            assert link.get("download") is not None
            assert (out / f"qr/{code}.{ext}").is_file()
        assert f"XM.EXAMPLE.VN/Q/{code}" in text_of(rows[f"code-{code}"]).upper()
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text or "" for loc in sitemap.findall("s:url/s:loc", ns)]
    assert locs and not [u for u in locs if "/print/" in u]
