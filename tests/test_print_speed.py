"""What the fast sticker sheets rely on, checked from the PDFs: QR codes written by
Python as PDF rectangles over each page, boxes placed by shared CSS rules, a lean
user-agent stylesheet, several sheets per worker process and gc.freeze around them.

The sheets must stay what they were: vector QR codes that decode where the layout put
them, our embedded fonts with every Vietnamese letter, the same bytes for the same
input whether rendered in one process or several, from the cache or not.
"""

from __future__ import annotations

import io
import re
import unicodedata

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from site_builder.cache import BuildCache, using
from site_builder.content.loader import load_site
from site_builder.print import (
    BUILTIN,
    PDF_FAMILY,
    StickerContent,
    assert_fonts_embedded,
    engine,
    sticker_text,
)
from site_builder.print import sticker_geometry as geometry
from site_builder.print import stickers as sheets_mod
from site_builder.print.stickers import qr_fill_ops
from site_builder.render import pdf as render_pdf
from site_builder.render.qr import make_qr

from .test_print_fonts import all_vietnamese_letters
from .test_print_payment import paying
from .test_print_stickers import (
    DAO,
    DOLL,
    META,
    NUNG,
    TEA,
    decode_pages,
    fold,
    label_index,
    render,
    sticker,
)


def rectangles(ops: bytes) -> list[tuple[int, int, int, int]]:
    lines = ops.decode("ascii").split("\n")
    assert lines[-1] == "f"  # one fill for the whole code
    out = []
    for line in lines[:-1]:
        x, y, w, h, op = line.split()
        assert op == "re"
        out.append((int(x), int(y), int(w), int(h)))
    return out


@settings(max_examples=80, deadline=None)
@given(
    data=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/:.", min_size=1, max_size=60),
    level=st.sampled_from("LMQH"),
)
def test_qr_rectangles_cover_exactly_the_dark_modules(data, level):
    qr = make_qr(data, level)
    covered = [[0] * qr.size_with_quiet_zone for _ in range(qr.size_with_quiet_zone)]
    for x, y, w, h in rectangles(qr_fill_ops(qr)):
        assert w >= 1 and h >= 1
        for row in range(y, y + h):
            for col in range(x, x + w):
                covered[row][col] += 1
    expected = [[0] * qr.size_with_quiet_zone for _ in range(qr.size_with_quiet_zone)]
    for y, row in enumerate(qr.matrix):
        for x, dark in enumerate(row):
            expected[y + 4][x + 4] = int(dark)
    assert covered == expected  # every dark module once, no light one, none twice


