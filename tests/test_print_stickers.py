"""Sticker sheets, checked from the PDF alone with real tools (WeasyPrint, pypdf,
pypdfium2, zxing-cpp)."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

import jinja2
import pypdfium2 as pdfium
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from site_builder.errors import SiteError
from site_builder.print import (
    BUILTIN,
    PDF_FAMILY,
    LabelError,
    PdfMeta,
    PrintError,
    StickerContent,
    StickerError,
    assert_fonts_embedded,
    custom_template,
    get_template,
    layout_sticker,
    render_sticker_sheet,
)
from site_builder.print.fonts import check_document_fonts
from site_builder.print.stickers import text_scale
from site_builder.print_errors import FontError
from site_builder.render.qr import make_qr

ROOT = Path(__file__).resolve().parent.parent
MM = 25.4 / 72
DPI = 300
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "templates"), autoescape=True)
META = PdfMeta(
    "Tem QR hộp quà",
    "vi",
    "Chi đoàn thanh niên Xín Mần",
    datetime.date(2026, 6, 1),
    subject="QR stickers",
    keywords=("búp bê", "OCOP"),
)


def sticker(code: str, vi: str, en: str, price: str | None = "450.000 ₫") -> StickerContent:
    url = f"HTTPS://XM.EXAMPLE.VN/Q/{code}"
    return StickerContent(code, url, (("vi", vi), ("en", en)), price, make_qr(url, "M"))


DOLL = sticker("XM-D01", "Búp bê Mông", "Hmong doll")
DAO = sticker("XM-D02", "Búp bê trong trang phục người Dao đỏ", "Doll in Red Dao costume")
TEA = sticker("XM-P01", "Chè Shan tuyết", "Shan Tuyet tea", "180.000 ₫")
NUNG = sticker("XM-D04", "Búp bê Nùng", "Nung doll", None)

CUSTOM = custom_template(
    "ocop-70x42",
    {
        "page_width": 210,
        "page_height": 297,
        "label_width": 70,
        "label_height": 42.3,
        "columns": 3,
        "rows": 7,
        "left": 0,
        "top": 0.5,
        "corner_radius": 2,
    },
    "site.yaml",
    30,
)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def url(s: StickerContent) -> str:
    return s.short_url


def decode_pages(pdf: bytes, dpi: int = DPI) -> list[list[dict]]:
    """Per page: decoded QR codes with their text and bounding box in mm (page coords)."""
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for page in doc:
        image = page.render(scale=dpi / 72).to_pil()
        found = []
        for result in zxingcpp.read_barcodes(image):
            pos = result.position
            xs = [p.x for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)]
            ys = [p.y for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)]
            px = 25.4 / dpi
            found.append(
                {
                    "text": result.text,
                    "format": result.format,
                    # zxing reports module centres of the outer modules: add one module
                    "box": (min(xs) * px, min(ys) * px, max(xs) * px, max(ys) * px),
                }
            )
        pages.append(found)
    return pages


def printed_size(box: tuple[float, float, float, float], qr_modules: int) -> float:
    """Printed width incl. quiet zone, from the decoder's corner points (module centres)."""
    span = box[2] - box[0]  # centre of first to centre of last module
    module = span / (qr_modules - 1)
    return module * (qr_modules + 8)


def label_index(template, box) -> int | None:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for i, (x, y, w, h) in enumerate(template.boxes()):
        if x <= cx <= x + w and y <= cy <= y + h:
            return i
    return None


def render(stickers, template, **kw):
    kw.setdefault("meta", META)
    return render_sticker_sheet(stickers, template, env=ENV, **kw)


def page_size_mm(pdf: bytes, index: int = 0) -> tuple[float, float]:
    doc = pdfium.PdfDocument(pdf)
    w, h = doc[index].get_size()
    return w * MM, h * MM


# --------------------------------------------------------------------- sheets


