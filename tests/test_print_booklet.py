"""Booklets and imposition, checked from the PDF with pypdf, pypdfium2 and zxing-cpp."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from pathlib import Path

import jinja2
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from site_builder.print import (
    PDF_FAMILY,
    BookletChapter,
    BookletDoc,
    PdfMeta,
    PrintError,
    assert_fonts_embedded,
    render_bilingual_booklet,
    render_booklet,
    saddle_stitch,
)
from site_builder.print.engine import html_to_pdf
from site_builder.print.impose import imposition_order
from site_builder.render.qr import make_qr

ROOT = Path(__file__).resolve().parent.parent
MM = 25.4 / 72
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "templates"), autoescape=True)
DATE = datetime.date(2026, 6, 1)
ITEMS = [
    ("XM-D01", "hmong", "Búp bê Mông", "Hmong doll", (190, 60, 60)),
    ("XM-D02", "dao", "Búp bê Dao đỏ", "Red Dao doll", (60, 90, 160)),
    ("XM-P01", "shan-tuyet-tea", "Chè Shan tuyết", "Shan Tuyet tea", (60, 130, 60)),
]
STORY = {
    "vi": "<p>Búp bê được may thủ công bởi đoàn viên thanh niên ở Xín Mần, Hà Giang; váy xòe "
    "thêu chỉ đỏ, vàng và chàm.</p>",
    "en": "<p>The dolls are hand-sewn by young union members in Xín Mần, Hà Giang; the skirt is "
    "embroidered in red, yellow and indigo thread.</p>",
}


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    out = {}
    for _, slug, _, _, color in ITEMS + [("", "cover", "", "", (150, 100, 50))]:
        image = Image.new("RGB", (900, 600), color)
        draw = ImageDraw.Draw(image)
        for x in range(0, 900, 60):
            draw.rectangle([x, 0, x + 25, 600], fill=tuple(min(255, c + 50) for c in color))
        path = folder / f"{slug}.jpg"
        image.save(path, quality=85)
        out[slug] = path
    return out


def make_doc(lang: str, photos: dict[str, Path]) -> BookletDoc:
    chapters = tuple(
        BookletChapter(
            title=vi if lang == "vi" else en,
            lang=lang,
            image_path=photos[slug],
            image_alt="Ảnh " + vi if lang == "vi" else "Photo of the " + en,
            body_html=STORY[lang],
            qr=make_qr(f"HTTPS://XM.EXAMPLE.VN/Q/{code}"),
            url=f"HTTPS://XM.EXAMPLE.VN/Q/{code}",
            facts=(
                ("Mã" if lang == "vi" else "Code", code),
                ("Xã" if lang == "vi" else "Commune", "Xín Mần"),
            ),
        )
        for code, slug, vi, en, _ in ITEMS
    )
    title = "Búp bê Xín Mần" if lang == "vi" else "Xín Mần Dolls"
    return BookletDoc(
        title=title,
        intro_html="<p>Giới thiệu búp bê và sản phẩm OCOP.</p>"
        if lang == "vi"
        else "<p>Dolls and OCOP products of Xín Mần.</p>",
        cover_image=photos["cover"],
        lang=lang,
        chapters=chapters,
        back_qr=make_qr(f"HTTPS://XM.EXAMPLE.VN/B/DOLLS-{lang.upper()}"),
        back_url=f"HTTPS://XM.EXAMPLE.VN/B/DOLLS-{lang.upper()}",
        meta=PdfMeta(title, lang, "Chi đoàn thanh niên Xín Mần", DATE),
    )


def page_texts(pdf: bytes) -> list[str]:
    return [fold(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def decoded(pdf: bytes, dpi: int = 200) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return [
        r.text for page in doc for r in zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil())
    ]


@pytest.fixture(scope="module")
def booklet(photos) -> bytes:
    return render_booklet(make_doc("vi", photos), env=ENV)


def test_booklet_pages_size_and_contents(booklet):
    reader = PdfReader(io.BytesIO(booklet))
    assert len(reader.pages) == 6  # cover, contents, 3 chapters, back cover
    for page in reader.pages:
        assert float(page.mediabox.width) * MM == pytest.approx(148, abs=0.1)
        assert float(page.mediabox.height) * MM == pytest.approx(210, abs=0.1)
    texts = page_texts(booklet)
    assert "Búp bê Xín Mần" in texts[0]
    contents = texts[1]
    assert "Mục lục" in contents
    for _, _, vi, _, _ in ITEMS:
        match = re.search(re.escape(vi) + r"[ .]*?(\d+)", contents)
        assert match, vi
        number = int(match.group(1))
        assert texts[number - 1].startswith(vi), (vi, number)  # the chapter starts there
        assert texts[number - 1].endswith(str(number))  # footer page number
    assert [int(t.split()[-1]) for t in texts[1:5]] == [2, 3, 4, 5]
    assert not texts[0].endswith("1") and "HTTPS" not in texts[0]


def test_booklet_codes_decode_and_urls_printed(booklet):
    codes = decoded(booklet)
    assert sorted(codes) == sorted(
        [f"HTTPS://XM.EXAMPLE.VN/Q/{code}" for code, *_ in ITEMS]
        + ["HTTPS://XM.EXAMPLE.VN/B/DOLLS-VI"]
    )
    text = " ".join(page_texts(booklet))
    assert "xm.example.vn/Q/XM-D01" in text and "xm.example.vn/B/DOLLS-VI" in text
    assert "Búp bê được may thủ công bởi đoàn viên thanh niên" in text


def test_booklet_fonts_metadata_and_determinism(booklet, photos):
    assert set(assert_fonts_embedded(booklet, PDF_FAMILY)) == {"Noto-Sans-XM", "Noto-Sans-XM-Bold"}
    reader = PdfReader(io.BytesIO(booklet))
    assert reader.metadata.title == "Búp bê Xín Mần"
    assert reader.metadata.author == "Chi đoàn thanh niên Xín Mần"
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    assert reader.metadata["/CreationDate"].startswith("D:20260601")
    assert render_booklet(make_doc("vi", photos), env=ENV) == booklet


@pytest.mark.parametrize(("size", "mm"), [("A6", (105, 148)), ("A4", (210, 297))])
def test_other_page_sizes(photos, size, mm):
    pdf = render_booklet(make_doc("en", photos), env=ENV, page_size=size)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width) * MM), round(float(page.mediabox.height) * MM)) == mm
    assert len(decoded(pdf)) == 4


def test_bilingual_booklet(photos):
    pdf = render_bilingual_booklet([make_doc("vi", photos), make_doc("en", photos)], env=ENV)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Búp bê Xín Mần / Xín Mần Dolls"
    texts = page_texts(pdf)
    contents = texts[1]
    assert "Mục lục · Contents" in contents
    for _, _, vi, en, _ in ITEMS:
        assert vi in contents and en in contents
    whole = " ".join(texts)
    assert STORY["en"][3:40] in whole and "Búp bê được may thủ công" in whole
    assert whole.index("Búp bê được may thủ công") < whole.index("The dolls are hand-sewn")
    codes = decoded(pdf)
    # one code per chapter: both versions print the same permanent short URL, whose
    # landing page picks the reader's language
    assert sorted(codes) == sorted(
        [f"HTTPS://XM.EXAMPLE.VN/Q/{code}" for code, *_ in ITEMS]
        + ["HTTPS://XM.EXAMPLE.VN/B/DOLLS-VI", "HTTPS://XM.EXAMPLE.VN/B/DOLLS-EN"]
    )
    assert_fonts_embedded(pdf)


def test_booklet_errors(photos):
    vi, en = make_doc("vi", photos), make_doc("en", photos)
    short = BookletDoc(
        en.title, en.intro_html, None, "en", en.chapters[:2], en.back_qr, en.back_url, en.meta
    )
    with pytest.raises(PrintError) as info:
        render_bilingual_booklet([vi, short], env=ENV)
    assert str(info.value) == (
        "booklet 'Búp bê Xín Mần': the language versions have different chapters "
        "(vi: 3, en: 2); give every language the same entries in the same order."
    )
    with pytest.raises(PrintError) as info:
        render_booklet(vi, env=ENV, page_size="Letter")  # type: ignore[arg-type]
    assert str(info.value) == "unknown booklet page size 'Letter'; use one of A6, A5, A4."
    missing = BookletDoc(
        vi.title,
        vi.intro_html,
        Path("/nowhere/cover.jpg"),
        "vi",
        vi.chapters,
        vi.back_qr,
        vi.back_url,
        vi.meta,
    )
    with pytest.raises(PrintError) as info:
        render_booklet(missing, env=ENV)
    assert str(info.value) == (
        "booklet 'Búp bê Xín Mần': cover: image /nowhere/cover.jpg does not exist; "
        "check the file name in item.yaml or the booklet's cover."
    )


# ------------------------------------------------------------------ imposition


def numbered_pages(count: int) -> bytes:
    body = "".join(
        f'<p style="break-after:page;font-size:40pt">P{n}</p>' for n in range(1, count + 1)
    )
    html = f"<html><style>@page {{ size: A5; margin: 20mm }} body {{ font-family: 'Noto Sans XM' }}</style><body>{body}</body></html>"
    return html_to_pdf(html, what="test pages")


def halves(pdf: bytes) -> list[tuple[str, str]]:
    doc = pdfium.PdfDocument(pdf)
    out = []
    for page in doc:
        width, height = page.get_size()
        text = page.get_textpage()
        left = fold(text.get_text_bounded(0, 0, width / 2, height)) or "-"
        right = fold(text.get_text_bounded(width / 2, 0, width, height)) or "-"
        out.append((left, right))
    return out


def test_imposition_order_for_8_pages():
    assert imposition_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    imposed = saddle_stitch(numbered_pages(8))
    reader = PdfReader(io.BytesIO(imposed))
    assert len(reader.pages) == 4
    for page in reader.pages:
        assert float(page.mediabox.width) * MM == pytest.approx(297, abs=0.1)
        assert float(page.mediabox.height) * MM == pytest.approx(210, abs=0.1)
    assert halves(imposed) == [("P8", "P1"), ("P2", "P7"), ("P6", "P3"), ("P4", "P5")]


def test_imposition_pads_before_back_cover_and_centres():
    imposed = saddle_stitch(numbered_pages(6))
    assert halves(imposed) == [("P6", "P1"), ("P2", "-"), ("-", "P3"), ("P4", "P5")]
    plain = saddle_stitch(numbered_pages(6), keep_back_cover=False)
    assert halves(plain) == [("-", "P1"), ("P2", "-"), ("P6", "P3"), ("P4", "P5")]

    # A5 pages (148 mm) two-up on 297 mm: 0.5 mm margin each side
    def x_of(pdf: bytes, page: int, needle: str) -> float:
        textpage = pdfium.PdfDocument(pdf)[page].get_textpage()
        index, _ = textpage.search(needle).get_next()
        return textpage.get_charbox(index)[0] * MM

    original = numbered_pages(6)
    assert x_of(imposed, 0, "P6") == pytest.approx(x_of(original, 5, "P6") + 0.5, abs=0.05)
    assert x_of(imposed, 0, "P1") == pytest.approx(x_of(original, 0, "P1") + 148.5, abs=0.05)


def test_imposing_a_real_booklet(booklet):
    imposed = saddle_stitch(booklet)  # 6 pages -> 8, back cover stays outside
    assert len(PdfReader(io.BytesIO(imposed)).pages) == 4
    assert sorted(decoded(imposed, dpi=150)) == sorted(decoded(booklet, dpi=150))


def test_a_facts_title_never_ends_a_page(sample_site: Path) -> None:
    """The facts table's title ("Thông tin" / "Facts") goes to the page of its table: in
    the sample's bilingual A5 booklet it stood alone at the foot of pages 6, 10 and 14."""
    titles = {"Thông tin", "Facts", "Thông tin / Facts"}
    for pdf in sorted((sample_site / "output/print").glob("xin-man-gifts-*.pdf")):
        doc = pdfium.PdfDocument(str(pdf))
        for number in range(len(doc)):
            lines = [
                line.strip()
                for line in doc[number].get_textpage().get_text_range().splitlines()
                if line.strip() and not line.strip().isdigit()  # (the page number)
            ]
            assert not lines or lines[-1] not in titles, (pdf.name, number + 1, lines[-3:])
        assert any(
            title in doc[n].get_textpage().get_text_range()
            for n in range(len(doc))
            for title in titles
        )  # (the titles are there to be found)


