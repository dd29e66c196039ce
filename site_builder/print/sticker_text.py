"""What a sticker says, measured: its paragraphs, their sizes and their lines.

Pure computation in millimetres and points (no WeasyPrint): text is measured with the
packaged font's advance widths (no kerning, so a slight overestimate, WIDTH_SAFETY) and
wrapped here; each paragraph becomes one `TextBlock` whose lines break only where this
module broke them, so the PDF shows exactly the layout that was checked.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .fonts import height_ink_em, line_metrics_em, side_ink_em, text_width_mm

if TYPE_CHECKING:
    from site_builder.labelsheets import LabelTemplate
    from site_builder.render.qr import QrSymbol

    from .payment import PaymentQr

PT = 25.4 / 72  # mm per point
MIN_PT = 6.0  # smallest text we print (the least a print shop accepts on a label)
LINE_HEIGHT = 1.18  # line box height in em
PARA_GAP = 0.5  # mm between paragraphs (names, URL, price)
#: mm of paper kept between the ink of a line and the ink of the line above it, where a
#: line's marks (Ẫ, Ỗ: 1.05 em above the baseline) meet the descenders or dots of the one
#: above (g: 0.24 em below), which LINE_HEIGHT alone lets overlap: the thinnest gap a
#: print shop keeps open, as its thinnest line (0.25 pt), and 2 device dots at 600 dpi
MIN_INK_GAP = 0.1
WIDTH_SAFETY = 1.03  # advance widths without kerning, plus 3 %
#: letter-spacing (em) of a kind of line, as templates/print/stickers.css sets it
LETTER_SPACING = {"brand": 0.02}
#: printed with the item's code when the sticker also carries a payment code (the
#: design's call to action says it when it has one)
PRODUCT_CAPTION = "Xem trang / Read more"
#: the label every preferred text size is made for; larger labels get larger text
BASE_LABEL_MM = (63.5, 38.1)
MAX_TEXT_SCALE = 1.6

# preferred sizes (pt) of each kind of line; all shrink together down to MIN_PT
# (see: the product code's caption; pay, pay2: the payment code's first and other lines)
PREFERRED = {
    "name": 8.0,
    "name2": 7.0,
    "see": 6.5,
    "url": 7.0,
    "price": 7.5,
    "pay": 7.0,
    "pay2": 6.5,
    "brand": 6.5,
    "cta": 6.5,
}
BOLD = {
    "name": True,
    "name2": False,
    "see": True,
    "url": False,
    "price": True,
    "pay": True,
    "pay2": False,
    "brand": False,
    "cta": True,
}
TEXT_KINDS = ("brand", "name", "name2", "cta", "url", "price")  # what a design may print


@dataclass(frozen=True)
class StickerDesign:
    """What a sticker says and how large: read from templates/print/sticker-designs.yaml
    (see render/pdf.py), so members change it without touching code."""

    name: str = "standard"
    lines: tuple[str, ...] = ("brand", "name", "name2", "cta", "url", "price")
    call_to_action: str = "Quét để xem câu chuyện · Scan for the story"
    sizes: tuple[tuple[str, float], ...] = ()  # preferred pt per kind, over PREFERRED
    bold: tuple[str, ...] | None = None  # kinds in bold; None: BOLD
    background: tuple[float, float, float, float] | None = None  # CMYK %, to the edge

    def css_background(self) -> str:
        if self.background is None:
            return ""
        return "device-cmyk(" + " ".join(f"{v / 100:g}" for v in self.background) + ")"

    def size(self, kind: str) -> float:
        return dict(self.sizes).get(kind, PREFERRED[kind])

    def is_bold(self, kind: str) -> bool:
        return kind in self.bold if self.bold is not None and kind in TEXT_KINDS else BOLD[kind]


STANDARD = StickerDesign()


@dataclass(frozen=True)
class StickerContent:
    code: str  # e.g. XM-D01; named in error messages
    short_url: str  # the URL the QR code holds, printed as text too
    names: tuple[tuple[str, str], ...]  # (lang, name) in site language order
    price_text: str | None
    qr: QrSymbol
    payment: PaymentQr | None = None  # printed only with show_payment
    brand: str | None = None  # the cooperative's name (site.yaml contact.organisation)


@dataclass(frozen=True)
class TextBlock:
    """One paragraph (a name, the URL or the price), already broken into lines."""

    lines: tuple[str, ...]
    kind: str  # name | name2 | see | url | price | pay | pay2
    lang: str | None
    size_pt: float
    x: float  # mm, relative to the label's top-left corner
    y: float
    width: float
    height: float
    align: str  # left | center
    bold: bool = False
    #: mm the glyphs reach above the first line's box and below the last one's (the
    #: layout keeps this ink, not only the boxes, TEXT_INSET inside the label)
    ink_above: float = 0.0
    ink_below: float = 0.0

    @property
    def line_height(self) -> float:
        return self.height / len(self.lines)

    @property
    def ink_box(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) mm: the box with the glyphs that reach out of it."""
        return (
            self.x,
            round(self.y - self.ink_above, 3),
            self.width,
            round(self.height + self.ink_above + self.ink_below, 3),
        )


