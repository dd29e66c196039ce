"""QR sticker sheets for gift boxes: one PDF, one page per label sheet.

Each sticker holds the item's QR code (a vector path, quiet zone included, as large
as the label allows next to its text), the item's name in every site language, the
short URL in readable text and, if asked, the price.

With `show_payment`, a sticker whose content has a `PaymentQr` also holds the bank
payment code: in a frame at the label's right end, captioned under the code
("Chuyển khoản / Pay", the bank, the payee), while the item's code keeps its text and
gains the caption "Xem trang / Read more" above the URL. Both codes are at least
`min_qr_mm` wide; labels too small for both are refused with a message.

The layout is computed here, in millimetres, and handed to the template as absolute
positions on the page: WeasyPrint only places boxes (no flex, no grid, not even a box
per label), which keeps a sheet of 21 stickers fast. Text is measured with the
packaged font's advance widths (no kerning, so a slight overestimate) and wrapped
here; each paragraph is one box whose lines break only where the layout broke them,
so the PDF shows exactly the layout that was checked. Boxes get their places from CSS
rules shared by every box at the same place (`sheet_labels`), not from style
attributes, and the QR codes are not HTML at all: their modules are written as PDF
rectangles straight into each page (`sheet_qr_ops`), where WeasyPrint would parse an
SVG path per code in Python.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from markupsafe import Markup

from site_builder.render.qr import QrSymbol

from . import printshop
from .engine import html_to_pdf
from .errors import StickerError
from .fonts import check_text, text_width_mm
from .labels import BUILTIN, LabelTemplate, _num
from .payment import PaymentQr
from .pdfmeta import PdfMeta

if TYPE_CHECKING:
    import jinja2

Mode = Literal["labels", "printshop"]

PT = 25.4 / 72  # mm per point
MIN_PT = 6.0  # smallest text we print (the least a print shop accepts on a label)
LINE_HEIGHT = 1.18  # line box height in em
PARA_GAP = 0.5  # mm between paragraphs (names, URL, price)
QR_INSET = 1.5  # mm from the die-cut edge to the QR symbol (its quiet zone is white anyway)
TEXT_INSET = 2.0  # mm from the die-cut edge to text (printers drift ~1 mm)
QR_TEXT_GAP = 0.0  # mm; the QR's 4-module quiet zone already separates it from text
MIN_TEXT_WIDTH = 15.0  # mm; narrower columns cannot hold a name
MIN_MODULE_MM = 0.4  # smaller modules are hard for phone cameras at packaging distance
WIDTH_SAFETY = 1.03  # advance widths without kerning, plus 3 %
QR_STEP = 0.25  # mm; QR sizes tried from the largest down
BLEED_MM = 3.0

# the payment code's frame (show_payment): inset from the die-cut edge, line width,
# room between the line and the code, and between the line and the caption's text
FRAME_INSET = 2.0  # everything printed stays 2 mm inside the die-cut edge
FRAME_LINE = 0.3
PAY_PAD = 0.8
PAY_TEXT_PAD = 0.6
PAY_GAP = 0.2  # mm between the caption's paragraphs
#: printed with the item's code when the sticker also carries a payment code (the
#: design's call to action says it when it has one)
PRODUCT_CAPTION = "Xem trang / Read more"
#: the label every preferred text size is made for; larger labels get larger text
BASE_LABEL_MM = (63.5, 38.1)
MAX_TEXT_SCALE = 1.6
#: larger templates suggested when a label cannot hold both codes
PAYMENT_TEMPLATES = ("L7163", "L7173")

# preferred sizes (pt) of each kind of line; all shrink together down to MIN_PT
# (see: the product code's caption; pay, pay2: the payment code's first and other lines)
PREFERRED = {"name": 8.0, "name2": 7.0, "see": 6.5, "url": 7.0, "price": 7.5, "pay": 7.0,
             "pay2": 6.5, "brand": 6.5, "cta": 6.5}
BOLD = {"name": True, "name2": False, "see": True, "url": False, "price": True, "pay": True,
        "pay2": False, "brand": False, "cta": True}
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

    @property
    def line_height(self) -> float:
        return self.height / len(self.lines)


@dataclass(frozen=True)
class PaymentPlace:
    """Where the payment code and its frame go (mm from the label's top-left corner)."""

    qr_x: float
    qr_y: float
    qr_size: float  # including the quiet zone, like StickerLayout.qr_size
    frame_x: float  # outer edge of the frame line
    frame_y: float
    frame_width: float
    frame_height: float


@dataclass(frozen=True)
class StickerLayout:
    arrangement: str  # side | stacked | round (of the item's code and its text)
    qr_x: float
    qr_y: float
    qr_size: float  # printed width of the symbol including its quiet zone
    blocks: tuple[TextBlock, ...]  # the payment caption's blocks too (kinds pay, pay2)
    payment: PaymentPlace | None = None


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
            rest = url[len(scheme):]
            break
    host, sep, path = rest.partition("/")
    text = host.lower() + sep + path
    return text.rstrip("/") if path == "" else text


def _paragraphs(content: StickerContent, show_price: bool, caption: bool = False,
                design: StickerDesign = STANDARD) -> list[_Para]:
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
def _width(text: str, size: float, bold: bool) -> float:
    return text_width_mm(text, size, bold) * WIDTH_SAFETY


def _wrap(para: _Para, size: float, width: float) -> list[str] | None:
    """Greedy word wrap; None when a word (or a no-wrap paragraph) is wider than `width`."""
    bold = BOLD[para.kind] if para.bold is None else para.bold
    if para.nowrap:
        return [para.text] if _width(para.text, size, bold) <= width else None
    lines: list[str] = []
    current = ""
    for word in para.text.split(" "):
        if _width(word, size, bold) > width:
            return None
        candidate = f"{current} {word}" if current else word
        if _width(candidate, size, bold) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def _set_text(paras: Sequence[_Para], sizes: dict[str, float], width: float,
              gap: float = PARA_GAP) -> tuple[float, list[tuple[_Para, str, float]]] | None:
    """Wrap every paragraph into `width`; (total height mm, [(para, line, size)])."""
    out: list[tuple[_Para, str, float]] = []
    height = 0.0
    for i, para in enumerate(paras):
        size = sizes[para.kind]
        lines = _wrap(para, size, width)
        if lines is None:
            return None
        if i:
            height += gap
        height += len(lines) * size * LINE_HEIGHT * PT
        out.extend((para, line, size) for line in lines)
    return height, out


def _place_lines(text: list[tuple[_Para, str, float]], x: float, y: float, width: float,
                 align: str, gap: float = PARA_GAP) -> tuple[TextBlock, ...]:
    blocks: list[TextBlock] = []
    grouped: list[tuple[_Para, list[str], float]] = []
    for para, line, size in text:
        if grouped and grouped[-1][0] is para:
            grouped[-1][1].append(line)
        else:
            grouped.append((para, [line], size))
    for i, (para, lines, size) in enumerate(grouped):
        if i:
            y += gap
        h = len(lines) * size * LINE_HEIGHT * PT
        bold = BOLD[para.kind] if para.bold is None else para.bold
        blocks.append(TextBlock(tuple(lines), para.kind, para.lang, size, round(x, 3),
                                round(y, 3), round(width, 3), round(h, 3), align, bold))
        y += h
    return tuple(blocks)


def _rect_side(paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float,
               q: float) -> StickerLayout | None:
    text_x = QR_INSET + q + QR_TEXT_GAP
    text_w = w - TEXT_INSET - text_x
    avail_h = h - 2 * TEXT_INSET
    if q > h - 2 * QR_INSET or text_w < MIN_TEXT_WIDTH * 0.999:
        return None
    result = _set_text(paras, sizes, text_w)
    if result is None or result[0] > avail_h:
        return None
    text_h, text = result
    top = (h - text_h) / 2
    return StickerLayout("side", QR_INSET, (h - q) / 2, q,
                         _place_lines(text, text_x, top, text_w, "left"))


def _rect_stacked(paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float,
                  q: float) -> StickerLayout | None:
    text_w = w - 2 * TEXT_INSET
    if q > w - 2 * QR_INSET or text_w < MIN_TEXT_WIDTH * 0.999:
        return None
    result = _set_text(paras, sizes, text_w)
    if result is None:
        return None
    text_h, text = result
    used = QR_INSET + q + QR_TEXT_GAP + text_h + TEXT_INSET
    if used > h:
        return None
    shift = (h - used) / 2
    qr_y = QR_INSET + shift
    return StickerLayout("stacked", (w - q) / 2, qr_y, q,
                         _place_lines(text, TEXT_INSET, qr_y + q + QR_TEXT_GAP, text_w, "center"))


def _round(paras: Sequence[_Para], sizes: dict[str, float], d: float, q: float
           ) -> StickerLayout | None:
    radius = d / 2
    r_q, r_t = radius - QR_INSET, radius - TEXT_INSET
    if (q / 2) ** 2 * 2 > r_q**2:
        return None
    qr_top = radius - math.sqrt(r_q**2 - (q / 2) ** 2)  # top corners on the safe circle
    text_top = qr_top + q + QR_TEXT_GAP
    if text_top - radius >= r_t:
        return None
    width = 2 * math.sqrt(max(0.0, r_t**2 - (text_top - radius) ** 2))
    while width >= MIN_TEXT_WIDTH * 0.999:
        result = _set_text(paras, sizes, width)
        if result is not None:
            text_h, text = result
            bottom = text_top + text_h
            far = max(abs(text_top - radius), abs(bottom - radius))
            if far < r_t and far**2 + (width / 2) ** 2 <= r_t**2:
                # centre the stack vertically as far as the circle allows
                slack_text = math.sqrt(r_t**2 - (width / 2) ** 2) - (bottom - radius)
                slack_qr = math.sqrt(r_q**2 - (q / 2) ** 2) - (qr_top + q - radius)
                shift = max(0.0, min(slack_text, slack_qr)) / 2
                return StickerLayout("round", (d - q) / 2, qr_top + shift, q,
                                     _place_lines(text, (d - width) / 2, text_top + shift, width,
                                                  "center"))
        width -= 1.0
    return None


def _largest_q(template: LabelTemplate) -> float:
    w, h = template.label_width, template.label_height
    if template.shape == "round":
        return math.floor((w / 2 - QR_INSET) * math.sqrt(2) / QR_STEP) * QR_STEP
    return math.floor((max(w, h) - 2 * QR_INSET) / QR_STEP) * QR_STEP


def _fit_rect(paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float,
              min_qr: float) -> StickerLayout | None:
    """On a w × h rectangle: the layout with the largest QR code (>= min_qr, in steps of
    QR_STEP), text beside the code preferred at equal size.

    Whether an arrangement fits only gets easier as the code shrinks (less room taken
    from the text), so each arrangement's largest code is found by bisection, and text
    below the code is only tried with codes larger than the best beside it: when the
    smallest of those does not fit, none does (one try instead of a bisection).
    """
    top = math.floor((max(w, h) - 2 * QR_INSET) / QR_STEP) * QR_STEP
    best: StickerLayout | None = None
    end = math.floor((top - min_qr) / QR_STEP + 1e-6) + 1  # q sizes left to try, largest first
    for arrange in (_rect_side, _rect_stacked):
        if end <= 0:
            break
        layout = arrange(paras, sizes, w, h, round(top - (end - 1) * QR_STEP, 3))
        if layout is None:
            continue
        lo, hi, hit = 0, end - 2, (end - 1, layout)
        while lo <= hi:  # the first (largest) q that fits
            mid = (lo + hi) // 2
            layout = arrange(paras, sizes, w, h, round(top - mid * QR_STEP, 3))
            if layout is not None:
                hit, hi = (mid, layout), mid - 1
            else:
                lo = mid + 1
        end, best = hit
    return best


def _try(paras: Sequence[_Para], sizes: dict[str, float], template: LabelTemplate,
         min_qr: float) -> StickerLayout | None:
    """The layout with the largest QR code (>= min_qr) for these text sizes."""
    w, h = template.label_width, template.label_height
    if template.shape != "round":
        return _fit_rect(paras, sizes, w, h, min_qr)
    q = _largest_q(template)
    while q >= min_qr - 1e-9:
        layout = _round(paras, sizes, w, q)
        if layout:
            return layout
        q = round(q - QR_STEP, 3)
    return None


# ----------------------------------------------------------------- payment codes


def _pay_panel(pay_paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float,
               qp: float) -> tuple[PaymentPlace, tuple[TextBlock, ...]] | None:
    """The payment code (qp mm) and its caption in a frame at the label's right end."""
    frame_w = qp + 2 * PAY_PAD
    frame_h = h - 2 * FRAME_INSET
    frame_x = w - FRAME_INSET - frame_w
    text_w = frame_w - 2 * PAY_TEXT_PAD
    result = _set_text(pay_paras, sizes, text_w, PAY_GAP)
    if result is None:
        return None
    text_h, text = result
    content_h = qp + text_h
    if content_h + 2 * PAY_PAD > frame_h + 1e-9:
        return None
    top = FRAME_INSET + (frame_h - content_h) / 2
    place = PaymentPlace(round(frame_x + PAY_PAD, 3), round(top, 3), qp, round(frame_x, 3),
                         FRAME_INSET, round(frame_w, 3), round(frame_h, 3))
    return place, _place_lines(text, frame_x + PAY_TEXT_PAD, top + qp, text_w, "center",
                               PAY_GAP)


def _try_pay(paras: Sequence[_Para], pay_paras: Sequence[_Para], sizes: dict[str, float],
             template: LabelTemplate, min_qr: float, min_pay: float | None = None
             ) -> StickerLayout | None:
    """Both codes (each >= min_qr) for these text sizes: the largest payment code that
    is no larger than the item's code beside it (the sticker is about the item; a
    dominant payment code would be scanned to read about it)."""
    w, h = template.label_width, template.label_height
    min_pay = min_qr if min_pay is None else min_pay
    qp = math.floor(min(h - 2 * FRAME_INSET - 2 * PAY_PAD, w / 2) / QR_STEP) * QR_STEP
    while qp >= min_pay - 1e-9:
        pay = _pay_panel(pay_paras, sizes, w, h, qp)
        if pay is not None:
            product = _fit_rect(paras, sizes, pay[0].frame_x, h, max(min_qr, qp))
            if product is not None:
                return StickerLayout(product.arrangement, product.qr_x, product.qr_y,
                                     product.qr_size, product.blocks + pay[1], pay[0])
        qp = round(qp - QR_STEP, 3)
    return None


def _larger_templates(template: LabelTemplate) -> str:
    area = template.label_width * template.label_height
    names = [BUILTIN[n] for n in PAYMENT_TEMPLATES
             if n != template.name and BUILTIN[n].label_width * BUILTIN[n].label_height > area]
    if not names:
        return "a larger template"
    listed = " or ".join(f"{t.name} ({t.size_text})" for t in names)
    return f"a larger template such as {listed}"


def with_quiet_zone(symbol_mm: float, modules: int) -> float:
    """The printed width of a code whose symbol (without its 4-module quiet zone on each
    side) is `symbol_mm` wide; `modules` counts the quiet zone."""
    return symbol_mm * modules / (modules - 8)


def layout_sticker(content: StickerContent, template: LabelTemplate, *, min_qr_mm: float = 20.0,
                   show_price: bool = False, show_payment: bool = False,
                   design: StickerDesign = STANDARD) -> StickerLayout:
    """Place one sticker's QR code and text on a label of `template` (mm from its corner).

    Text starts at its preferred size (larger on larger labels, `text_scale`) with the
    largest QR code that fits beside or below it; the code shrinks to `min_qr_mm` first
    (the symbol, without its quiet zone), then all text shrinks step by step down to
    MIN_PT (6 pt). Raises `StickerError` naming the item when even that is not enough.
    With `show_payment` and a `content.payment`, the payment code gets a framed panel
    at the right end of the label; both symbols are at least `min_qr_mm` wide.
    """
    payment = content.payment if show_payment else None
    check_label_fits(template, min_qr_mm, payment=payment is not None,
                     modules=content.qr.size_with_quiet_zone)
    paras = _paragraphs(content, show_price, caption=payment is not None, design=design)
    pay_paras: tuple[_Para, ...] = ()
    if payment is not None:
        pay_paras = tuple(_Para(line, "pay" if i == 0 else "pay2", None, False)
                          for i, line in enumerate(payment.label_lines))
    for para in paras + list(pay_paras):
        check_text(para.text, f"sticker {content.code}")
    return _layout_cached(tuple(paras), template, min_qr_mm, content.code,
                          content.qr.size_with_quiet_zone, pay_paras,
                          payment.qr.size_with_quiet_zone if payment else 0, design)


def _module_error(code: str, which: str, modules: int, size: float) -> StickerError:
    module = size / modules
    return StickerError(
        f"sticker {code}: its {which}QR code is {modules} modules wide (quiet zone "
        f"included), so at {_num(size)} mm a module is "
        f"{module:.2f} mm, below the {MIN_MODULE_MM} mm phones read reliably; "
        + ("use a lower error correction level for the payment code, or a larger template."
           if which else
           "use a shorter URL (upper case, short code), a lower error correction "
           "level, or a larger template.")
    )


@lru_cache(maxsize=4096)
def _layout_cached(paras: tuple[_Para, ...], template: LabelTemplate, min_qr_mm: float,
                   code: str, modules: int, pay_paras: tuple[_Para, ...] = (),
                   pay_modules: int = 0, design: StickerDesign = STANDARD) -> StickerLayout:
    min_q = with_quiet_zone(min_qr_mm, modules)
    min_pay = with_quiet_zone(min_qr_mm, pay_modules) if pay_modules else min_q
    for scale in _scales(text_scale(template), design):
        if pay_paras:
            layout = _try_pay(paras, pay_paras, _sizes(scale, design), template, min_q, min_pay)
        else:
            layout = _try(paras, _sizes(scale, design), template, min_q)
        if layout is not None:
            if layout.qr_size / modules < MIN_MODULE_MM:
                raise _module_error(code, "", modules, layout.qr_size)
            if layout.payment and layout.payment.qr_size / pay_modules < MIN_MODULE_MM:
                raise _module_error(code, "payment ", pay_modules, layout.payment.qr_size)
            return layout
    room = f"a {template.name} label ({template.size_text})"
    names = [p.text for p in paras if p.kind in ("name", "name2")]
    name_lengths = " / ".join(str(len(n)) for n in names)
    if pay_paras:
        codes = (f"a {_num(min_qr_mm)} mm product QR code and a {_num(min_qr_mm)} mm payment "
                 "QR code")
        tail = (f"choose {_larger_templates(template)}, lower min_qr_mm or print payment "
                "cards separately.")
        if _pay_panel(pay_paras, _sizes(0.0), template.label_width, template.label_height,
                      min_pay) is None:
            lines = " / ".join(p.text for p in pay_paras)
            raise StickerError(
                f"sticker {code}: the payment caption ('{lines}') does not fit under a "
                f"{_num(min_qr_mm)} mm payment QR code on {room}, even at {MIN_PT} pt; "
                f"shorten the payment label lines, {tail}"
            )
        raise StickerError(
            f"sticker {code}: its text does not fit on {room} beside {codes}, even at "
            f"{MIN_PT} pt; shorten the item's names (now {name_lengths} characters), {tail}"
        )
    url = next(p for p in paras if p.kind == "url")
    url_width = _width(url.text, MIN_PT, BOLD["url"])
    if _try((url,), _sizes(0.0), template, min_q) is None:
        raise StickerError(
            f"sticker {code}: the short URL '{url.text}' ({url_width:.1f} mm at {MIN_PT} pt) "
            f"does not fit on {room} beside a {_num(min_qr_mm)} mm QR code; use a shorter "
            "short_base URL, choose a larger template or lower min_qr_mm."
        )
    raise StickerError(
        f"sticker {code}: its text does not fit on {room} beside a {_num(min_qr_mm)} mm QR "
        f"code, even at {MIN_PT} pt; shorten the item's names (now "
        f"{name_lengths} characters), choose a larger template or "
        "lower min_qr_mm."
    )


# one line of text MIN_TEXT_WIDTH wide: the least a sticker needs beside its code
_PROBE_TEXT = (_Para("x", "name", None, True),)
# with a payment code: the product caption and one line; one caption line for the payment
_PROBE_PAY_TEXT = (_Para(PRODUCT_CAPTION, "see", None, False), _Para("x", "name", None, True))
_PROBE_PAY_CAPTION = (_Para("x", "pay", None, True),)


def check_label_fits(template: LabelTemplate, min_qr_mm: float, payment: bool = False,
                     modules: int = 33) -> None:
    """Raise `StickerError` if a `min_qr_mm` QR symbol (`modules` wide with its quiet
    zone; 33 = version 2) plus one line of text cannot fit (with `payment`: two such
    codes, the product caption and one payment caption line)."""
    if not (isinstance(min_qr_mm, (int, float)) and math.isfinite(min_qr_mm)
            and min_qr_mm > 0):
        raise StickerError(f"min_qr_mm must be a positive number of mm, not {min_qr_mm}.")
    if payment:
        _check_payment_label_cached(template, min_qr_mm, modules)
    _check_label_cached(template, min_qr_mm, modules)


@lru_cache(maxsize=256)
def _check_payment_label_cached(template: LabelTemplate, min_qr_mm: float, modules: int) -> None:
    w, h, m = template.label_width, template.label_height, with_quiet_zone(min_qr_mm, modules)
    both = (f"a {_num(min_qr_mm)} mm product QR code and a {_num(min_qr_mm)} mm payment QR "
            "code")
    tail = (f"choose {_larger_templates(template)}, lower min_qr_mm or print payment cards "
            "separately.")
    if template.shape == "round":
        raise StickerError(
            f"label {template.name} is round ({template.size_text}); {both} are printed side "
            f"by side on rectangular labels only; {tail}"
        )
    if _try_pay(_PROBE_PAY_TEXT, _PROBE_PAY_CAPTION, _sizes(0.0), template, m):
        return
    # what the two codes with one line of caption each need at the very least
    line_h = MIN_PT * LINE_HEIGHT * PT
    need_w = (max(2 * QR_INSET + m, 2 * TEXT_INSET + MIN_TEXT_WIDTH)
              + m + 2 * PAY_PAD + FRAME_INSET)
    need_h = max(2 * FRAME_INSET + 2 * PAY_PAD + m + line_h, 2 * QR_INSET + m)
    raise StickerError(
        f"label {template.name} is {_num(w)} × {_num(h)} mm; {both} side by side, each with "
        f"its caption, need at least {need_w:.1f} × {need_h:.1f} mm; {tail}"
    )


@lru_cache(maxsize=256)
def _check_label_cached(template: LabelTemplate, symbol_mm: float, modules: int) -> None:
    min_qr_mm = with_quiet_zone(symbol_mm, modules)
    code = f"a {_num(symbol_mm)} mm QR code ({min_qr_mm:.1f} mm with its quiet zone)"
    line_h = MIN_PT * LINE_HEIGHT * PT
    w, h = template.label_width, template.label_height
    if template.shape == "round":
        # one line of MIN_TEXT_WIDTH at MIN_PT under the code
        probe = LabelTemplate(template.name, "", 0, 0, "round", w, h, 1, 1, 0, 0, w, h)
        if _try_probe(probe, min_qr_mm):
            return
        d = w
        while not _try_probe(LabelTemplate("probe", "", 0, 0, "round", d, d, 1, 1, 0, 0, d, d),
                             min_qr_mm):
            d += 0.5
        need = f"{_num(d)} mm across"
        raise StickerError(
            f"label {template.name} is {_num(w)} mm across; {code} with "
            f"its text needs at least {need}; choose a larger template or lower min_qr_mm."
        )
    side_w = QR_INSET + min_qr_mm + QR_TEXT_GAP + MIN_TEXT_WIDTH + TEXT_INSET
    side_h = max(2 * QR_INSET + min_qr_mm, 2 * TEXT_INSET + line_h)
    stack_w = max(2 * QR_INSET + min_qr_mm, 2 * TEXT_INSET + MIN_TEXT_WIDTH)
    stack_h = QR_INSET + min_qr_mm + QR_TEXT_GAP + line_h + TEXT_INSET
    eps = 1e-6
    if (w + eps >= side_w and h + eps >= side_h) or (w + eps >= stack_w and h + eps >= stack_h):
        return
    raise StickerError(
        f"label {template.name} is {_num(w)} × {_num(h)} mm; {code} "
        f"with its text needs at least {side_w:.1f} × {side_h:.1f} mm (text beside the code) "
        f"or {stack_w:.1f} × {stack_h:.1f} mm (text below it); choose a larger template or "
        "lower min_qr_mm."
    )


def _try_probe(template: LabelTemplate, min_qr_mm: float) -> bool:
    return _try(_PROBE_TEXT, _sizes(0.0), template, min_qr_mm) is not None


# ---------------------------------------------------------------------------- sheets


MM_PT = 72 / 25.4  # points per mm
_DARK_RUN = re.compile(b"\x01+")


@dataclass(frozen=True)
class PlacedSticker:
    index: int  # label number on its sheet, 0-based
    x: float  # label's top-left corner on the page, mm (offset applied)
    y: float
    width: float
    height: float
    layout: StickerLayout
    qr_matrix: tuple[tuple[bool, ...], ...]  # the item's code (`QrSymbol.matrix`)
    modules: int  # across, quiet zone included
    code: str
    pay_matrix: tuple[tuple[bool, ...], ...] = ()  # the payment code, if layout.payment
    pay_modules: int = 0


def qr_fill_ops(qr: QrSymbol) -> bytes:
    """The dark modules as PDF path operators in module units (quiet zone included in
    the coordinates): a rectangle per horizontal run, a run repeated in the rows below
    merged into one taller rectangle, all filled at once (nonzero; none overlap).

    The same vector squares as `QrSymbol.svg_path_d()`, written into the page's
    content stream by `sheet_qr_ops`."""
    return _fill_ops(qr.matrix)


@lru_cache(maxsize=4096)
def _fill_ops(matrix: tuple[tuple[bool, ...], ...]) -> bytes:
    quiet = 4
    rects: list[tuple[int, int, int, int]] = []  # (y, x, width, height)
    growing: dict[tuple[int, int], int] = {}  # run (start, end) -> its first row
    for y, row in enumerate((*matrix, ())):  # the empty row closes every rectangle
        runs: dict[tuple[int, int], int] = {}
        for m in _DARK_RUN.finditer(bytes(row)):
            runs[m.span()] = growing.pop(m.span(), y)
        for (start, end), top in growing.items():
            rects.append((top, start, end - start, y - top))
        growing = runs
    rects.sort()
    parts = [f"{x + quiet} {y + quiet} {w} {h} re" for y, x, w, h in rects]
    parts.append("f")
    return "\n".join(parts).encode("ascii")


def _pt(mm: float) -> str:
    text = f"{mm * MM_PT:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _placed_ops(x: float, y: float, size: float, modules: int, ops: bytes) -> bytes:
    """A code's operators with its top-left corner at (x, y) mm on the page (y down),
    `size` mm wide with its quiet zone."""
    unit = size / modules * MM_PT
    return f"q {unit:.6f} 0 0 {unit:.6f} {_pt(x)} {_pt(y)} cm\n".encode() + ops + b"\nQ"


def sheet_qr_ops(sheet: Sequence[PlacedSticker], ink: bytes) -> bytes:
    """Every QR code of one sheet (item and payment codes) as PDF operators, in points
    from the page box's top-left corner, y downwards (`html_to_pdf`'s overlays); `ink`
    sets the fill colour."""
    out = [ink]
    for s in sheet:
        layout = s.layout
        out.append(_placed_ops(s.x + layout.qr_x, s.y + layout.qr_y, layout.qr_size,
                               s.modules, _fill_ops(s.qr_matrix)))
        if (p := layout.payment) is not None:
            out.append(_placed_ops(s.x + p.qr_x, s.y + p.qr_y, p.qr_size, s.pay_modules,
                                   _fill_ops(s.pay_matrix)))
    return b"\n".join(out)


@dataclass(frozen=True)
class SheetLabel:
    """A placed sticker as the template draws it: each box by the class of its rule."""

    sticker: PlacedSticker
    frame: str  # class of the payment code's frame; "" without one
    texts: tuple[tuple[TextBlock, str], ...]  # each text block with its classes
    background: str = ""  # class of the label's background; "" without one

    def __getattr__(self, name: str) -> object:
        """The placed sticker's fields (code, layout, x, y, …), as older templates had."""
        if name.startswith("_") or name == "sticker":
            raise AttributeError(name)
        return getattr(self.sticker, name)

    @property
    def path_d(self) -> str:
        """The item's code as an SVG path, for a template made when the codes were SVG
        (it then draws each code a second time, at the same place)."""
        return _stroke_path(self.sticker.qr_matrix)

    @property
    def pay_path_d(self) -> str:
        return _stroke_path(self.sticker.pay_matrix)


def _stroke_path(matrix: tuple[tuple[bool, ...], ...]) -> str:
    """Dark runs as horizontal strokes, for `stroke-width: 1` (module units)."""
    return "".join(f"M{m.start() + 4} {y + 4}.5h{m.end() - m.start()}"
                   for y, row in enumerate(matrix) for m in _DARK_RUN.finditer(bytes(row)))


class _Rules:
    """One CSS rule per distinct box of a document, named `<prefix><number>`.

    The boxes are positioned on the page itself (no box per label): WeasyPrint then
    lays out one block per paragraph. Stickers differ in a handful of positions and
    sizes, so most boxes share a rule, and WeasyPrint computes a style once for every
    element with the same rules, where it computed one per `style` attribute.
    """

    def __init__(self) -> None:
        self.names: dict[tuple[str, str], str] = {}  # (prefix, declarations) -> class

    def name(self, prefix: str, declarations: str) -> str:
        found = self.names.get((prefix, declarations))
        if found is None:
            found = self.names[prefix, declarations] = f"{prefix}{len(self.names)}"
        return found

    def css(self) -> str:
        return "\n".join(f".{name} {{ {body} }}" for (_, body), name in self.names.items())


def sheet_labels(sheets: Sequence[Sequence[PlacedSticker]], background: float | None = None,
                 template: LabelTemplate | None = None
                 ) -> tuple[list[list[SheetLabel]], str]:
    """The template's view of `sheets`, and the CSS rules its class names refer to.

    Positions are on the page (label corner + place on the label), in mm.
    `background`: each label gets a background box reaching this far (mm) past its
    edge (0: the label's own shape; the print shop's bleed: past the cut line).
    """
    rules = _Rules()
    out: list[list[SheetLabel]] = []
    known: dict[tuple[float, float, TextBlock], str] = {}
    for sheet in sheets:
        row = []
        for s in sheet:
            bg = ""
            if background is not None:
                e = background
                radius = (f"border-radius:{s.width / 2}mm" if template is not None
                          and template.shape == "round" and e == 0 else
                          f"border-radius:{template.corner_radius if template and e == 0 else 0}mm")
                bg = rules.name("g", f"left:{round(s.x - e, 3)}mm;top:{round(s.y - e, 3)}mm;"
                                     f"width:{round(s.width + 2 * e, 3)}mm;"
                                     f"height:{round(s.height + 2 * e, 3)}mm;{radius}")
            frame = ""
            if (p := s.layout.payment) is not None:
                frame = rules.name("f", f"left:{round(s.x + p.frame_x, 3)}mm;"
                                        f"top:{round(s.y + p.frame_y, 3)}mm;"
                                        f"width:{p.frame_width}mm;height:{p.frame_height}mm")
            texts = []
            for b in s.layout.blocks:
                classes = known.get((s.x, s.y, b))
                if classes is None:
                    classes = rules.name("b", f"left:{round(s.x + b.x, 3)}mm;"
                                              f"top:{round(s.y + b.y, 3)}mm;width:{b.width}mm;"
                                              f"font-size:{b.size_pt}pt;"
                                              f"line-height:{b.line_height:.3f}mm;"
                                              f"text-align:{b.align}")
                    if b.lang:  # WeasyPrint's property for the lang attribute
                        lang = re.sub(r"[^A-Za-z0-9-]", "", b.lang)
                        classes += " " + rules.name("l", f'-weasy-lang:"{lang}"')
                    known[s.x, s.y, b] = classes
                texts.append((b, classes))
            row.append(SheetLabel(s, frame, tuple(texts), bg))
        out.append(row)
    return out, rules.css()


def plan_sheets(stickers: Sequence[tuple[StickerContent, int]], template: LabelTemplate, *,
                start_position: int = 1, offset_mm: tuple[float, float] = (0.0, 0.0),
                min_qr_mm: float = 20.0, show_price: bool = False, show_payment: bool = False,
                design: StickerDesign = STANDARD) -> list[list[PlacedSticker]]:
    """Assign every copy of every sticker to a label: [sheet][sticker]."""
    smallest = min((c.qr.size_with_quiet_zone for c, n in stickers if n), default=33)
    check_label_fits(template, min_qr_mm,
                     payment=show_payment and any(c.payment is not None and n
                                                  for c, n in stickers), modules=smallest)
    per_sheet = template.per_sheet
    if not isinstance(start_position, int) or not 1 <= start_position <= per_sheet:
        raise StickerError(
            f"start position {start_position} is not a label of {template.name}; "
            f"use 1 to {per_sheet} (labels are counted left to right, top to bottom)."
        )
    dx, dy = offset_mm
    for value in (dx, dy):
        if not -10 <= value <= 10:
            raise StickerError(
                f"calibration offset {value} mm is too large; offsets correct printer drift "
                "of a few millimetres (-10 to 10)."
            )
    jobs: list[tuple[StickerContent, StickerLayout]] = []
    total = 0
    for content, copies in stickers:
        if not isinstance(copies, int) or copies < 0:
            raise StickerError(f"sticker {content.code}: copies must be 0 or more, not {copies!r}.")
        if copies == 0:
            continue
        layout = layout_sticker(content, template, min_qr_mm=min_qr_mm, show_price=show_price,
                                show_payment=show_payment, design=design)
        jobs.extend([(content, layout)] * copies)
        total += copies
    if total == 0:
        raise StickerError("nothing to print: every sticker has 0 copies.")

    sheets: list[list[PlacedSticker]] = []
    slot = start_position - 1
    current: list[PlacedSticker] = []
    for content, layout in jobs:
        if slot == per_sheet:
            sheets.append(current)
            current, slot = [], 0
        x, y, w, h = template.label_box(slot)
        pay = content.payment if layout.payment is not None else None
        current.append(PlacedSticker(slot, round(x + dx, 3), round(y + dy, 3), w, h, layout,
                                     content.qr.matrix, content.qr.size_with_quiet_zone,
                                     content.code, pay.qr.matrix if pay else (),
                                     pay.qr.size_with_quiet_zone if pay else 0))
        slot += 1
    sheets.append(current)
    return sheets


def render_sticker_sheet(
    stickers: Sequence[tuple[StickerContent, int]],
    template: LabelTemplate,
    *,
    env: jinja2.Environment,
    mode: Mode = "labels",
    start_position: int = 1,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    min_qr_mm: float = 20.0,
    show_price: bool = False,
    show_payment: bool = False,
    meta: PdfMeta,
    design: StickerDesign = STANDARD,
) -> bytes:
    """A PDF of label sheets holding `copies` stickers of each item, in the order given.

    mode 'labels': pages are the sheet's size, labels at their exact positions, no marks
    (print on the label sheet itself). mode 'printshop': same positions plus a 3 mm
    bleed and crop marks (MediaBox grows by 3 mm each side, TrimBox = sheet size).
    `start_position` (1-based) skips the first labels of the first sheet, to finish a
    half-used sheet; `offset_mm` (x, y) moves everything to correct printer drift.
    `show_payment` adds each sticker's payment code (if it has one) in a captioned frame;
    `StickerError` if the label cannot hold both codes at `min_qr_mm`.
    """
    if mode not in ("labels", "printshop"):
        raise StickerError(f"unknown sticker mode {mode!r}; use 'labels' or 'printshop'.")
    sheets = plan_sheets(stickers, template, start_position=start_position, offset_mm=offset_mm,
                         min_qr_mm=min_qr_mm, show_price=show_price, show_payment=show_payment,
                         design=design)
    bleed = None
    if design.background is not None:  # the background bleeds past the cut for the shop
        bleed = printshop.BLEED_MM if mode == "printshop" else 0.0
    labels, rules = sheet_labels(sheets, bleed, template)
    html = env.get_template("print/stickers.html").render(
        sheets=labels,
        rules=Markup(rules),
        template=template,
        mode=mode,
        bleed_mm=printshop.BLEED_MM,
        frame_line_mm=FRAME_LINE,
        ink="device-cmyk(0 0 0 1)" if mode == "printshop" else "#000",
        background=design.css_background(),
        meta=meta,
    )
    # the QR codes: the same black as the text (100 % K for the print shop)
    ink = b"0 0 0 1 k" if mode == "printshop" else b"0 0 0 rg"
    overlays = [sheet_qr_ops(sheet, ink) for sheet in sheets]
    if mode == "labels":
        return html_to_pdf(html, what=f"sticker sheet {template.name}", lean=True,
                           overlays=overlays)
    # print shop: crop marks outside the bleed and each label's cut path, on top
    marks = printshop.overlay_ops(template, offset_mm)
    return html_to_pdf(html, what=f"sticker sheet {template.name}", lean=True,
                       overlays=[ops + b"\n" + marks for ops in overlays],
                       pdf_variant="pdf/x-4", page_setup=printshop.setup_page)