def page_streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """Per page: (WeasyPrint's content, the QR overlay), decoded."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        contents = page["/Contents"]
        assert len(contents) == 2, "the page's own content, then the QR codes"
        own, codes = (ref.get_object().get_data() for ref in contents)
        resources = page["/Resources"]
        xobjects = resources.get("/XObject", {})
        assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
        out.append((own, codes))
    return out


def balanced(stream: bytes) -> bool:
    depth = 0
    for token in re.findall(rb"(?<![^\s])[qQ](?![^\s])", stream):
        depth += 1 if token == b"q" else -1
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize(("mode", "ink"), [("labels", b"0 0 0 rg"), ("printshop", b"0 0 0 1 k")])
def test_qr_codes_are_vector_rectangles_over_each_page(mode, ink):
    template = BUILTIN["L7160"]
    pdf = render([(DOLL, 22), (TEA, 3)], template, mode=mode)
    streams = page_streams(pdf)
    assert len(streams) == 2
    for (own, codes), count in zip(streams, (21, 4), strict=True):
        assert own.startswith(b"q") and balanced(own + b"\n" + codes)
        assert codes.count(b" cm\n") == count + 1  # the page's axes, then one per code
        assert ink in codes and codes.count(b" re\n") > 50 * count
        assert own.count(b" re") < 5  # WeasyPrint draws no code (one clip for the sheet)
    pages = decode_pages(pdf, dpi=200)
    assert [len(p) for p in pages] == [21, 4]
    assert sorted(label_index(template, code["box"]) for code in pages[1]) == [0, 1, 2, 3]
    assert {c["text"] for c in pages[1]} == {DOLL.short_url, TEA.short_url}


def test_qr_code_lands_where_the_layout_put_it():
    template = BUILTIN["L7163"]
    layout = sheets_mod.layout_sticker(DAO, template)
    pdf = render([(DAO, 1)], template, start_position=4, offset_mm=(1.5, -2.0))
    (code,) = decode_pages(pdf, dpi=600)[0]
    x, y, _, _ = template.label_box(3)
    left, top = x + 1.5 + layout.qr_x, y - 2.0 + layout.qr_y  # the quiet zone's corner
    module = layout.qr_size / DAO.qr.size_with_quiet_zone
    # at 600 dpi the decoder reports the symbol's own edges, 4 modules inside
    assert code["box"][0] == pytest.approx(left + 4 * module, abs=0.1)
    assert code["box"][1] == pytest.approx(top + 4 * module, abs=0.1)
    assert code["box"][2] == pytest.approx(left + layout.qr_size - 4 * module, abs=0.1)
    assert code["box"][3] == pytest.approx(top + layout.qr_size - 4 * module, abs=0.1)


def vietnamese_stickers() -> list[StickerContent]:
    letters = all_vietnamese_letters()
    words = [letters[i : i + 6] for i in range(0, len(letters), 6)]
    names = [" ".join(words[i : i + 3]) for i in range(0, len(words), 3)]
    return [sticker(f"XM-V{n:02d}", name, "Vietnamese letters") for n, name in enumerate(names)]


def test_every_vietnamese_letter_is_embedded_in_our_font_and_extractable():
    stickers = vietnamese_stickers()
    pdf = render([(s, 1) for s in stickers], BUILTIN["L7160"], show_price=True)
    assert set(assert_fonts_embedded(pdf, PDF_FAMILY)) == {"Noto-Sans-XM", "Noto-Sans-XM-Bold"}
    text = unicodedata.normalize(
        "NFC", fold(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    )
    for s in stickers:
        assert s.names[0][1] in text
    assert set(all_vietnamese_letters()) <= set(text)
    assert len(decode_pages(pdf, dpi=200)[0]) == len(stickers)


def test_the_lean_user_agent_stylesheet_changes_no_byte(monkeypatch):
    """Without the marker/footnote rules WeasyPrint makes the very same PDF."""
    made: dict[bool, list[bytes]] = {True: [], False: []}
    real = engine.html_to_pdf

    def both(html, **kw):
        for lean in (True, False):
            made[lean].append(real(html, **{**kw, "lean": lean}))
        return made[True][-1]

    monkeypatch.setattr(sheets_mod, "html_to_pdf", both)
    assert engine.lean_html_class().__name__ == "LeanHTML"  # WeasyPrint's stylesheet, trimmed
    render(
        [(paying(DOLL), 2), (TEA, 1), (NUNG, 1)],
        BUILTIN["L7163"],
        show_payment=True,
        show_price=True,
    )
    render([(DAO, 3)], BUILTIN["L7163"], mode="printshop")
    render([(DAO, 2), (TEA, 1)], BUILTIN["round-63.5"])
    assert made[True] == made[False] and len(made[True]) == 3


def test_a_template_from_before_keeps_working():
    """A site's own copy of the old template (SVG codes, style attributes) still makes a
    sheet whose codes decode, at the same places (drawn twice)."""
    old = jinja2.DictLoader(
        {
            "print/stickers.html": (
                "<html><head><style>@page { size: 210mm 297mm; margin: 0 } body { font-family: "
                "'Noto Sans XM' } .t { position: absolute; white-space: nowrap } .label, .qr { "
                "position: absolute }</style>"
                "</head><body>{% for sheet in sheets %}<div>{% for s in sheet %}"
                "{% set l = s.layout %}<div class='label' data-code='{{ s.code }}' "
                "style='left:{{ s.x }}mm;top:{{ s.y }}mm;width:{{ s.width }}mm;height:"
                "{{ s.height }}mm'><svg class='qr' viewBox='0 0 {{ s.modules }} {{ s.modules }}' "
                "style='left:{{ l.qr_x }}mm;top:{{ l.qr_y }}mm;width:{{ l.qr_size }}mm;height:"
                "{{ l.qr_size }}mm'><path fill='none' stroke='#000' stroke-width='1' "
                "d='{{ s.path_d }}'/></svg>{% for b in l.blocks %}<div class='t' style='left:"
                "{{ b.x }}mm;top:{{ b.y }}mm;font-size:{{ b.size_pt }}pt;line-height:"
                "{{ b.line_height }}mm'>{{ b.lines|join('<br>'|safe) }}</div>{% endfor %}</div>"
                "{% endfor %}</div>{% endfor %}</body></html>"
            ),
        }
    )
    env = jinja2.Environment(loader=old, autoescape=True, undefined=jinja2.StrictUndefined)
    template = BUILTIN["L7160"]
    new = decode_pages(render([(DOLL, 2), (TEA, 1)], template))[0]
    pdf = sheets_mod.render_sticker_sheet([(DOLL, 2), (TEA, 1)], template, env=env, meta=META)
    codes = decode_pages(pdf)[0]
    assert sorted(c["text"] for c in codes) == sorted(c["text"] for c in new)
    for a, b in zip(
        sorted(codes, key=lambda c: c["box"]), sorted(new, key=lambda c: c["box"]), strict=True
    ):
        assert a["box"] == pytest.approx(b["box"], abs=0.1)


def test_parallel_sheets_are_serial_sheets_and_cached_sheets(minimal, monkeypatch):
    """Many chunks of sheets: one process, two processes and the cache give the same
    bytes."""
    site = load_site(minimal)
    items = [(item, 150) for item in site.items]  # 300 stickers: 15 sheets, 2 chunks
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    serial = render_pdf.sticker_sheet(site, items, show_price=True)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    memo = BuildCache(minimal)
    with using(memo):
        parallel = render_pdf.sticker_sheet(site, items, show_price=True)
    assert parallel == serial
    assert len(list((memo.dir / "files").glob("*.sum"))) == 2  # one file per chunk
    with using(BuildCache(minimal)):
        assert render_pdf.sticker_sheet(site, items, show_price=True) == serial
    reader = PdfReader(io.BytesIO(serial))
    assert len(reader.pages) == 15
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]
    assert len(decode_pages(serial, dpi=150)[14]) == 300 - 14 * 21


words = st.sampled_from(
    [
        "Búp",
        "bê",
        "Mông",
        "Dao",
        "đỏ",
        "Phù",
        "Lá",
        "Nùng",
        "Chè",
        "Shan",
        "tuyết",
        "mật",
        "ong",
        "trang",
        "phục",
        "người",
        "Xín",
        "Mần",
        "Hà",
        "Giang",
        "thổ",
        "cẩm",
        "Hand-sewn",
        "traditional",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    vi=st.lists(words, min_size=1, max_size=20),
    en=st.lists(words, min_size=0, max_size=20),
    name=st.sampled_from(["L7160", "L7163", "L7159", "L7173", "L7651"]),
    min_qr=st.sampled_from([12.0, 15.0, 20.0, 25.0]),
    scale=st.sampled_from([1.0, 0.8, 0.0]),
    price=st.booleans(),
)
def test_the_quick_search_finds_the_largest_code_a_full_search_finds(
    vi, en, name, min_qr, scale, price
):
    """_fit_rect skips most tries; it must still pick what trying every size would."""
    content = sticker("XM-H01", " ".join(vi), " ".join(en))
    paras = sticker_text._paragraphs(content, price)
    sizes = sticker_text._sizes(scale)
    t = BUILTIN[name]
    w, h = t.label_width, t.label_height
    top = int((max(w, h) - 2 * geometry.QR_INSET) / geometry.QR_STEP) * geometry.QR_STEP
    expected = None
    q = top
    while q >= min_qr - 1e-6 and expected is None:
        for arrange in (geometry._rect_side, geometry._rect_stacked):
            expected = arrange(paras, sizes, w, h, round(q, 3))
            if expected is not None:
                break
        q -= geometry.QR_STEP
    assert geometry._fit_rect(paras, sizes, w, h, min_qr) == expected
