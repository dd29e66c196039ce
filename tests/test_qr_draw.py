"""render/qr_draw.py: the one routine drawing QR matrices, for SVG and PDF.

Drawings are rasterised here (the rectangles and runs they describe, painted with
Pillow) and read back with zxing-cpp; sticker PDFs are decoded end to end in
tests/test_print_stickers.py.
"""

from __future__ import annotations

import random
import re

import zxingcpp
from PIL import Image, ImageDraw

from site_builder.render import qr_draw
from site_builder.render.qr import make_qr

SCALE = 6


def _datas() -> list[str]:
    rng = random.Random(17)
    short = [
        f"HTTPS://XM.EXAMPLE.VN/Q/XM-{rng.choice('DPS')}{rng.randint(1, 999):03d}" for _ in range(6)
    ]
    long_ = [
        "https://hoptacxa-xinman.example.vn/vi/bup-be/"
        + "-".join(
            rng.choice(["bup-be", "nung", "dao", "do", "vai-lanh", "theu-tay"]) for _ in range(8)
        )
        for _ in range(3)
    ]
    return short + long_ + ["Xín Mần · Hà Giang 🧵"]


def _painted(modules: int, rects: list[tuple[int, int, int, int]]) -> Image.Image:
    image = Image.new("L", (modules * SCALE, modules * SCALE), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in rects:
        draw.rectangle((x * SCALE, y * SCALE, (x + w) * SCALE - 1, (y + h) * SCALE - 1), fill=0)
    return image


def _grid(modules: int, rects: list[tuple[int, int, int, int]]) -> list[list[int]]:
    grid = [[0] * modules for _ in range(modules)]
    for x, y, w, h in rects:
        for r in range(y, y + h):
            for c in range(x, x + w):
                grid[r][c] += 1
    return grid


def test_rectangles_cover_exactly_the_dark_modules_once_and_decode() -> None:
    for data in _datas():
        symbol = make_qr(data, "M")
        n = symbol.size_with_quiet_zone
        rects = qr_draw.dark_rects(symbol.rows)
        grid = _grid(n, rects)
        expected = [[0] * n for _ in range(n)]
        for r, row in enumerate(symbol.matrix):
            for c, dark in enumerate(row):
                expected[r + 4][c + 4] = int(dark)
        assert grid == expected, data  # no overlap, nothing missing, quiet zone empty
        # merged vertically: fewer rectangles than runs
        assert len(rects) < len(qr_draw.dark_runs(symbol.rows))
        found = zxingcpp.read_barcodes(_painted(n, rects))
        assert [(r.text, r.format.name) for r in found] == [(data, "QRCode")]


def _numbers(text: str) -> list[int]:
    return [int(v) for v in re.findall(r"-?\d+", text)]


def test_pdf_operators_and_svg_paths_draw_the_same_modules() -> None:
    for data in _datas()[:4]:
        symbol = make_qr(data, "Q")
        n = symbol.size_with_quiet_zone
        ops = symbol.pdf_fill_ops().decode("ascii").split("\n")
        assert ops[-1] == "f" and all(op.endswith(" re") for op in ops[:-1])
        from_pdf = [tuple(_numbers(op)) for op in ops[:-1]]
        # each SVG subpath "M{x} {y}h{w}v1h-{w}z" is one run, one module high
        subpaths = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", symbol.svg_path_d())
        assert "".join(f"M{x} {y}h{w}v1h-{w2}z" for x, y, w, w2 in subpaths) == symbol.svg_path_d()
        from_svg = [(int(x), int(y), int(w), 1) for x, y, w, _ in subpaths]
        strokes = re.findall(r"M(\d+) (\d+)\.5h(\d+)", qr_draw.svg_stroke_path_d(symbol.rows))
        from_strokes = [(int(x), int(y), int(w), 1) for x, y, w in strokes]
        assert _grid(n, from_pdf) == _grid(n, from_svg) == _grid(n, from_strokes)
        decoded = zxingcpp.read_barcodes(_painted(n, from_svg))
        assert [r.text for r in decoded] == [data]


def test_rows_of_a_boolean_matrix() -> None:
    assert qr_draw.rows_of(((True, False), (False, False))) == ("10", "00")
    assert qr_draw.dark_runs(("0110", "1111")) == [(0, 1, 2), (1, 0, 4)]
    assert qr_draw.dark_rects(("0110", "0110", "1111")) == [(5, 4, 2, 2), (4, 6, 4, 1)]
