"""The promise of docs/content-format.md: everything printed on a sticker stays at least
2 mm inside the label's cut line, on every built-in template and design, for names up to
the longest the layout accepts.

Two checks: the layout's boxes with the glyphs' own ink (read here from the font with
fontTools, not from the layout code), for every template x design x name length; and
a rendered sheet (pypdfium2 at 300 dpi) whose ink bounding box is measured on every
label and compared with the template's label rectangles.
"""

from __future__ import annotations

import math
import unicodedata
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from PIL import ImageDraw

from site_builder.labelsheets import BUILTIN
from site_builder.print import render_sticker_sheet
from site_builder.print.designs import load_design
from site_builder.print.fonts import FONT_DIR
from site_builder.print.sticker_layout import layout_sticker
from site_builder.print.sticker_text import PT, StickerContent
from site_builder.print_errors import StickerError
from site_builder.render.qr import make_qr
from tests.test_print_sticker_design import PAY
from tests.test_print_stickers import ENV, META

ROOT = Path(__file__).resolve().parent.parent
SAFE = 2.0  # mm: the promise
DESIGNS = [load_design(ROOT / "templates", n) for n in ("standard", "compact")]
#: the cooperative's name with a two-mark capital (the tallest ink Vietnamese has)
BRAND = "Hợp tác xã Ẫm thực Xín Mần"
#: Vietnamese words with the tallest marks (Ẫ, Ỗ, Ễ) and the deepest descenders (g, p, ỵ)
WORDS = [
    "Ẫm",
    "Ỗi",
    "Búp",
    "bê",
    "trong",
    "trang",
    "phục",
    "người",
    "Dao",
    "đỏ",
    "Giàng",
    "Ễnh",
    "gập",
    "thổ",
    "cẩm",
    "Xín",
    "Mần",
]


def content(n: int, price: bool = True, start: int = 0) -> StickerContent:
    """An item whose names are `n` words long."""
    words = (WORDS * 8)[start : start + n]
    vi = " ".join(words)
    en = " ".join(reversed(words)) + " gypsy"
    url = f"HTTPS://XM.EXAMPLE.VN/Q/XM-{n:03d}"
    return StickerContent(
        f"XM-{n:03d}",
        url,
        (("vi", vi), ("en", en)),
        "520.000 ₫" if price else None,
        make_qr(url, "M"),
        PAY,
        BRAND,
    )


