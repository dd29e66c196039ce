"""The site's translation catalogues compiled once, kept between commands.

A command that renders pages turns `locale/<lang>/LC_MESSAGES/site.po` into gettext's .mo
form for every language but the source one (i18n.py): importing Babel's catalogue
reader and parsing the file cost ~15 ms a language, more than rendering the page a
one-edit build writes. The .mo bytes are kept in the build cache's whole-file store
(`BuildCache.file`, each file sealed by its digest: a damaged one is compiled again),
named by the .po file's bytes, the language and Babel's version: an edited catalogue is
another name, and a broken one is never compiled, so its error is reported every time.
"""

from __future__ import annotations

import contextlib
import gettext
import io
from pathlib import Path

from site_builder import i18n
from site_builder.cache import STAMP, current, digest
from site_builder.catalog import catalog_path
from site_builder.libraries import versions


def site_translations(locale_dir: Path, lang: str) -> gettext.NullTranslations:
    """`i18n.load_translations(locale_dir, lang)`, from the build cache when it is there."""
    memo = current()
    po_path = catalog_path(locale_dir, lang, i18n.DOMAIN)
    if memo is None or not po_path.is_file():
        return i18n.load_translations(locale_dir, lang)
    try:
        data = po_path.read_bytes()
    except OSError:
        return i18n.load_translations(locale_dir, lang)  # (its message)
    key = digest(STAMP, "catalog-mo 1", lang, versions(("Babel",))["Babel"], data)
    mo = memo.file(key)
    if mo is None:
        mo = i18n.compile_translations(data, po_path, lang)
        with contextlib.suppress(OSError):  # a read-only project: compiled again next time
            memo.put_file(key, mo)
    return gettext.GNUTranslations(io.BytesIO(mo))  # (sealed: the bytes compiled)
