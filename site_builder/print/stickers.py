"""QR sticker sheets for gift boxes: one PDF, one page per label sheet.

Each sticker holds the item's QR code (a vector path, quiet zone included, as large
as the label allows next to its text), the item's name in every site language, the
short URL in readable text and, if asked, the price.

With `show_payment`, a sticker whose content has a `PaymentQr` also holds the bank
payment code: in a frame at the label's right end, captioned under the code
("Chuyển khoản / Pay", the bank, the payee), while the item's code keeps its text and
gains the caption "Xem trang / Read more" above the URL. Both codes are at least
`min_qr_mm` wide; labels too small for both are refused with a message.

This module draws; the layout is computed without WeasyPrint, in millimetres
(sticker_text.py: paragraphs and their lines; sticker_geometry.py: boxes on a label;
sticker_layout.py: text sizes and refusals; sticker_sheets.py: which label each copy
goes on), and handed to the template as absolute positions on the page: WeasyPrint only places boxes (no flex, no grid, not even a box
per label), which keeps a sheet of 21 stickers fast. Text is measured with the
packaged font's advance widths (no kerning, so a slight overestimate) and wrapped
here; each paragraph is one box whose lines break only where the layout broke them,
so the PDF shows exactly the layout that was checked. Boxes get their places from CSS
rules shared by every box at the same place (`sheet_labels`), not from style
attributes, and the QR codes are not HTML at all: their modules are written as PDF
rectangles (render/qr_draw.py, the one QR drawing routine) straight into each page
(`sheet_qr_ops`), where WeasyPrint would parse an SVG path per code in Python.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from markupsafe import Markup

from site_builder.labelsheets import LabelTemplate
from site_builder.messages import Msg
from site_builder.print_errors import StickerError
from site_builder.render import qr_draw
from site_builder.render.qr import QrSymbol

from . import printshop
from .engine import html_to_pdf
from .pdfmeta import PdfMeta
from .sticker_geometry import FRAME_LINE, PaymentPlace, StickerLayout, with_quiet_zone
from .sticker_layout import check_label_fits, layout_sticker
from .sticker_sheets import PlacedSticker, plan_sheets
from .sticker_text import (
    MIN_PT,
    STANDARD,
    TEXT_KINDS,
    StickerContent,
    StickerDesign,
    TextBlock,
    display_url,
    text_scale,
)

if TYPE_CHECKING:
    import jinja2

__all__ = [  # the layout's names, as callers imported them from here
    "MIN_PT",
    "STANDARD",
    "TEXT_KINDS",
    "PaymentPlace",
    "PlacedSticker",
    "StickerContent",
    "StickerDesign",
    "StickerLayout",
    "TextBlock",
    "check_label_fits",
    "display_url",
    "draw_sheets",
    "layout_sticker",
    "plan_sheets",
    "qr_fill_ops",
    "render_sticker_sheet",
    "sheet_labels",
    "sheet_qr_ops",
    "text_scale",
    "with_quiet_zone",
]

Mode = Literal["labels", "printshop"]
MM_PT = 72 / 25.4  # points per mm


def qr_fill_ops(qr: QrSymbol) -> bytes:
    """The dark modules as PDF path operators in module units (quiet zone included in
    the coordinates), written into the page's content stream by `sheet_qr_ops`:
    `render.qr_draw.pdf_fill_ops`, the same squares as `QrSymbol.svg_path_d()`."""
    return qr.pdf_fill_ops()


@lru_cache(maxsize=4096)
def _fill_ops(rows: tuple[str, ...]) -> bytes:
    return qr_draw.pdf_fill_ops(rows)


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
        out.append(
            _placed_ops(
                s.x + layout.qr_x,
                s.y + layout.qr_y,
                layout.qr_size,
                s.modules,
                _fill_ops(s.qr_rows),
            )
        )
        if (p := layout.payment) is not None:
            out.append(
                _placed_ops(
                    s.x + p.qr_x, s.y + p.qr_y, p.qr_size, s.pay_modules, _fill_ops(s.pay_rows)
                )
            )
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
        return _stroke_path(self.sticker.qr_rows)

    @property
    def pay_path_d(self) -> str:
        return _stroke_path(self.sticker.pay_rows)


def _stroke_path(rows: tuple[str, ...]) -> str:
    """Dark runs as horizontal strokes, for `stroke-width: 1` (module units)."""
    return qr_draw.svg_stroke_path_d(rows)


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


Box = tuple[float, float, float, float]  # x, y, width, height (mm on the page)


def _empty_labels(sheet: Sequence[PlacedSticker], template: LabelTemplate | None) -> list[Box]:
    """The labels of the sheet no sticker is printed on (a half-used sheet), offset like
    the stickers: nothing may be printed on them."""
    if template is None or not sheet:
        return []
    first = sheet[0]
    x0, y0, _, _ = template.label_box(first.index)
    dx, dy = first.x - x0, first.y - y0
    used = {s.index for s in sheet}
    return [
        (x + dx, y + dy, w, h) for i, (x, y, w, h) in enumerate(template.boxes()) if i not in used
    ]


def _bleed(s: PlacedSticker, bleed: float, empty: Sequence[Box]) -> tuple[float, ...]:
    """How far (mm) a sticker's background runs past its cut line on each side (left, top,
    right, bottom): `bleed`, short of any empty label it would reach (labels on a sheet
    are often closer than a print shop's 3 mm bleed; rows of L7160 touch). Of the sides
    that keep it off an empty label, the one that loses least is shortened."""
    extent = [bleed] * 4
    eps = 1e-6
    for ex, ey, ew, eh in empty:
        left, top, right, bottom = extent
        if not (
            s.x - left < ex + ew - eps
            and ex < s.x + s.width + right - eps
            and s.y - top < ey + eh - eps
            and ey < s.y + s.height + bottom - eps
        ):
            continue
        options = []  # (how much shorter, side, new extent)
        if ex + ew <= s.x + eps:
            options.append((left - (s.x - ex - ew), 0, max(0.0, s.x - ex - ew)))
        if ey + eh <= s.y + eps:
            options.append((top - (s.y - ey - eh), 1, max(0.0, s.y - ey - eh)))
        if ex >= s.x + s.width - eps:
            options.append((right - (ex - s.x - s.width), 2, max(0.0, ex - s.x - s.width)))
        if ey >= s.y + s.height - eps:
            options.append((bottom - (ey - s.y - s.height), 3, max(0.0, ey - s.y - s.height)))
        if options:
            _loss, side, value = min(options)
            extent[side] = value
    return tuple(extent)


def sheet_labels(
    sheets: Sequence[Sequence[PlacedSticker]],
    background: float | None = None,
    template: LabelTemplate | None = None,
) -> tuple[list[list[SheetLabel]], str]:
    """The template's view of `sheets`, and the CSS rules its class names refer to.

    Positions are on the page (label corner + place on the label), in mm.
    `background`: each label gets a background box reaching this far (mm) past its
    edge (0: the label's own shape; the print shop's bleed: past the cut line), never
    onto a label of the sheet that has no sticker (`_bleed`).
    """
    rules = _Rules()
    out: list[list[SheetLabel]] = []
    known: dict[tuple[float, float, TextBlock], str] = {}
    for sheet in sheets:
        row = []
        empty = _empty_labels(sheet, template)
        for s in sheet:
            bg = ""
            if background is not None:
                left, top, right, bottom = _bleed(s, background, empty)
                radius = (
                    f"border-radius:{s.width / 2}mm"
                    if template is not None and template.shape == "round" and background == 0
                    else "border-radius:"
                    f"{template.corner_radius if template and background == 0 else 0}mm"
                )
                bg = rules.name(
                    "g",
                    f"left:{round(s.x - left, 3)}mm;top:{round(s.y - top, 3)}mm;"
                    f"width:{round(s.width + left + right, 3)}mm;"
                    f"height:{round(s.height + top + bottom, 3)}mm;{radius}",
                )
            frame = ""
            if (p := s.layout.payment) is not None:
                frame = rules.name(
                    "f",
                    f"left:{round(s.x + p.frame_x, 3)}mm;"
                    f"top:{round(s.y + p.frame_y, 3)}mm;"
                    f"width:{p.frame_width}mm;height:{p.frame_height}mm",
                )
            texts = []
            for b in s.layout.blocks:
                classes = known.get((s.x, s.y, b))
                if classes is None:
                    classes = rules.name(
                        "b",
                        f"left:{round(s.x + b.x, 3)}mm;"
                        f"top:{round(s.y + b.y, 3)}mm;width:{b.width}mm;"
                        f"font-size:{b.size_pt}pt;"
                        f"line-height:{b.line_height:.3f}mm;"
                        f"text-align:{b.align}",
                    )
                    if b.lang:  # WeasyPrint's property for the lang attribute
                        lang = re.sub(r"[^A-Za-z0-9-]", "", b.lang)
                        classes += " " + rules.name("l", f'-weasy-lang:"{lang}"')
                    known[s.x, s.y, b] = classes
                texts.append((b, classes))
            row.append(SheetLabel(s, frame, tuple(texts), bg))
        out.append(row)
    return out, rules.css()


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
        raise StickerError(
            Msg("unknown sticker mode {mode!r}; use 'labels' or 'printshop'.", mode=mode)
        )
    sheets = plan_sheets(
        stickers,
        template,
        start_position=start_position,
        offset_mm=offset_mm,
        min_qr_mm=min_qr_mm,
        show_price=show_price,
        show_payment=show_payment,
        design=design,
    )
    return draw_sheets(
        sheets, template, env=env, mode=mode, offset_mm=offset_mm, meta=meta, design=design
    )


def draw_sheets(
    sheets: Sequence[Sequence[PlacedSticker]],
    template: LabelTemplate,
    *,
    env: jinja2.Environment,
    mode: Mode = "labels",
    offset_mm: tuple[float, float] = (0.0, 0.0),
    meta: PdfMeta,
    design: StickerDesign = STANDARD,
) -> bytes:
    """The PDF of sheets already planned (`plan_sheets`): what `render_sticker_sheet`
    draws, and what the tests draw after changing a layout (e.g. to measure each line's
    ink alone, at the place the whole sheet prints it)."""
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
        return html_to_pdf(
            html, what=f"sticker sheet {template.name}", lean=True, overlays=overlays
        )
    # print shop: crop marks outside the bleed and each label's cut path, on top
    marks = printshop.overlay_ops(template, offset_mm)
    return html_to_pdf(
        html,
        what=f"sticker sheet {template.name}",
        lean=True,
        overlays=[ops + b"\n" + marks for ops in overlays],
        pdf_variant="pdf/x-4",
        page_setup=printshop.setup_page,
    )