@dataclass(frozen=True)
class _Para:
    text: str
    kind: str
    lang: str | None
    nowrap: bool
    bold: bool | None = None  # None: BOLD[kind]


def display_url(url: str) -> str:
    """The short URL as people read and type it: no scheme, host in lower case.

    Browsers add https:// themselves; the path keeps its case (the site serves it).
    """
    rest = url
    lower = url.lower()
    for scheme in ("https://", "http://"):
        if lower.startswith(scheme):
            rest = url[len(scheme) :]
            break
    host, sep, path = rest.partition("/")
    text = host.lower() + sep + path
    return text.rstrip("/") if path == "" else text


def _paragraphs(
    content: StickerContent,
    show_price: bool,
    caption: bool = False,
    design: StickerDesign = STANDARD,
) -> list[_Para]:
    """The sticker's paragraphs in the design's order."""

    def clean(text: str) -> str:
        return unicodedata.normalize("NFC", " ".join(text.split()))

    names: list[_Para] = []
    seen: set[str] = set()
    for i, (lang, name) in enumerate(content.names):
        name = clean(name)
        if not name or name.casefold() in seen:
            continue  # "Xín Mần" in both languages is printed once
        seen.add(name.casefold())
        names.append(_Para(name, "name" if i == 0 else "name2", lang, False))
    paras: list[_Para] = []
    for kind in design.lines:
        if kind in ("name", "name2"):
            paras += [p for p in names if p.kind == kind]
        elif kind == "brand" and content.brand and clean(content.brand):
            paras.append(_Para(clean(content.brand), "brand", None, False))
        elif kind == "cta" and clean(design.call_to_action):
            paras.append(_Para(clean(design.call_to_action), "cta", None, False))
        elif kind == "url":
            if caption and not (clean(design.call_to_action) and "cta" in design.lines):
                paras.append(_Para(PRODUCT_CAPTION, "see", None, False))
            paras.append(_Para(display_url(content.short_url), "url", None, True))
        elif kind == "price" and show_price and content.price_text:
            paras.append(_Para(" ".join(content.price_text.split()), "price", None, True))
    if design.bold is not None:
        paras = [dataclasses.replace(p, bold=design.is_bold(p.kind)) for p in paras]
    return paras


def _sizes(scale: float, design: StickerDesign = STANDARD) -> dict[str, float]:
    return {k: max(MIN_PT, round(design.size(k) * scale * 4) / 4) for k in PREFERRED}


