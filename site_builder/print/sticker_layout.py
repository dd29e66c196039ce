"""One sticker's layout on a label, or a message saying why it cannot be printed.

`layout_sticker` starts with the text at its preferred size (larger on larger labels,
`text_scale`) and the largest QR code that fits beside or below it
(`sticker_geometry`); the code shrinks to `min_qr_mm` first, then all text shrinks
step by step down to MIN_PT. `check_label_fits` refuses a label that cannot hold even
one line beside a `min_qr_mm` code, before any item is tried. No WeasyPrint here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from site_builder.labelsheets import BUILTIN, LabelTemplate, _num
from site_builder.messages import Msg
from site_builder.print_errors import Phrase, StickerError

from .fonts import check_text
from .sticker_geometry import (
    FRAME_INSET,
    MIN_TEXT_WIDTH,
    PAY_PAD,
    QR_INSET,
    QR_TEXT_GAP,
    TEXT_INSET,
    StickerLayout,
    _pay_panel,
    _try,
    _try_pay,
    with_quiet_zone,
)
from .sticker_text import (
    BOLD,
    LINE_HEIGHT,
    MIN_PT,
    PRODUCT_CAPTION,
    PT,
    STANDARD,
    StickerContent,
    StickerDesign,
    _Para,
    _paragraphs,
    _scales,
    _sizes,
    _width,
    text_scale,
)

MIN_MODULE_MM = 0.4  # smaller modules are hard for phone cameras at packaging distance
#: larger templates suggested when a label cannot hold both codes
PAYMENT_TEMPLATES = ("L7163", "L7173")


def _larger_templates(
    template: LabelTemplate, fits: Callable[[LabelTemplate], bool] | None = None
) -> Phrase:
    """The built-in payment templates larger than `template` (with `fits`: those on which
    it holds, e.g. the payment caption under its code), as a phrase for a message."""
    area = template.label_width * template.label_height
    names = [
        BUILTIN[n]
        for n in PAYMENT_TEMPLATES
        if n != template.name
        and BUILTIN[n].label_width * BUILTIN[n].label_height > area
        and (fits is None or fits(BUILTIN[n]))
    ]
    if not names:
        return Phrase("a larger template")
    listed = [f"{t.name} ({t.size_text})" for t in names]
    if len(listed) == 1:
        return Phrase("a larger template such as {first}", first=listed[0])
    return Phrase(
        "a larger template such as {first} or {second}",
        first=", ".join(listed[:-1]),
        second=listed[-1],
    )


def layout_sticker(
    content: StickerContent,
    template: LabelTemplate,
    *,
    min_qr_mm: float = 20.0,
    show_price: bool = False,
    show_payment: bool = False,
    design: StickerDesign = STANDARD,
) -> StickerLayout:
    """Place one sticker's QR code and text on a label of `template` (mm from its corner).

    Text starts at its preferred size (larger on larger labels, `text_scale`) with the
    largest QR code that fits beside or below it; the code shrinks to `min_qr_mm` first
    (the symbol, without its quiet zone), then all text shrinks step by step down to
    MIN_PT (6 pt). Raises `StickerError` naming the item when even that is not enough.
    With `show_payment` and a `content.payment`, the payment code gets a framed panel
    at the right end of the label; both symbols are at least `min_qr_mm` wide.
    """
    payment = content.payment if show_payment else None
    check_label_fits(
        template, min_qr_mm, payment=payment is not None, modules=content.qr.size_with_quiet_zone
    )
    paras = _paragraphs(content, show_price, caption=payment is not None, design=design)
    pay_paras: tuple[_Para, ...] = ()
    if payment is not None:
        pay_paras = tuple(
            _Para(line, "pay" if i == 0 else "pay2", None, False)
            for i, line in enumerate(payment.label_lines)
        )
    for para in paras + list(pay_paras):
        check_text(para.text, f"sticker {content.code}")
    return _layout_cached(
        tuple(paras),
        template,
        min_qr_mm,
        content.code,
        content.qr.size_with_quiet_zone,
        pay_paras,
        payment.qr.size_with_quiet_zone if payment else 0,
        design,
    )


def _module_error(code: str, which: str, modules: int, size: float) -> StickerError:
    values = {
        "code": code,
        "modules": modules,
        "size": _num(size),
        "module": size / modules,
        "least": MIN_MODULE_MM,
    }
    if which:
        return StickerError(
            Msg(
                "sticker {code}: its payment QR code is {modules} modules wide (quiet zone "
                "included), so at {size} mm a module is {module:.2f} mm, below the {least} mm "
                "phones read reliably; use a lower error correction level for the payment code, "
                "or a larger template.",
                **values,
            )
        )
    return StickerError(
        Msg(
            "sticker {code}: its QR code is {modules} modules wide (quiet zone included), so at "
            "{size} mm a module is {module:.2f} mm, below the {least} mm phones read reliably; "
            "use a shorter URL (upper case, short code), a lower error correction level, or a "
            "larger template.",
            **values,
        )
    )


@lru_cache(maxsize=4096)
def _layout_cached(
    paras: tuple[_Para, ...],
    template: LabelTemplate,
    min_qr_mm: float,
    code: str,
    modules: int,
    pay_paras: tuple[_Para, ...] = (),
    pay_modules: int = 0,
    design: StickerDesign = STANDARD,
) -> StickerLayout:
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
    names = [p.text for p in paras if p.kind in ("name", "name2")]
    values = {
        "code": code,
        "template": template.name,
        "size": template.size_text,
        "qr": _num(min_qr_mm),
        "least": MIN_PT,
        "lengths": " / ".join(str(len(n)) for n in names),
    }
    if pay_paras:
        larger = _larger_templates(template)

        def caption_fits(t: LabelTemplate) -> bool:
            return (
                _pay_panel(pay_paras, _sizes(0.0), t.label_width, t.label_height, min_pay)
                is not None
            )

        if not caption_fits(template):
            # (only the templates under whose code this caption does fit)
            larger = _larger_templates(template, caption_fits)
            raise StickerError(
                Msg(
                    "sticker {code}: the payment caption ('{lines}') does not fit under a {qr} mm "
                    "payment QR code on a {template} label ({size}), even at {least} pt; shorten "
                    "the payment label lines, choose {larger}, lower min_qr_mm or print payment "
                    "cards separately.",
                    lines=" / ".join(p.text for p in pay_paras),
                    larger=larger,
                    **values,
                )
            )
        raise StickerError(
            Msg(
                "sticker {code}: its text does not fit on a {template} label ({size}) beside a "
                "{qr} mm product QR code and a {qr} mm payment QR code, even at {least} pt; "
                "shorten the item's names (now {lengths} characters), choose {larger}, lower "
                "min_qr_mm or print payment cards separately.",
                larger=larger,
                **values,
            )
        )
    url = next(p for p in paras if p.kind == "url")
    url_width = _width(url.text, MIN_PT, BOLD["url"])
    if _try((url,), _sizes(0.0), template, min_q) is None:
        raise StickerError(
            Msg(
                "sticker {code}: the short URL '{url}' ({width:.1f} mm at {least} pt) does not fit "
                "on a {template} label ({size}) beside a {qr} mm QR code; use a shorter short_base "
                "URL, choose a larger template or lower min_qr_mm.",
                url=url.text,
                width=url_width,
                **values,
            )
        )
    raise StickerError(
        Msg(
            "sticker {code}: its text does not fit on a {template} label ({size}) beside a {qr} mm "
            "QR code, even at {least} pt; shorten the item's names (now {lengths} characters), "
            "choose a larger template or lower min_qr_mm.",
            **values,
        )
    )


# one line of text MIN_TEXT_WIDTH wide: the least a sticker needs beside its code
_PROBE_TEXT = (_Para("x", "name", None, True),)
# with a payment code: the product caption and one line; one caption line for the payment
_PROBE_PAY_TEXT = (_Para(PRODUCT_CAPTION, "see", None, False), _Para("x", "name", None, True))
_PROBE_PAY_CAPTION = (_Para("x", "pay", None, True),)


def check_label_fits(
    template: LabelTemplate, min_qr_mm: float, payment: bool = False, modules: int = 33
) -> None:
    """Raise `StickerError` if a `min_qr_mm` QR symbol (`modules` wide with its quiet
    zone; 33 = version 2) plus one line of text cannot fit (with `payment`: two such
    codes, the product caption and one payment caption line)."""
    if not (isinstance(min_qr_mm, (int, float)) and math.isfinite(min_qr_mm) and min_qr_mm > 0):
        raise StickerError(
            Msg("min_qr_mm must be a positive number of mm, not {value}.", value=min_qr_mm)
        )
    if payment:
        _check_payment_label_cached(template, min_qr_mm, modules)
    _check_label_cached(template, min_qr_mm, modules)


@lru_cache(maxsize=256)
def _check_payment_label_cached(template: LabelTemplate, min_qr_mm: float, modules: int) -> None:
    w, h, m = template.label_width, template.label_height, with_quiet_zone(min_qr_mm, modules)
    values = {
        "template": template.name,
        "size": template.size_text,
        "qr": _num(min_qr_mm),
        "larger": _larger_templates(template),
    }
    if template.shape == "round":
        raise StickerError(
            Msg(
                "label {template} is round ({size}); a {qr} mm product QR code and a {qr} mm "
                "payment QR code are printed side by side on rectangular labels only; choose "
                "{larger}, lower min_qr_mm or print payment cards separately.",
                **values,
            )
        )
    if _try_pay(_PROBE_PAY_TEXT, _PROBE_PAY_CAPTION, _sizes(0.0), template, m):
        return
    # what the two codes with one line of caption each need at the very least
    line_h = MIN_PT * LINE_HEIGHT * PT
    need_w = max(2 * QR_INSET + m, 2 * TEXT_INSET + MIN_TEXT_WIDTH) + m + 2 * PAY_PAD + FRAME_INSET
    need_h = max(2 * FRAME_INSET + 2 * PAY_PAD + m + line_h, 2 * QR_INSET + m)
    raise StickerError(
        Msg(
            "label {template} is {width} × {height} mm; a {qr} mm product QR code and a {qr} mm "
            "payment QR code side by side, each with its caption, need at least "
            "{need_w:.1f} × {need_h:.1f} mm; choose {larger}, lower min_qr_mm or print payment "
            "cards separately.",
            width=_num(w),
            height=_num(h),
            need_w=need_w,
            need_h=need_h,
            **values,
        )
    )


@lru_cache(maxsize=256)
def _check_label_cached(template: LabelTemplate, symbol_mm: float, modules: int) -> None:
    min_qr_mm = with_quiet_zone(symbol_mm, modules)
    values = {"template": template.name, "qr": _num(symbol_mm), "quiet": min_qr_mm}
    line_h = MIN_PT * LINE_HEIGHT * PT
    w, h = template.label_width, template.label_height
    if template.shape == "round":
        # one line of MIN_TEXT_WIDTH at MIN_PT under the code
        probe = LabelTemplate(template.name, "", 0, 0, "round", w, h, 1, 1, 0, 0, w, h)
        if _try_probe(probe, min_qr_mm):
            return
        d = w
        while not _try_probe(
            LabelTemplate("probe", "", 0, 0, "round", d, d, 1, 1, 0, 0, d, d), min_qr_mm
        ):
            d += 0.5
        raise StickerError(
            Msg(
                "label {template} is {width} mm across; a {qr} mm QR code ({quiet:.1f} mm with "
                "its quiet zone) with its text needs at least {need} mm across; choose a larger "
                "template or lower min_qr_mm.",
                width=_num(w),
                need=_num(d),
                **values,
            )
        )
    side_w = QR_INSET + min_qr_mm + QR_TEXT_GAP + MIN_TEXT_WIDTH + TEXT_INSET
    side_h = max(2 * QR_INSET + min_qr_mm, 2 * TEXT_INSET + line_h)
    stack_w = max(2 * QR_INSET + min_qr_mm, 2 * TEXT_INSET + MIN_TEXT_WIDTH)
    stack_h = QR_INSET + min_qr_mm + QR_TEXT_GAP + line_h + TEXT_INSET
    eps = 1e-6
    if (w + eps >= side_w and h + eps >= side_h) or (w + eps >= stack_w and h + eps >= stack_h):
        return
    raise StickerError(
        Msg(
            "label {template} is {width} × {height} mm; a {qr} mm QR code ({quiet:.1f} mm with "
            "its quiet zone) with its text needs at least {side_w:.1f} × {side_h:.1f} mm (text "
            "beside the code) or {stack_w:.1f} × {stack_h:.1f} mm (text below it); choose a "
            "larger template or lower min_qr_mm.",
            width=_num(w),
            height=_num(h),
            side_w=side_w,
            side_h=side_h,
            stack_w=stack_w,
            stack_h=stack_h,
            **values,
        )
    )


def _try_probe(template: LabelTemplate, min_qr_mm: float) -> bool:
    return _try(_PROBE_TEXT, _sizes(0.0), template, min_qr_mm) is not None
