"""Print documents made by `build` and `stickers`, read back from the PDFs alone."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

from site_builder.build import build
from site_builder.content.loader import load_site
from site_builder.content.model import Item
from site_builder.urls import Urls
from tests.helpers import cli_then, parse_html, run_cli

A5 = (148.0, 210.0)


def mm(points: float) -> float:
    return round(float(points) * 25.4 / 72, 1)


def decoded(pdf: bytes, dpi: int = 300) -> list[str]:
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    texts = []
    for page in doc:
        image = page.render(scale=dpi / 72).to_pil()
        texts += [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def test_build_writes_previews_linked_from_the_booklet_page(sample_site: Path) -> None:
    out = sample_site / "output"
    names = sorted(p.name for p in (out / "print").glob("*.pdf"))
    assert names == [
        "stickers-L7160.pdf",
        "xin-man-gifts-en.pdf",
        "xin-man-gifts-vi-en.pdf",
        "xin-man-gifts-vi.pdf",
    ]
    for lang in ("vi", "en"):
        tree = parse_html(out / lang / "booklets/xin-man-gifts/index.html")
        links = {a.get("href") for a in tree.iter("a")}
        for name in names[1:]:
            assert f"/print/{name}" in links


def test_booklet_pdf_is_a5_with_metadata_and_every_qr_decodes(sample_site: Path) -> None:
    site = load_site(sample_site)
    urls = Urls(site.config)
    booklet = site.booklets[0]
    for lang in ("vi", "en"):
        pdf = (sample_site / "output/print" / f"xin-man-gifts-{lang}.pdf").read_bytes()
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) >= len(booklet.entries) + 2
        for page in reader.pages:
            assert (mm(page.mediabox.width), mm(page.mediabox.height)) == A5
        assert reader.metadata is not None
        assert reader.metadata.title == booklet.title[lang]
        expected = set()
        for key in booklet.entries:
            thing = site.by_key(key)
            assert thing is not None
            if hasattr(thing, "code"):  # a page has no printed code, hence no QR
                expected.add(urls.short_url(thing.code))
            payment = thing.facts.payment if isinstance(thing, Item) else None
            if payment is not None and booklet.show_payment:
                expected.add(payment.payload)  # the bank-transfer code, in its own box
        assert booklet.code is not None
        expected.add(urls.short_url(booklet.code))  # the back cover: the booklet's own code
        assert set(decoded(pdf, 200)) == expected


def test_preview_sticker_sheet_holds_every_item(sample_site: Path) -> None:
    site = load_site(sample_site)
    urls = Urls(site.config)
    pdf = (sample_site / "output/print/stickers-L7160.pdf").read_bytes()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (mm(page.mediabox.width), mm(page.mediabox.height)) == (210.0, 297.0)
    assert sorted(decoded(pdf)) == sorted(urls.short_url(i.code) for i in site.items)


def test_pdfs_are_the_same_bytes_for_the_same_content(minimal: Path, tmp_path: Path) -> None:
    build(minimal)
    first = {p.name: p.read_bytes() for p in (minimal / "output/print").glob("*.pdf")}
    build(minimal, tmp_path / "again")
    second = {p.name: p.read_bytes() for p in (tmp_path / "again/print").glob("*.pdf")}
    assert first and first == second


def test_stickers_preview_does_not_record_codes(minimal: Path) -> None:
    result = run_cli(minimal, "stickers", "gifts", "--copies", "3", "--template", "L7163")
    assert result.code == 0, result.err
    assert not (minimal / "content/printed-codes.yaml").exists()
    pdf = (minimal / "stickers/stickers-gifts-L7163-labels.pdf").read_bytes()
    urls = decoded(pdf)
    assert (
        sorted(urls)
        == ["HTTPS://XM.EXAMPLE.VN/Q/XM-D01"] * 3 + ["HTTPS://XM.EXAMPLE.VN/Q/XM-P01"] * 3
    )


def test_stickers_for_print_record_every_code_on_the_sheet(minimal: Path) -> None:
    result = run_cli(
        minimal,
        "stickers",
        "--codes",
        "XM-P01=2",
        "--mode",
        "printshop",
        "--for-print",
        "--yes",
        "--date",
        "2026-06-02",
    )
    assert result.code == 0, result.err
    registry = (minimal / "content/printed-codes.yaml").read_text()
    assert "XM-P01:\n  printed: 2026-06-02\n" in registry
    assert "XM-D01" not in registry
    page = PdfReader(minimal / "stickers/stickers-items-L7160-printshop.pdf").pages[0]
    assert (mm(page.trimbox.width), mm(page.trimbox.height)) == (210.0, 297.0)
    assert (mm(page.bleedbox.width), mm(page.bleedbox.height)) == (216.0, 303.0)


def test_a_label_too_small_for_a_scannable_code_is_refused(minimal: Path) -> None:
    result = run_cli(minimal, "stickers", "gifts", "--template", "L7651")
    assert result.code == 1
    assert result.err == (
        "Error: label L7651 is 38.1 × 21.17 mm; a 20 mm QR code (26.4 mm with its quiet zone) "
        "with its text needs at least 44.9 × 29.4 mm (text beside the code) or 29.4 × 32.4 mm "
        "(text below it); choose a larger template or lower min_qr_mm.\n"
    )
    assert not (minimal / "stickers").exists()


def test_an_unknown_template_is_named(minimal: Path) -> None:
    result = run_cli(minimal, "stickers", "gifts", "--template", "L9999")
    assert result.code == 1
    assert result.err.startswith(
        "Error: template: unknown label template 'L9999'. Known templates: "
    )


def test_custom_label_template_from_site_yaml(minimal: Path) -> None:
    config = minimal / "site.yaml"
    config.write_text(
        config.read_text()
        + "labels:\n  box-70x42:\n    {page_width: 210, page_height: 297, label_width: 70, "
        "label_height: 42.3, columns: 3, rows: 7, left: 0, top: 0.5}\n"
    )
    result = run_cli(minimal, "stickers", "gifts", "--template", "box-70x42")
    assert result.code == 0, result.err
    pdf = (minimal / "stickers/stickers-gifts-box-70x42-labels.pdf").read_bytes()
    assert sorted(decoded(pdf)) == [
        "HTTPS://XM.EXAMPLE.VN/Q/XM-D01",
        "HTTPS://XM.EXAMPLE.VN/Q/XM-P01",
    ]


def test_saddle_stitch_imposes_a5_pages_two_up_on_a4(minimal: Path) -> None:
    booklet = minimal / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text() + "saddle_stitch: true\n")
    build(minimal)
    plain = PdfReader(minimal / "output/print/gifts-vi.pdf")
    imposed = PdfReader(minimal / "output/print/gifts-vi-saddle-stitch.pdf")
    sheets_sides = -(-len(plain.pages) // 4) * 2
    assert len(imposed.pages) == sheets_sides
    for page in imposed.pages:
        assert (mm(page.mediabox.width), mm(page.mediabox.height)) == (297.0, 210.0)


def test_stickers_can_carry_the_payment_code_clearly_apart(minimal: Path) -> None:
    item = minimal / "content/ocop/tea/item.yaml"
    item.write_text(
        item.read_text()
        + (
            'payment:\n  bank: Vietcombank\n  account: "0011000000000"\n'
            "  account_name: HTX CHE (VI DU)\n  amount: 150000\n  note: XM-P01\n"
        )
    )
    result = run_cli(minimal, "stickers", "--codes", "XM-P01", "--template", "L7163", "--payment")
    assert result.code == 0, result.err
    pdf = (minimal / "stickers/stickers-items-L7163-labels.pdf").read_bytes()
    payload = load_site(minimal).by_code("XM-P01").facts.payment.payload  # type: ignore[union-attr]
    assert sorted(decoded(pdf)) == sorted(["HTTPS://XM.EXAMPLE.VN/Q/XM-P01", payload])


def test_an_unchanged_sticker_request_does_nothing(minimal: Path) -> None:
    first = run_cli(minimal, "stickers", "gifts")
    assert first.code == 0, first.err
    again = run_cli(minimal, "stickers", "gifts")
    assert again.out == "Nothing changed: stickers/stickers-gifts-L7160-labels.pdf is up to date.\n"
    story = minimal / "content/dolls/hmong/item.yaml"
    story.write_text(story.read_text().replace("price: 450000", "price: 460000"))
    third = run_cli(minimal, "stickers", "gifts", "--price")
    assert third.out.startswith("Wrote 2 sticker(s)")
    assert run_cli(minimal, "stickers", "gifts", "--for-print", "--yes").out.startswith("Wrote")


def test_an_item_saved_while_its_sheet_is_drawn_is_drawn_the_next_time(minimal: Path) -> None:
    """The sheet's inputs are vouched for as they were read, not as they are once the
    sheet is done: a price saved a minute into 20,000 stickers is not on the sheet, so the
    same request must draw it, not say "Nothing changed"."""
    item = minimal / "content/dolls/hmong/item.yaml"
    saved_meanwhile = (
        "import pathlib, site_builder.render.pdf as pdf\n"
        "drawn = pdf.sticker_sheet\n"
        "def sheet(*args, **kwargs):\n"
        "    made = drawn(*args, **kwargs)\n"
        f"    item = pathlib.Path({str(item)!r})\n"
        "    item.write_text(item.read_text().replace('price: 450000', 'price: 460000'))\n"
        "    return made\n"
        "pdf.sticker_sheet = sheet\n"
    )
    code, out, _ = cli_then(minimal, "0", "stickers", "gifts", "--price", setup=saved_meanwhile)
    assert code == 0 and out.startswith("Wrote 2 sticker(s)"), out
    assert "price: 460000" in item.read_text()
    sheet = minimal / "stickers/stickers-gifts-L7160-labels.pdf"
    assert "450.000" in sheet_text(sheet.read_bytes())
    again = run_cli(minimal, "stickers", "gifts", "--price")
    assert again.out.startswith("Wrote 2 sticker(s)"), again.out
    text = sheet_text(sheet.read_bytes())
    assert "460.000" in text and "450.000" not in text


def sheet_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