@pytest.mark.parametrize("name", ["L7160", "L7163", "L7173", "round-63.5", "ocop-70x42"])
def test_sheet_geometry_codes_and_text(name):
    template = get_template(name, {"ocop-70x42": CUSTOM})
    per_sheet = template.per_sheet
    copies = [(DOLL, 2), (DAO, 1), (TEA, per_sheet - 4), (NUNG, 1)]
    expected_order = [url(s) for s, n in copies for _ in range(n)]
    pdf = render(copies, template, show_price=True)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    w, h = page_size_mm(pdf)
    assert w == pytest.approx(template.page_width, abs=0.1)
    assert h == pytest.approx(template.page_height, abs=0.1)

    codes = decode_pages(pdf)[0]
    assert sorted(c["text"] for c in codes) == sorted(expected_order)
    by_label = {}
    for code in codes:
        assert code["format"] == zxingcpp.BarcodeFormat.QRCode
        index = label_index(template, code["box"])
        assert index is not None, f"QR {code['text']} outside every label"
        x, y, lw, lh = template.label_box(index)
        modules = make_qr(code["text"], "M").size
        size = printed_size(code["box"], modules)
        assert size >= 20.0 - 0.15
        # the whole symbol, quiet zone included, lies inside the label
        quiet = size * 4 / (modules + 8) + size / (modules + 8) / 2
        assert code["box"][0] - quiet >= x - 0.2 and code["box"][2] + quiet <= x + lw + 0.2
        assert code["box"][1] - quiet >= y - 0.2 and code["box"][3] + quiet <= y + lh + 0.2
        by_label[index] = code["text"]
    assert [by_label[i] for i in range(len(expected_order))] == expected_order

    text = fold(reader.pages[0].extract_text())
    for needle in (
        "Búp bê Mông",
        "Hmong doll",
        "Chè Shan tuyết",
        "Búp bê Nùng",
        "xm.example.vn/Q/XM-D01",
        "450.000 ₫",
        "180.000 ₫",
        "Búp bê trong trang phục người Dao đỏ",
    ):
        assert needle in text, needle
    names = assert_fonts_embedded(pdf, PDF_FAMILY)
    assert set(names) == {"Noto-Sans-XM", "Noto-Sans-XM-Bold"}


def test_fonts_are_subset_truetype_and_ours():
    pdf = render([(DOLL, 3)], BUILTIN["L7160"])
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    seen = []
    for ref in fonts.values():
        font = ref.get_object()
        base = str(font["/BaseFont"])
        assert re.fullmatch(r"/[A-Z]{6}\+Noto-Sans-XM(-Bold)?", base), base
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        seen.append(base)
    assert len(seen) == 2


