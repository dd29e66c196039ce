"""A home printer's calibration offset (site.yaml stickers.offset_x_mm / offset_y_mm,
`--offset-x/-y`) is refused when it would move a sticker's ink off the paper or into the
edge a home printer leaves blank, with the option or the site.yaml field and line that
gave it, and the offsets the sheet allows. Checked on the rendered page (pypdfium2)."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from site_builder.labelsheets import BUILTIN
from site_builder.print import StickerError, render_sticker_sheet
from tests.helpers import run_cli
from tests.test_print_sticker_design import COMPACT, ITEMS, STANDARD
from tests.test_print_stickers import ENV, META

DPI = 300
PX = 25.4 / DPI
PRINTER_MARGIN = 3.0  # mm a home printer leaves blank at the paper's edge (sticker_sheets)


def ink_box(pdf: bytes) -> tuple[float, float, float, float]:
    """The bounding box (mm) of everything printed on the first page."""
    image = pdfium.PdfDocument(pdf)[0].render(scale=DPI / 72).to_pil().convert("L")
    box = image.point(lambda v: 255 if v < 250 else 0).getbbox()
    assert box is not None
    return tuple(v * PX for v in box)  # type: ignore[return-value]


def sheet(template: str, design, offset: tuple[float, float]) -> bytes:
    return render_sticker_sheet(
        [(c, 4) for c in ITEMS],
        BUILTIN[template],
        env=ENV,
        meta=META,
        offset_mm=offset,
        design=design,
    )


@pytest.mark.parametrize(
    ("template", "design", "least", "most"),
    [
        # L7173: labels 6 mm from the top and bottom, 4.67 mm from the sides; ink 2 mm inside
        ("L7173", STANDARD, (-3.67, -5.0), (3.67, 5.0)),
        # a background colour prints the label's whole shape
        ("L7173", COMPACT, (-1.67, -3.0), (1.67, 3.0)),
    ],
    ids=["L7173-standard", "L7173-compact"],
)
def test_the_largest_offsets_keep_the_ink_on_the_printable_paper(template, design, least, most):
    sheet_w, sheet_h = BUILTIN[template].page_width, BUILTIN[template].page_height
    for dx, dy in ((least[0], least[1]), (most[0], most[1])):
        x0, y0, x1, y1 = ink_box(sheet(template, design, (dx, dy)))
        # measured to two pixels (0.17 mm): anti-aliased edges, a page of whole pixels
        assert min(x0, y0, sheet_w - x1, sheet_h - y1) >= PRINTER_MARGIN - 2 * PX, (dx, dy)
    for offset, axis in (
        ((least[0] - 0.5, 0.0), "x"),
        ((0.0, least[1] - 0.5), "y"),
        ((most[0] + 0.5, 0.0), "x"),
        ((0.0, most[1] + 0.5), "y"),
    ):
        with pytest.raises(StickerError) as info:
            sheet(template, design, offset)
        low, high = (least[0], most[0]) if axis == "x" else (least[1], most[1])
        assert str(info.value).startswith(f"offset {axis} ")
        assert f"the offset may be from {low:g} to {high:g} mm" in str(info.value)


def test_site_yaml_and_option_offsets_are_refused_with_where_they_come_from(minimal: Path):
    site = minimal / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(
        text + "stickers:\n  template: L7173\n  offset_x_mm: 0\n  offset_y_mm: -6\n",
        encoding="utf-8",
    )
    line = len(text.splitlines()) + 4
    run = run_cli(minimal, "stickers", "--codes", "XM-D01", "-o", "stickers/x.pdf")
    assert run.code == 1
    assert run.err == (
        f"Error: site.yaml:{line}: stickers.offset_y_mm: offset_y_mm -6 mm moves the stickers' "
        "ink off the paper or into the 3 mm a home printer leaves blank at its edge (L7173); "
        "on this sheet the offset may be from -5 to 10 mm.\n1 error; nothing was written.\n"
    )
    assert not (minimal / "stickers" / "x.pdf").exists()
    option = run_cli(
        minimal, "stickers", "--codes", "XM-D01", "--offset-y", "-5.5", "-o", "stickers/x.pdf"
    )
    assert option.code == 1
    assert option.err.startswith("Error: --offset-y -5.5 mm moves the stickers' ink off the paper")
    vi = run_cli(
        minimal,
        "--lang",
        "vi",
        "stickers",
        "--codes",
        "XM-D01",
        "--offset-y",
        "-5.5",
        "-o",
        "stickers/x.pdf",
    )
    assert vi.code == 1
    assert "máy in gia đình để trắng" in vi.err and "từ -5 đến 10 mm" in vi.err, vi.err
    fine = run_cli(
        minimal, "stickers", "--codes", "XM-D01", "--offset-y", "-5", "-o", "stickers/x.pdf"
    )
    assert fine.code == 0, fine.err


def _offset_in_site_yaml(project: Path, settings: str) -> int:
    """`stickers:` of site.yaml set to `settings` (its lines); the line after them."""
    site = project / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text + "stickers:\n" + settings, encoding="utf-8")
    return len(text.splitlines()) + 2


@pytest.mark.parametrize(
    ("design", "refused", "least"),
    [
        ("standard", -6, -5),  # L7173's top labels 6 mm from the paper's edge, ink 2 mm inside
        ("compact", -4, -3),  # a background colour prints the label's whole shape
    ],
)
def test_check_refuses_the_site_yaml_offset_the_build_refuses(
    minimal: Path, design: str, refused: float, least: float
):
    """`check` (which members run before a build) reports the offset the build's preview
    sheet refuses, with the build's own message: site.yaml's field and line, the range."""
    first = _offset_in_site_yaml(
        minimal, f"  template: L7173\n  design: {design}\n  offset_y_mm: {refused}\n"
    )
    message = (
        f"site.yaml:{first + 2}: stickers.offset_y_mm: offset_y_mm {refused} mm moves the "
        "stickers' ink off the paper or into the 3 mm a home printer leaves blank at its edge "
        f"(L7173); on this sheet the offset may be from {least} to 10 mm."
    )
    build = run_cli(minimal, "--lang", "en", "build")
    assert build.code == 1
    assert build.err.endswith(f"Error: {message}\n1 error; nothing was written.\n"), build.err
    check = run_cli(minimal, "--lang", "en", "check")
    assert check.code == 1, check.out + check.err
    assert [line for line in check.out.splitlines() if line.startswith("Error: ")] == [
        f"Error: {message}"
    ]
    assert check.out.endswith("Check failed: 1 error, 2 warnings.\n")
    vi = run_cli(minimal, "--lang", "vi", "check")
    assert vi.code == 1
    assert (
        f"Lỗi: site.yaml:{first + 2}: stickers.offset_y_mm: offset_y_mm {refused} mm đẩy phần "
        "in của tem ra ngoài tờ giấy hoặc vào dải 3 mm sát mép mà máy in gia đình để trắng "
        f"(L7173); với tấm này, độ lệch chỉ được từ {least} đến 10 mm.\n" in vi.out
    ), vi.out
    as_json = run_cli(minimal, "--lang", "en", "check", "--format", "json")
    assert as_json.code == 1
    assert json.loads(as_json.out)["errors"] == [
        {
            "file": "site.yaml",
            "line": first + 2,
            "field": "stickers.offset_y_mm",
            "message": message.split(": ", 2)[2],
            "hint": "",
        }
    ]


def test_check_takes_an_offset_the_build_allows(minimal: Path):
    """The largest offsets the sheet allows (and one on each axis) are no error."""
    _offset_in_site_yaml(minimal, "  template: L7173\n  offset_x_mm: -3.67\n  offset_y_mm: -5\n")
    check = run_cli(minimal, "--lang", "en", "check")
    assert check.code == 0, check.out + check.err
    assert "offset" not in check.out + check.err
    assert check.out.endswith("Check passed: 0 errors, 2 warnings.\n")
