"""Printed codes: every QR decodes to its short URL, and that URL leads to the item."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
import tinyhtml5
import weasyprint
import zxingcpp
from PIL import Image

from site_builder.build import build
from site_builder.content.loader import load_site
from site_builder.render.qr import QUIET_ZONE, make_qr
from site_builder.urls import Urls
from tests.helpers import chromium_dom, need_chromium, parse_html, run_cli, serve, text_of


def decode(image: Image.Image) -> list[tuple[str, str]]:
    return [(r.text, r.format.name) for r in zxingcpp.read_barcodes(image)]


def svg_to_image(svg: Path, size_mm: float = 30, dpi: int = 300) -> Image.Image:
    """Render the SVG as a print shop would: vector, placed at a size in mm, rasterised."""
    html = f'<img src="{svg.as_uri()}" style="width:{size_mm}mm;height:{size_mm}mm">'
    pdf = weasyprint.HTML(string=html, base_url=str(svg.parent)).write_pdf()
    page = pdfium.PdfDocument(io.BytesIO(pdf))[0]
    return page.render(scale=dpi / 72).to_pil()


def test_every_png_and_svg_decodes_to_the_short_url(sample_site: Path) -> None:
    site = load_site(sample_site)
    urls = Urls(site.config)
    out = sample_site / "output"
    for item in site.items:
        url = urls.short_url(item.code)
        assert url == f"HTTPS://XM.EXAMPLE.VN/Q/{item.code}"
        png = Image.open(out / "qr" / f"{item.code}.png")
        assert decode(png) == [(url, "QRCode")]
        assert decode(svg_to_image(out / "qr" / f"{item.code}.svg")) == [(url, "QRCode")]


def svg_size_mm(svg: Path) -> tuple[float, float, int]:
    """(width, height) in mm and modules across (quiet zone included) of a QR SVG file."""
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    width, height = root.get("width", ""), root.get("height", "")
    assert width.endswith("mm") and height.endswith("mm"), (width, height)
    modules = int(root.get("viewBox", "").split()[2])
    return float(width[:-2]), float(height[:-2]), modules


def test_the_qr_files_for_print_shops_have_their_printed_size(sample_site: Path) -> None:
    """The SVGs the members' print page hands to a print shop say how large to print them:
    the symbol itself `stickers.min_qr_mm` (20 mm) wide, 4 modules of quiet zone around
    (before: no size, and a converter at 96 dpi made a 8.7 mm code of 0.26 mm modules)."""
    site = load_site(sample_site)
    out = sample_site / "output"
    for folder in ("qr", "pay"):
        files = sorted((out / folder).glob("*.svg"))
        assert files, folder
        for svg in files:
            width, height, modules = svg_size_mm(svg)
            symbol = width * (modules - 2 * QUIET_ZONE) / modules
            assert width == height and abs(symbol - site.config.stickers.min_qr_mm) < 0.01, svg
            assert width / modules >= 0.4  # (the sticker sheets' smallest module)
            image = svg_to_image(svg, size_mm=width)  # placed at its own size, 300 dpi
            assert len(decode(image)) == 1, svg


def test_the_qr_command_refuses_a_size_too_small_to_scan(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "qr"
    small = run_cli(minimal, "qr", "XM-D01", "--size-mm", "8", "--out-dir", str(out))
    assert (small.code, small.out) == (1, "")
    assert small.err == (
        "Error: at 8 mm the code itself would be 6.1 mm wide, under the 20 mm a phone reads "
        "from a box (stickers.min_qr_mm). Use --size-mm 26.4 or more: 26.4 mm is the code "
        "with the white quiet zone it needs around it.\n"
    )
    assert not out.exists()
    done = run_cli(minimal, "qr", "XM-D01", "--out-dir", str(out))
    assert done.code == 0, done.err
    assert "SVG printed 26.4 mm wide, the code itself 20.0 mm" in done.out
    assert svg_size_mm(out / "XM-D01.svg") == (26.4, 26.4, 33)


def test_the_qr_command_writes_a_booklets_own_code(sample_site: Path, tmp_path: Path) -> None:
    """XM-B01, printed on the booklet's back cover, was "no item has the code"."""
    out = tmp_path / "qr"
    done = run_cli(sample_site, "qr", "XM-B01", "--out-dir", str(out))
    assert done.code == 0, done.err
    assert done.out.splitlines()[:3] == [
        "XM-B01 -> HTTPS://XM.EXAMPLE.VN/Q/XM-B01",
        "  vi: https://xinman.example.vn/vi/booklets/xin-man-gifts/",
        "  en: https://xinman.example.vn/en/booklets/xin-man-gifts/",
    ]
    width, _height, _modules = svg_size_mm(out / "XM-B01.svg")
    image = svg_to_image(out / "XM-B01.svg", size_mm=width)
    assert decode(image) == [("HTTPS://XM.EXAMPLE.VN/Q/XM-B01", "QRCode")]