def test_many_sheets_copies_and_price_hidden_by_default():
    pdf = render([(DOLL, 30), (TEA, 15)], BUILTIN["L7160"])  # 45 = 21 + 21 + 3
    pages = decode_pages(pdf, dpi=200)
    assert [len(p) for p in pages] == [21, 21, 3]
    assert Counter(c["text"] for p in pages for c in p) == {url(DOLL): 30, url(TEA): 15}
    text = fold(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "450.000" not in text


def test_start_position_and_offset_shift_the_right_labels():
    template = BUILTIN["L7160"]
    base = decode_pages(render([(DOLL, 1), (TEA, 1)], template, start_position=5))[0]
    moved = decode_pages(
        render([(DOLL, 1), (TEA, 1)], template, start_position=5, offset_mm=(2.0, -1.5))
    )[0]
    assert {label_index(template, c["box"]): c["text"] for c in base} == {4: url(DOLL), 5: url(TEA)}
    for a, b in zip(
        sorted(base, key=lambda c: c["text"]), sorted(moved, key=lambda c: c["text"]), strict=True
    ):
        assert b["box"][0] - a["box"][0] == pytest.approx(2.0, abs=0.2)
        assert b["box"][1] - a["box"][1] == pytest.approx(-1.5, abs=0.2)


def test_start_position_continues_on_next_sheet():
    pdf = render([(DOLL, 5)], BUILTIN["L7160"], start_position=19)
    pages = decode_pages(pdf, dpi=200)
    assert [len(p) for p in pages] == [3, 2]
    assert sorted(label_index(BUILTIN["L7160"], c["box"]) for c in pages[0]) == [18, 19, 20]
    assert sorted(label_index(BUILTIN["L7160"], c["box"]) for c in pages[1]) == [0, 1]


def test_printshop_mode_has_bleed_marks_and_trimbox():
    template = BUILTIN["L7163"]
    pdf = render([(DOLL, 2)], template, mode="printshop")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    trim = [float(v) * MM for v in page.trimbox]
    bleed = [float(v) * MM for v in page.bleedbox]
    media = [float(v) * MM for v in page.mediabox]
    assert trim[2] - trim[0] == pytest.approx(210, abs=0.1)
    assert trim[3] - trim[1] == pytest.approx(297, abs=0.1)
    assert bleed[2] - bleed[0] == pytest.approx(216, abs=0.1)
    assert bleed[3] - bleed[1] == pytest.approx(303, abs=0.1)
    # room outside the bleed for the crop marks (see test_print_shop.py)
    assert media[2] - media[0] == pytest.approx(236, abs=0.1)
    assert trim[0] - media[0] == pytest.approx(13, abs=0.1)
    codes = decode_pages(pdf)[0]
    assert sorted(c["text"] for c in codes) == [url(DOLL)] * 2
    # labels keep their exact place relative to the trim box
    for c in codes:
        x = c["box"][0] - 13.0
        assert template.left < x < template.left + 10 or template.left + 101.6 < x


def test_labels_mode_has_no_bleed():
    page = PdfReader(io.BytesIO(render([(DOLL, 1)], BUILTIN["L7160"]))).pages[0]
    assert [round(float(v) * MM, 1) for v in page.mediabox] == [0, 0, 210, 297]
    assert [round(float(v) * MM, 1) for v in page.trimbox] == [0, 0, 210, 297]


def test_deterministic_bytes_and_metadata():
    a = render([(DOLL, 2), (TEA, 2)], BUILTIN["L7160"], show_price=True)
    b = render([(DOLL, 2), (TEA, 2)], BUILTIN["L7160"], show_price=True)
    assert a == b
    reader = PdfReader(io.BytesIO(a))
    assert reader.metadata.title == "Tem QR hộp quà"
    assert reader.metadata.author == "Chi đoàn thanh niên Xín Mần"
    assert reader.metadata["/CreationDate"].startswith("D:20260601")
    assert reader.metadata["/ModDate"].startswith("D:20260601")
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]


class _ClockPlusOneDay:
    """The `time` module as fontTools' timestamps see it, a day later."""

    @staticmethod
    def time() -> float:
        import time

        return time.time() + 86_400


def test_same_bytes_a_day_later_with_the_fonttools_subsetter(monkeypatch):
    # without libharfbuzz-subset0 (a plain machine: WeasyPrint warns), WeasyPrint subsets
    # the fonts with fontTools, which stamps every subset with the clock
    import weasyprint.pdf.fonts
    from fontTools.misc import timeTools

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    first = render([(DOLL, 1), (TEA, 1)], BUILTIN["L7160"])
    monkeypatch.setattr(timeTools, "time", _ClockPlusOneDay)
    assert render([(DOLL, 1), (TEA, 1)], BUILTIN["L7160"]) == first


def test_qr_printed_size_honours_larger_minimum():
    template = BUILTIN["L7173"]
    layout = layout_sticker(DOLL, template, min_qr_mm=40)
    assert layout.qr_size >= 40
    pdf = render([(DOLL, 1)], template, min_qr_mm=40)
    (code,) = decode_pages(pdf)[0]
    assert printed_size(code["box"], DOLL.qr.size) >= 40 - 0.2


# --------------------------------------------------------------------- errors


def test_label_too_small_for_minimum_qr():
    with pytest.raises(StickerError) as info:
        render([(DOLL, 1)], BUILTIN["L7651"])
    assert str(info.value) == (
        "label L7651 is 38.1 × 21.17 mm; a 20 mm QR code (26.4 mm with its quiet zone) with "
        "its text needs at least 44.9 × 29.4 mm (text beside the code) or 29.4 × 32.4 mm (text "
        "below it); choose a larger template or lower min_qr_mm."
    )
    assert isinstance(info.value, PrintError) and isinstance(info.value, SiteError)


def test_small_label_url_too_long():
    with pytest.raises(StickerError) as info:
        render([(NUNG, 2)], BUILTIN["L7651"], min_qr_mm=12)
    assert str(info.value) == (
        "sticker XM-D04: the short URL 'xm.example.vn/Q/XM-D04' (27.0 mm at 6.0 pt) does not "
        "fit on a L7651 label (38.1 × 21.17 mm) beside a 12 mm QR code; use a shorter "
        "short_base URL, choose a larger template or lower min_qr_mm."
    )


