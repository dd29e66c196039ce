"""What the packaged print font can draw, and the members' text it cannot.

The PDFs are drawn with one packaged font, Noto Sans subset to Latin and Vietnamese
(site_builder/fonts/), so that every print shop gets the same letters. WeasyPrint draws a
character that font lacks (an arrow →, a star ★, a tick ✓, an emoji, Chinese) with
whatever system font has it, which the print engine refuses (print/fonts.py
`check_document_fonts`): the build stopped with "WeasyPrint drew some text with
DejaVu-Sans ... reinstall site-builder", naming no file, while `check` had passed.

`unprintable` finds those characters where the member wrote them, before anything is
drawn: the item titles (every item's sticker carries its names) and the stories of the
booklets' entries. `check` reports them, and `build` with its PDFs refuses them the same
way (`build --no-pdf` and the website do not need them: a browser has the fonts).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from site_builder.content.model import Booklet, Item, Page, Site, Translation
from site_builder.errors import ContentError
from site_builder.messages import Msg

#: The code points each of the four packaged faces draws (all four the same), as
#: inclusive ranges: answered without reading the fonts (fontTools: ~45 ms), as `check`
#: asks it of every title. tests/test_printable.py compares it with the fonts' tables.
COVERAGE = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x2B0, 0x36F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x2064),
    (0x2066, 0x206F),
    (0x20A0, 0x20BF),
    (0x2100, 0x2122),
    (0xFFFD, 0xFFFD),
)
_IGNORED = "\n\t\r"
_DRAWN = frozenset(chr(p) for low, high in COVERAGE for p in range(low, high + 1)) | set(_IGNORED)
_TAG = re.compile(r"<[^>]*>")
_BACK_LINK = re.compile(r'<a href="#fnref:[^"]*"[^>]*>.*?</a>', re.S)


def covered(char: str) -> bool:
    """True when the packaged font has a glyph for `char` (combining marks included)."""
    point = ord(char)
    return any(low <= point <= high for low, high in COVERAGE)


def missing_chars(text: str) -> list[str]:
    """Characters of `text` (after NFC) that the packaged font cannot draw, in order."""
    if _DRAWN.issuperset(text):  # (the usual answer, in C: 4,000 titles in ~2 ms)
        return []
    seen: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char not in _IGNORED and char not in seen and not covered(char):
            seen.append(char)
    return seen


def shown(chars: list[str]) -> str:
    """'→' (U+2192), '★' (U+2605)"""
    return ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars)


STICKER_LANGUAGES = 2  # a sticker has room for the names in the site's first two languages


def sticker_names(site: Site, item: Item) -> tuple[tuple[str, str], ...]:
    """(language, title) of `item` in the languages a sticker prints names in: the
    site's first two (render/pdf.py `sticker_content`; `check` keys its layout by them)."""
    found = []
    for lang in site.config.languages[:STICKER_LANGUAGES]:
        tr = item.translations.get(lang)
        if tr is not None:
            found.append((lang, tr.title))
    return tuple(found)


def organisation(site: Site) -> str:
    """The cooperative's name, in the source language: a sticker's brand line and the
    PDFs' author (site.yaml `contact.organisation`, else the site's title)."""
    config = site.config
    org = config.contact.get("organisation") or {}
    return org.get(config.source_language) or config.title[config.source_language]


