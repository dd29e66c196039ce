"""QR symbols for print and screen: encoded by `qrcode`, drawn by us.

Always a full QR symbol (never Micro QR), a 4-module quiet zone, dark on light.
The SVG is one vector path of horizontal runs, so print shops get sharp edges at
any size; the PNG is a crisp 1-bit bitmap for screens.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from site_builder.parallel import parallel_map
from site_builder.render import qr_draw
from site_builder.render.qr_draw import QUIET_ZONE
from site_builder.vendor import qrcode_shim
from site_builder.vendor.qrcode_shim import ERROR_LEVELS

__all__ = ["ERROR_LEVELS", "QUIET_ZONE", "QrSymbol", "make_qr", "prepare_qr"]


@dataclass(frozen=True)
class QrSymbol:
    """An encoded QR symbol: its data, version and modules (without quiet zone), one string
    of "0" (light) / "1" (dark) per row: what render/qr_draw.py draws from and the build
    cache keeps. (Rows of text take about a sixth of the memory of rows of booleans: 20,000
    codes held by a build's plan, and by every forked worker that touches them.)"""

    data: str
    error_correction: str
    version: int
    rows: tuple[str, ...]

    @property
    def size(self) -> int:
        """Modules across, without the quiet zone (17 + 4 x version)."""
        return len(self.rows)

    @property
    def size_with_quiet_zone(self) -> int:
        return self.size + 2 * QUIET_ZONE

    def printed_mm(self, symbol_mm: float) -> float:
        """The printed width, quiet zone included, at which the symbol itself (without its
        quiet zone) is `symbol_mm` wide: 26.4 mm for a 20 mm version-2 code."""
        return round(symbol_mm * self.size_with_quiet_zone / self.size, 2)

    def symbol_mm(self, printed_mm: float) -> float:
        """The symbol's own width (without the quiet zone) when printed `printed_mm` wide."""
        return printed_mm * self.size / self.size_with_quiet_zone

    @property
    def matrix(self) -> tuple[tuple[bool, ...], ...]:
        """The modules as booleans (True = dark), made on each call."""
        return tuple(tuple([c == "1" for c in row]) for row in self.rows)

    def svg_path_d(self) -> str:
        """Path data in module units, quiet zone included in the coordinates."""
        return qr_draw.svg_path_d(self.rows)

    def pdf_fill_ops(self) -> bytes:
        """The dark modules as PDF path operators (module units, quiet zone included)."""
        return qr_draw.pdf_fill_ops(self.rows)

    def svg(self, size_mm: float | None = None, title: str | None = None) -> str:
        """A standalone SVG document; `size_mm` fixes the printed width and height."""
        n = self.size_with_quiet_zone
        dims = f' width="{size_mm:g}mm" height="{size_mm:g}mm"' if size_mm else ""
        label = f"<title>{_escape(title)}</title>" if title else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}"{dims} '
            f'shape-rendering="crispEdges" role="img">{label}'
            f'<rect width="{n}" height="{n}" fill="#fff"/>'
            f'<path fill="#000" d="{self.svg_path_d()}"/></svg>'
        )

    def png(self, scale: int = 8) -> bytes:
        """A 1-bit PNG, `scale` pixels per module, quiet zone included (~85 µs; an unchanged
        build keeps last build's file instead, see build.qr_outputs)."""
        return self._png(scale)

    def _png(self, scale: int) -> bytes:
        """A 1-bit greyscale PNG written directly: each module row is one filtered pixel
        row (filter None) followed by `scale - 1` copies (filter Up, all zero bytes).

        Decodes to exactly the image the Pillow version made (same size, mode "1", same
        pixels) and is a little smaller, in about an eighth of the time; the bytes differ
        from Pillow's `optimize=True` output, whose cost was almost all zlib at level 9
        on adaptively filtered rows (unavoidable for the same bytes).
        """
        if scale < 1:
            raise ValueError(f"scale must be at least 1, not {scale}")
        n = self.size_with_quiet_zone
        width = n * scale
        line_bytes = (width + 7) // 8
        if scale == 8:  # one byte per module

            def pixels(modules: str) -> bytes:
                return modules.encode("ascii").translate(_BYTE_PER_MODULE)

        else:
            to_bits = str.maketrans({"0": "1" * scale, "1": "0" * scale})
            pad = "0" * (8 * line_bytes - width)

            def pixels(modules: str) -> bytes:
                return int(modules.translate(to_bits) + pad, 2).to_bytes(line_bytes, "big")

        copies = (b"\x02" + bytes(line_bytes)) * (scale - 1)
        margin = "0" * QUIET_ZONE
        blank = b"\x00" + pixels("0" * n) + copies
        lines = [blank] * QUIET_ZONE
        lines += [b"\x00" + pixels(margin + row + margin) + copies for row in self.rows]
        lines += [blank] * QUIET_ZONE
        deflate = zlib.compressobj(6, zlib.DEFLATED, 12, 4)
        idat = deflate.compress(b"".join(lines)) + deflate.flush()
        header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)  # 1-bit greyscale
        return b"".join(
            (_PNG_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"IDAT", idat), _chunk(b"IEND", b""))
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BYTE_PER_MODULE = bytes.maketrans(b"01", b"\xff\x00")  # 8 pixels, 1 = light
_BITS_TO_TEXT = bytes.maketrans(b"\x00\x01", b"01")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_decoded: dict[str, QrSymbol] = {}  # cache key -> symbol read from the cache table


