"""Saddle-stitch imposition: booklet pages two-up on sheets folded in the middle.

For N pages (N a multiple of 4), sheet s (from 0) carries
front = [N-2s | 2s+1] and back = [2s+2 | N-2s-1] (1-based page numbers);
for 8 pages: (8,1) (2,7) (6,3) (4,5). Print double-sided, flip on the short edge.
"""

from __future__ import annotations

import io

from site_builder.print_errors import PrintError

MM = 72 / 25.4

# (page size in mm, portrait) -> sheet size in mm, landscape
_SHEETS = {
    (148.0, 210.0): (297.0, 210.0),  # A5 pages on A4
    (105.0, 148.0): (210.0, 148.0),  # A6 pages on A5
    (210.0, 297.0): (420.0, 297.0),  # A4 pages on A3
}


def imposition_order(page_count: int) -> list[tuple[int, int]]:
    """[(left, right), ...] 1-based, one pair per sheet side: front, back, front, ..."""
    if page_count % 4:
        raise ValueError("page_count must be a multiple of 4")
    order = []
    for s in range(page_count // 4):
        order.append((page_count - 2 * s, 2 * s + 1))
        order.append((2 * s + 2, page_count - 2 * s - 1))
    return order


def saddle_stitch(pdf_bytes: bytes, *, keep_back_cover: bool = True) -> bytes:
    """Impose a booklet PDF for saddle stitching; returns the new PDF.

    Pads to a multiple of 4 with blank pages. With `keep_back_cover` (the default, as
    our booklets end with a back cover) the blanks go before the last page, so the back
    cover stays on the outside; otherwise they go at the end. A5 pages land two-up on
    A4 landscape (A6 on A5, A4 on A3; other sizes on a sheet twice as wide), centred.
    """
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    reader = PdfReader(io.BytesIO(pdf_bytes))
    pages = list(reader.pages)
    if not pages:
        raise PrintError("cannot impose an empty PDF: the booklet has no pages.")
    width = float(pages[0].mediabox.width)
    height = float(pages[0].mediabox.height)
    for number, page in enumerate(pages, 1):
        if (
            abs(float(page.mediabox.width) - width) > 0.5
            or abs(float(page.mediabox.height) - height) > 0.5
        ):
            raise PrintError(
                f"cannot impose: page {number} is not the size of page 1; "
                "render the booklet with a single page size."
            )
    blanks = (-len(pages)) % 4
    slots: list[PageObject | None] = list(pages)
    if keep_back_cover and len(pages) > 1:
        slots = slots[:-1] + [None] * blanks + slots[-1:]
    else:
        slots = slots + [None] * blanks

    key = (round(width / MM), round(height / MM))
    sheet_mm = _SHEETS.get((float(key[0]), float(key[1])))
    if sheet_mm:
        sheet_w, sheet_h = sheet_mm[0] * MM, sheet_mm[1] * MM
    else:
        sheet_w, sheet_h = 2 * width, height
    x0 = (sheet_w - 2 * width) / 2
    y0 = (sheet_h - height) / 2

    writer = PdfWriter()
    for left, right in imposition_order(len(slots)):
        sheet = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        for number, x in ((left, x0), (right, x0 + width)):
            slot = slots[number - 1]
            if slot is None:
                continue
            # move the page's own origin (mediabox may not start at 0, 0)
            dx = x - float(slot.mediabox.left)
            dy = y0 - float(slot.mediabox.bottom)
            sheet.merge_transformed_page(slot, Transformation().translate(dx, dy))
        writer.add_page(sheet)
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items() if isinstance(k, str)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