def text_scale(template: LabelTemplate) -> float:
    """How much larger than preferred the text may be on this label: big labels, big
    names (with the square root of the area ratio, up to MAX_TEXT_SCALE)."""
    w, h = template.label_width, template.label_height
    ratio = math.sqrt(w * h / (BASE_LABEL_MM[0] * BASE_LABEL_MM[1]))
    return round(min(MAX_TEXT_SCALE, max(1.0, ratio)), 2)


def _scales(top: float = 1.0, design: StickerDesign = STANDARD) -> list[float]:
    out, s = [], top
    while True:
        out.append(round(s, 3))
        if all(design.size(k) * s <= MIN_PT for k in PREFERRED):
            return out
        s -= 0.05


@lru_cache(maxsize=65536)
def _width(text: str, size: float, bold: bool, spacing: float = 0.0) -> float:
    """The width a line needs (mm): its advances, its letter-spacing (em per character) and
    the ink its first and last glyphs put outside them (J, ư), the latter twice, as a
    centred line is centred on its advances; plus WIDTH_SAFETY."""
    left, right = side_ink_em(text, bold)
    em = size * PT
    extra = (2 * (left + right) + spacing * len(text)) * em
    return (text_width_mm(text, size, bold) + extra) * WIDTH_SAFETY


def _bold(para: _Para) -> bool:
    return BOLD[para.kind] if para.bold is None else para.bold


@lru_cache(maxsize=65536)
def _ink_out(line: str, size: float, bold: bool, pitch: float) -> tuple[float, float]:
    """How far (mm) the glyphs of `line` reach above and below its line box (`pitch` mm
    high, centred on the font's ascent + descent as CSS does)."""
    ascent, descent = line_metrics_em(bold)
    em = size * PT
    box = pitch / em
    baseline = ascent + (box - ascent - descent) / 2  # from the box's top, em
    top, bottom = height_ink_em(line, bold)
    return max(0.0, top - baseline) * em, max(0.0, bottom - (box - baseline)) * em


@lru_cache(maxsize=65536)
def _pitch(lines: tuple[str, ...], size: float, bold: bool) -> float:
    """The height (mm) of each line box of a paragraph: LINE_HEIGHT em, or more where the
    ink of two of its lines would come closer than MIN_INK_GAP (the lowest ink of a line
    and the highest of the next, as `height_ink_em` reads them from the font), rounded up
    to a micrometre. One pitch for the whole paragraph: its lines stay evenly spaced."""
    em = size * PT
    need = max(
        (
            (height_ink_em(upper, bold)[1] + height_ink_em(lower, bold)[0]) * em + MIN_INK_GAP
            for upper, lower in zip(lines, lines[1:], strict=False)
        ),
        default=0.0,
    )
    if need <= LINE_HEIGHT * em:
        return LINE_HEIGHT * em
    return math.ceil(round(need * 1000, 6)) / 1000


@lru_cache(maxsize=65536)
def _metrics(lines: tuple[str, ...], size: float, bold: bool) -> tuple[float, float, float]:
    """A paragraph's pitch (`_pitch`) and how far (mm) its ink reaches above its first
    line box and below its last."""
    pitch = _pitch(lines, size, bold)
    return (
        pitch,
        _ink_out(lines[0], size, bold, pitch)[0],
        _ink_out(lines[-1], size, bold, pitch)[1],
    )


def _height(grouped: Sequence[tuple[_Para, tuple[str, ...], float]], gap: float) -> float:
    """The paragraphs' height (mm) from the first line's highest ink to the last's lowest,
    set as `_stack` sets them (`_set_text`: the layout's inner loop, nothing kept)."""
    height, below = 0.0, None
    for para, lines, size in grouped:
        pitch, above, next_below = _metrics(lines, size, _bold(para))
        if below is None:
            height += above
        else:
            height += max(gap, below + above + MIN_INK_GAP)
        height += len(lines) * pitch
        below = next_below
    return height + (below or 0.0)


@dataclass(frozen=True)
class _Set:
    """One paragraph as `_stack` sets it: its lines, their pitch (mm), the room (mm) from
    the paragraph above's last line box, and its ink outside its first and last boxes."""

    para: _Para
    lines: tuple[str, ...]
    size: float
    pitch: float
    gap: float
    above: float
    below: float


