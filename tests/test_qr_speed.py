"""The fast QR path draws exactly what `qrcode` and the old drawing code made.

`_make_qr` lets `qrcode` make the codewords but chooses the mask itself; every symbol
must still be module for module what plain `QRCode.make(fit=True)` gives. The SVG path
must be the old string; the PNG (now written directly, not by Pillow) must decode to the
old image, pixel for pixel.
"""

from __future__ import annotations

import binascii
import io
import random
from pathlib import Path

import pytest
import qrcode
import qrcode.util
import zxingcpp
from PIL import Image

from site_builder import cache
from site_builder.render import qr
from site_builder.render.qr import ERROR_LEVELS, QUIET_ZONE, QrSymbol, make_qr
from site_builder.render.qr_draw import rows_of

Matrix = tuple[tuple[bool, ...], ...]


# ------------------------------------------------------------ the reference implementations


def reference_symbol(data: str, level: str) -> tuple[int, Matrix]:
    """What `_make_qr` did before: plain qrcode, all of it."""
    code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[level], border=0)
    code.add_data(data)
    code.make(fit=True)
    return int(code.version), tuple(tuple(bool(m) for m in row) for row in code.modules)


def old_svg_path_d(matrix: Matrix) -> str:
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return "".join(parts)


def old_png(matrix: Matrix, scale: int) -> bytes:
    n = len(matrix) + 2 * QUIET_ZONE
    image = Image.new("1", (n, n), 1)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
    image = image.resize((n * scale, n * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# ------------------------------------------------------------------------------ the inputs


def _tlv(field: str, value: str) -> str:
    return f"{field}{len(value):02d}{value}"


def vietqr_like(rng: random.Random) -> str:
    """An EMVCo/VietQR-shaped payload (TLV fields, CRC-16/CCITT-FALSE at the end)."""
    bank = rng.choice(["970436", "970418", "970405", "970415", "970407", "970422"])
    account = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 19)))
    beneficiary = _tlv("00", bank) + _tlv("01", account)
    merchant = _tlv("00", "A000000727") + _tlv("01", beneficiary) + _tlv("02", "QRIBFTTA")
    parts = [_tlv("00", "01"), _tlv("01", rng.choice(["11", "12"])), _tlv("38", merchant)]
    parts.append(_tlv("53", "704"))
    if rng.random() < 0.7:
        parts.append(_tlv("54", str(rng.randint(1000, 99_999_999))))
    parts.append(_tlv("58", "VN"))
    if rng.random() < 0.8:
        words = ["thanh", "toan", "don", "hang", "XM", "D0042", "qua", "tang", "bup", "be"]
        note = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))[:60]
        parts.append(_tlv("62", _tlv("08", note)))
    body = "".join(parts) + "6304"
    return body + f"{binascii.crc_hqx(body.encode('ascii'), 0xFFFF):04X}"


def filling(version: int, level: str, rng: random.Random) -> str:
    """Lower-case text (byte mode) that just fills `version` at `level`."""
    limit = qrcode.util.BIT_LIMIT_TABLE[ERROR_LEVELS[level]][version]
    count_bits = 8 if version < 10 else 16
    length = (limit - 4 - count_bits) // 8
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz/.-_") for _ in range(length))


