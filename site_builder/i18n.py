"""Languages as data: gettext catalogs compiled at build time, Babel formatting.

Adding a language means adding it to `languages` in site.yaml and a
`locale/<lang>/LC_MESSAGES/site.po`; no code changes.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from site_builder.catalog import CatalogError, compile_mo, load_catalog
from site_builder.errors import ContentError
from site_builder.messages import Msg

DOMAIN = "site"


def load_translations(
    locale_dir: Path, lang: str, domain: str = DOMAIN
) -> gettext.NullTranslations:
    """Compile `<locale_dir>/<lang>/LC_MESSAGES/<domain>.po` in memory; English-in-code if absent."""
    try:
        return load_catalog(locale_dir, lang, domain)
    except CatalogError as exc:
        raise _unreadable(exc) from exc


def compile_translations(data: bytes, po_path: Path, lang: str) -> bytes:
    """The .mo bytes of the site catalogue `data` (read from `po_path`); a broken one
    raises the ContentError `load_translations` raises."""
    try:
        return compile_mo(data, po_path, lang)
    except CatalogError as exc:
        raise _unreadable(exc) from exc


def _unreadable(exc: CatalogError) -> ContentError:
    if "num_plurals" in exc.detail:  # babel: more msgstr[N] than the header's Plural-Forms
        hint = Msg(
            "The msgstr[N] lines do not fit the plural rule in the header (Plural-Forms): "
            "start a catalogue with pybabel init (docs/editing.md), not a copy of site.pot."
        )
    else:
        hint = Msg("Check the quotes of the msgid/msgstr lines.")
    return ContentError(
        exc.path,
        exc.line,
        None,
        Msg("this translation catalog cannot be read ({detail}).", detail=exc.detail),
        hint,
    )


def locales_ahead(languages: tuple[str, ...] | list[str]) -> None:
    """Read Babel's data for `languages` now (~9 ms for the first, ~3 ms for each next),
    ahead of the first price or date formatted, by a command that waits for something
    else meanwhile (preview/quick.py)."""
    from babel import localedata

    for lang in languages:
        if localedata.exists(lang):
            localedata.load(lang)


@lru_cache(maxsize=4096)
def format_price(price: tuple[int, int], lang: str) -> str:
    """450000 -> '450.000 ₫' (vi) or '450,000 VND' (every other language: a foreign
    visitor knows the currency code, not the sign). A range joins two prices with an en
    dash; no-break spaces keep the whole range on one line."""
    low, high = price

    def one(amount: int) -> str:
        if lang == "vi":
            return format_currency(amount, "VND", locale=lang)
        return f"{format_decimal(amount, locale=lang)}\u00a0VND"

    if low == high:
        return one(low)
    return f"{one(low)}\u00a0–\u00a0{one(high)}"


def format_count(count: int, lang: str) -> str:
    """2000 -> '2.000' (vi) or '2,000' (en): a number of things, grouped as `lang` writes it."""
    return format_decimal(count, locale=lang)


def format_day(day: dt.date, lang: str) -> str:
    return format_date(day, format="long", locale=lang)


@lru_cache(maxsize=256)
def language_name(lang: str, in_lang: str | None = None) -> str:
    """The language's name in itself ('Tiếng Việt', 'English', '中文'), or in `in_lang`."""
    name = Locale.parse(lang).get_display_name(in_lang or lang) or lang
    return name[:1].upper() + name[1:]
