"""QR symbols for print and screen: encoded by `qrcode`, drawn by us.

Always a full QR symbol (never Micro QR), a 4-module quiet zone, dark on light.
The SVG is one vector path of horizontal runs, so print shops get sharp edges at
any size; the PNG is a crisp 1-bit bitmap for screens.
"""

from __future__ import annotations

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
        """A 1-bit PNG, `scale` pixels per module, quiet zone included."""
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


@lru_cache(maxsize=4096)
def make_qr(data: str, error_correction: str = "M") -> QrSymbol:
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
