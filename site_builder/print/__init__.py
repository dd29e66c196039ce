"""Print documents: QR sticker sheets and booklets (WeasyPrint).

Written against small plain dataclasses, independent of the content model:
the build turns items into `StickerContent` and booklets into `BookletDoc`.

The names below are imported when first used (PEP 562): `check` asks
`sticker_layout` whether a label fits without importing the booklet and sheet
makers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from site_builder.labelsheets import BUILTIN, LabelTemplate, custom_template, get_template
from site_builder.print_errors import FontError, LabelError, PrintError, StickerError

# the project's sticker designs, below its templates folder (designs.py reads it; `check`
# keys its verdict on the stickers by its bytes without importing the layout)
DESIGNS_FILE = "print/sticker-designs.yaml"

if TYPE_CHECKING:
    from .booklet import BookletChapter, BookletDoc, render_bilingual_booklet, render_booklet
    from .fonts import FAMILY, PDF_FAMILY, assert_fonts_embedded
    from .impose import saddle_stitch
    from .payment import PaymentQr
    from .pdfmeta import PdfMeta
    from .stickers import StickerContent, layout_sticker, render_sticker_sheet

_LAZY = {
    "BookletChapter": "booklet",
    "BookletDoc": "booklet",
    "render_bilingual_booklet": "booklet",
    "render_booklet": "booklet",
    "FAMILY": "fonts",
    "PDF_FAMILY": "fonts",
    "assert_fonts_embedded": "fonts",
    "saddle_stitch": "impose",
    "PaymentQr": "payment",
    "PdfMeta": "pdfmeta",
    "StickerContent": "stickers",
    "layout_sticker": "stickers",
    "render_sticker_sheet": "stickers",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BUILTIN",
    "FAMILY",
    "PDF_FAMILY",
    "BookletChapter",
    "BookletDoc",
    "FontError",
    "LabelError",
    "LabelTemplate",
    "PaymentQr",
    "PdfMeta",
    "PrintError",
    "StickerContent",
    "StickerError",
    "assert_fonts_embedded",
    "custom_template",
    "get_template",
    "layout_sticker",
    "render_bilingual_booklet",
    "render_booklet",
    "render_sticker_sheet",
    "saddle_stitch",
]
