"""The packaged print font covers Vietnamese and ships with its licence."""

from __future__ import annotations

import unicodedata

from site_builder.print.fonts import FACES, FONT_DIR, LICENSE_FILE, font_face_css, missing_chars

BASE = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VOWELS = "aăâeêioôơuưy"


def all_vietnamese_letters() -> str:
    letters = set(BASE + BASE.upper())
    for vowel in VOWELS + VOWELS.upper():
        for tone in TONES:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    return "".join(sorted(letters))


def test_every_vietnamese_letter_and_mark_is_covered():
    letters = all_vietnamese_letters()
    assert len(letters) == 2 * (len(BASE) + len(VOWELS) * 5)
    assert missing_chars(letters) == []
    assert missing_chars("".join(TONES) + "₫–—“”‘’…·•€№") == []


def test_font_files_are_packaged_small_and_licensed():
    total = sum((FONT_DIR / name).stat().st_size for name in FACES.values())
    assert total < 2_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in LICENSE_FILE.read_text(encoding="utf-8")
    css = font_face_css()
    assert css.count("@font-face") == 4 and "file://" in css


def test_ink_boxes_read_from_the_glyph_headers_are_those_of_the_decompiled_outlines():
    # `_metrics` reads each glyph's box from its glyf header without decompiling it
    from fontTools.ttLib import TTFont

    from site_builder.print.fonts import _metrics

    for bold in (False, True):
        font = TTFont(FONT_DIR / FACES[(700 if bold else 400, "normal")])
        glyf = font["glyf"]
        decompiled = {}
        for cp, name in font.getBestCmap().items():
            g = glyf[name]
            if g.numberOfContours != 0:
                decompiled[cp] = (g.xMin, g.xMax, g.yMin, g.yMax)
        assert _metrics(bold).bounds == decompiled
        assert len(decompiled) > 1000
