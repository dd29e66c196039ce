"""The one routine that turns a QR matrix into vector drawing.

A symbol's dark modules are found once, as horizontal runs (`dark_runs`); everything
drawn is made from them:

- `svg_path_d`: an SVG path, one closed rectangle per run (the site, booklets, the
  standalone SVG files);
- `pdf_fill_ops`: PDF path operators, runs repeated in the rows below merged into one
  taller rectangle, all filled at once (sticker sheets write these straight into the
  page, where WeasyPrint would parse an SVG path per code in Python);
- `svg_stroke_path_d`: runs as strokes of width 1, for sticker templates made when the
  codes were SVG.

All coordinates are in module units with the 4-module quiet zone included, so a
drawing `modules` wide (`QrSymbol.size_with_quiet_zone`) is scaled to its printed size
by the caller. Rows are strings of "0" (light) and "1" (dark), `QrSymbol.rows`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

QUIET_ZONE = 4
Rows = tuple[str, ...]
Matrix = Sequence[Sequence[bool]]

_DARK_RUN = re.compile("1+")
_MAX_SIZE = 17 + 4 * 40
_MOVE_TO = [f"M{x + QUIET_ZONE} " for x in range(_MAX_SIZE)]
_RUN_OF = [f"h{w}v1h-{w}z" for w in range(_MAX_SIZE + 1)]
_BITS_TO_TEXT = bytes.maketrans(b"\x00\x01", b"01")


def rows_of(matrix: Matrix) -> Rows:
    """A matrix of booleans (`QrSymbol.matrix`) as rows of "0"/"1"."""
    return tuple(bytes(row).translate(_BITS_TO_TEXT).decode("ascii") for row in matrix)


def dark_runs(rows: Rows) -> list[tuple[int, int, int]]:
    """(row, first column, length) of every horizontal run of dark modules, without
    the quiet zone, top to bottom and left to right."""
    return [
        (y, m.start(), m.end() - m.start())
        for y, row in enumerate(rows)
        for m in _DARK_RUN.finditer(row)
    ]


def svg_path_d(rows: Rows) -> str:
    """SVG path data: "M{x} {y}h{w}v1h-{w}z" per run, quiet zone in the coordinates."""
    parts: list[str] = []
    add = parts.append
    for y, x, w in dark_runs(rows):
        add(_MOVE_TO[x])
        add(str(y + QUIET_ZONE))
        add(_RUN_OF[w])
    return "".join(parts)


def svg_stroke_path_d(rows: Rows) -> str:
    """Dark runs as horizontal strokes through the middle of their row, for
    `stroke-width: 1`."""
    return "".join(f"M{x + QUIET_ZONE} {y + QUIET_ZONE}.5h{w}" for y, x, w in dark_runs(rows))


def dark_rects(rows: Rows) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) rectangles covering exactly the dark modules, quiet zone in
    the coordinates: each run, merged with the same run in the rows right below it.
    None overlap; sorted top to bottom, left to right."""
    rects: list[tuple[int, int, int, int]] = []  # (y, x, width, height) while sorting
    growing: dict[tuple[int, int], int] = {}  # run (start, length) -> its first row
    by_row: dict[int, list[tuple[int, int]]] = {}
    for y, x, w in dark_runs(rows):
        by_row.setdefault(y, []).append((x, w))
    for y in range(len(rows) + 1):  # the row past the end closes every rectangle
        runs: dict[tuple[int, int], int] = {}
        for run in by_row.get(y, ()):
            runs[run] = growing.pop(run, y)
        for (x, w), top in growing.items():
            rects.append((top, x, w, y - top))
        growing = runs
    rects.sort()
    return [(x + QUIET_ZONE, y + QUIET_ZONE, w, h) for y, x, w, h in rects]


@lru_cache(maxsize=4096)
def pdf_fill_ops(rows: Rows) -> bytes:
    """The dark modules as PDF operators: one `re` per rectangle of `dark_rects`, then
    one `f` (nonzero fill). The caller sets the colour and the transformation."""
    parts = [f"{x} {y} {w} {h} re" for x, y, w, h in dark_rects(rows)]
    parts.append("f")
    return "\n".join(parts).encode("ascii")
