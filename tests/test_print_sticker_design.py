"""Stickers worth putting on a gift box, measured in the PDFs with pdfplumber and
zxing-cpp: text never below 6 pt, every QR symbol (without its quiet zone) at least
min_qr_mm, everything printed 2 mm inside the label edge, text larger on larger
labels, a bilingual call to action and the cooperative's name; designs come from
templates/print/sticker-designs.yaml."""

from __future__ import annotations

import dataclasses
import io
import math
from pathlib import Path

import pdfplumber
import pytest

from site_builder.print import (
    BUILTIN,
    PaymentQr,
    StickerContent,
    StickerError,
    render_sticker_sheet,
)
from site_builder.print.designs import load_design
from site_builder.print.stickers import MIN_PT, layout_sticker
from site_builder.render.qr import make_qr
from site_builder.vietqr import PaymentInfo
from tests.helpers import run_cli
from tests.test_print_stickers import DPI, ENV, META, decode_pages, fold

ROOT = Path(__file__).resolve().parent.parent
PT = 25.4 / 72
BRAND = "HTX thanh niên Búp bê Xín Mần"
PAY = PaymentQr.from_info(
    PaymentInfo.create(
        bank="Vietcombank",
        account="0011000000000",
        account_name="HTX CHE (VI DU)",
        amount=180000,
        note="XM-P01",
    )
)
STANDARD = load_design(ROOT / "templates", "standard")
COMPACT = load_design(ROOT / "templates", "compact")


def item(code: str, vi: str, en: str, price: str) -> StickerContent:
    url = f"HTTPS://XM.EXAMPLE.VN/Q/{code}"
    return StickerContent(code, url, (("vi", vi), ("en", en)), price, make_qr(url, "M"), PAY, BRAND)


ITEMS = [
    item("XM-D01", "Búp bê Mông", "Hmong doll", "450.000 ₫"),
    item("XM-D02", "Búp bê trong trang phục người Dao đỏ", "Doll in Red Dao costume", "520.000 ₫"),
    item("XM-P01", "Chè Shan tuyết cổ thụ", "Ancient Shan Tuyet tea", "180.000 ₫"),
]


def render(template: str, design, price: bool, payment: bool, min_qr: float = 20) -> bytes:
    from site_builder.print import render_sticker_sheet

    return render_sticker_sheet(
        [(c, 2) for c in ITEMS],
        BUILTIN[template],
        env=ENV,
        meta=META,
        show_price=price,
        show_payment=payment,
        min_qr_mm=min_qr,
        design=design,
    )


def _cmyk(color: object) -> tuple[float, ...] | None:
    """A pdfplumber fill colour as CMYK percentages."""
    if isinstance(color, (tuple, list)) and len(color) == 4:
        return tuple(round(float(v) * 100, 3) for v in color)
    return None


def symbol_mm(box: tuple[float, float, float, float]) -> float:
    """The symbol's width (no quiet zone): zxing-cpp reports the symbol's outer corners
    (checked against the layout: 21.59 mm laid out, 21.59 mm decoded at 300 dpi)."""
    return min(box[2] - box[0], box[3] - box[1])


def inside_label(template, x: float, y: float, inset: float) -> bool:
    """(x, y) mm on the page is `inset` mm inside some label of the sheet."""
    for lx, ly, w, h in template.boxes():
        if template.shape == "round":
            r = w / 2
            if math.hypot(x - lx - r, y - ly - r) <= r - inset + 0.05:
                return True
        elif lx + inset - 0.05 <= x <= lx + w - inset + 0.05 and (
            ly + inset - 0.05 <= y <= ly + h - inset + 0.05
        ):
            return True
    return False


EXPECTED_REFUSALS = {  # (template, payment): why it cannot be printed at 20 mm and 6 pt
    ("L7651", False): "label L7651 is 38.1 × 21.17 mm; a 20 mm QR code (26.4 mm with its quiet "
    "zone) with its text needs at least",
    ("L7651", True): "label L7651 is 38.1 × 21.17 mm; a 20 mm product QR code and a 20 mm "
    "payment QR code side by side",
    ("L7160", True): "sticker XM-D01: its text does not fit on a L7160 label",
    ("L7159", True): "label L7159 is 63.5 × 33.9 mm; a 20 mm product QR code and a 20 mm "
    "payment QR code side by side",
    ("round-63.5", True): "label round-63.5 is round",
}


