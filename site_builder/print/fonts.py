"""The packaged print font: Noto Sans (OFL), subset to Latin + Vietnamese.

The TTF files live in `site_builder/fonts/` and install with the package, so a
build needs no network and no system fonts. WeasyPrint embeds and subsets them.

WeasyPrint falls back silently to a system font (DejaVu here) when a font file is
missing or a character is not in our font. We guard against both:
- `check_text()` refuses text with characters the font cannot draw, naming them;
- `check_document_fonts()` inspects the fonts of a rendered document and raises
  `FontError` when any font other than ours was used;
- `assert_fonts_embedded()` checks a finished PDF (used by tests and by `--check`).
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from site_builder.content.printable import covered, missing_chars
from site_builder.print_errors import FontError

__all__ = ["covered", "missing_chars"]  # (content/printable.py: no font file read)

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

#: The CSS family name we declare with @font-face. It is deliberately not a name any
#: system font has, so a fallback can never masquerade as ours.
FAMILY = "Noto Sans XM"
#: How WeasyPrint writes that family in the PDF (`ABCDEF+Noto-Sans-XM-Bold`).
PDF_FAMILY = FAMILY.replace(" ", "-")

#: (weight, style) -> file name in FONT_DIR
FACES: dict[tuple[int, str], str] = {
    (400, "normal"): "NotoSans-Regular.ttf",
    (700, "normal"): "NotoSans-Bold.ttf",
    (400, "italic"): "NotoSans-Italic.ttf",
    (700, "italic"): "NotoSans-BoldItalic.ttf",
}
LICENSE_FILE = FONT_DIR / "OFL.txt"


def font_files() -> list[Path]:
    """The packaged font files; raises `FontError` if one is missing."""
    paths = [FONT_DIR / name for name in FACES.values()]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise FontError(
            "the print font is missing: "
            + ", ".join(p.as_posix() for p in missing)
            + ". Reinstall site-builder (the fonts ship in site_builder/fonts/)."
        )
    return paths


@cache
def font_face_css() -> str:
    """`@font-face` rules for every packaged face, with `file://` URLs."""
    font_files()
    rules = []
    for (weight, style), name in FACES.items():
        rules.append(
            f"@font-face {{ font-family: '{FAMILY}'; "
            f"src: url('{(FONT_DIR / name).as_uri()}') format('truetype'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


@dataclass(frozen=True)
class _Metrics:
    units_per_em: int
    advances: dict[int, int]  # code point -> advance width in font units
    #: code point -> the glyph's ink (x_min, x_max, y_min, y_max), font units from the
    #: origin on the baseline (y up); blank glyphs (space) are left out
    bounds: dict[int, tuple[int, int, int, int]]
    ascent: int  # hhea: what the line box is built from (WeasyPrint via HarfBuzz)
    descent: int  # positive, below the baseline
    y_max: int  # head: the highest and lowest ink of any glyph (marks a base may carry)
    y_min: int


@lru_cache(maxsize=4)
def _metrics(bold: bool) -> _Metrics:
    from fontTools.ttLib import TTFont

    name = FACES[(700 if bold else 400, "normal")]
    font = TTFont(FONT_DIR / name, lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    advances = {cp: hmtx[glyph][0] for cp, glyph in cmap.items()}
    glyf = font["glyf"]
    bounds = {}
    for cp, glyph in cmap.items():
        box = _ink_box(glyf.glyphs[glyph])
        if box is not None:
            bounds[cp] = box
    head, hhea = font["head"], font["hhea"]
    return _Metrics(
        head.unitsPerEm, advances, bounds, hhea.ascent, -hhea.descent, head.yMax, head.yMin
    )


_GLYPH_HEADER = struct.Struct(">hhhhh")  # glyf: numberOfContours, xMin, yMin, xMax, yMax


def _ink_box(glyph: Any) -> tuple[int, int, int, int] | None:
    """A glyph's ink box (x_min, x_max, y_min, y_max), None when blank: read from the
    header of its `glyf` data while fontTools has not decompiled it (lazy: the box is
    stored there, the outline is not needed; ~8 ms a face, ~45 ms with every outline
    decompiled, which `check` paid on the first sticker it laid out)."""
    data = glyph.__dict__.get("data")
    if data is not None and len(data) >= _GLYPH_HEADER.size:
        contours, x_min, y_min, x_max, y_max = _GLYPH_HEADER.unpack_from(data)
        return None if contours == 0 else (x_min, x_max, y_min, y_max)
    if glyph.numberOfContours != 0 and hasattr(glyph, "yMax"):  # (decompiled, or blank)
        return (glyph.xMin, glyph.xMax, glyph.yMin, glyph.yMax)
    return None


def line_metrics_em(bold: bool = False) -> tuple[float, float]:
    """The font's ascent and descent (em): a line box of any height is centred on them."""
    m = _metrics(bold)
    return m.ascent / m.units_per_em, m.descent / m.units_per_em