def test_booklet_text_rules_and_codes_print_in_black_ink_only(sample_site: Path) -> None:
    """Text, rules and QR codes are set in DeviceCMYK with only K (a print shop's RIP turns
    RGB black into four inks, and small text then blurs with any misregistration); photos
    keep their colours (image XObjects, not these operators)."""
    for pdf in sorted((sample_site / "output/print").glob("xin-man-gifts-*.pdf")):
        for number, page in enumerate(PdfReader(pdf).pages, 1):
            stream = page.get_contents()
            data = stream.get_data().decode("latin-1") if stream is not None else ""
            rgb = re.findall(r"(?:^|\s)[\d.]+ [\d.]+ [\d.]+ (?:rg|RG)(?=\s)", data)
            assert rgb == [], (pdf.name, number, rgb[:3])
            spaces = set(re.findall(r"(/\S+) (?:cs|CS)(?=\s)", data))
            assert spaces <= {"/DeviceCMYK"}, (pdf.name, number, spaces)
            colours = re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (?:sc|SC|k|K)(?=\s)", data)
            assert all(c == m == y == "0" for c, m, y, _k in colours), (pdf.name, number)


# ----------------------------------------------------- QR codes a phone can read


@pytest.mark.parametrize("size", ["A5", "A6", "A4"])
def test_booklet_qr_symbols_print_at_least_min_qr_mm(photos, size):
    """Every code of the booklet (chapters, payment, back cover), decoded from the PDF at
    300 dpi: its symbol (without the quiet zone) is at least site.yaml's
    stickers.min_qr_mm, the size the project says a phone reads reliably (A5 printed
    18.2 mm codes before). Raising the minimum raises the codes with it."""
    import dataclasses

    from site_builder.print import PaymentQr
    from site_builder.vietqr import PaymentInfo
    from tests.test_print_sticker_design import symbol_mm
    from tests.test_print_stickers import decode_pages

    pay = PaymentQr.from_info(
        PaymentInfo.create(bank="Vietcombank", account="0011000000000", account_name="HTX CHE")
    )
    for minimum in (20.0, 23.0):
        doc = make_doc("vi", photos)
        chapters = (dataclasses.replace(doc.chapters[0], payment=pay),) + doc.chapters[1:]
        doc = dataclasses.replace(doc, chapters=chapters)
        if minimum != 20.0:  # (20 mm: the default, as site.yaml leaves it)
            doc = dataclasses.replace(doc, min_qr_mm=minimum)
        pdf = render_booklet(doc, env=ENV, page_size=size)
        codes = [c for page in decode_pages(pdf) for c in page]
        # three chapter codes, the payment code and the back cover's
        assert len(codes) == 5, [c["text"] for c in codes]
        for code in codes:
            assert symbol_mm(code["box"]) >= minimum - 25.4 / 300, (size, minimum, code)
