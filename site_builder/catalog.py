"""Reading a gettext catalogue (.po) into translations, in memory (no .mo files to build).

On the ground floor: the CLI's own messages (site_builder/messages.py) and the site's
translations (site_builder/i18n.py) both use it, and it uses nothing of the project.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from site_builder.filestate import FileState, settled, state_of


class CatalogError(ValueError):
    """A catalogue that cannot be read: its path, the line (if known) and babel's words."""

    def __init__(self, path: Path, line: int | None, detail: str) -> None:
        super().__init__(f"{path}:{line or ''}: {detail}")
        self.path = path
        self.line = line
        self.detail = detail


def catalog_path(locale_dir: Path, lang: str, domain: str) -> Path:
    """Where the catalogue of `domain` in `lang` lives below `locale_dir`."""
    return locale_dir / lang / "LC_MESSAGES" / f"{domain}.po"


def load_catalog(locale_dir: Path, lang: str, domain: str) -> gettext.NullTranslations:
    """`<locale_dir>/<lang>/LC_MESSAGES/<domain>.po` compiled in memory; English-in-code
    (no translation) if there is no such file. Raises `CatalogError`."""
    po_path = catalog_path(locale_dir, lang, domain)
    if not po_path.is_file():
        return gettext.NullTranslations()
    state = state_of(po_path)
    if state is not None and settled(state.mtime_ns):  # compiled once while it stays as it is
        return _compile(po_path, state, lang)
    return _compile.__wrapped__(po_path, state, lang)


@lru_cache(maxsize=32)
def _compile(po_path: Path, _state: FileState | None, lang: str) -> gettext.NullTranslations:
    try:
        data = po_path.read_bytes()
    except OSError as exc:
        raise CatalogError(po_path, None, str(exc)) from exc
    return gettext.GNUTranslations(io.BytesIO(compile_mo(data, po_path, lang)))


def compile_mo(data: bytes, po_path: Path, lang: str) -> bytes:
    """The .mo bytes of the catalogue `data` (read from `po_path`). Raises `CatalogError`."""
    # babel is imported here, not at the top: the CLI starts without it in English
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    try:
        catalog = read_po(io.BytesIO(data), locale=lang, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken catalog
        lineno = getattr(exc, "lineno", None)  # Babel counts lines from 0
        raise CatalogError(
            po_path, lineno + 1 if isinstance(lineno, int) else None, str(exc)
        ) from exc
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()