def make_qr(data: str, error_correction: str = "M") -> QrSymbol:
    """Encode `data`; remembered in the build cache."""
    from site_builder import cache

    memo = cache.current()
    if memo is None:
        return _make_qr(data, error_correction)
    key = cache.digest(error_correction, data)
    stored = memo.qr.get(key)
    if isinstance(stored, list) and len(stored) == 2:
        version, rows = stored
        known = _decoded.get(key)
        if known is not None and known.version == version and list(known.rows) == rows:
            return known  # decoded before in this process (e.g. by plan_site, before a fork)
        if isinstance(version, int) and isinstance(rows, list) and _valid_rows(version, rows):
            symbol = _symbol(data, error_correction, version, tuple(rows))
            if len(_decoded) >= 20_000:
                _decoded.clear()
            _decoded[key] = symbol
            return symbol
    symbol = _make_qr(data, error_correction)
    memo.qr.put(key, [symbol.version, list(symbol.rows)])
    return symbol


def _valid_rows(version: int, rows: list[Any]) -> bool:
    size = 17 + 4 * version
    return len(rows) == size and all(
        isinstance(r, str) and len(r) == size and not r.strip("01") for r in rows
    )


def _symbol(data: str, error_correction: str, version: int, rows: tuple[str, ...]) -> QrSymbol:
    return QrSymbol(data, error_correction, version, rows)


@lru_cache(maxsize=4096)
def _make_qr(data: str, error_correction: str = "M") -> QrSymbol:
    """Encode `data` in the smallest full QR version that holds it.

    `qrcode` picks the mode per segment (an all-upper-case URL is encoded in
    alphanumeric mode, which is what keeps short codes at version 1 or 2), the
    version, and makes the codewords. The mask is chosen here, by exactly
    `qrcode`'s rule (`QRCode.best_mask_pattern` with `util.lost_point`), but on the
    whole symbol as one integer: the symbol is module for module what
    `QRCode.make(fit=True)` gives. Choosing the mask that way takes well under a tenth
    of a millisecond instead of several; most of what is left is `qrcode` making the
    codewords (bit buffer and Reed-Solomon in pure Python).
    """
    if error_correction not in ERROR_LEVELS:
        raise ValueError(f"unknown error correction level {error_correction!r}")
    version, codewords = qrcode_shim.encode(data, error_correction)
    layout = _layout(version)
    unmasked = layout.place(codewords)
    best, best_lost = 0, 0
    for mask in range(8):
        lost = layout.lost_point(unmasked ^ layout.masks[mask])
        if mask == 0 or best_lost > lost:  # the first of equals wins, as in qrcode
            best, best_lost = mask, lost
    final = (unmasked ^ layout.masks[best]) & layout.data_modules
    final |= _fixed_dark(version, ERROR_LEVELS[error_correction], best)
    return _symbol(data, error_correction, version, layout.rows(final))


# ----------------------------------------------------------------- the symbol as an int
#
# Module (row r, column c) of an n x n symbol is bit r * n + c of one Python int, so
# a whole-symbol shift by 1 lines each module up with its right-hand neighbour and a
# shift by n with the one below; the penalty rules are then a few dozen big-int
# operations per mask instead of a Python loop over every module.


def _int_of(positions: Iterable[int], size: int) -> int:
    """The int with exactly these bits set (module positions r * n + c), built in O(size)."""
    bits = bytearray(size)
    for pos in positions:
        bits[size - 1 - pos] = 1
    return int(bits.translate(_BITS_TO_TEXT).decode("ascii"), 2)


@functools.cache
def _fixed_dark(version: int, error_correction: int, mask: int) -> int:
    """The dark function modules of a finished symbol (its format bits name the mask)."""
    grid = qrcode_shim.function_grid(version, error_correction, False, mask)
    n = len(grid)
    return _int_of((r * n + c for r in range(n) for c in range(n) if grid[r][c]), n * n)


