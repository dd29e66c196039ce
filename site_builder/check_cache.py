"""What `check` derives from each story and each text file, remembered between checks.

`.site-builder-cache/check.json` (a sealed `cache.Table`: a corrupt, foreign or older file
reads as empty) holds three kinds of entries (a story's links are not among them: they
are found where the story is converted and kept with the loaded item, `Translation.links`):

- `source:<file state>` -> a source text's `source_hash` (check.py's definition);
- `recorded:<file state>` -> the `source_hash` a translation records, and its line;
- `qr:<hash of the error correction level and the data>` -> the QR code's version (its
  size: build.plan_site checks it against `qr.max_version`), keyed by what it encodes;
- `sticker:<hash of everything its layout depends on>` -> true: that sticker fits its
  label (check_stickers.py); one that does not is not remembered (laid out each check);
- `sheet:<hash of the sticker settings and every item's words>` -> true: the whole
  preview sheet passed (`check_stickers.sheet_key`): nothing laid out or imported.

A file's entries are keyed by its state (filestate.py, the one rule for "has this file
changed") and only stored once the file is settled (it last changed more than
`filestate.RACY_NS` before it was read), so an edit in the same clock tick is read again.
An entry of the wrong shape is ignored and computed again. Only the entries used by a
check are saved: the states of files since edited drop out. A check that adds a few
entries writes them to `check.journal.json` beside it (`cache.Table`'s journal) rather
than the whole table; the table is written whole, without the unused entries, once the
journal or the unused entries pass `cache.JOURNAL`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_builder.cache import CACHE_DIR, Table, digest
from site_builder.filestate import FileState, settled, state_of

HASH = re.compile(r"[0-9a-f]{12}")


class CheckCache:
    """The check's per-story and per-file memory; `save()` writes what was used."""

    def __init__(self, root: Path) -> None:
        self.table = Table(root / CACHE_DIR / "check.json", journal=True)
        self.keep_unused = False  # set when a kind of entry was not looked up: keep all

    def qr_version(self, data: str, level: str, encode: Callable[[str, str], int]) -> int:
        """`encode(data, level)`: the version of the QR code for `data` at error correction
        `level`, remembered under what it encodes."""
        key = "qr:" + digest(level, data)
        value = self.table.get(key)
        if type(value) is int and 1 <= value <= 40:
            return value
        version = encode(data, level)
        self.table.put(key, version)
        return version

    def sticker_fits(self, key: str) -> bool:
        """Whether the sticker whose layout depends on `key` (check_stickers.py) was laid
        out and fitted its label."""
        return self.table.get("sticker:" + key) is True

    def sticker_fitted(self, key: str) -> None:
        """Remember that the sticker of `key` fits (`sticker_fits`)."""
        self.table.put("sticker:" + key, True)

    def sheet_fits(self, key: str) -> bool:
        """Whether the preview sheet of `key` (`check_stickers.sheet_key`) was checked and
        every sticker on it fitted; its stickers' own entries are kept then (not looked
        up, they would drop out of the table)."""
        if self.table.get("sheet:" + key) is not True:
            return False
        self.table.keep(k for k in self.table.data if k.startswith("sticker:"))
        return True

    def sheet_fitted(self, key: str) -> None:
        """Remember that the preview sheet of `key` passed (`sheet_fits`)."""
        self.table.put("sheet:" + key, True)

    def source_hash(
        self, path: Path, compute: Callable[[Path], str], state: FileState | None = None
    ) -> str:
        """`compute(path)` (a source text's hash), remembered under the file's state
        (`state`: as the command's scan found it; else `lstat` now)."""
        value, key = self._known("source", path, state)
        if isinstance(value, str) and HASH.fullmatch(value):
            return value
        found = compute(path)  # may raise: an unreadable file is not remembered
        if key is not None:
            self.table.put(key, found)
        return found

    def knows_source(self, path: Path, state: FileState | None = None) -> bool:
        """Whether `source_hash` of `path` as it is now (or as `state`) is remembered."""
        value, _key = self._known("source", path, state)
        return isinstance(value, str) and HASH.fullmatch(value) is not None

    def recorded(
        self,
        path: Path,
        compute: Callable[[Path], tuple[str | None, int | None]],
        state: FileState | None = None,
    ) -> tuple[str | None, int | None]:
        """`compute(path)` (the hash a translation records, and its line), remembered."""
        value, key = self._known("recorded", path, state)
        if _is_recorded(value):
            return value[0], value[1]
        found = compute(path)
        if key is not None:
            self.table.put(key, list(found))
        return found

    def _known(
        self, kind: str, path: Path, state: FileState | None = None
    ) -> tuple[Any, str | None]:
        """The entry for `path` as it is now (or as `state`, scanned), and the key to store
        one under (None when the file is missing or changed too recently to be vouched for
        by its state)."""
        state = state or state_of(path)
        if state is None:
            return None, None
        key = f"{kind}:" + "\0".join(map(str, state))
        if not settled(state.mtime_ns):
            return None, None
        return self.table.get(key), key

    def save(self) -> None:
        self.table.save(keep_unused=self.keep_unused)


def _is_recorded(value: Any) -> bool:
    if not isinstance(value, list) or len(value) != 2:
        return False
    text, line = value
    text_ok = text is None or (isinstance(text, str) and bool(text))
    line_ok = line is None or (type(line) is int and line > 0)
    return text_ok and line_ok
