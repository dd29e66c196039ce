"""Everything site_builder uses of `qrcode` beyond `QRCode(...).add_data()`.

render/qr.py encodes symbols with `qrcode` but chooses the mask itself (a hundred times
faster, module for module the same symbol). For that it needs four things `qrcode`
does not document as public, all used here and nowhere else:

- `QRCode.makeImpl(test, mask)` and the `map_data` step it calls: we let `qrcode` draw
  the function patterns (finders, timing, alignment, format and version information)
  and keep the grid just before the data go in (`function_grid`);
- `QRCode.data_cache`: set empty so `makeImpl` does not encode the data;
- `qrcode.util.create_data`: the codewords (data + Reed-Solomon) of a version;
- `qrcode.util.mask_func`: the eight mask conditions.

Checked against qrcode 8.x (pyproject.toml: `qrcode>=8.0,<9`). tests/test_vendor_qrcode.py
fails with a message naming the function here when a release changes any of this; the
end-to-end tests (tests/test_qr_speed.py) compare every symbol with plain
`QRCode.make(fit=True)` and decode codes with zxing-cpp.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# `qrcode`'s constants (qrcode.constants.ERROR_CORRECT_*), written out so that a command
# that encodes nothing (every code remembered in the build cache) does not import `qrcode`;
# tests/test_vendor_qrcode.py checks them against the library.
ERROR_LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}

Grid = list[list[bool | None]]


@functools.cache
def _probe_class() -> Any:
    import qrcode

    class _Probe(qrcode.QRCode):  # type: ignore[misc,unused-ignore]
        """A QRCode that keeps its grid as it is just before the data go in (None where
        they go) instead of placing them."""

        grid: Grid

        def map_data(self, data: Any, mask_pattern: Any) -> None:
            self.grid = [row[:] for row in self.modules]

    return _Probe


def function_grid(version: int, error_correction: int, test: bool, mask: int) -> Grid:
    """The function patterns of a symbol: True dark, False light, None a data module.

    `test`: as `qrcode` draws the symbols it chooses the mask on (format and version
    information all light); otherwise the finished symbol's, whose format bits name
    `error_correction` and `mask`.
    """
    probe = _probe_class()(version=version, error_correction=error_correction, border=0)
    probe.data_cache = []  # the data are not needed, only the patterns around them
    probe.makeImpl(test, mask)
    grid: Grid = probe.grid
    return grid


def encode(data: str, error_correction: str) -> tuple[int, list[int]]:
    """The smallest full QR version that holds `data` (as `make(fit=True)` picks it, mode
    per segment included) and its codewords, error correction included."""
    import qrcode
    import qrcode.util

    code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[error_correction], border=0)
    code.add_data(data)
    version = int(code.best_fit())
    return version, list(qrcode.util.create_data(version, code.error_correction, code.data_list))


def mask_condition(mask: int) -> Callable[[int, int], bool]:
    """Mask pattern `mask` (0-7) as `qrcode` applies it: (row, column) -> flip?"""
    import qrcode.util

    applies: Callable[[int, int], bool] = qrcode.util.mask_func(mask)
    return applies
