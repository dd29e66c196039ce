"""QR symbols for print and screen: encoded by `qrcode`, drawn by us.

Always a full QR symbol (never Micro QR), a 4-module quiet zone, dark on light.
The SVG is one vector path of horizontal runs, so print shops get sharp edges at
any size; the PNG is a crisp 1-bit bitmap for screens.
"""

from __future__ import annotations

import base64
import contextlib
import io
from dataclasses import dataclass
from functools import lru_cache

import qrcode
import qrcode.constants
from PIL import Image

QUIET_ZONE = 4
ERROR_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


@dataclass(frozen=True)
class QrSymbol:
    """An encoded QR symbol: its data, version and module matrix (without quiet zone)."""

    data: str
    error_correction: str
    version: int
    matrix: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        """Modules across, without the quiet zone (17 + 4 x version)."""
        return len(self.matrix)

    @property
    def size_with_quiet_zone(self) -> int:
        return self.size + 2 * QUIET_ZONE

    def svg_path_d(self) -> str:
        """Path data in module units, quiet zone included in the coordinates."""
        parts: list[str] = []
        for y, row in enumerate(self.matrix):
            x = 0
            while x < len(row):
                if row[x]:
                    start = x
                    while x < len(row) and row[x]:
                        x += 1
                    parts.append(
                        f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z"
                    )
                else:
                    x += 1
        return "".join(parts)

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
        """A 1-bit PNG, `scale` pixels per module, quiet zone included (cached by the build)."""
        from site_builder import cache

        memo = cache.current()
        if memo is None:
            return self._png(scale)
        key = cache.digest("png", str(scale), self.error_correction, self.data)
        stored = memo.qr.get(key)
        if isinstance(stored, str):
            with contextlib.suppress(ValueError):
                return base64.b64decode(stored, validate=True)
        data = self._png(scale)
        memo.qr.put(key, base64.b64encode(data).decode("ascii"))
        return data

    def _png(self, scale: int) -> bytes:
        n = self.size_with_quiet_zone
        image = Image.new("1", (n, n), 1)
        pixels = image.load()
        assert pixels is not None
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
        image = image.resize((n * scale, n * scale), Image.Resampling.NEAREST)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_qr(data: str, error_correction: str = "M") -> QrSymbol:
    """Encode `data`; remembered in the build cache (encoding takes ~5 ms a code)."""
    from site_builder import cache

    memo = cache.current()
    if memo is None:
        return _make_qr(data, error_correction)
    key = cache.digest(error_correction, data)
    stored = memo.qr.get(key)
    if isinstance(stored, list) and len(stored) == 2:
        version, rows = stored
        size = 17 + 4 * version
        if isinstance(rows, list) and len(rows) == size and all(len(r) == size for r in rows):
            matrix = tuple(tuple(c == "1" for c in row) for row in rows)
            return QrSymbol(data, error_correction, version, matrix)
    symbol = _make_qr(data, error_correction)
    memo.qr.put(
        key, [symbol.version, ["".join("1" if m else "0" for m in r) for r in symbol.matrix]]
    )
    return symbol


@lru_cache(maxsize=4096)
def _make_qr(data: str, error_correction: str = "M") -> QrSymbol:
    """Encode `data` in the smallest full QR version that holds it.

    `qrcode` picks the mode per segment: an all-upper-case URL is encoded in
    alphanumeric mode, which is what keeps short codes at version 1 or 2.
    """
    if error_correction not in ERROR_LEVELS:
        raise ValueError(f"unknown error correction level {error_correction!r}")
    code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[error_correction], border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = tuple(tuple(bool(m) for m in row) for row in code.modules)
    return QrSymbol(data, error_correction, int(code.version), matrix)


def prepare_qr(datas: list[str], error_correction: str = "M") -> None:
    """Encode many codes at once, on every core, into the build cache (cold builds).

    Afterwards `make_qr` finds each of them in the cache; the symbols are the same as a
    serial run would make.
    """
    from site_builder import cache
    from site_builder.render.pdf import parallel_map

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
        rows = ["".join("1" if m else "0" for m in r) for r in symbol.matrix]
        out.append((data, symbol.version, rows))
    return out