def test_small_custom_label_with_short_url():
    small = custom_template(
        "small-45x25",
        {
            "page_width": 210,
            "page_height": 297,
            "label_width": 48,
            "label_height": 25,
            "columns": 4,
            "rows": 11,
            "left": 6,
            "top": 11,
            "h_pitch": 50,
            "v_pitch": 25,
        },
    )
    short = StickerContent(
        "D4",
        "HTTPS://XM.VN/D4",
        (("vi", "Búp bê Nùng"), ("en", "Nung doll")),
        None,
        make_qr("HTTPS://XM.VN/D4"),
    )
    pdf = render([(short, 3)], small, min_qr_mm=14)  # 19.3 mm with the quiet zone
    codes = decode_pages(pdf)[0]
    assert [c["text"] for c in codes] == ["HTTPS://XM.VN/D4"] * 3
    assert "xm.vn/D4" in fold(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def test_round_label_too_small():
    tiny = custom_template(
        "round-30",
        {
            "page_width": 210,
            "page_height": 297,
            "shape": "round",
            "label_width": 30,
            "columns": 6,
            "rows": 9,
            "left": 5,
            "top": 5,
            "h_pitch": 33,
            "v_pitch": 32,
        },
    )
    with pytest.raises(StickerError) as info:
        render([(DOLL, 1)], tiny)
    assert str(info.value) == (
        "label round-30 is 30 mm across; a 20 mm QR code (26.4 mm with its quiet zone) with its "
        "text needs at least 40.5 mm across; choose a larger template or lower min_qr_mm."
    )


def test_text_too_long_names_the_item():
    long = sticker("XM-D09", "Búp bê " + "rất " * 60 + "đẹp", "A very " * 60 + "long name")
    with pytest.raises(StickerError) as info:
        render([(long, 1)], BUILTIN["L7160"])
    assert str(info.value) == (
        "sticker XM-D09: its text does not fit on a L7160 label (63.5 × 38.1 mm) beside a "
        "20 mm QR code, even at 6.0 pt; shorten the item's names (now 250 / 429 characters), "
        "choose a larger template or lower min_qr_mm."
    )


def test_long_names_keep_text_size_then_shrink():
    medium = sticker(
        "XM-D05",
        "Búp bê trong trang phục truyền thống của người Phù Lá ở xã Xín Mần tỉnh Hà Giang",
        "Doll in the traditional costume of the Phu La people of Xín Mần",
    )
    layout = layout_sticker(medium, BUILTIN["L7160"])
    assert {b.kind: b.size_pt for b in layout.blocks} == {
        "name": 8,
        "name2": 7,
        "cta": 6.5,
        "url": 7,
    }
    assert layout.qr_size >= 20

    wordy = sticker(
        "XM-D06",
        "Búp bê trong trang phục truyền thống của người Phù Lá ở xã Xín "
        "Mần tỉnh Hà Giang, may tay bằng vải lanh nhuộm chàm và thêu chỉ màu đỏ "
        "vàng",
        "Hand-sewn doll in the traditional costume of the Phu La people of "
        "Xín Mần, Hà Giang, in indigo-dyed hemp",
    )
    layout = layout_sticker(wordy, BUILTIN["L7163"])
    sizes = {b.kind: b.size_pt for b in layout.blocks}
    # shrunk from its preferred size on this label (8 pt x the label's text scale)
    assert 6 <= sizes["name"] < 8 * text_scale(BUILTIN["L7163"]) and layout.qr_size >= 20
    pdf = render([(wordy, 1)], BUILTIN["L7163"])
    assert decode_pages(pdf)[0][0]["text"] == url(wordy)
    text = fold(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "Búp bê trong trang phục truyền thống của người Phù Lá ở xã Xín Mần" in text


def test_character_outside_font_is_refused_with_its_code_point():
    odd = sticker("XM-D07", "Búp bê 🎎", "Doll")
    with pytest.raises(FontError) as info:
        render([(odd, 1)], BUILTIN["L7160"])
    assert str(info.value) == (
        "sticker XM-D07: the print font (Noto Sans, Latin + Vietnamese) cannot draw "
        "'🎎' (U+1F38E); replace these characters (check for pasted symbols or emoji)."
    )


def test_fallback_font_in_document_is_an_error():
    check_document_fonts([b"/ABCDEF+Noto-Sans-XM", "GHIJKL+Noto-Sans-XM-Bold"], "x")
    with pytest.raises(FontError) as info:
        check_document_fonts(
            [b"/ABCDEF+Noto-Sans-XM", b"/XKQQSR+DejaVu-Sans"], "sticker sheet L7160"
        )
    assert str(info.value).startswith(
        "sticker sheet L7160: WeasyPrint drew some text with DejaVu-Sans instead of Noto Sans XM;"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"start_position": 22},
            "start position 22 is not a label of L7160; use 1 to 21 "
            "(labels are counted left to right, top to bottom).",
        ),
        (
            {"start_position": 0},
            "start position 0 is not a label of L7160; use 1 to 21 "
            "(labels are counted left to right, top to bottom).",
        ),
        (
            {"offset_mm": (12, 0)},
            "calibration offset 12 mm is too large; offsets correct printer "
            "drift of a few millimetres (-10 to 10).",
        ),
        ({"mode": "poster"}, "unknown sticker mode 'poster'; use 'labels' or 'printshop'."),
    ],
)
def test_sheet_request_errors(kwargs, message):
    with pytest.raises(StickerError) as info:
        render([(DOLL, 1)], BUILTIN["L7160"], **kwargs)
    assert str(info.value) == message