def _stack(grouped: Sequence[tuple[_Para, tuple[str, ...], float]], gap: float) -> list[_Set]:
    """The paragraphs with their pitches and the gaps between them: `gap`, or more where
    the ink of one paragraph's last line and the next one's first would come closer than
    MIN_INK_GAP (`_height` adds them up, as `_set_text` measures)."""
    out: list[_Set] = []
    for para, lines, size in grouped:
        pitch, above, below = _metrics(lines, size, _bold(para))
        room = max(gap, out[-1].below + above + MIN_INK_GAP) if out else 0.0
        out.append(_Set(para, lines, size, pitch, room, above, below))
    return out


def _group(
    text: Sequence[tuple[_Para, str, float]],
) -> list[tuple[_Para, tuple[str, ...], float]]:
    grouped: list[tuple[_Para, list[str], float]] = []
    for para, line, size in text:
        if grouped and grouped[-1][0] is para:
            grouped[-1][1].append(line)
        else:
            grouped.append((para, [line], size))
    return [(para, tuple(lines), size) for para, lines, size in grouped]


def _wrap(para: _Para, size: float, width: float) -> list[str] | None:
    """Greedy word wrap; None when a word (or a no-wrap paragraph) is wider than `width`."""
    bold = _bold(para)
    spacing = LETTER_SPACING.get(para.kind, 0.0)
    if para.nowrap:
        return [para.text] if _width(para.text, size, bold, spacing) <= width else None
    lines: list[str] = []
    current = ""
    for word in para.text.split(" "):
        if _width(word, size, bold, spacing) > width:
            return None
        candidate = f"{current} {word}" if current else word
        if _width(candidate, size, bold, spacing) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def _set_text(
    paras: Sequence[_Para], sizes: dict[str, float], width: float, gap: float = PARA_GAP
) -> tuple[float, list[tuple[_Para, str, float]]] | None:
    """Wrap every paragraph into `width`; (total height mm, [(para, line, size)]).

    The height runs from the first line's highest ink to the last line's lowest
    (`_ink_out`): where the line boxes alone would put a Vietnamese capital's marks or a
    descender closer to the label's edge than the layout allows; and lines and paragraphs
    are as far apart as their ink needs (`_stack`)."""
    out: list[tuple[_Para, str, float]] = []
    grouped: list[tuple[_Para, tuple[str, ...], float]] = []
    for para in paras:
        size = sizes[para.kind]
        lines = _wrap(para, size, width)
        if lines is None:
            return None
        out.extend((para, line, size) for line in lines)
        grouped.append((para, tuple(lines), size))
    return _height(grouped, gap), out


def _place_lines(
    text: list[tuple[_Para, str, float]],
    x: float,
    y: float,
    width: float,
    align: str,
    gap: float = PARA_GAP,
) -> tuple[TextBlock, ...]:
    """The blocks of `text` (from `_set_text`), its highest ink at `y`."""
    blocks: list[TextBlock] = []
    stacked = _stack(_group(text), gap)
    if stacked:
        y += stacked[0].above
    for p in stacked:
        y += p.gap
        h = len(p.lines) * p.pitch
        bold = _bold(p.para)
        bx, bw = x, width
        if align == "left":  # a first glyph inking left of its origin (J) starts inside
            lead = max(side_ink_em(line, bold)[0] for line in p.lines) * p.size * PT
            if lead:
                bx, bw = x + lead, width - lead
        blocks.append(
            TextBlock(
                p.lines,
                p.para.kind,
                p.para.lang,
                p.size,
                round(bx, 3),
                round(y, 3),
                round(bw, 3),
                round(h, 3),
                align,
                bold,
                round(p.above, 3),
                round(p.below, 3),
            )
        )
        y += h
    return tuple(blocks)
