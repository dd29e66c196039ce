"""Measuring, on a rendered PDF, how close the ink of one line of text comes to the ink of
the line above it (test_print_line_gaps.py).

Stickers: the sheet is drawn three times from the same plan (`draw_sheets`): whole, with
only its even lines and with only its odd lines (the other lines left empty, every box at
its place). The whole sheet is what prints; the other two say which ink is whose: a
Vietnamese capital's marks (Ẫ: a tilde over a circumflex) are pieces apart from their
letter, and reach as low as the descenders of the line above, so no reading of one image
alone can tell a tilde of line n+1 from a descender of line n. Each pair of neighbouring
lines is then measured: the rows between the lowest ink of the upper line and the highest
ink of the lower one (`gap_px`, negative when they overlap), and whether any ink of the two
touches (`clear_px`: the fewest pixels between them in any direction, 0 when touching).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache

import pypdfium2 as pdfium
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageFilter

from site_builder.print.fonts import FONT_DIR
from site_builder.print.sticker_sheets import PlacedSticker
from site_builder.print.sticker_text import PT, TextBlock

INK = 235  # a pixel darker than this is ink (the lightest design background is ~245)
PAY_KINDS = ("pay", "pay2")


@cache
def hhea_em(bold: bool) -> tuple[float, float]:
    """(ascent, descent) em from the font file: a line box is centred on them."""
    font = TTFont(FONT_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"))
    em = font["head"].unitsPerEm
    return font["hhea"].ascent / em, -font["hhea"].descent / em


@dataclass(frozen=True)
class Line:
    block: TextBlock
    index: int  # in its block
    parity: int  # 0 or 1: which of the two part sheets draws it
    baseline: float  # mm from the label's top
    em: float  # mm

    @property
    def text(self) -> str:
        return self.block.lines[self.index]


def columns(blocks: tuple[TextBlock, ...]) -> list[list[Line]]:
    """The label's lines top to bottom, one list per column of text (the item's text and
    the payment code's caption), each with its baseline."""
    out = []
    for pay in (False, True):
        col = sorted((b for b in blocks if (b.kind in PAY_KINDS) == pay), key=lambda b: b.y)
        lines: list[Line] = []
        for b in col:
            ascent, descent = hhea_em(b.bold)
            em = b.size_pt * PT
            half = (b.line_height - (ascent + descent) * em) / 2
            for i in range(len(b.lines)):
                base = b.y + i * b.line_height + half + ascent * em
                lines.append(Line(b, i, len(lines) % 2, base, em))
        if lines:
            out.append(lines)
    return out


def keep_parity(sheets: list[list[PlacedSticker]], parity: int | None) -> list[list[PlacedSticker]]:
    """The same sheets with only the lines of `parity` in each column (None: no line),
    the others empty."""
    out = []
    for sheet in sheets:
        row = []
        for s in sheet:
            kept: dict[tuple[int, int], bool] = {}
            for col in columns(s.layout.blocks):
                for line in col:
                    kept[id(line.block), line.index] = parity is not None and line.parity == parity
            blocks = tuple(
                dataclasses.replace(
                    b,
                    lines=tuple(t if kept[id(b), i] else "" for i, t in enumerate(b.lines)),
                )
                for b in s.layout.blocks
            )
            row.append(dataclasses.replace(s, layout=dataclasses.replace(s.layout, blocks=blocks)))
        out.append(row)
    return out


def ink_mask(pdf: bytes, dpi: int, page: int = 0) -> Image.Image:
    image = pdfium.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil().convert("L")
    return image.point(lambda v: 255 if v < INK else 0)


@dataclass(frozen=True)
class Gap:
    label: int
    upper: str  # the text of the upper line
    lower: str
    kinds: str  # e.g. "name/name", "name/name2"
    size_pt: float  # the lower line's
    gap_px: int  # blank rows between the upper line's lowest ink and the lower's highest
    clear_px: int  # the fewest pixels between the two lines' ink (0: touching)


def _rows(mask: Image.Image) -> tuple[int, int] | None:
    box = mask.getbbox()
    return None if box is None else (box[1], box[3] - 1)


def _region(*, line: Line, y: float, x0: int, x1: int, px: float) -> tuple[int, int, int, int]:
    """Pixels around a line's ink on a label whose top is at `y` mm."""
    top = y + line.baseline - 1.25 * line.em
    bottom = y + line.baseline + 0.5 * line.em
    return (x0, round(top / px), x1, round(bottom / px))


def _only(mask: Image.Image, r: tuple[int, int, int, int], box: tuple[int, ...]) -> Image.Image:
    """`mask` cropped to `box`, blank outside the region `r`."""
    keep = Image.new("L", mask.size, 0)
    keep.paste(mask.crop(r), r[:2])
    return keep.crop(box)


def pair_gap(upper: Image.Image, lower: Image.Image, max_clear: int = 12) -> tuple[int, int]:
    """Two lines' ink (masks of one size): the blank rows between the upper line's lowest
    ink and the lower line's highest (negative: they overlap), and the fewest blank pixels
    between their ink in any direction (0: touching; at most `max_clear`)."""
    rows_a, rows_b = _rows(upper), _rows(lower)
    assert rows_a is not None and rows_b is not None, "a line without ink"
    clear, grown = 0, upper
    while clear < max_clear:
        grown = grown.filter(ImageFilter.MaxFilter(3))
        if ImageChops.multiply(grown, lower).getbbox() is not None:
            break
        clear += 1
    return rows_b[0] - rows_a[1] - 1, clear


def measure(
    whole: Image.Image,
    even: Image.Image,
    odd: Image.Image,
    bare: Image.Image,
    sheet: list[PlacedSticker],
    dpi: int,
    max_clear: int = 12,
) -> list[Gap]:
    """Every pair of neighbouring lines of every label of one sheet (images of one page
    at `dpi`); `max_clear` caps `clear_px` (the search grows the ink a pixel at a time)."""
    px = 25.4 / dpi
    # what is not text (the codes, the payment code's frame) is in every image: the
    # image without text says where, and is taken out of the two part images
    parts = (ImageChops.subtract(even, bare), ImageChops.subtract(odd, bare))
    # the part images must add up to the whole one (else the attribution is wrong)
    union = ImageChops.lighter(even, odd)  # (bare is in both)
    grown = union.filter(ImageFilter.MaxFilter(3))
    assert ImageChops.subtract(whole, grown).getbbox() is None, "ink in no part image"
    out = []
    for s in sheet:
        for col in columns(s.layout.blocks):
            for a, b in zip(col, col[1:], strict=False):
                if not a.text.strip() or not b.text.strip():
                    continue
                left = s.x + min(a.block.x, b.block.x) - 0.3
                right = s.x + max(a.block.x + a.block.width, b.block.x + b.block.width) + 0.3
                x0, x1 = round(left / px), round(right / px)

                ra = _region(line=a, y=s.y, x0=x0, x1=x1, px=px)
                rb = _region(line=b, y=s.y, x0=x0, x1=x1, px=px)
                box = (x0, ra[1], x1, rb[3])
                ink_a, ink_b = _only(parts[a.parity], ra, box), _only(parts[b.parity], rb, box)
                gap_px, clear = pair_gap(ink_a, ink_b, max_clear)
                out.append(
                    Gap(
                        s.index,
                        a.text,
                        b.text,
                        f"{a.block.kind}/{b.block.kind}",
                        b.block.size_pt,
                        gap_px,
                        clear,
                    )
                )
    return out
