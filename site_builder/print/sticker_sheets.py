"""Which label of which sheet each copy of each sticker goes on (`plan_sheets`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from site_builder.errors import ContentError
from site_builder.labelsheets import LabelTemplate
from site_builder.messages import Msg
from site_builder.print_errors import StickerError

from .sticker_geometry import FRAME_INSET, TEXT_INSET, StickerLayout
from .sticker_layout import check_label_fits, layout_sticker
from .sticker_text import STANDARD, StickerContent, StickerDesign

if TYPE_CHECKING:
    from site_builder.config import SiteConfig

#: how near the paper's edge a home printer still prints (mm): inkjet and laser printers
#: leave 3 to 4.2 mm of most sheets blank, and a label sheet is printed on one of those
PRINTER_MARGIN_MM = 3.0
#: nothing of a sticker inks nearer its cut line than this (without a background)
INK_INSET = min(TEXT_INSET, FRAME_INSET)
MAX_OFFSET_MM = 10.0  # a calibration offset corrects a printer's drift of a few mm


@dataclass(frozen=True)
class OffsetLimit:
    """An offset that moves a sticker's ink off the paper or into the printer's blank edge."""

    axis: str  # x | y
    value: float  # mm, as given
    least: float  # the offsets allowed on this axis for this sheet, mm
    most: float


def used_labels(template: LabelTemplate, start_position: int, total: int) -> list[int]:
    """The labels (0-based) a run of `total` stickers prints on, from `start_position`."""
    first = start_position - 1
    if first + total > template.per_sheet:  # the next sheets start at the first label
        return list(range(template.per_sheet))
    return list(range(first, first + total))


def offset_limit(
    template: LabelTemplate,
    labels: Sequence[int],
    offset_mm: tuple[float, float],
    background: bool = False,
) -> OffsetLimit | None:
    """The first axis on which `offset_mm` moves the ink of `labels` nearer the paper's edge
    than PRINTER_MARGIN_MM (a label's ink: its shape with a background colour, else
    INK_INSET inside it); None when it does not. A template whose labels already reach
    nearer than that keeps its own reach: the offset just may not add to it."""
    inset = 0.0 if background else INK_INSET
    boxes = [template.label_box(i) for i in labels]
    if not boxes:
        return None
    m = PRINTER_MARGIN_MM
    spans = (
        (
            "x",
            min(b[0] for b in boxes) + inset,
            max(b[0] + b[2] for b in boxes) - inset,
            template.page_width,
        ),
        (
            "y",
            min(b[1] for b in boxes) + inset,
            max(b[1] + b[3] for b in boxes) - inset,
            template.page_height,
        ),
    )
    for (axis, low, high, page), value in zip(spans, offset_mm, strict=True):
        # (within the -10 to 10 mm any calibration offset is held to)
        least = max(-MAX_OFFSET_MM, min(m, low) - low)
        most = min(MAX_OFFSET_MM, max(page - m, high) - high)
        if not least - 1e-9 <= value <= most + 1e-9:
            return OffsetLimit(axis, value, round(least, 2), round(most, 2))
    return None


def offset_message(limit: OffsetLimit, template: LabelTemplate, source: str = "") -> Msg:
    """`limit` as a message; `source`: where the offset was given (an option or a field)."""
    values = {
        "source": source or f"offset {limit.axis}",
        "value": limit.value,
        "template": template.name,
        "margin": PRINTER_MARGIN_MM,
        "least": f"{limit.least:g}",
        "most": f"{limit.most:g}",
    }
    return Msg(
        "{source} {value:g} mm moves the stickers' ink off the paper or into the {margin:g} mm "
        "a home printer leaves blank at its edge ({template}); on this sheet the offset may "
        "be from {least} to {most} mm.",
        **values,
    )


def offset_refusal(
    template: LabelTemplate,
    start_position: int,
    total: int,
    offset_mm: tuple[float, float],
    *,
    background: bool,
    config: SiteConfig | None = None,
) -> StickerError | ContentError | None:
    """Why a sheet of `total` stickers from label `start_position` may not take the
    calibration offset `offset_mm` (`offset_limit`), naming where it was given: the option
    (--offset-x/-y), or with `config` its site.yaml's field and line; None when it may.
    The build's preview sheet, `site-builder stickers` and `check` all ask this."""
    if not any(offset_mm) or not 1 <= start_position <= template.per_sheet:
        return None  # (a wrong start is refused by plan_sheets, with its own message)
    labels = used_labels(template, start_position, total)
    limit = offset_limit(template, labels, offset_mm, background)
    if limit is None:
        return None
    if config is None:
        return StickerError(offset_message(limit, template, f"--offset-{limit.axis}"))
    field = f"offset_{limit.axis}_mm"
    return ContentError(
        config.root / "site.yaml",
        config.line("stickers", field),
        f"stickers.{field}",
        offset_message(limit, template, field),
    )


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
        if not -MAX_OFFSET_MM <= value <= MAX_OFFSET_MM:
            raise StickerError(
                Msg(
                    "calibration offset {value} mm is too large; offsets correct printer drift of "
                    "a few millimetres (-10 to 10).",
                    value=value,
                )
            )
    jobs: list[tuple[StickerContent, StickerLayout]] = []
    total = sum(c for _, c in stickers if isinstance(c, int) and c > 0)
    limit = offset_limit(
        template,
        used_labels(template, start_position, total),
        offset_mm,
        design.background is not None,
    )
    if limit is not None:
        raise StickerError(offset_message(limit, template))
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
