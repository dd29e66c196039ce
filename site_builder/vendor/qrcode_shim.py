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
    per segment included) and its codewords, error correction included.

    `qrcode` splits the data into segments and picks each one's mode (`add_data`); the
    version and the codewords are then worked out as `QRCode.best_fit` and
    `qrcode.util.create_data` do, with the bits kept in one int (`_Bits`, where
    `qrcode.util.BitBuffer` appends them one at a time) and the Reed-Solomon remainder
    taken with log tables (`_remainder`, where `qrcode` divides `Polynomial` objects):
    ~0.1 instead of ~0.4 ms a code. tests/test_vendor_qrcode.py compares the codewords
    with `qrcode.util.create_data` on thousands of inputs of every mode and level."""
    import qrcode

    code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[error_correction], border=0)
    code.add_data(data)
    level = code.error_correction
    version = best_fit(code.data_list, level)
    return version, codewords(version, level, code.data_list)


class _Bits:
    """The part of `qrcode.util.BitBuffer` that `QRData.write` uses (`put`), as one int."""

    __slots__ = ("length", "value")

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        """The `length` low bits of `num`, highest first (as `BitBuffer.put`)."""
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def __len__(self) -> int:
        return self.length

    def octets(self) -> bytes:
        """The bits as bytes, the last one filled with zeros (as `BitBuffer.buffer`)."""
        pad = -self.length % 8
        return (self.value << pad).to_bytes((self.length + pad) // 8, "big")


def best_fit(chunks: list[Any], level: int, start: int = 1) -> int:
    """`QRCode.best_fit`: the smallest version whose data capacity holds `chunks`."""
    from bisect import bisect_left

    import qrcode.util as util

    sizes = util.mode_sizes_for_version(start)
    bits = _data_bits(chunks, sizes)
    version = bisect_left(util.BIT_LIMIT_TABLE[level], len(bits), start)
    util.check_version(version)  # (ValueError past 40, as `QRCode.version` is set there)
    if sizes is not util.mode_sizes_for_version(version):  # longer length fields: again
        return best_fit(chunks, level, version)
    return int(version)


def _data_bits(chunks: list[Any], sizes: dict[int, int]) -> _Bits:
    """Each chunk's mode, length (in the field size `sizes` gives its mode) and data."""
    bits = _Bits()
    for chunk in chunks:
        bits.put(chunk.mode, 4)
        bits.put(len(chunk), sizes[chunk.mode])
        chunk.write(bits)
    return bits


def codewords(version: int, level: int, chunks: list[Any]) -> list[int]:
    """`qrcode.util.create_data(version, level, chunks)`: data, padding, then the error
    correction of each block, interleaved."""
    import qrcode.base as base
    import qrcode.exceptions
    import qrcode.util as util

    util.check_version(version)  # (as `util.length_in_bits` does for each chunk)
    bits = _data_bits(chunks, util.mode_sizes_for_version(version))
    blocks = base.rs_blocks(version, level)
    limit = sum(block.data_count * 8 for block in blocks)
    if len(bits) > limit:
        raise qrcode.exceptions.DataOverflowError(
            f"Code length overflow. Data size ({len(bits)}) > size available ({limit})"
        )
    bits.put(0, min(limit - len(bits), 4))  # the terminator
    bits.put(0, -len(bits) % 8)
    for i in range((limit - len(bits)) // 8):
        bits.put(util.PAD0 if i % 2 == 0 else util.PAD1, 8)
    octets = bits.octets()
    data: list[list[int]] = []
    ecc: list[list[int]] = []
    offset = 0
    for block in blocks:
        count = block.data_count
        data.append(list(octets[offset : offset + count]))
        ecc.append(_remainder(data[-1], block.total_count - count))
        offset += count
    out = []
    for part in (data, ecc):
        for i in range(max(len(b) for b in part)):
            out += [b[i] for b in part if i < len(b)]
    return out


def _remainder(data: list[int], count: int) -> list[int]:
    """The `count` Reed-Solomon codewords of `data` (QR's generator, GF(256) modulo
    x^8 + x^4 + x^3 + x^2 + 1): the remainder of data * x^count by the generator."""
    generator = _generator(count)  # logs of its coefficients after the leading 1
    rest = [0] * count
    for value in data:
        factor = value ^ rest[0]
        rest = rest[1:]
        rest.append(0)
        if factor:
            log = _LOG[factor]
            for i, g in enumerate(generator):
                if g >= 0:
                    rest[i] ^= _EXP[log + g]
    return rest


def _gf_tables() -> tuple[list[int], list[int]]:
    exp = [0] * 512  # (doubled: a sum of two logs needs no % 255)
    log = [0] * 256
    x = 1
    for i in range(255):
        exp[i] = exp[i + 255] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    return exp, log


_EXP, _LOG = _gf_tables()


@functools.cache
def _generator(count: int) -> list[int]:
    """The logs of the generator polynomial's coefficients of degree count-1 .. 0 (-1 for
    a zero coefficient): the product of (x - 2^i) for i < count."""
    poly = [1]
    for i in range(count):
        nxt = [0] * (len(poly) + 1)
        for j, c in enumerate(poly):
            nxt[j] ^= c
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        poly = nxt
    return [_LOG[c] if c else -1 for c in poly[1:]]


def mask_condition(mask: int) -> Callable[[int, int], bool]:
    """Mask pattern `mask` (0-7) as `qrcode` applies it: (row, column) -> flip?"""
    import qrcode.util

    applies: Callable[[int, int], bool] = qrcode.util.mask_func(mask)
    return applies