def test_every_short_url_is_served_and_leads_to_the_item_in_both_languages(
    sample_site: Path,
) -> None:
    site = load_site(sample_site)
    urls = Urls(site.config)
    out = sample_site / "output"
    for item in site.items:
        path = urlsplit(urls.short_url(item.code)).path  # exactly /Q/XM-D01, upper case
        for served in (out / (path.lstrip("/") + ".html"), out / path.lstrip("/") / "index.html"):
            tree = parse_html(served)
            links = {a.get("hreflang"): a.get("href") for a in tree.findall(".//main/a")}
            assert links == {lang: f"/{lang}/{item.kind}/{item.slug}/" for lang in ("vi", "en")}
            for href in links.values():
                assert (out / href.strip("/") / "index.html").is_file()
            titles = [text_of(h) for h in tree.findall(".//h1")]
            assert titles == [item.translations["vi"].title, item.translations["en"].title]


def test_landing_pages_are_tiny_and_self_contained(sample_site: Path) -> None:
    for page in (sample_site / "output" / "Q").glob("*.html"):
        assert page.stat().st_size <= 5 * 1024, page  # issue 15: landing <= 5 kB, OG tags included
        tree = parse_html(page)
        for el in tree.iter():
            for attr in ("src", "href"):
                value = el.get(attr) or ""
                fetched = el.tag in ("img", "script") or (
                    el.tag == "link" and el.get("rel") != "alternate"
                )
                if fetched:
                    assert not value.startswith("http"), f"{page}: external request {value}"


def test_sample_codes_are_small_full_qr_symbols(sample_site: Path) -> None:
    site = load_site(sample_site)
    urls = Urls(site.config)
    for item in site.items:
        symbol = make_qr(urls.short_url(item.code), "M")
        assert symbol.version <= 2
        assert symbol.size == 17 + 4 * symbol.version  # a full QR symbol, never Micro QR
        png = Image.open(sample_site / "output" / "qr" / f"{item.code}.png").convert("L")
        scale = png.width // symbol.size_with_quiet_zone
        border = QUIET_ZONE * scale
        for x in range(png.width):  # the quiet zone is light all round
            for y in (*range(border), *range(png.height - border, png.height)):
                assert png.getpixel((x, y)) == 255
                assert png.getpixel((y, x)) == 255


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_error_correction_is_configurable(minimal: Path, level: str) -> None:
    config = minimal / "site.yaml"
    config.write_text(config.read_text() + f"qr:\n  error_correction: {level}\n  max_version: 3\n")
    build(minimal)
    png = Image.open(minimal / "output/qr/XM-D01.png")
    results = zxingcpp.read_barcodes(png)
    assert [r.text for r in results] == ["HTTPS://XM.EXAMPLE.VN/Q/XM-D01"]
    assert results[0].ec_level == level


def mark_printed(project: Path, *codes: str) -> None:
    result = run_cli(project, "codes", "mark-printed", *codes, "--date", "2026-06-01", "--yes")
    assert result.code == 0, result.err


def test_mark_printed_records_code_url_item_and_date(minimal: Path) -> None:
    mark_printed(minimal, "XM-D01")
    text = (minimal / "content/printed-codes.yaml").read_text()
    assert (
        "XM-D01:\n  printed: 2026-06-01\n  url: HTTPS://XM.EXAMPLE.VN/Q/XM-D01\n  item: dolls/hmong\n"
        in text
    )
    assert run_cli(minimal, "build").code == 0


def test_deleting_a_printed_item_fails_naming_the_code(minimal: Path) -> None:
    mark_printed(minimal, "XM-P01")
    import shutil

    shutil.rmtree(minimal / "content/ocop/tea")
    booklet = minimal / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text().replace("  - ocop/tea\n", ""))
    result = run_cli(minimal, "build")
    assert result.code == 1
    assert result.err.startswith(
        "Error: content/printed-codes.yaml:6: XM-P01: the printed code XM-P01 "
        "(printed 2026-06-01 for ocop/tea) is no longer served by any item."
    )


