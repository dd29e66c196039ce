"""qrcode's private API, as site_builder/vendor/qrcode_shim.py uses it.

Each test names what changed so that a new qrcode release that breaks the shim fails
here, loudly, not as wrong codes on a thousand boxes.
"""

from __future__ import annotations

import importlib.metadata
import inspect

import pytest
import qrcode
import qrcode.exceptions
import qrcode.util

from site_builder.vendor import qrcode_shim
from site_builder.vendor.qrcode_shim import ERROR_LEVELS

FINDER = [
    "1111111",
    "1000001",
    "1011101",
    "1011101",
    "1011101",
    "1000001",
    "1111111",
]


def test_qrcode_version_is_the_one_the_shim_was_checked_against() -> None:
    major = int(importlib.metadata.version("qrcode").split(".")[0])
    assert major == 8, (
        f"qrcode {importlib.metadata.version('qrcode')} is installed; the shim "
        "(site_builder/vendor/qrcode_shim.py) was checked against 8.x: check it, then the "
        "bound in pyproject.toml"
    )


def test_the_private_methods_the_shim_overrides_and_calls_are_there() -> None:
    assert list(inspect.signature(qrcode.QRCode.makeImpl).parameters) == [
        "self",
        "test",
        "mask_pattern",
    ], "QRCode.makeImpl(test, mask_pattern) changed"
    assert list(inspect.signature(qrcode.QRCode.map_data).parameters) == [
        "self",
        "data",
        "mask_pattern",
    ], "QRCode.map_data(data, mask_pattern) changed"
    source = inspect.getsource(qrcode.QRCode.makeImpl)
    assert "self.map_data(" in source, "makeImpl no longer calls map_data"
    assert "data_cache" in source, "makeImpl no longer reads data_cache"
    assert list(inspect.signature(qrcode.util.create_data).parameters)[:3] == [
        "version",
        "error_correction",
        "data_list",
    ], "qrcode.util.create_data changed"


def _text(grid: qrcode_shim.Grid, r: int, c: int, size: int) -> list[str]:
    return ["".join("1" if grid[r + i][c + j] else "0" for j in range(size)) for i in range(size)]


def test_function_grid_has_finders_timing_and_the_data_modules_of_each_version() -> None:
    # data modules (codewords x 8 + remainder bits) per version, from ISO/IEC 18004 table 1
    data_modules = {1: 208, 2: 359, 7: 1568, 14: 4651, 40: 29648}
    for version, expected in data_modules.items():
        for test in (True, False):
            grid = qrcode_shim.function_grid(version, ERROR_LEVELS["M"], test, 3)
            n = 17 + 4 * version
            assert len(grid) == n and all(len(row) == n for row in grid), version
            assert sum(m is None for row in grid for m in row) == expected, version
            for r, c in ((0, 0), (0, n - 7), (n - 7, 0)):
                assert _text(grid, r, c, 7) == FINDER, (version, r, c)
            timing = [grid[6][c] for c in range(8, n - 8)]
            assert timing == [c % 2 == 0 for c in range(8, n - 8)], version


def test_the_finished_grid_carries_format_bits_the_test_grid_does_not() -> None:
    test_grid = qrcode_shim.function_grid(2, ERROR_LEVELS["M"], True, 5)
    final = qrcode_shim.function_grid(2, ERROR_LEVELS["M"], False, 5)
    format_cells = [(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)]
    assert not any(test_grid[r][c] for r, c in format_cells)
    # the public API's finished symbol with the same mask has the same function modules
    code = qrcode.QRCode(version=2, error_correction=ERROR_LEVELS["M"], border=0, mask_pattern=5)
    code.add_data("XM-D01")
    code.make(fit=False)
    n = len(final)
    fixed = [(r, c) for r in range(n) for c in range(n) if final[r][c] is not None]
    assert len(fixed) == n * n - 359
    assert all(final[r][c] == code.modules[r][c] for r, c in fixed)
    assert any(final[r][c] for r, c in format_cells)


def test_encode_picks_the_smallest_version_and_makes_its_codewords() -> None:
    version, codewords = qrcode_shim.encode("HTTPS://XM.EXAMPLE.VN/Q/XM-D01", "M")
    assert (version, len(codewords)) == (2, 44)  # alphanumeric mode: version 2-M
    version, codewords = qrcode_shim.encode("https://xm.example.vn/q/xm-d01", "M")
    assert (version, len(codewords)) == (3, 70)  # lower case: byte mode
    assert all(0 <= c <= 255 for c in codewords)


def test_mask_conditions_are_the_standard_ones() -> None:
    standard = [
        lambda i, j: (i + j) % 2 == 0,
        lambda i, j: i % 2 == 0,
        lambda i, j: j % 3 == 0,
        lambda i, j: (i + j) % 3 == 0,
        lambda i, j: (i // 2 + j // 3) % 2 == 0,
        lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
        lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        lambda i, j: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
    ]
    for mask, rule in enumerate(standard):
        applies = qrcode_shim.mask_condition(mask)
        assert all(bool(applies(i, j)) == rule(i, j) for i in range(25) for j in range(25)), mask


def test_the_error_levels_are_qrcodes_constants() -> None:
    import qrcode.constants

    assert ERROR_LEVELS == {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }


def _qrcode_encode(data: str, level: str) -> tuple[int, list[int]]:
    """What `qrcode` itself gives: `best_fit`, then `util.create_data`."""
    code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[level], border=0)
    code.add_data(data)
    version = int(code.best_fit())
    return version, list(qrcode.util.create_data(version, code.error_correction, code.data_list))


def test_the_shims_codewords_are_qrcodes_for_every_mode_level_and_size() -> None:
    """The shim's own bit buffer and Reed-Solomon (`encode`: `best_fit`, `codewords`)
    against qrcode's: numeric, alphanumeric, byte (Vietnamese UTF-8) and mixed data,
    from 1 character to version 40 at each level, the printed short URLs among them."""
    import random
    import string

    rng = random.Random(16)
    alphabets = [
        string.digits,
        string.ascii_uppercase + string.digits + " $%*+-./:",
        string.printable,
        "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệ" + string.ascii_letters,
    ]
    compared = 0
    for level in "LMQH":
        cases = [f"HTTPS://XM.VN/Q/XM-D{i:04d}" for i in range(0, 10000, 997)]
        for _ in range(150):
            alphabet = rng.choice(alphabets)
            size = rng.choice([1, 2, 7, 20, 61, 150, 400, 1200])
            cases.append("".join(rng.choice(alphabet) for _ in range(size)))
        cases.append("1" * 7089 if level == "L" else "1" * 3057)  # (the largest numeric)
        cases.append("1" * 7090 if level == "L" else "1" * 3058)  # one digit too many
        for data in cases:
            try:
                expected = _qrcode_encode(data, level)
            except (ValueError, qrcode.exceptions.DataOverflowError) as exc:
                with pytest.raises(type(exc)):
                    qrcode_shim.encode(data, level)
                continue
            assert qrcode_shim.encode(data, level) == expected, (level, data[:60])
            compared += 1
    assert compared > 500
