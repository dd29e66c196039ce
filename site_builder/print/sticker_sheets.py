"""Which label of which sheet each copy of each sticker goes on (`plan_sheets`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from site_builder.labelsheets import LabelTemplate
from site_builder.messages import Msg
from site_builder.print_errors import StickerError

from .sticker_geometry import StickerLayout
from .sticker_layout import check_label_fits, layout_sticker
from .sticker_text import STANDARD, StickerContent, StickerDesign


@dataclass(frozen=True)
class PlacedSticker:
    index: int  # label number on its sheet, 0-based
    x: float  # label's top-left corner on the page, mm (offset applied)
    y: float
    width: float
    height: float
    layout: StickerLayout
    qr_rows: tuple[str, ...]  # the item's code (`QrSymbol.rows`)
    modules: int  # across, quiet zone included
    code: str
    pay_rows: tuple[str, ...] = ()  # the payment code, if layout.payment
    pay_modules: int = 0


def plan_sheets(
    stickers: Sequence[tuple[StickerContent, int]],
    template: LabelTemplate,
    *,
    start_position: int = 1,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    min_qr_mm: float = 20.0,
    show_price: bool = False,
    show_payment: bool = False,
    design: StickerDesign = STANDARD,
) -> list[list[PlacedSticker]]:
    """Assign every copy of every sticker to a label: [sheet][sticker]."""
    smallest = min((c.qr.size_with_quiet_zone for c, n in stickers if n), default=33)
    check_label_fits(
        template,
        min_qr_mm,
        payment=show_payment and any(c.payment is not None and n for c, n in stickers),
        modules=smallest,
    )
    per_sheet = template.per_sheet
    if not isinstance(start_position, int) or not 1 <= start_position <= per_sheet:
        raise StickerError(
            Msg(
                "start position {start} is not a label of {template}; use 1 to {last} (labels are "
                "counted left to right, top to bottom).",
                start=start_position,
                template=template.name,
                last=per_sheet,
            )
        )
    dx, dy = offset_mm
    for value in (dx, dy):
        if not -10 <= value <= 10:
            raise StickerError(
                Msg(
                    "calibration offset {value} mm is too large; offsets correct printer drift of "
                    "a few millimetres (-10 to 10).",
                    value=value,
                )
            )
    jobs: list[tuple[StickerContent, StickerLayout]] = []
    total = 0
    for content, copies in stickers:
        if not isinstance(copies, int) or copies < 0:
            raise StickerError(
                Msg(
                    "sticker {code}: copies must be 0 or more, not {copies!r}.",
                    code=content.code,
                    copies=copies,
                )
            )
        if copies == 0:
            continue
        layout = layout_sticker(
            content,
            template,
            min_qr_mm=min_qr_mm,
            show_price=show_price,
            show_payment=show_payment,
            design=design,
        )
        jobs.extend([(content, layout)] * copies)
        total += copies
    if total == 0:
        raise StickerError(Msg("nothing to print: every sticker has 0 copies."))

    sheets: list[list[PlacedSticker]] = []
    slot = start_position - 1
    current: list[PlacedSticker] = []
    for content, layout in jobs:
        if slot == per_sheet:
            sheets.append(current)
            current, slot = [], 0
        x, y, w, h = template.label_box(slot)
        pay = content.payment if layout.payment is not None else None
        current.append(
            PlacedSticker(
                slot,
                round(x + dx, 3),
                round(y + dy, 3),
                w,
                h,
                layout,
                content.qr.rows,
                content.qr.size_with_quiet_zone,
                content.code,
                pay.qr.rows if pay else (),
                pay.qr.size_with_quiet_zone if pay else 0,
            )
        )
        slot += 1
    sheets.append(current)
    return sheets