@pytest.mark.parametrize("design", [STANDARD, COMPACT], ids=["standard", "compact"])
@pytest.mark.parametrize("template", sorted(BUILTIN))
@pytest.mark.parametrize(("price", "payment"), [(False, False), (True, False), (True, True)])
def test_text_size_qr_size_and_margins(template: str, design, price: bool, payment: bool) -> None:
    sheet = BUILTIN[template]
    refusal = EXPECTED_REFUSALS.get((template, payment))
    if refusal is not None:
        with pytest.raises(StickerError) as info:
            render(template, design, price, payment)
        assert str(info.value).startswith(refusal)
        return
    pdf = render(template, design, price, payment)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        chars = page.chars
        assert chars
        smallest = min(c["size"] for c in chars)
        assert smallest >= MIN_PT - 0.01, f"{template}: {smallest} pt"
        # a character by its advance and its line box as laid out (line-height 1.18 em;
        # Noto Sans: ascent 1.069 em, descent 0.293 em, so the line box runs from 0.978 em
        # above the baseline to 0.202 em below it); the font's own box is taller than a line
        marks = []
        for c in chars:
            baseline = page.height - c["matrix"][5]
            marks.append(
                (c["x0"], baseline - 0.978 * c["size"], c["x1"], baseline + 0.202 * c["size"])
            )
        backgrounds = [
            r
            for r in page.rects + page.curves
            if design.background is not None
            and r["fill"]
            and _cmyk(r["non_stroking_color"]) == design.background
        ]
        marks += [
            (r["x0"], r["top"], r["x1"], r["bottom"])
            for r in page.rects + page.curves
            if r not in backgrounds
        ]
        if design.background is not None:  # the label's shape, one per sticker
            assert len(backgrounds) == len(ITEMS) * 2
            for r in backgrounds:
                assert inside_label(
                    sheet, (r["x0"] + r["x1"]) / 2 * PT, (r["top"] + r["bottom"]) / 2 * PT, 0
                )
        for x0, top, x1, bottom in marks:
            for x, y in ((x0, top), (x1, top), (x0, bottom), (x1, bottom)):
                assert inside_label(sheet, x * PT, y * PT, 2.0), (template, x * PT, y * PT)
        text = fold(page.extract_text())
    codes = decode_pages(pdf)[0]
    expected = len(ITEMS) * 2 * (2 if payment else 1)
    assert len(codes) == expected
    for code in codes:
        assert symbol_mm(code["box"]) >= 20 - 25.4 / DPI, (template, code["text"])
    layout = layout_sticker(ITEMS[0], sheet, show_price=price, show_payment=payment, design=design)
    said = {b.kind: " ".join(b.lines) for b in layout.blocks}
    if "brand" in design.lines:
        assert said["brand"] == BRAND
        assert all(word in text for word in BRAND.split())
    if "cta" in design.lines:
        assert said["cta"] == "Quét để xem câu chuyện · Scan for the story"
        assert all(word in text for word in said["cta"].split())
    else:
        assert "Scan for the story" not in text


def test_the_decoder_measures_the_symbol_without_its_quiet_zone() -> None:
    """What the test above relies on: the decoded corners are the symbol's own edges."""
    doll = dataclasses.replace(ITEMS[0], payment=None)
    layout = layout_sticker(doll, BUILTIN["L7173"], design=STANDARD)
    n = doll.qr.size
    laid_out = layout.qr_size * n / (n + 8)
    pdf = render("L7173", STANDARD, False, False)
    (code, *_) = [c for c in decode_pages(pdf)[0] if c["text"] == doll.short_url]
    assert symbol_mm(code["box"]) == pytest.approx(laid_out, abs=2 * 25.4 / DPI)


def test_text_grows_with_the_label() -> None:
    doll = dataclasses.replace(ITEMS[0], payment=None)
    names = {}
    for template in ("L7160", "L7163", "L7173"):
        layout = layout_sticker(doll, BUILTIN[template], design=STANDARD)
        names[template] = next(b.size_pt for b in layout.blocks if b.kind == "name")
    assert names["L7160"] == 8.5
    assert names["L7163"] > names["L7160"] + 1.5  # 99 × 38 mm: about 10.5 pt
    assert names["L7173"] > names["L7163"] + 1.5  # 99 × 57 mm: about 13 pt


