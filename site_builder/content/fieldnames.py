"""A field written in the member's own words (`giá:` for `price:`): which field is meant.

A field may declare the site's label for it (`schema.Field.label`: the words its page shows,
a msgid of the project's `locale/<lang>/LC_MESSAGES/site.po`: "Price", in Vietnamese
"Giá") and other words members use for it (`Field.words`: "trọng lượng" for `net_weight`).
A key that is not a field of the file is compared with those and with the label's
translations in the site's languages, ignoring case, accents and how the words are joined
(`Giá`, `gia`, `GIA`; `mô tả`, `mo_ta`, `Mô-tả`). The translations are read from the
project's own catalogues when a key is not known, so the hint follows the labels the site
shows (a label reworded in site.po is recognised as written there) instead of a second
list of Vietnamese names drifting from them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from site_builder.catalog import CatalogError, load_catalog

SITE_DOMAIN = "site"  # (i18n.DOMAIN: the site's catalogues, read here without Babel's formats)

Labels = Callable[[str], tuple[str, ...]]  # a site label -> its translations
Named = tuple[str, str, tuple[str, ...]]  # a field's name, label and other words


def fold(word: object) -> str:
    """`word` without case, accents or separators: 'Mô tả' -> 'mo_ta', 'Giá' -> 'gia'."""
    text = str(word).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return "_".join(part for part in re.split(r"[\W_]+", text) if part)


def meanings(fields: Iterable[Named], labels: Labels | None = None) -> dict[str, str]:
    """Folded word -> the field it names, among `fields` (a file's own): each field's
    name, label, the label's translations (`labels`) and other words. A word that could
    name two of these fields names none."""
    found: dict[str, set[str]] = {}
    for name, label, words in fields:
        said = [name, *words]
        if label:
            said += [label, *(labels(label) if labels is not None else ())]
        for word in said:
            key = fold(word)
            if key:
                found.setdefault(key, set()).add(name)
    return {key: next(iter(names)) for key, names in found.items() if len(names) == 1}


def site_labels(locale_dir: Path, languages: Sequence[str]) -> Labels:
    """The translations of a site label in `languages`, from the project's catalogues
    below `locale_dir` (a catalogue that is missing or cannot be read gives none: the
    build reports it where the pages need it)."""

    def translations(label: str) -> tuple[str, ...]:
        out = []
        for lang in languages:
            try:
                text = load_catalog(locale_dir, lang, SITE_DOMAIN).gettext(label)
            except CatalogError:
                continue
            if text != label:
                out.append(text)
        return tuple(out)

    return translations