def unprintable(
    site: Site,
    sticker_languages: Callable[[], Iterable[str]] | None = None,
    only: Iterable[Item] | None = None,
) -> list[ContentError]:
    """Every title printed on a sticker (of the site's first two languages, those the
    sticker design prints: `sticker_languages()`, render/pdf.py `sticker_name_languages`,
    asked only when a title holds such a character) and every story of a booklet's source-language edition that
    holds characters the print font lacks, one error per file and place, in the order of
    the site's items and booklets; `only`: of these items alone (a build after edits: the
    others were printed by the last one). A booklet's edition in another language that the
    font cannot draw (a third language such as zh) is left out with a warning instead, by
    the build (render/pdf.py `booklet_pdfs`)."""
    errors: list[ContentError] = []
    seen: set[tuple[str, str]] = set()
    chosen = None if only is None else {item.key for item in only}
    items = site.items if chosen is None else [i for i in site.items if i.key in chosen]
    langs = site.config.languages[:STICKER_LANGUAGES]
    every_title = "".join(
        tr.title for item in items for lang in langs if (tr := item.translations.get(lang))
    )
    undrawable = not _DRAWN.issuperset(every_title)  # (one look, in C; rarely true)
    if undrawable and sticker_languages is not None:
        # which of the two a sticker prints depends on its design (read only now)
        langs = tuple(sticker_languages())
    for item in items if undrawable else ():
        for tr in _own(item, langs):
            chars = missing_chars(tr.title)
            if chars and (str(tr.source), "title") not in seen:
                seen.add((str(tr.source), "title"))
                errors.append(_title_error(tr, chars))
    everything: list[Item | Page] = [*site.items, *site.pages] if site.booklets else []
    things = {thing.key: thing for thing in everything}
    for booklet in site.booklets:
        for key in booklet.entries:
            if chosen is not None and key not in chosen:
                continue
            thing = things.get(key)
            if thing is None:
                continue
            for tr in _own(thing, (site.config.source_language,)):
                chars = missing_chars(_text_of(tr.body_html))
                if chars and (str(tr.source), "story") not in seen:
                    seen.add((str(tr.source), "story"))
                    errors.append(_story_error(tr, chars, booklet))
    return errors


def _own(thing: Item | Page, langs: Iterable[str]) -> list[Translation]:
    """Its translations in `langs` written in their own files (a fallback repeats
    another's)."""
    found = (thing.translations.get(lang) for lang in langs)
    return [tr for tr in found if tr is not None and not tr.fallback]


def _text_of(body_html: str) -> str:
    """The text WeasyPrint draws of a story's HTML (tags out, entities read; a
    footnote's link back, ↩, is not printed: templates/print/booklet.css)."""
    import html  # (only for a site with booklets)

    return html.unescape(_TAG.sub(" ", _BACK_LINK.sub("", body_html)))


def _lines(path: Path) -> list[str]:
    """The file's lines as the loader numbers them (only "\n" ends a line)."""
    from site_builder.content.yamlsource import read_text

    try:
        return read_text(path).split("\n")
    except (OSError, ContentError):
        return []


def _line_of(path: Path, chars: list[str], prefix: str = "") -> int | None:
    """The first line of `path` (starting with `prefix`) holding one of `chars`."""
    for number, line in enumerate(_lines(path), start=1):
        if line.lstrip().startswith(prefix) and any(c in line for c in chars):
            return number
    return None


def title_line(path: Path) -> int | None:
    """The line of the `title:` field in the front matter of text file `path`."""
    return _line_of(path, [":"], "title")


_HINT = Msg(
    "The print font has Latin and Vietnamese letters only: write it with ordinary letters "
    "(e.g. -> for →) or remove it. The website shows it; the PDFs cannot."
)


def _title_error(tr: Translation, chars: list[str]) -> ContentError:
    return ContentError(
        tr.source,
        _line_of(tr.source, chars, "title"),
        "title",
        Msg(
            "{chars} cannot be printed on the item's sticker.",
            chars=shown(chars),
        ),
        _HINT,
    )


def _story_error(tr: Translation, chars: list[str], booklet: Booklet) -> ContentError:
    title = next(iter(booklet.title.values()), booklet.slug)
    return ContentError(
        tr.source,
        _line_of(tr.source, chars),
        None,
        Msg(
            "{chars} cannot be printed in the booklet '{booklet}'.",
            chars=shown(chars),
            booklet=title,
        ),
        _HINT,
    )
