"""Where a sticker's QR codes and text blocks go on one label: pure geometry.

Inputs are the label's size and shape, the paragraphs (`sticker_text`) and the text
sizes to try; outputs are boxes in millimetres from the label's top-left corner
(`StickerLayout`). No WeasyPrint, no messages: `sticker_layout` chooses the text sizes,
checks the result and explains a refusal.

Arrangements: text beside the item's code (`side`), below it (`stacked`), or below it
on a round label (`round`); with a payment code, a framed panel at the label's right
end holds that code and its caption (`PaymentPlace`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .sticker_text import TextBlock, _Para, _place_lines, _set_text

if TYPE_CHECKING:
    from site_builder.labelsheets import LabelTemplate

QR_INSET = 1.5  # mm from the die-cut edge to the QR symbol (its quiet zone is white anyway)
TEXT_INSET = 2.0  # mm from the die-cut edge to text (printers drift ~1 mm)
QR_TEXT_GAP = 0.0  # mm; the QR's 4-module quiet zone already separates it from text
MIN_TEXT_WIDTH = 15.0  # mm; narrower columns cannot hold a name
QR_STEP = 0.25  # mm; QR sizes tried from the largest down

# the payment code's frame (show_payment): inset from the die-cut edge, line width,
# room between the line and the code, and between the line and the caption's text
FRAME_INSET = 2.0  # everything printed stays 2 mm inside the die-cut edge
FRAME_LINE = 0.3
PAY_PAD = 0.8
PAY_TEXT_PAD = 0.6
PAY_GAP = 0.2  # mm between the caption's paragraphs


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


def _rect_side(
    paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float, q: float
) -> StickerLayout | None:
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
    return StickerLayout(
        "side", QR_INSET, (h - q) / 2, q, _place_lines(text, text_x, top, text_w, "left")
    )


def _rect_stacked(
    paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float, q: float
) -> StickerLayout | None:
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
    return StickerLayout(
        "stacked",
        (w - q) / 2,
        qr_y,
        q,
        _place_lines(text, TEXT_INSET, qr_y + q + QR_TEXT_GAP, text_w, "center"),
    )


def _round(
    paras: Sequence[_Para], sizes: dict[str, float], d: float, q: float
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
                return StickerLayout(
                    "round",
                    (d - q) / 2,
                    qr_top + shift,
                    q,
                    _place_lines(text, (d - width) / 2, text_top + shift, width, "center"),
                )
        width -= 1.0
    return None


def _largest_q(template: LabelTemplate) -> float:
    w, h = template.label_width, template.label_height
    if template.shape == "round":
        return math.floor((w / 2 - QR_INSET) * math.sqrt(2) / QR_STEP) * QR_STEP
    return math.floor((max(w, h) - 2 * QR_INSET) / QR_STEP) * QR_STEP


def _fit_rect(
    paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float, min_qr: float
) -> StickerLayout | None:
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


def _try(
    paras: Sequence[_Para], sizes: dict[str, float], template: LabelTemplate, min_qr: float
) -> StickerLayout | None:
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


def _pay_panel(
    pay_paras: Sequence[_Para], sizes: dict[str, float], w: float, h: float, qp: float
) -> tuple[PaymentPlace, tuple[TextBlock, ...]] | None:
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
    place = PaymentPlace(
        round(frame_x + PAY_PAD, 3),
        round(top, 3),
        qp,
        round(frame_x, 3),
        FRAME_INSET,
        round(frame_w, 3),
        round(frame_h, 3),
    )
    return place, _place_lines(text, frame_x + PAY_TEXT_PAD, top + qp, text_w, "center", PAY_GAP)


def _try_pay(
    paras: Sequence[_Para],
    pay_paras: Sequence[_Para],
    sizes: dict[str, float],
    template: LabelTemplate,
    min_qr: float,
    min_pay: float | None = None,
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
                return StickerLayout(
                    product.arrangement,
                    product.qr_x,
                    product.qr_y,
                    product.qr_size,
                    product.blocks + pay[1],
                    pay[0],
                )
        qp = round(qp - QR_STEP, 3)
    return None


def with_quiet_zone(symbol_mm: float, modules: int) -> float:
    """The printed width of a code whose symbol (without its 4-module quiet zone on each
    side) is `symbol_mm` wide; `modules` counts the quiet zone."""
    return symbol_mm * modules / (modules - 8)
