"""Vietnamese capitals with two marks (Ẫ, Ỗ, Ễ: 1.05 em above the baseline) under a line
with descenders (g, y, p: 0.24 em below) need more than the sticker's 1.18 em line box:
the layout keeps MIN_INK_GAP of paper between the ink of every line and the line above,
inside a paragraph and between paragraphs (the payment code's caption too).

Checked twice: on the layout, every template x design, with the glyphs' ink read here from
the font file (fontTools), not from the layout code; and on printed sheets (WeasyPrint ->
pypdfium2 at 600 dpi), where the ink of each line is found on the sheet drawn with only
its own lines (tests/line_gaps.py) and the rows between two lines' ink are counted.
"""

from __future__ import annotations

import math
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import ImageChops, ImageFilter

from site_builder.labelsheets import BUILTIN
from site_builder.print.designs import load_design
from site_builder.print.fonts import FONT_DIR
from site_builder.print.sticker_layout import layout_sticker
from site_builder.print.sticker_sheets import plan_sheets
from site_builder.print.sticker_text import MIN_INK_GAP, MIN_PT, StickerContent
from site_builder.print.stickers import draw_sheets
from site_builder.print_errors import StickerError
from site_builder.render.qr import make_qr
from tests.line_gaps import Line, columns, ink_mask, keep_parity, measure
from tests.test_print_sticker_design import PAY
from tests.test_print_stickers import ENV, META

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = {n: load_design(ROOT / "templates", n) for n in ("standard", "compact")}
#: the deepest descenders (g, q, y, p) and the tallest marks (Ẫ, Ỗ, Ễ, Ẩ, Ổ), in words
WORDS = ["gỗ", "quý", "ngày", "xưa", "ẪỖẨỔ", "GỖ", "MẪU", "gập", "Ễnh", "giấy", "HỘI", "PHỤ"]
WORDS += ["NỮ", "Ỗi", "yêu", "Ẫm"]
BRAND = "HỢP TÁC XÃ ẪỖ GỖ MẪU Ễnh gập giấy"
STACKED = set("ẪỖẨỔỄ")
DESCENDERS = set("gqyp")


def content(n: int, start: int = 0) -> StickerContent:
    """An item whose names are `n` words long, with a brand and a payment code."""
    words = (WORDS * 8)[start : start + n]
    url = f"HTTPS://XM.EXAMPLE.VN/Q/XM-{start}{n:03d}"
    return StickerContent(
        f"XM-{start}{n:03d}",
        url,
        (("vi", " ".join(words)), ("en", " ".join(reversed(words)) + " gypsy")),
        "520.000 ₫",
        make_qr(url, "M"),
        PAY,
        BRAND,
    )


def accepted(template, design, payment: bool, starts=(0, 4, 1)) -> list[tuple]:
    """(item, layout) for names of every length up to 8 words, then of lengths 30 % apart,
    up to the longest the label takes (refusals only grow with the names)."""
    out = []
    for start in starts:
        n = 1
        while n < 200:
            c = content(n, start)
            try:
                layout = layout_sticker(
                    c, template, show_price=True, show_payment=payment, design=design
                )
            except StickerError:
                break
            out.append((c, layout))
            n = n + 1 if n < 8 else math.ceil(n * 1.3)
    return out


