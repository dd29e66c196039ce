"""WeasyPrint's and pydyf's insides, as site_builder/vendor/weasyprint_shim.py uses them.

A release that changes any of this fails here, naming what changed, instead of sticker
sheets quietly getting slower or overlays (QR codes, cut lines) going missing.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import io
import re
import zlib

import pypdf
import weasyprint
from weasyprint import html as ua

from site_builder.vendor import weasyprint_shim as shim


def test_the_versions_are_the_ones_the_shim_was_checked_against() -> None:
    weasy = int(importlib.metadata.version("weasyprint").split(".")[0])
    pydyf = importlib.metadata.version("pydyf")
    assert 66 <= weasy <= 70, f"weasyprint {weasy}: check weasyprint_shim.py, then the bound"
    assert pydyf.startswith("0.1"), f"pydyf {pydyf}: check weasyprint_shim.py, then the bound"


def test_the_user_agent_stylesheet_is_where_the_shim_expects_it() -> None:
    assert isinstance(getattr(ua, "UA", None), str), "weasyprint.html.UA is gone"
    assert hasattr(ua, "UA_COUNTER_STYLE"), "weasyprint.html.UA_COUNTER_STYLE is gone"
    assert shim.MARKER_RULES.search(ua.UA), "html5_ua.css no longer has one ::marker rule a line"
    parameters = list(inspect.signature(weasyprint.HTML._ua_stylesheets).parameters)
    assert parameters == ["self", "forms"], "HTML._ua_stylesheets(forms) changed"


def test_the_lean_class_is_used_and_gives_the_same_layout() -> None:
    lean = shim.lean_html_class()
    assert lean is not weasyprint.HTML, "fell back to the full stylesheet"
    html = (
        "<p style='position:absolute;top:10mm;left:10mm'>Búp bê Mông · Xín Mần</p>"
        "<ul><li>trà</li></ul>"
    )
    plain = weasyprint.HTML(string=html).render()
    slim = lean(string=html).render()
    assert len(plain.pages) == len(slim.pages) == 1
    boxes = [
        [(b.position_x, b.position_y, b.width, b.height) for b in page._page_box.descendants()]
        for page in (plain.pages[0], slim.pages[0])
    ]
    assert boxes[0] == boxes[1]


def test_a_finisher_edits_the_pdf_through_the_shim() -> None:
    """An overlay stream appended to the page, the content prefixed, and the XMP rewritten:
    what stickers and booklets do, checked by reading the PDF back with pypdf."""
    ops = b"0 0 1 rg 10 10 20 20 re f"

    def finish(_document: object, pdf: object) -> None:
        (page,) = shim.page_objects(pdf)
        content = page["Contents"]
        shim.prepend(pdf, content, b"q")
        overlay = shim.add_stream(pdf, zlib.compress(b"Q " + ops), {"Filter": "/FlateDecode"})
        page["Contents"] = shim.array([content, overlay])
        page["ExtraBox"] = shim.array([0, 0, 1, 1])
        resources = shim.resolve(pdf, page["Resources"])
        resources["ExtGState"] = shim.dictionary({"GSx": shim.dictionary({"OP": "true"})})

    data = weasyprint.HTML(string="<p>Chè Shan tuyết</p>").write_pdf(finisher=finish)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    contents = page["/Contents"]
    assert len(contents) == 2, "the overlay is not a second content stream of the page"
    first = contents[0].get_object().get_data()
    assert first.startswith(b"q"), "prepend did not put its bytes first"
    assert contents[1].get_object().get_data() == b"Q " + ops
    assert list(page["/ExtraBox"]) == [0, 0, 1, 1]
    assert "/GSx" in page["/Resources"]["/ExtGState"]


def test_rewrite_stream_changes_the_xmp_metadata() -> None:
    def finish(_document: object, pdf: object) -> None:
        ref = pdf.catalog.get("Metadata")  # type: ignore[attr-defined]
        assert shim.rewrite_stream(pdf, ref, lambda chunk: chunk.replace(b"x", b"x"))
        assert not shim.rewrite_stream(pdf, None, lambda chunk: chunk)

    weasyprint.HTML(string="<p>x</p>").write_pdf(finisher=finish, pdf_variant="pdf/a-3b")
    ident = "0123"

    def mark(_document: object, pdf: object) -> None:
        shim.rewrite_stream(
            pdf,
            pdf.catalog.get("Metadata"),  # type: ignore[attr-defined]
            lambda chunk: re.sub(rb"<x:xmpmeta", ident.encode() + b"<x:xmpmeta", chunk),
        )

    data = weasyprint.HTML(string="<p>x</p>").write_pdf(finisher=mark, pdf_variant="pdf/a-3b")
    metadata = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object()
    assert b"0123<x:xmpmeta" in metadata.get_data(), "the XMP stream was not rewritten"


def test_a_font_configuration_keeps_its_fonts_in_the_folder_it_is_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from weasyprint.text.fonts import FontConfiguration

    from site_builder.print.fonts import assert_fonts_embedded, font_face_css

    config = shim.font_configuration(FontConfiguration(), tmp_path)
    css = weasyprint.CSS(string=font_face_css(), font_config=config)
    assert len(list(tmp_path.iterdir())) == 4  # the four faces, copied there for fontconfig
    html = weasyprint.HTML(string="<p style='font-family: Noto Sans XM'>Mông, Dao, Phù Lá</p>")
    document = html.render(font_config=config, stylesheets=[css])
    assert assert_fonts_embedded(document.write_pdf()) == ["Noto-Sans-XM"]
