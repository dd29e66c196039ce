"""One WeasyPrint setup shared by every print document of a process.

Importing WeasyPrint takes ~0.5 s, so it is imported on first use. The font
configuration, the @font-face stylesheet and the image cache are created once and
reused by every document (fonts are registered with fontconfig only once).

A document made only of positioned boxes of text (a sticker sheet) can ask for a
`lean` user-agent stylesheet: WeasyPrint's own, less the rules for list markers,
footnotes and notes, which make it compute six pseudo-element styles for every
element (a tenth of a sticker sheet's time; the PDF is the same, see the tests).

Drawings that WeasyPrint would only slow down (the QR codes of a sticker sheet: as
SVG, WeasyPrint parses every path command in Python) can be handed over as ready
PDF content operators, one string per page, and are appended to that page's content
stream (`overlays`).
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from site_builder.print_errors import PrintError
from site_builder.vendor.weasyprint_shim import (
    add_stream,
    array,
    font_configuration,
    lean_html_class,
    page_objects,
    prepend,
    rewrite_stream,
)

from . import fontfolder
from .fonts import check_document_fonts, font_face_css

_lock = threading.Lock()
_state: dict[str, Any] = {}


# Where the HarfBuzz subsetter is missing (libharfbuzz-subset0 is not installed: WeasyPrint
# warns), WeasyPrint subsets fonts with fontTools, which stamps each subset's `head` table
# with the clock, unless SOURCE_DATE_EPOCH (reproducible-builds.org) gives the time: then
# two builds of the same input would differ in every PDF. The stamp is read by no one; a
# fixed one (2024-01-01) keeps the promise "same input, same bytes" on every machine.
FONT_STAMP = "1704067200"


def _shared() -> dict[str, Any]:
    with _lock:
        if not _state:
            os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_STAMP)
            from site_builder.content import raster

            raster.import_weasyprint()  # (it sets Pillow loose: set strict again)
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            font_config = font_configuration(FontConfiguration(), fontfolder.make())
            _state["font_config"] = font_config
            _state["fonts_css"] = CSS(string=font_face_css(), font_config=font_config)
            _state["cache"] = {}
            # drop the font configuration before interpreter teardown (its folder is
            # removed by fontfolder, whether or not it is garbage-collected)
            atexit.register(_state.clear)
        return _state


def html_to_pdf(
    html: str,
    *,
    what: str,
    base_url: str | None = None,
    image_dpi: int | None = None,
    overlays: Sequence[bytes] | None = None,
    lean: bool = False,
    files: Mapping[str, str] | None = None,
    pdf_variant: str | None = None,
    page_setup: Any = None,
) -> bytes:
    """Render an HTML string to PDF bytes, deterministically, with our fonts only.

    `what` names the document in error messages ("sticker sheet L7160").
    `overlays`, one per page, are PDF content operators drawn on top of that page, in
    points from the top-left corner of the page box (y downwards), in the default
    graphics state; the document must have exactly that many pages.
    `lean`: the document has no lists, footnotes or notes (see the module's notes).
    `files`: the only URLs the document may load (its photos), each with the file: URI
    it is read from; anything else a story names (http:, another file) is not fetched,
    and a warning names it.
    `pdf_variant` (e.g. "pdf/x-4"): a print-shop file, with an output intent (sRGB:
    the colour space the artwork is made in; the shop converts for its press).
    `page_setup(pdf, page)`: called on every page before its overlay is added (boxes,
    resources the overlay names).
    """
    from weasyprint import HTML

    state = _shared()
    factory = lean_html_class() if lean else HTML
    fetcher = _local_fetcher(what, dict(files or {}))
    document = factory(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=state["font_config"],
        stylesheets=[state["fonts_css"]],
        cache=state["cache"],
    )
    if overlays is not None and len(overlays) != len(document.pages):
        raise PrintError(
            f"{what}: the template made {len(document.pages)} page(s) for {len(overlays)} "
            "sheet(s); every sheet must be one page (check print/stickers.html and .css)."
        )
    options: dict[str, Any] = {"pdf_identifier": True}
    if pdf_variant:
        options.update(pdf_variant=pdf_variant, output_intent="srgb")
    if image_dpi:
        options.update(dpi=image_dpi, optimize_images=True, jpeg_quality=88)
    finisher = _overlay_finisher(overlays, page_setup) if overlays is not None else None
    if pdf_variant:
        finisher = _fixed_document_id(finisher, html)
    pdf = document.write_pdf(finisher=finisher, **options)
    check_document_fonts((font.name for font in document.fonts.values()), what)
    return bytes(pdf)


log = logging.getLogger("site_builder.print")


def _local_fetcher(what: str, files: dict[str, str]) -> Any:
    """A WeasyPrint URL fetcher that loads `files` (URL -> the file: URI to read) and
    data: URIs, and nothing else: a print document never reaches the network or a file
    outside what it was given."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            plain = url.split("#")[0].split("?")[0] if url.startswith("file:") else url
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if plain in files:
                return super().fetch(files[plain], headers)
            log.warning(
                "%s: %s was not loaded (a print document uses only the "
                "project's own files); it is left out.",
                what,
                url[:200],
            )
            raise ValueError(f"not loaded: {url[:200]}")

    return LocalOnly(allowed_protocols={"file", "data"}, allow_redirects=False)


def prepare() -> None:
    """Import WeasyPrint and parse the lean stylesheet now, in this process: worker
    processes forked afterwards share them instead of each taking ~0.4 s to do it.
    (The font configuration is still made in each worker: it holds fontconfig and Pango
    state that is not meant to cross a fork.)"""
    from site_builder.content import raster

    raster.import_weasyprint()
    lean_html_class()


def _overlay_finisher(overlays: Sequence[bytes], page_setup: Any = None) -> Any:
    """A WeasyPrint finisher drawing `overlays[i]` after page i's own content.

    WeasyPrint's page stream flips the y axis at its top level; it is wrapped in a
    q ... Q pair so the overlay, a second content stream of the page, starts from the
    default coordinate system and sets its own (points from the page box's top-left
    corner, y downwards). The overlay is compressed here at zlib's default level: the
    level 9 pydyf uses takes 7 times as long on these operators for 20 % fewer bytes.
    """
    import zlib

    def finish(_document: Any, pdf: Any) -> None:
        for page, ops in zip(page_objects(pdf), overlays, strict=True):
            if page_setup is not None:
                page_setup(pdf, page)
            content = page["Contents"]
            prepend(pdf, content, b"q")
            height = float(page["TrimBox"][3])  # the page box spans 0 .. height
            ops = b"Q\n1 0 0 -1 0 " + _pt(height).encode() + b" cm\n" + ops
            overlay = add_stream(pdf, zlib.compress(ops, 6), {"Filter": "/FlateDecode"})
            page["Contents"] = array([content, overlay])

    return finish


def _fixed_document_id(finisher: Any, html: str) -> Any:
    """WeasyPrint writes a random XMP DocumentID into PDF/X metadata: replace it with one
    made from the document's HTML, so the same input gives the same bytes."""
    import hashlib
    import uuid

    ident = uuid.UUID(bytes=hashlib.sha256(html.encode()).digest()[:16])

    def finish(document: Any, pdf: Any) -> None:
        if finisher is not None:
            finisher(document, pdf)
        did = b"xmp.did:" + str(ident).encode()
        rewrite_stream(
            pdf,
            pdf.catalog.get("Metadata"),
            lambda chunk: re.sub(rb"xmp\.did:[0-9a-f-]{36}", did, chunk),
        )

    return finish


def _pt(value: float) -> str:
    """A coordinate as PDF writes it: 4 decimals (1/18000 in), no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