def test_copies_errors():
    with pytest.raises(StickerError, match=r"^nothing to print: every sticker has 0 copies\.$"):
        render([(DOLL, 0)], BUILTIN["L7160"])
    with pytest.raises(StickerError) as info:
        render([(DOLL, -1)], BUILTIN["L7160"])
    assert str(info.value) == "sticker XM-D01: copies must be 0 or more, not -1."


# --------------------------------------------------------------------- templates


def test_builtin_templates_fit_their_pages():
    assert set(BUILTIN) == {"L7160", "L7163", "L7651", "L7159", "L7173", "round-63.5"}
    for t in BUILTIN.values():
        assert t.page_width == 210 and t.page_height == 297
        for x, y, w, h in t.boxes():
            assert x >= 0 and y >= 0 and x + w <= 210.01 and y + h <= 297.01
    assert BUILTIN["L7160"].label_box(20) == pytest.approx((139.28, 243.75, 63.5, 38.1))
    assert BUILTIN["round-63.5"].per_sheet == 12


def test_unknown_template_lists_known_ones():
    with pytest.raises(LabelError) as info:
        get_template("L7999", {"ocop-70x42": CUSTOM})
    assert str(info.value) == (
        "template: unknown label template 'L7999'. Known templates: L7159, L7160, L7163, "
        "L7173, L7651, round-63.5, ocop-70x42. Define others under `labels:` in site.yaml."
    )