@cache
def _ink(bold: bool) -> tuple[int, dict[str, tuple[int, int]]]:
    """(units per em, char -> (lowest, highest) ink in font units, y up), from the font."""
    font = TTFont(FONT_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"))
    glyf, out = font["glyf"], {}
    for cp, name in font.getBestCmap().items():
        g = glyf[name]
        if g.numberOfContours and hasattr(g, "yMax"):
            out[chr(cp)] = (g.yMin, g.yMax)
    return font["head"].unitsPerEm, out


def ink_rows(line: Line) -> tuple[float, float]:
    """(top, bottom) of the line's ink, mm from the label's top."""
    units, ink = _ink(line.block.bold)
    chars = [c for c in unicodedata.normalize("NFC", line.text) if c in ink]
    top = max((ink[c][1] for c in chars), default=0) / units * line.em
    bottom = -min((ink[c][0] for c in chars), default=0) / units * line.em
    return line.baseline - top, line.baseline + bottom


CASES = [(t, d, p) for t in sorted(BUILTIN) for d in DESIGNS for p in (False, True)]


@pytest.mark.parametrize(
    ("name", "design", "payment"),
    CASES,
    ids=[f"{t}-{d}-{'pay' if p else 'nopay'}" for t, d, p in CASES],
)
def test_laid_out_lines_keep_their_ink_apart(name: str, design: str, payment: bool) -> None:
    template = BUILTIN[name]
    pairs = 0
    for c, layout in accepted(template, DESIGNS[design], payment, starts=(0, 4)):
        assert min(b.size_pt for b in layout.blocks) >= MIN_PT
        for col in columns(layout.blocks):
            for a, b in zip(col, col[1:], strict=False):
                gap = ink_rows(b)[0] - ink_rows(a)[1]
                assert gap >= MIN_INK_GAP - 0.002, (c.code, a.text, b.text, round(gap, 3))
                pairs += 1
    if pairs == 0:  # the label takes none of these (test_print_sticker_design: refusals)
        assert not accepted(template, DESIGNS[design], payment, starts=(0,))


DPI = 600
PX = 25.4 / DPI


@pytest.mark.parametrize(
    ("name", "design", "payment"),
    [("L7159", "compact", False), ("L7163", "standard", True)],
    ids=["L7159-compact", "L7163-standard-pay"],
)
def test_printed_lines_of_stacked_capitals_keep_a_gap(
    name: str, design: str, payment: bool, tmp_path: Path
) -> None:
    """The smallest label the names fit on (L7159) with the design printing the largest
    names, and the payment caption's lines at 6 pt: the ink of every line stays apart from
    the line above's, by at least one blank row at 600 dpi (MIN_INK_GAP is 2.4 pixels; a
    pixel at a glyph's edge counts as ink when partly covered). Before MIN_INK_GAP, lines
    such as 'quý ngày xưa' over 'ẪỖẨỔ GỖ' overlapped by 10 rows and touched."""
    template, d = BUILTIN[name], DESIGNS[design]
    items = [c for c, _ in accepted(template, d, payment)]
    # the longest names (the most lines) and the shortest (the largest text)
    items = sorted(items, key=lambda c: len(c.names[0][1]))
    items = items[:2] + items[-2:]
    sheets = plan_sheets(
        [(c, 1) for c in items], template, show_price=True, show_payment=payment, design=d
    )
    assert len(sheets) == 1
    drawn = [
        draw_sheets(s, template, env=ENV, meta=META, design=d)
        for s in (sheets, *(keep_parity(sheets, p) for p in (0, 1, None)))
    ]
    (tmp_path / "sheet.pdf").write_bytes(drawn[0])
    gaps = measure(*(ink_mask(pdf, DPI) for pdf in drawn), sheets[0], DPI)
    # the case that overlapped: a line with descenders over one with stacked capitals
    hard = [g for g in gaps if DESCENDERS & set(g.upper) and STACKED & set(g.lower)]
    assert len(hard) >= 4
    if payment:
        assert any(g.kinds.startswith("pay") for g in gaps)
    bad = [g for g in gaps if g.gap_px < 1 or g.clear_px < 1]
    assert not bad, bad[:3]
    print(name, design, "least gap", min(g.gap_px for g in gaps) * PX, "mm")


# ------------------------------------------------------------------ booklets

#: the booklet's headings (booklet.css: h1, h2, h3), as a story may hold them and with the
#: classes of a chapter's title and a part's heading (upper case: 'gỗ' prints 'GỖ')
HEADINGS = [
    '<h2 class="chapter-title">{}</h2>',
    '<h3 class="part-heading">{}</h3>',
    "<h2>{}</h2>",
    "<h3>{}</h3>",
]
HEADING_LINES = [("gỗ quý ngày xưa", "ẪỖẨỔ GỖ MẪU"), ("Búp bê gập giấy", "Ễnh Ỗi Ẫm")]


def _booklet(show: str) -> bytes:
    """An A6 booklet (the smallest text) with a page per heading of two lines; `show`:
    'both', 'upper' or 'lower' (the other line hidden, in its place)."""
    from site_builder.print import BookletChapter, BookletDoc, PdfMeta, render_booklet
    from tests.test_print_booklet import DATE

    hidden = '<span style="visibility:hidden">{}</span>'
    blocks = []
    for html in HEADINGS:
        for upper, lower in HEADING_LINES:
            upper = hidden.format(upper) if show == "lower" else upper
            lower = hidden.format(lower) if show == "upper" else lower
            blocks.append(
                f'<div style="break-before:page">{html.format(upper + "<br>" + lower)}</div>'
            )
    chapter = BookletChapter(
        title="Chương một",
        lang="vi",
        image_path=None,
        image_alt="",
        body_html="".join(blocks),
        qr=None,
        url="HTTPS://XM.EXAMPLE.VN/Q/XM-D01",
    )
    doc = BookletDoc(
        title="Sổ tay",
        intro_html="<p>Giới thiệu.</p>",
        cover_image=None,
        lang="vi",
        chapters=(chapter,),
        back_qr=None,
        back_url="",
        meta=PdfMeta("Sổ tay", "vi", "Chi đoàn thanh niên Xín Mần", DATE),
    )
    return render_booklet(doc, env=ENV, page_size="A6")


def test_booklet_headings_of_stacked_capitals_keep_a_gap(tmp_path: Path) -> None:
    """At 1.2 em (booklet.css before), a heading's 'ẪỖẨỔ' touched the g and y of the line
    above at 600 dpi (11 rows of overlap in a chapter's title on A6)."""
    import pypdfium2 as pdfium

    from tests.line_gaps import INK, pair_gap

    pdfs = {show: _booklet(show) for show in ("both", "upper", "lower")}
    (tmp_path / "booklet.pdf").write_bytes(pdfs["both"])
    docs = {show: pdfium.PdfDocument(pdf) for show, pdf in pdfs.items()}
    first = 2  # the cover, the contents, then the chapter's first page, without a heading
    pages = len(HEADINGS) * len(HEADING_LINES)
    assert len(docs["both"]) >= first + 1 + pages
    measured = []
    for n in range(first + 1, first + 1 + pages):
        masks = {}
        for show, doc in docs.items():
            image = doc[n].render(scale=DPI / 72).to_pil().convert("L")
            image = image.crop((0, 0, image.width, image.height * 4 // 5))  # no page number
            masks[show] = image.point(lambda v: 255 if v < INK else 0)
        text = unicodedata.normalize("NFC", docs["both"][n].get_textpage().get_text_range())
        upper, lower = HEADING_LINES[(n - first - 1) % len(HEADING_LINES)]
        assert upper.casefold() in text.casefold() and lower.casefold() in text.casefold()
        # the two halves add up to the whole heading: hiding a line moved nothing
        union = ImageChops.lighter(masks["upper"], masks["lower"])
        grown = union.filter(ImageFilter.MaxFilter(3))
        assert ImageChops.subtract(masks["both"], grown).getbbox() is None
        gap, clear = pair_gap(masks["upper"], masks["lower"])
        measured.append((n, gap, clear))
    assert all(gap >= 1 and clear >= 1 for _, gap, clear in measured), measured