class _Layout:
    """Everything about a version that does not depend on the data."""

    def __init__(self, version: int) -> None:
        n = self.n = 17 + 4 * version
        # qrcode chooses the mask on "test" symbols: format and version information
        # (and the dark module) all light. The error correction level does not show.
        grid = qrcode_shim.function_grid(version, ERROR_LEVELS["M"], True, 0)
        # Data placement order, as QRCode.map_data walks: two-module columns from the
        # right, up and down in turn, skipping the timing column.
        order: list[int] = []
        row, step = n - 1, -1
        for right in range(n - 1, 0, -2):
            if right <= 6:
                right -= 1
            while True:
                for c in (right, right - 1):
                    if grid[row][c] is None:
                        order.append(row * n + c)
                row += step
                if row < 0 or row >= n:
                    row -= step
                    step = -step
                    break
        self.data_count = len(order)
        # place(): a string of the data bits plus "0" and "1" for the function modules,
        # gathered into module order with one itemgetter call; highest bit first.
        source = {pos: i for i, pos in enumerate(order)}
        light, dark = self.data_count, self.data_count + 1
        sources = []
        for pos in range(n * n - 1, -1, -1):
            r, c = divmod(pos, n)
            if pos in source:
                sources.append(source[pos])
            else:
                sources.append(dark if grid[r][c] else light)
        self._gather = itemgetter(*sources)
        self.data_modules = _int_of(order, n * n)
        self.masks = []
        for mask in range(8):
            applies = qrcode_shim.mask_condition(mask)
            self.masks.append(_int_of((p for p in order if applies(*divmod(p, n))), n * n))

        def where(keep: Any) -> int:
            cells = (r * n + c for r in range(n) for c in range(n) if keep(r, c))
            return _int_of(cells, n * n)

        self.row_pairs = where(lambda r, c: c <= n - 2)  # module and its right neighbour
        self.col_pairs = where(lambda r, c: r <= n - 2)  # module and the one below
        self.row_windows = where(lambda r, c: c <= n - 11)  # 11 modules from here, across
        self.col_windows = where(lambda r, c: r <= n - 11)  # 11 modules from here, down

    def place(self, codewords: list[int]) -> int:
        """The symbol with the data unmasked, function modules as in a test symbol."""
        bits = format(int.from_bytes(bytes(codewords), "big"), f"0{8 * len(codewords)}b")
        source = bits[: self.data_count].ljust(self.data_count, "0") + "01"
        return int("".join(self._gather(source)), 2)

    def rows(self, symbol: int) -> tuple[str, ...]:
        n = self.n
        text = format(symbol, f"0{n * n}b")[::-1]
        return tuple(text[i : i + n] for i in range(0, n * n, n))

    def lost_point(self, x: int) -> int:
        """`qrcode.util.lost_point` of the symbol `x`, the same number."""
        n = self.n
        lost = 0
        same_in = []
        for step, pairs, windows in (
            (1, self.row_pairs, self.row_windows),
            (n, self.col_pairs, self.col_windows),
        ):
            same = ~(x ^ (x >> step)) & pairs
            same_in.append(same)
            # N1: a run of k >= 5 like modules costs k - 2: one point for each of its
            # k - 4 five-module windows, plus two for the run's first window.
            five = same & (same >> step) & (same >> 2 * step) & (same >> 3 * step)
            lost += five.bit_count() + 2 * (five & ~(five << step)).bit_count()
            # N3: 1:1:3:1:1 finder-like run with four light modules either side
            # (10111010000 or 00001011101), 40 points each, inside the symbol only.
            y = [x >> (k * step) for k in range(11)]
            core = y[4] & y[6] & ~(y[1] | y[5] | y[9])
            ends = ~((x ^ y[2]) | (x ^ y[3])) & (x ^ y[7]) & (x ^ y[8]) & (x ^ y[10])
            lost += 40 * (core & ends & windows).bit_count()
        # N2: 2 x 2 blocks of one colour, 3 points each.
        across, down = same_in
        lost += 3 * (across & down & (down >> 1)).bit_count()
        # N4: 10 points for each full 5 % the dark share is off 50 % (qrcode's floats).
        percent = float(x.bit_count()) / (n**2)
        lost += int(abs(percent * 100 - 50) / 5) * 10
        return lost


@functools.cache
def _layout(version: int) -> _Layout:
    return _Layout(version)


def prepare_qr(datas: list[str], error_correction: str = "M") -> None:
    """Encode many codes at once, on every core, into the build cache (cold builds).

    Afterwards `make_qr` finds each of them in the cache; the symbols are the same as a
    serial run would make.
    """
    from site_builder import cache

    memo = cache.current()
    if memo is None:
        return
    todo = sorted({d for d in datas if memo.qr.get(cache.digest(error_correction, d)) is None})
    if len(todo) < 64:  # not worth starting workers
        return
    chunks = [todo[i::4] for i in range(4)]
    for chunk_result in parallel_map(_encode_chunk, [(c, error_correction) for c in chunks if c]):
        for data, version, rows in chunk_result:
            memo.qr.put(cache.digest(error_correction, data), [version, rows])


def _encode_chunk(datas: list[str], error_correction: str) -> list[tuple[str, int, list[str]]]:
    out = []
    for data in datas:
        symbol = _make_qr(data, error_correction)
        out.append((data, symbol.version, list(symbol.rows)))
    return out
