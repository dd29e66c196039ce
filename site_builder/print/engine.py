"""One WeasyPrint setup shared by every print document of a process.

Importing WeasyPrint takes ~0.5 s, so it is imported on first use. The font
configuration, the @font-face stylesheet and the image cache are created once and
reused by every document (fonts are registered with fontconfig only once).
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from .fonts import check_document_fonts, font_face_css

_lock = threading.Lock()
_state: dict[str, Any] = {}


def _shared() -> dict[str, Any]:
    with _lock:
        if not _state:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            font_config = FontConfiguration()
            _state["font_config"] = font_config
            _state["fonts_css"] = CSS(string=font_face_css(), font_config=font_config)
            _state["cache"] = {}
            # drop the font configuration before interpreter teardown, when its
            # __del__ can still clean its temporary folder
            atexit.register(_state.clear)
        return _state


def html_to_pdf(html: str, *, what: str, base_url: str | None = None, image_dpi: int | None = None
                ) -> bytes:
    """Render an HTML string to PDF bytes, deterministically, with our fonts only.

    `what` names the document in error messages ("sticker sheet L7160").
    """
    from weasyprint import HTML

    state = _shared()
    document = HTML(string=html, base_url=base_url).render(
        font_config=state["font_config"],
        stylesheets=[state["fonts_css"]],
        cache=state["cache"],
    )
    options: dict[str, Any] = {"pdf_identifier": True}
    if image_dpi:
        options.update(dpi=image_dpi, optimize_images=True, jpeg_quality=88)
    pdf = document.write_pdf(**options)
    check_document_fonts((font.name for font in document.fonts.values()), what)
    return bytes(pdf)