def side_ink_em(text: str, bold: bool = False) -> tuple[float, float]:
    """How far (em, 0 when inside) the ink of one line of `text` starts before the line's
    origin (J: its first glyph's) and ends after its last advance (ư, f: its last glyph's)."""
    if not text:
        return 0.0, 0.0
    m = _metrics(bold)
    first, last = m.bounds.get(ord(text[0])), m.bounds.get(ord(text[-1]))
    left = max(0, -first[0]) if first else 0
    right = max(0, last[1] - m.advances.get(ord(text[-1]), 0)) if last else 0
    return left / m.units_per_em, right / m.units_per_em


def height_ink_em(text: str, bold: bool = False) -> tuple[float, float]:
    """The highest ink of one line of `text` above its baseline and the lowest below it
    (em, positive down). Vietnamese capitals with two marks (Ẫ, Ỗ) reach 1.05 em above
    the baseline: higher than a 1.18 em line box leaves room for. A combining mark (text
    NFC could not compose) counts as the font's highest and lowest ink."""
    m = _metrics(bold)
    top, bottom = 0, 0
    for c in set(text):
        b = m.bounds.get(ord(c))
        if unicodedata.category(c).startswith("M"):
            top, bottom = max(top, m.y_max), max(bottom, -m.y_min)
        elif b is not None:
            top, bottom = max(top, b[3]), max(bottom, -b[2])
    return top / m.units_per_em, bottom / m.units_per_em


def check_text(text: str, where: str) -> None:
    """Raise `FontError` when `text` holds characters our font cannot draw."""
    missing = missing_chars(text)
    if missing:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing)
        raise FontError(
            f"{where}: the print font (Noto Sans, Latin + Vietnamese) cannot draw {shown}; "
            "replace these characters (check for pasted symbols or emoji)."
        )


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """Advance width of `text` at `size_pt`, in mm (no kerning: a slight overestimate)."""
    metrics = _metrics(bold)
    default = metrics.units_per_em // 2
    units = sum(metrics.advances.get(ord(c), default) for c in unicodedata.normalize("NFC", text))
    return units / metrics.units_per_em * size_pt * 25.4 / 72


def check_document_fonts(font_names: Iterable[str | bytes], what: str) -> None:
    """Raise `FontError` if a rendered document used any font that is not ours.

    `font_names` are PDF font names such as `ABCDEF+Noto-Sans-XM-Bold`
    (WeasyPrint's `Document.fonts[...].name`).
    """
    foreign = sorted({_strip_subset(n) for n in font_names} - {""})
    foreign = [n for n in foreign if not _is_ours(n)]
    if foreign:
        raise FontError(
            f"{what}: WeasyPrint drew some text with {', '.join(foreign)} instead of "
            f"{FAMILY}; some characters are missing from the packaged font or the font "
            "files did not load. Remove unusual characters or reinstall site-builder."
        )


def _strip_subset(name: str | bytes) -> str:
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    name = name.lstrip("/")
    return re.sub(r"^[A-Z]{6}\+", "", name)


def _is_ours(name: str) -> bool:
    return name == PDF_FAMILY or name.startswith(PDF_FAMILY + "-")


def pdf_fonts(pdf_bytes: bytes) -> list[dict[str, object]]:
    """Every font resource of a PDF: name, subset flag, embedded-as-TrueType flag."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    found: dict[str, dict[str, object]] = {}

    def visit(resources: object) -> None:
        if not resources:
            return
        res = resources.get_object()  # type: ignore[attr-defined]
        fonts = res.get("/Font")
        if fonts:
            for ref in fonts.get_object().values():
                font = ref.get_object()
                base = str(font.get("/BaseFont", ""))
                descriptor_owner = font
                if "/DescendantFonts" in font:
                    descriptor_owner = font["/DescendantFonts"][0].get_object()
                descriptor = descriptor_owner.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                found[base] = {
                    "name": base.lstrip("/"),
                    "subset": bool(re.match(r"^/?[A-Z]{6}\+", base)),
                    "truetype_embedded": "/FontFile2" in descriptor,
                }
        xobjects = res.get("/XObject")
        if xobjects:
            for ref in xobjects.get_object().values():
                xobj = ref.get_object()
                if "/Resources" in xobj:
                    visit(xobj["/Resources"])

    for page in reader.pages:
        visit(page.get("/Resources"))
    return sorted(found.values(), key=lambda f: str(f["name"]))


def assert_fonts_embedded(pdf_bytes: bytes, expected_family: str = PDF_FAMILY) -> list[str]:
    """Check that every font in the PDF is a subset, embedded TrueType of `expected_family`.

    Returns the font names (without subset prefix). Raises `FontError` otherwise.
    """
    fonts = pdf_fonts(pdf_bytes)
    if not fonts:
        raise FontError("the PDF contains no fonts; expected the embedded " + expected_family)
    problems = []
    names = []
    for font in fonts:
        name = str(font["name"])
        bare = _strip_subset(name)
        names.append(bare)
        if not (bare == expected_family or bare.startswith(expected_family + "-")):
            problems.append(f"{name} is not {expected_family}")
        if not font["subset"]:
            problems.append(f"{name} is not subset")
        if not font["truetype_embedded"]:
            problems.append(f"{name} is not embedded as TrueType (FontFile2)")
    if problems:
        raise FontError("PDF fonts are wrong: " + "; ".join(problems))
    return names