def make_cases() -> list[tuple[str, str]]:
    rng = random.Random(20260601)
    levels = "LMQH"
    datas: list[str] = []
    kinds = ["D", "S", "P", "B", "OCOP"]
    datas += [f"HTTPS://XM.EXAMPLE.VN/Q/XM-{rng.choice(kinds)}{i:04d}" for i in range(120)]
    datas += [f"HTTPS://XM.EXAMPLE.VN/Q/XM-D{i}" for i in range(1, 30)]
    words = ["dolls", "hmong", "tea", "ocop", "gifts", "en", "vi", "stories", "shop"]
    for _ in range(60):
        path = "/".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        query = f"?ref={rng.randint(0, 10 ** rng.randint(1, 9))}" if rng.random() < 0.4 else ""
        datas.append(f"https://xm.example.vn/{path}/{query}")
    datas += [vietqr_like(rng) for _ in range(60)]
    datas += [
        "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 200))) for _ in range(10)
    ]
    datas += ["Búp bê H'Mông – trà OCOP", "Ấm trà Shan tuyết 🍵", "A", "0", " ", "a" * 17]
    cases = [(d, levels[i % 4]) for i, d in enumerate(datas)]
    cases += [(d, level) for d in datas[:12] + datas[150:156] + datas[210:216] for level in levels]
    cases += [(filling(v, levels[v % 4], rng), levels[v % 4]) for v in range(1, 41)]
    return cases


CASES = make_cases()


@pytest.fixture(scope="module")
def encoded() -> list[tuple[str, str, int, Matrix, QrSymbol]]:
    """Every case: data, level, qrcode's version and matrix, and the fast symbol."""
    out = []
    for data, level in CASES:
        version, matrix = reference_symbol(data, level)
        out.append((data, level, version, matrix, qr._make_qr.__wrapped__(data, level)))
    return out


# ------------------------------------------------------------------------------- the tests


def test_the_cases_are_many_and_varied() -> None:
    assert len(CASES) >= 300
    assert {level for _, level in CASES} == set("LMQH")


def test_every_symbol_is_module_for_module_what_qrcode_makes(encoded: list) -> None:
    versions = set()
    wrong = []
    for data, level, version, matrix, symbol in encoded:
        versions.add(version)
        if (symbol.version, symbol.matrix) != (version, matrix):
            wrong.append((data, level, version, symbol.version))
        assert symbol.data == data and symbol.error_correction == level
        assert symbol.size == 17 + 4 * version
        assert all(type(m) is bool for row in symbol.matrix for m in row)
    assert wrong == []
    assert versions == set(range(1, 41))


def test_the_chosen_mask_is_qrcodes_best_mask(encoded: list) -> None:
    """Same mask, same penalty: the fast penalty equals `util.lost_point` for all 8 masks."""
    for data, level, _version, _matrix, _symbol in encoded[:: len(encoded) // 40]:
        code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[level], border=0)
        code.add_data(data)
        version = code.best_fit()
        layout = qr._layout(version)
        codewords = qrcode.util.create_data(version, code.error_correction, code.data_list)
        unmasked = layout.place(codewords)
        for mask in range(8):
            code.makeImpl(True, mask)
            fast = unmasked ^ layout.masks[mask]
            assert layout.rows(fast) == tuple(
                "".join("1" if m else "0" for m in row) for row in code.modules
            )
            assert layout.lost_point(fast) == qrcode.util.lost_point(code.modules), (data, mask)


def test_svg_path_is_the_old_string(encoded: list) -> None:
    for _data, _level, _version, matrix, symbol in encoded:
        assert symbol.svg_path_d() == old_svg_path_d(matrix)
    # also for a symbol made from rows derived from the reference matrix, and back
    _, _, _, matrix, symbol = encoded[0]
    plain = QrSymbol(symbol.data, symbol.error_correction, symbol.version, rows_of(matrix))
    assert plain.svg_path_d() == old_svg_path_d(matrix)
    assert plain.svg() == symbol.svg()
    assert plain.matrix == tuple(tuple(row) for row in matrix)