@cache
def _font(bold: bool) -> tuple[float, float, dict[str, tuple[float, float, float, float]]]:
    """(ascent, descent, char -> (x_min, x_max, y_min, y_max)) in em, from the font file."""
    font = TTFont(FONT_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"))
    em = font["head"].unitsPerEm
    glyf, cmap = font["glyf"], font.getBestCmap()
    bounds = {}
    for cp, name in cmap.items():
        g = glyf[name]
        if g.numberOfContours and hasattr(g, "yMax"):
            bounds[chr(cp)] = (g.xMin / em, g.xMax / em, g.yMin / em, g.yMax / em)
    return font["hhea"].ascent / em, -font["hhea"].descent / em, bounds


def ink_boxes(
    layout, modules: int, pay_modules: int
) -> list[tuple[str, float, float, float, float]]:
    """Every box that puts ink on the label: (what, x, y, width, height), mm."""
    out = []
    quiet = 4 * layout.qr_size / modules
    out.append(
        ("qr", layout.qr_x + quiet, layout.qr_y + quiet, *(2 * [layout.qr_size - 2 * quiet]))
    )
    if (p := layout.payment) is not None:
        out.append(("frame", p.frame_x, p.frame_y, p.frame_width, p.frame_height))
        pq = 4 * p.qr_size / pay_modules
        out.append(("pay-qr", p.qr_x + pq, p.qr_y + pq, *(2 * [p.qr_size - 2 * pq])))
    for b in layout.blocks:
        ascent, descent, bounds = _font(b.bold)
        em = b.size_pt * PT
        box = b.line_height / em  # LINE_HEIGHT em, or more where lines' ink needs it
        baseline = ascent + (box - ascent - descent) / 2  # em from a line box's top
        first = unicodedata.normalize("NFC", b.lines[0])
        last = unicodedata.normalize("NFC", b.lines[-1])
        top = max((bounds[c][3] for c in first if c in bounds), default=0)
        bottom = -min((bounds[c][2] for c in last if c in bounds), default=0)
        y0 = b.y + min(0.0, baseline - top) * em
        y1 = b.y + b.height + max(0.0, bottom - (box - baseline)) * em
        out.append((f"text {b.kind}", b.x, y0, b.width, y1 - y0))
    return out


def margin(template, box: tuple[float, float, float, float]) -> float:
    """The least distance (mm) from the box to the label's cut line (negative: outside)."""
    x, y, w, h = box
    lw, lh = template.label_width, template.label_height
    if template.shape == "round":
        r = lw / 2
        return r - max(math.hypot(cx - r, cy - r) for cx in (x, x + w) for cy in (y, y + h))
    return min(x, y, lw - x - w, lh - y - h)


CASES = [
    (name, design, price, payment)
    for name in sorted(BUILTIN)
    for design in DESIGNS
    for price, payment in ((False, False), (True, False), (True, True))
]


@pytest.mark.parametrize(
    ("name", "design", "price", "payment"),
    CASES,
    ids=[
        f"{n}-{d.name}-{'price' if p else 'noprice'}-{'pay' if q else 'nopay'}"
        for n, d, p, q in CASES
    ],
)
def test_every_drawn_box_stays_2mm_inside_the_label(name, design, price, payment) -> None:
    template = BUILTIN[name]

    def layout(n: int, start: int):
        c = content(n, price, start)
        try:
            return c, layout_sticker(
                c, template, show_price=price, show_payment=payment, design=design
            )
        except StickerError as error:  # too long: refused with a message naming the item
            assert c.code in str(error) or f"label {name}" in str(error)
            return c, None

    checked = 0
    round_ = template.shape == "round"
    for start in (0,) if round_ else (0, 2):  # the first line starting with Ẫm, or with Búp
        # the longest names accepted (refusals only grow with the names), then the short
        # ones, a spread between and the longest few: text at every size it shrinks to
        n, hi = 1, 0
        while n < 64 and layout(n, start)[1] is not None:
            n *= 2
        lo, hi = n // 2, n
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if layout(mid, start)[1] is not None else (lo, mid)
        longest = lo
        lengths = {n for n in (1, 2, 3, longest - 2, longest - 1, longest) if 0 < n <= longest}
        # (a round label's layout takes ~0.5 s a try: fewer lengths between)
        lengths |= set(range(1, longest + 1, max(1, longest // (3 if round_ else 8))))
        for n in sorted(lengths):
            c, placed = layout(n, start)
            assert placed is not None, (name, n)
            checked += 1
            pay_modules = PAY.qr.size_with_quiet_zone
            for what, *box in ink_boxes(placed, c.qr.size_with_quiet_zone, pay_modules):
                assert margin(template, tuple(box)) >= SAFE - 1e-3, (name, n, what, box)
    if checked == 0:  # the label is refused for these options (test_print_sticker_design)
        with pytest.raises(StickerError):
            layout_sticker(content(1), template, show_payment=payment, design=design)


# ------------------------------------------------------------- the printed sheet

DPI = 300
PX = 25.4 / DPI


def _tight(template, design, price: bool) -> list[StickerContent]:
    """Items whose text comes nearest the label's top or bottom edge (the line boxes of the
    first and last lines: where the tallest marks and deepest descenders are printed)."""
    scored = []
    for start in (0, 1, 2):
        for n in range(1, 40):
            c = content(n, price, start)
            try:
                layout = layout_sticker(c, template, show_price=price, design=design)
            except StickerError:
                break
            top = min(b.y for b in layout.blocks)
            bottom = template.label_height - max(b.y + b.height for b in layout.blocks)
            scored.append((min(top, bottom), n, start, c))
    scored.sort(key=lambda s: s[:3])
    return [s[3] for s in scored[: template.per_sheet]]


def label_margins(pdf: bytes, template) -> tuple[list[float | None], object]:
    """Per label, the least distance (mm) from its ink to its cut line, and the bounding box
    of any ink outside every label (None: none). Ink: any pixel darker than the design's
    light background (245) by anti-aliasing's least step."""
    image = pdfium.PdfDocument(pdf)[0].render(scale=DPI / 72).to_pil().convert("L")
    ink = image.point(lambda v: 255 if v < 235 else 0)
    out: list[float | None] = []
    for x, y, w, h in template.boxes():
        left, top = int(x / PX), int(y / PX)  # whole pixels around the label
        found = ink.crop((left, top, int((x + w) / PX) + 1, int((y + h) / PX) + 1)).getbbox()
        if found is None:
            out.append(None)
            continue
        x0, y0 = (left + found[0]) * PX, (top + found[1]) * PX
        x1, y1 = (left + found[2]) * PX, (top + found[3]) * PX
        if template.shape == "round":
            r = w / 2
            out.append(
                r - max(math.hypot(cx - x - r, cy - y - r) for cx in (x0, x1) for cy in (y0, y1))
            )
        else:
            out.append(min(x0 - x, y0 - y, x + w - x1, y + h - y1))
    draw = ImageDraw.Draw(ink)
    for x, y, w, h in template.boxes():
        draw.rectangle((int(x / PX), int(y / PX), int((x + w) / PX) + 1, int((y + h) / PX) + 1), 0)
    return out, ink.getbbox()


@pytest.mark.parametrize("design", DESIGNS, ids=[d.name for d in DESIGNS])
@pytest.mark.parametrize("name", ["L7173", "L7163", "L7160"])
def test_printed_ink_stays_2mm_inside_every_label(name: str, design) -> None:
    """The sheet of the tightest names, rendered at 300 dpi: the ink's bounding box on every
    label. A pixel is 0.085 mm; an edge pixel counts as ink when partly covered, so the
    measured margin is at most one pixel under the true one."""
    template = BUILTIN[name]
    items = _tight(template, design, price=True)
    pdf = render_sticker_sheet(
        [(c, 1) for c in items], template, env=ENV, meta=META, show_price=True, design=design
    )
    margins, outside = label_margins(pdf, template)
    assert outside is None
    printed = [m for m in margins if m is not None]
    assert len(printed) == len(items)
    assert min(printed) >= SAFE - PX, (name, design.name, [round(m, 2) for m in printed])