def test_stickers_cli_design_case_insensitive_template_and_option_checks(minimal: Path) -> None:
    result = run_cli(minimal, "stickers", "gifts", "--template", "l7163", "--design", "compact")
    assert result.code == 0, result.err
    assert result.out.startswith("Wrote 2 sticker(s) of 2 item(s) on L7163 to ")  # (its name)
    for value, message in (
        ("0", "'0' is not a size: write a number of mm greater than 0, e.g. 20."),
        ("nan", "'nan' is not a length in mm; write a number, e.g. 0.5."),
        ("-3", "'-3' is not a size: write a number of mm greater than 0, e.g. 20."),
    ):
        bad = run_cli(minimal, "stickers", "gifts", "--min-qr-mm", value)
        assert bad.code == 2
        assert bad.err.endswith(f"error: argument --min-qr-mm: {message}\n"), bad.err
    bad = run_cli(minimal, "stickers", "gifts", "--offset-x", "inf")
    assert bad.err.endswith(
        "error: argument --offset-x: 'inf' is not a length in mm; write a number, e.g. 0.5.\n"
    )
    unknown = run_cli(minimal, "stickers", "gifts", "--design", "fancy")
    assert unknown.code == 1
    assert unknown.err == (
        "Error: templates/print/sticker-designs.yaml: there is no sticker design 'fancy'. "
        "Designs in this file: standard, compact.\n1 error; nothing was written.\n"
    )


@pytest.mark.parametrize("mode", ["labels", "printshop"])
@pytest.mark.parametrize(("template", "start", "copies"), [("L7160", 2, 1), ("L7163", 5, 1)])
def test_empty_labels_print_nothing(mode: str, template: str, start: int, copies: int) -> None:
    """A half-used sheet in the compact design (a background colour, bled 3 mm past the cut
    for the print shop), rendered at 300 dpi: the labels without a sticker stay blank
    paper, though L7160's rows touch and its columns are 2.54 mm apart. Before, the
    bleed covered 3 mm of the label below and 0.46 mm of the one beside."""
    import pypdfium2 as pdfium

    sheet = BUILTIN[template]
    pdf = render_sticker_sheet(
        [(c, copies) for c in ITEMS[:2]],
        sheet,
        env=ENV,
        meta=META,
        design=COMPACT,
        mode=mode,
        start_position=start,
    )
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=DPI / 72).to_pil().convert("RGB")
    # the print shop's page is the sheet plus room for the marks on every side
    margin = (page.get_size()[0] * PT - sheet.page_width) / 2
    px = 25.4 / DPI
    used = set(range(start - 1, start - 1 + 2 * copies))
    inset = 0.3  # mm: keeps the cut path (CutContour, drawn on the edge) out
    r = sheet.corner_radius + inset
    blank = []
    for i, (x, y, w, h) in enumerate(sheet.boxes()):
        x, y = x + margin, y + margin
        for box in (
            (x + inset, y + r, x + w - inset, y + h - r),
            (x + r, y + inset, x + w - r, y + h - inset),
        ):
            crop = image.crop(tuple(round(v / px) for v in box))
            darkest = min(band[0] for band in crop.getextrema())
            if i in used:
                assert darkest < 250  # a sticker: its background and text
            else:
                blank.append((i + 1, darkest))
    assert blank and all(darkest >= 250 for _, darkest in blank), [b for b in blank if b[1] < 250]


def test_check_reports_the_site_yaml_design_the_build_cannot_read(minimal: Path) -> None:
    """`stickers.design` of site.yaml names no design: the build refuses it when it draws
    its preview sheet, and `check` reports it as the build does."""
    site_yaml = minimal / "site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8") + "stickers:\n  design: fancy\n", "utf-8")
    message = (
        "Error: templates/print/sticker-designs.yaml: there is no sticker design 'fancy'. "
        "Designs in this file: standard, compact."
    )
    build = run_cli(minimal, "--lang", "en", "build")
    assert build.code == 1
    assert build.err.endswith(f"{message}\n1 error; nothing was written.\n"), build.err
    check = run_cli(minimal, "--lang", "en", "check")
    assert check.code == 1, check.out + check.err
    assert [line for line in check.out.splitlines() if line.startswith("Error: ")] == [message]