def decode_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_png_has_one_pixel_block_per_module(encoded: list) -> None:
    for _data, _level, _version, matrix, symbol in encoded:
        scale = 8
        image = decode_png(symbol.png(scale))
        n = len(matrix) + 2 * QUIET_ZONE
        width = n * scale
        assert image.format == "PNG" and image.mode == "1" and image.size == (width, width)
        grey = image.convert("L").tobytes()
        for y in range(n):
            for x in range(n):
                inside = QUIET_ZONE <= x < n - QUIET_ZONE and QUIET_ZONE <= y < n - QUIET_ZONE
                dark = inside and matrix[y - QUIET_ZONE][x - QUIET_ZONE]
                for px, py in ((0, 0), (scale - 1, scale - 1), (scale // 2, 1)):
                    pixel = grey[(y * scale + py) * width + x * scale + px]
                    assert pixel == (0 if dark else 255), (symbol.data, x, y)


def test_png_decodes_to_the_old_image(encoded: list) -> None:
    for i, (_data, _level, _version, matrix, symbol) in enumerate(encoded):
        scales = (8,) if i % 25 else (1, 2, 3, 5, 7, 8, 9, 16)
        if symbol.version > 25 and i % 25:
            continue  # the old drawing code is slow on the largest symbols
        for scale in scales:
            new = decode_png(symbol.png(scale))
            old = decode_png(old_png(matrix, scale))
            assert (new.mode, new.size) == (old.mode, old.size)
            assert new.tobytes() == old.tobytes(), (symbol.data, scale)


def test_png_still_scans(encoded: list) -> None:
    for data, level, _version, _matrix, symbol in encoded[::17]:
        results = zxingcpp.read_barcodes(decode_png(symbol.png()))
        assert [(r.text, r.ec_level) for r in results] == [(data, level)]


def test_png_rejects_a_scale_below_one() -> None:
    with pytest.raises(ValueError):
        qr._make_qr("HTTPS://XM.EXAMPLE.VN/Q/XM-D01", "M").png(0)


def test_build_cache_stores_rows_as_text_and_gives_the_same_symbol(tmp_path: Path) -> None:
    data = "HTTPS://XM.EXAMPLE.VN/Q/XM-D0042"
    fresh = qr._make_qr.__wrapped__(data, "Q")
    memo = cache.BuildCache(tmp_path)
    with cache.using(memo):
        first = make_qr(data, "Q")
        stored = memo.qr.get(cache.digest("Q", data))
        assert stored == [
            fresh.version,
            ["".join("1" if m else "0" for m in r) for r in fresh.matrix],
        ]
        png = first.png()
        memo.qr.save()
    assert first == fresh

    again = cache.BuildCache(tmp_path)  # a later build: everything from the cache file
    with cache.using(again):
        second = make_qr(data, "Q")
        assert second == fresh and second is not first
        assert second.svg_path_d() == old_svg_path_d(fresh.matrix)
        assert second.png() == png
    assert again.qr.misses == 0


@pytest.mark.parametrize(
    "entry",
    [
        "junk",
        [2],
        [2, ["0" * 25] * 24],  # a row short
        [2, ["0" * 25] * 24 + ["0" * 24]],  # a module short
        [2, ["0" * 25] * 24 + ["0" * 24 + "x"]],  # not a module
        [2, ["0" * 25] * 24 + [None]],
        ["2", ["0" * 25] * 25],
    ],
)
def test_a_bad_cache_entry_is_encoded_again(tmp_path: Path, entry: object) -> None:
    data = "HTTPS://XM.EXAMPLE.VN/Q/XM-D0007"
    memo = cache.BuildCache(tmp_path)
    with cache.using(memo):
        memo.qr.put(cache.digest("M", data), entry)
        symbol = make_qr(data, "M")
    assert (symbol.version, symbol.matrix) == reference_symbol(data, "M")
    assert memo.qr.get(cache.digest("M", data))[1] == list(symbol.rows)


def test_worker_chunks_carry_rows_as_text() -> None:
    datas = [f"HTTPS://XM.EXAMPLE.VN/Q/XM-D{i:04d}" for i in range(5)]
    for data, version, rows in qr._encode_chunk(datas, "M"):
        ref_version, matrix = reference_symbol(data, "M")
        assert version == ref_version
        assert rows == ["".join("1" if m else "0" for m in r) for r in matrix]
