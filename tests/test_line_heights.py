"""Every line of the site's text leaves room for Vietnamese stacked capitals.

A capital with two marks (Ẫ: a tilde over a circumflex, Ỗ, Ặ...) reaches ~1.05 em above
its baseline, and a descender (g, p, y, ỹ) ~0.24 em below its own: a heading that wraps
onto two lines at a line height under ~1.29 lets the marks of its second line touch the
descenders of its first, as a tourist sees it on a phone (the booklets' headings and the
stickers keep the same room: test_print_line_gaps.py). Measured on the fonts' own outlines
(Noto Sans, the packaged face and Android's Vietnamese fallback; the regular and bold
faces), against the line heights of the CSS the build writes, parsed."""

from __future__ import annotations

from pathlib import Path

import tinycss2
from fontTools.ttLib import TTFont

from site_builder.print.fonts import FONT_DIR

STACKED = "ẪỖẰẲẴẶẤẦẨẬẾỀỂỄỆỐỒỔỘỚỜỞỠỢỨỪỬỮỰỲỶỸ"
DESCENDERS = "gjpqyỵỹ"
GAP_EM = 0.02  # paper left between them, at least (0.5 px of a 25 px heading)


def ink_em(face: str) -> float:
    """From the top of the highest stacked capital to the bottom of the lowest descender,
    in em of `face`."""
    font = TTFont(FONT_DIR / face)
    em, cmap, glyf = font["head"].unitsPerEm, font.getBestCmap(), font["glyf"]

    def bounds(ch: str) -> tuple[int, int]:
        glyph = glyf[cmap[ord(ch)]]
        glyph.recalcBounds(glyf)
        return glyph.yMin, glyph.yMax

    top = max(bounds(ch)[1] for ch in STACKED)
    bottom = min(bounds(ch)[0] for ch in DESCENDERS)
    return (top - bottom) / em


def line_heights(css: str) -> list[tuple[str, float]]:
    """(selector, unitless line height) of every rule that sets one, by `line-height` or in
    the `font` shorthand (`1rem/1.6`)."""
    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        for decl in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
            if decl.type != "declaration":
                continue
            values = [v for v in decl.value if v.type not in ("whitespace", "comment")]
            if decl.lower_name == "line-height":
                number = values[0]
            elif decl.lower_name == "font":
                slash = [i for i, v in enumerate(values) if v.type == "literal" and v.value == "/"]
                if not slash:
                    continue
                number = values[slash[0] + 1]
            else:
                continue
            assert number.type == "number", (selector, decl.name, "a line height without unit")
            found.append((selector, float(number.value)))
    return found


def test_the_fonts_need_more_than_a_tight_line() -> None:
    """(The measure itself: a line height of 1.25 is too tight for these marks.)"""
    assert 1.25 < ink_em("NotoSans-Regular.ttf") < ink_em("NotoSans-Bold.ttf") < 1.33


def test_every_line_height_of_the_site_clears_stacked_capitals(sample_site: Path) -> None:
    need = ink_em("NotoSans-Bold.ttf") + GAP_EM
    sheets = sorted((sample_site / "output/assets").glob("*.css"))
    assert sheets
    seen = [(sheet.name, *found) for sheet in sheets for found in line_heights(sheet.read_text())]
    assert any(selector == "h1" for _name, selector, _height in seen)
    tight = [(name, selector, height) for name, selector, height in seen if height < need]
    assert tight == [], f"line heights under {need:.3f}"
