"""Print documents: QR sticker sheets and booklets (WeasyPrint).

Written against small plain dataclasses, independent of the content model:
the build turns items into `StickerContent` and booklets into `BookletDoc`.
"""

from __future__ import annotations

from site_builder.labelsheets import BUILTIN, LabelTemplate, custom_template, get_template
from site_builder.print_errors import FontError, LabelError, PrintError, StickerError

from .booklet import BookletChapter, BookletDoc, render_bilingual_booklet, render_booklet
from .fonts import FAMILY, PDF_FAMILY, assert_fonts_embedded
from .impose import saddle_stitch
from .payment import PaymentQr
from .pdfmeta import PdfMeta
from .stickers import StickerContent, layout_sticker, render_sticker_sheet

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