def test_a_moved_printed_code_lands_on_its_new_target(minimal: Path) -> None:
    mark_printed(minimal, "XM-P01")
    item = minimal / "content/ocop/tea/item.yaml"
    item.write_text(item.read_text().replace("code: XM-P01", "code: XM-P02"))
    assert run_cli(minimal, "build").code == 1  # the printed code would break
    config = minimal / "site.yaml"
    config.write_text(config.read_text() + "moved_codes:\n  XM-P01: XM-P02\n")
    result = run_cli(minimal, "build")
    assert result.code == 0, result.err
    tree = parse_html(minimal / "output/Q/XM-P01.html")
    assert [a.get("href") for a in tree.findall(".//main/a")] == ["/vi/ocop/tea/"]
    png = Image.open(minimal / "output/qr/XM-P01.png")
    assert decode(png) == [("HTTPS://XM.EXAMPLE.VN/Q/XM-P01", "QRCode")]


def test_renaming_a_slug_keeps_every_printed_code_working(minimal: Path) -> None:
    mark_printed(minimal, "XM-D01", "XM-P01")
    (minimal / "content/dolls/hmong").rename(minimal / "content/dolls/bup-be-mong")
    booklet = minimal / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text().replace("dolls/hmong", "dolls/bup-be-mong"))
    result = run_cli(minimal, "build")
    assert result.code == 0, result.err
    tree = parse_html(minimal / "output/Q/XM-D01.html")
    hrefs = [a.get("href") for a in tree.findall(".//main/a")]
    assert hrefs == ["/vi/dolls/bup-be-mong/", "/en/dolls/bup-be-mong/"]
    assert all((minimal / "output" / h.strip("/") / "index.html").is_file() for h in hrefs)


def test_changing_the_short_base_after_printing_is_refused(minimal: Path) -> None:
    mark_printed(minimal, "XM-D01")
    config = minimal / "site.yaml"
    config.write_text(config.read_text().replace("https://xm.example.vn/", "https://q.example.vn/"))
    result = run_cli(minimal, "build")
    assert result.code == 1
    assert (
        "XM-D01.url: XM-D01 was printed as HTTPS://XM.EXAMPLE.VN/Q/XM-D01, but the site now "
        "gives it HTTPS://Q.EXAMPLE.VN/Q/XM-D01." in result.err
    )


def test_aliases_redirect_to_the_item(minimal: Path) -> None:
    item = minimal / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text() + "aliases: [/vi/bup-be-cu/, /en/old-doll/]\n")
    build(minimal)
    for alias, target in (
        ("vi/bup-be-cu", "/vi/dolls/hmong/"),
        ("en/old-doll", "/en/dolls/hmong/"),
    ):
        tree = parse_html(minimal / "output" / alias / "index.html")
        refresh = tree.find(".//meta[@http-equiv='refresh']")
        assert refresh is not None and refresh.get("content") == f"0; url={target}"


def test_qr_command_prints_the_target_and_writes_files(minimal: Path, tmp_path: Path) -> None:
    result = run_cli(minimal, "qr", "xm-d01", "--out-dir", str(tmp_path / "q"))
    assert result.code == 0, result.err
    assert result.out.splitlines()[:3] == [
        "XM-D01 -> HTTPS://XM.EXAMPLE.VN/Q/XM-D01",
        "  vi: https://xinman.example.vn/vi/dolls/hmong/",
        "  en: https://xinman.example.vn/en/dolls/hmong/",
    ]
    assert decode(Image.open(tmp_path / "q/XM-D01.png")) == [
        ("HTTPS://XM.EXAMPLE.VN/Q/XM-D01", "QRCode")
    ]
    assert decode(svg_to_image(tmp_path / "q/XM-D01.svg")) == [
        ("HTTPS://XM.EXAMPLE.VN/Q/XM-D01", "QRCode")
    ]


@pytest.mark.parametrize(
    ("accept", "expected"), [("en-US,en", "en"), ("vi-VN,vi", "vi"), ("fr-FR,fr", "en")]
)
def test_landing_page_opens_the_visitors_language(
    sample_site: Path, tmp_path: Path, accept: str, expected: str
) -> None:
    """Real Chromium: browser language first, else English (visitor_language)."""
    need_chromium()
    with serve(sample_site / "output") as base:
        dom = chromium_dom(f"{base}/Q/XM-D01", accept, tmp_path / "profile")
    tree = tinyhtml5.parse(dom, namespace_html_elements=False)
    assert tree.get("lang") == expected
    canonical = tree.find(".//link[@rel='canonical']")
    assert canonical is not None
    assert canonical.get("href") == f"https://xinman.example.vn/{expected}/dolls/hmong/"
