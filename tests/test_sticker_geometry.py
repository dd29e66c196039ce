"""Sticker layout as pure geometry: boxes in mm, checked without WeasyPrint.

The layout modules (sticker_text, sticker_geometry, sticker_layout, sticker_sheets)
take a label's size, the design and the texts and give boxes; these tests read the
boxes, never a PDF.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.labelsheets import BUILTIN
from site_builder.print import sticker_geometry as geometry
from site_builder.print import sticker_text
from site_builder.print.sticker_layout import check_label_fits, layout_sticker
from site_builder.print.sticker_sheets import plan_sheets
from site_builder.print.sticker_text import MIN_PT, StickerContent
from site_builder.print_errors import StickerError
from site_builder.render.qr import make_qr

LAYOUT_MODULES = ("sticker_text", "sticker_geometry", "sticker_layout", "sticker_sheets")
PRINT_DIR = Path(sticker_text.__file__).parent


def sticker(code: str, vi: str, en: str, price: str | None = "450.000 ₫") -> StickerContent:
    url = f"HTTPS://XM.EXAMPLE.VN/Q/{code}"
    return StickerContent(code, url, (("vi", vi), ("en", en)), price, make_qr(url, "M"))


def test_layout_modules_do_not_import_weasyprint_or_the_drawing() -> None:
    for name in LAYOUT_MODULES:
        tree = ast.parse((PRINT_DIR / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        }
        imported |= {
            a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
        }
        for forbidden in ("weasyprint", "pydyf", "engine", "stickers", "jinja2", "markupsafe"):
            assert forbidden not in imported, (name, forbidden)
    code = (
        "import sys\n"
        "from site_builder.print import sticker_layout, sticker_sheets\n"
        "from site_builder.labelsheets import BUILTIN\n"
        "from site_builder.print.sticker_text import StickerContent\n"
        "from site_builder.render.qr import make_qr\n"
        "u = 'HTTPS://XM.EXAMPLE.VN/Q/XM-D01'\n"
        "c = StickerContent('XM-D01', u, (('vi', 'Búp bê Mông'),), None, make_qr(u))\n"
        "sticker_layout.layout_sticker(c, BUILTIN['L7160'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('weasyprint', 'pydyf', 'tinycss2', 'cssselect2')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _inside(
    outer: tuple[float, float, float, float], box: tuple[float, float, float, float]
) -> bool:
    ox, oy, ow, oh = outer
    x, y, w, h = box
    eps = 1e-6
    return x >= ox - eps and y >= oy - eps and x + w <= ox + ow + eps and y + h <= oy + oh + eps


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return (
        a[0] < b[0] + b[2] - 1e-6
        and b[0] < a[0] + a[2] - 1e-6
        and a[1] < b[1] + b[3] - 1e-6
        and b[1] < a[1] + a[3] - 1e-6
    )


@pytest.mark.parametrize("name", ["L7160", "L7163", "L7651", "L7159", "L7173"])
def test_rectangular_labels_keep_code_and_text_inside_their_margins(name: str) -> None:
    template = BUILTIN[name]
    w, h = template.label_width, template.label_height
    content = sticker("XM-D02", "Búp bê trong trang phục người Dao đỏ", "Doll in Red Dao costume")
    try:
        layout = layout_sticker(content, template, min_qr_mm=15.0, show_price=True)
    except StickerError:
        assert name == "L7651"  # 38 x 21 mm: too small for this much text
        return
    qr_box = (layout.qr_x, layout.qr_y, layout.qr_size, layout.qr_size)
    assert _inside(
        (geometry.QR_INSET,) * 2 + (w - 2 * geometry.QR_INSET, h - 2 * geometry.QR_INSET), qr_box
    )
    text_area = (
        geometry.TEXT_INSET,
        geometry.TEXT_INSET,
        w - 2 * geometry.TEXT_INSET,
        h - 2 * geometry.TEXT_INSET,
    )
    boxes = [(b.x, b.y, b.width, b.height) for b in layout.blocks]
    assert all(_inside(text_area, box) for box in boxes)
    assert not any(_overlap(qr_box, box) for box in boxes)
    assert all(not _overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert [b.kind for b in layout.blocks] == ["name", "name2", "cta", "url", "price"]
    assert all(b.size_pt >= MIN_PT for b in layout.blocks)
    # the text fits its box: every line measured at the block's size
    for b in layout.blocks:
        assert all(
            sticker_text._width(line, b.size_pt, b.bold) <= b.width + 1e-6 for line in b.lines
        )
    # the code is as large as the arrangement allows: one QR_STEP more does not fit
    paras = sticker_text._paragraphs(content, True)
    sizes = {b.kind: b.size_pt for b in layout.blocks}
    sizes = {k: sizes.get(k, MIN_PT) for k in sticker_text.PREFERRED}
    arrange = {"side": geometry._rect_side, "stacked": geometry._rect_stacked}
    bigger = round(layout.qr_size + geometry.QR_STEP, 3)
    assert arrange[layout.arrangement](paras, sizes, w, h, bigger) is None


def test_longer_names_never_get_larger_text_or_a_larger_code() -> None:
    template = BUILTIN["L7160"]
    words = [
        "Búp",
        "bê",
        "trong",
        "trang",
        "phục",
        "người",
        "Dao",
        "đỏ",
        "thêu",
        "tay",
        "từ",
        "vải",
        "lanh",
        "Xín",
        "Mần",
    ]
    last_size, last_q = math.inf, math.inf
    for n in range(1, len(words) + 1):
        layout = layout_sticker(
            sticker("XM-D09", " ".join(words[:n]), "Doll"), template, min_qr_mm=15.0
        )
        name = next(b for b in layout.blocks if b.kind == "name")
        assert name.size_pt <= last_size
        if name.size_pt == last_size:  # same text size: the code can only shrink
            assert layout.qr_size <= last_q
        last_size, last_q = name.size_pt, layout.qr_size


def test_round_label_keeps_everything_inside_the_safe_circle() -> None:
    template = BUILTIN["round-63.5"]
    layout = layout_sticker(sticker("XM-D01", "Búp bê Mông", "Hmong doll"), template)
    assert layout.arrangement == "round"
    r = template.label_width / 2
    corners = [
        (layout.qr_x + dx, layout.qr_y + dy)
        for dx in (0, layout.qr_size)
        for dy in (0, layout.qr_size)
    ]
    assert all(math.dist((x, y), (r, r)) <= r - geometry.QR_INSET + 1e-6 for x, y in corners)
    for b in layout.blocks:
        for x in (b.x, b.x + b.width):
            for y in (b.y, b.y + b.height):
                assert math.dist((x, y), (r, r)) <= r - geometry.TEXT_INSET + 1e-6, b


def test_sheet_plan_places_copies_on_consecutive_labels() -> None:
    template = BUILTIN["L7160"]
    doll = sticker("XM-D01", "Búp bê Mông", "Hmong doll")
    sheets = plan_sheets([(doll, 25)], template, start_position=3, offset_mm=(0.5, -0.5))
    assert [len(s) for s in sheets] == [19, 6]
    first = sheets[0][0]
    x, y, w, h = template.label_box(2)
    assert (first.index, first.x, first.y, first.width, first.height) == (
        2,
        round(x + 0.5, 3),
        round(y - 0.5, 3),
        w,
        h,
    )
    assert [s.index for s in sheets[1]] == list(range(6))


def test_a_label_too_small_for_the_code_is_refused_before_any_item() -> None:
    with pytest.raises(StickerError) as info:
        check_label_fits(BUILTIN["L7651"], 25.0)
    assert "L7651" in str(info.value)
