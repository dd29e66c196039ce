"""Languages as data: gettext catalogs compiled at build time, Babel formatting.

Adding a language means adding it to `languages` in site.yaml and a
`locale/<lang>/LC_MESSAGES/site.po`; no code changes.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from site_builder.errors import ContentError

DOMAIN = "site"


def load_translations(
    locale_dir: Path, lang: str, domain: str = DOMAIN
) -> gettext.NullTranslations:
    """Compile `<locale_dir>/<lang>/LC_MESSAGES/<domain>.po` in memory; English-in-code if absent."""
    po_path = locale_dir / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.is_file():
        return gettext.NullTranslations()
    return _compile(po_path, po_path.stat().st_mtime_ns, lang)


@lru_cache(maxsize=32)
def _compile(po_path: Path, _mtime: int, lang: str) -> gettext.NullTranslations:
    try:
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken catalog
        raise ContentError(
            po_path,
            getattr(exc, "lineno", None),
            None,
            f"this translation catalog cannot be read ({exc}).",
            "Check the quotes of the msgid/msgstr lines.",
        ) from exc
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


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


def format_day(day: dt.date, lang: str) -> str:
    return format_date(day, format="long", locale=lang)


@lru_cache(maxsize=256)
def language_name(lang: str, in_lang: str | None = None) -> str:
    """The language's name in itself ('Tiếng Việt', 'English', '中文'), or in `in_lang`."""
    name = Locale.parse(lang).get_display_name(in_lang or lang) or lang
    return name[:1].upper() + name[1:]