GOOD = {
    "page_width": 210,
    "page_height": 297,
    "label_width": 70,
    "label_height": 37,
    "columns": 3,
    "rows": 8,
    "left": 0,
    "top": 0.5,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"colour": "red"},
            "site.yaml:12: labels.mine.colour: unknown key. Known keys: "
            "description, page_width, page_height, shape, label_width, label_height, corner_radius, "
            "columns, rows, left, top, h_pitch, v_pitch.",
        ),
        (
            {"rows": None},
            "site.yaml:12: labels.mine.rows: is missing. Example: {page_width: 210, "
            "page_height: 297, label_width: 70, label_height: 37, columns: 3, rows: 8, left: 0, "
            "top: 0.5, h_pitch: 70, v_pitch: 37}.",
        ),
        (
            {"label_width": -70},
            "site.yaml:12: labels.mine.label_width: must be a positive length in mm, not -70.",
        ),
        (
            {"label_width": "70mm"},
            "site.yaml:12: labels.mine.label_width: must be a number, not "
            "'70mm'. Write millimetres without a unit, e.g. 63.5.",
        ),
        (
            {"columns": 2.5},
            "site.yaml:12: labels.mine.columns: must be a whole number of at least 1, not 2.5.",
        ),
        (
            {"h_pitch": 60},
            "site.yaml:12: labels.mine.h_pitch: labels overlap: h_pitch 60 mm is "
            "less than the label width 70 mm. h_pitch is the distance between the left edges of two "
            "neighbouring labels.",
        ),
        (
            {"left": 5},
            "site.yaml:12: labels.mine.columns: the labels run off the page: the last "
            "column ends at 215 mm but the page is 210 mm wide. Check left, label_width, h_pitch "
            "and columns.",
        ),
        (
            {"rows": 9},
            "site.yaml:12: labels.mine.rows: the labels run off the page: the last row "
            "ends at 333.5 mm but the page is 297 mm high. Check top, label_height, v_pitch and "
            "rows.",
        ),
        ({"shape": "oval"}, "site.yaml:12: labels.mine.shape: must be rect or round, not 'oval'."),
    ],
)
def test_custom_template_errors(change, message):
    mapping = {**GOOD, **change}
    mapping = {k: v for k, v in mapping.items() if v is not None}
    with pytest.raises(LabelError) as info:
        custom_template("mine", mapping, "site.yaml", 12)
    assert str(info.value) == message
    assert info.value.field.startswith("labels.mine.")


def test_custom_template_defaults():
    t = custom_template("mine", GOOD, "site.yaml", 12)
    assert (t.h_pitch, t.v_pitch, t.shape, t.per_sheet) == (70, 37, "rect", 24)
    r = custom_template(
        "r",
        {
            "page_width": 210,
            "page_height": 297,
            "shape": "round",
            "label_width": 40,
            "columns": 4,
            "rows": 6,
            "left": 10,
            "top": 10,
        },
    )
    assert (r.label_height, r.h_pitch, r.v_pitch) == (40, 40, 40)


# --------------------------------------------------------------------- properties

vietnamese_words = st.sampled_from(
    [
        "Búp",
        "bê",
        "Mông",
        "Dao",
        "đỏ",
        "Phù",
        "Lá",
        "Nùng",
        "Chè",
        "Shan",
        "tuyết",
        "mật",
        "ong",
        "bạc",
        "hà",
        "trang",
        "phục",
        "người",
        "Xín",
        "Mần",
        "Hà",
        "Giang",
        "thổ",
        "cẩm",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(vietnamese_words, min_size=1, max_size=18),
    name=st.sampled_from(["L7160", "L7163", "L7159", "L7173", "round-63.5"]),
    price=st.booleans(),
)
def test_layout_stays_inside_label_or_raises(words, name, price):
    template = BUILTIN[name]
    content = sticker("XM-H01", " ".join(words), " ".join(reversed(words)))
    try:
        layout = layout_sticker(content, template, show_price=price)
    except StickerError as error:
        assert "XM-H01" in str(error)
        return
    w, h = template.label_width, template.label_height
    assert layout.qr_size >= 20
    assert layout.qr_x >= 0 and layout.qr_x + layout.qr_size <= w + 1e-6
    assert layout.qr_y >= 0 and layout.qr_y + layout.qr_size <= h + 1e-6
    boxes = [(layout.qr_x, layout.qr_y, layout.qr_size, layout.qr_size)]
    for block in layout.blocks:
        assert block.size_pt >= 5.5
        assert block.x >= 0 and block.x + block.width <= w + 1e-6
        assert block.y >= 0 and block.y + block.height <= h + 1e-6
        boxes.append((block.x, block.y, block.width, block.height))
    for i, a in enumerate(boxes):  # nothing overlaps
        for b in boxes[i + 1 :]:
            assert (
                a[0] + a[2] <= b[0] + 2e-3
                or b[0] + b[2] <= a[0] + 2e-3
                or a[1] + a[3] <= b[1] + 2e-3
                or b[1] + b[3] <= a[1] + 2e-3
            )
    if template.shape == "round":
        r = w / 2
        for x, y, bw, bh in boxes:
            for cx, cy in ((x, y), (x + bw, y), (x, y + bh), (x + bw, y + bh)):
                assert (cx - r) ** 2 + (cy - r) ** 2 <= r**2 + 1e-6
