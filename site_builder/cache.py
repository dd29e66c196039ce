"""The build cache: `.site-builder-cache/` next to site.yaml. Deleting it only costs time.

Four kinds of entries, all keyed by a hash of everything that goes into them:
- small values (Markdown before sanitising, QR module matrices) in JSON files, each
  sealed with a checksum of its body and the tool's version: a corrupt, foreign or
  older file is ignored and rebuilt, never trusted;
- whole files (PDFs) stored under their key, with their own checksum beside them;
- the list of files the last good build wrote (`outputs.json`: path -> key, size, mtime,
  inode), so a page made from the same key is linked from the last build's output
  instead of rendered again, as long as that file is still exactly as it was written;
- the fingerprint of every input file (size, mtime, inode) of the last good build, so
  a rebuild with nothing changed can stop after a few thousand `stat` calls.

The cache in use is set for the duration of a build with `using(cache)`; code deep in
the pipeline asks `current()` and works the same (only slower) without one.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from site_builder import __version__
from site_builder.filestate import FileState, state_of
from site_builder.writer import write_atomic

CACHE_DIR = ".site-builder-cache"
ITEMS = "items"  # outputs.json: the items the last good build showed (moved_pages.py)
FORMAT = 2
STAMP = f"site-builder {__version__} cache {FORMAT} python {sys.version_info[:2]}"

_current: contextvars.ContextVar[BuildCache | None] = contextvars.ContextVar("cache", default=None)


def digest(*parts: bytes | memoryview | str, tail: Sequence[bytes] | None = None) -> str:
    """A SHA-256 of `parts`, each prefixed with its length; `tail`: one more part given in
    pieces (`digest(*parts, b"".join(tail))` without joining them: a large body written
    in parts)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    if tail is not None:
        h.update(sum(len(piece) for piece in tail).to_bytes(8, "little"))
        for piece in tail:
            h.update(piece)
    return h.hexdigest()


def current() -> BuildCache | None:
    return _current.get()


@contextlib.contextmanager
def using(cache: BuildCache | None) -> Iterator[BuildCache | None]:
    token = _current.set(cache)
    try:
        yield cache
    finally:
        _current.reset(token)


class Table:
    """A sealed JSON key -> value table, read on first use, saved when it changed."""

    def __init__(self, path: Path, journal: bool = False) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None
        # `journal`: a save that adds a few entries writes them to a small file beside the
        # table (`journal_path`) instead of the whole table again (`_save_journal`)
        self._journaled = journal
        self._journal: dict[str, Any] | None = None  # its entries, once read (None: none)
        self._put: dict[str, Any] = {}  # put since the table was read (for the journal)
        self._deferring = False  # `defer` said so, and the file is not read yet
        self._deferred = 0  # lookups that may still miss without reading the file
        self._pending: dict[str, Any] = {}  # put while deferring
        self._recent: dict[str, Any] | None = None  # the side file (`recent_path`), once read
        self._recent_used: dict[str, Any] = {}  # its entries found while deferring
        self._read_below = 0  # `defer(read_below=…)`: a miss reads a file this small
        self._promoted: dict[str, Any] = {}  # found in the file after a miss: for the side file
        self.used: set[str] = set()
        self.added: dict[str, Any] = {}  # put since the last `changes()`
        self.dirty = False
        self.hits = self.misses = 0
        self.trace: list[str] | None = None  # keys got or put, for the item being loaded

    @property
    def recent_path(self) -> Path:
        """The side file of a deferred table: what the last commands that did not read the
        table put or found, newest first (at most `RECENT` entries)."""
        return self.path.with_name(f"{self.path.stem}.recent{self.path.suffix}")

    @property
    def journal_path(self) -> Path:
        """A journaled table's entries added since the table was last written whole."""
        return self.path.with_name(f"{self.path.stem}.journal{self.path.suffix}")

    def recent_keys(self) -> set[str]:
        """The keys of the side file (`recent_path`) as it is now: what a deferred table
        finds without being read."""
        return set(_read_sealed(self.recent_path))

    def defer(self, lookups: int, from_bytes: int = 0, read_below: int = 0) -> None:
        """Let the next `lookups` lookups miss without reading the file, when the caller
        knows that only a few things are looked up (every item from the item cache: the
        free pages' stories, an edited item's): converting them costs less than reading
        the whole table (9 MB at 2,000 items). Those lookups look in the small side file
        (`recent_path`) instead, which a deferred table writes in place of itself: the
        free pages and an edited story are converted once, not at every command. Past
        `lookups`, the file is read and what was put or found meanwhile is added to it.
        Only a file of `from_bytes` or more is worth it. `read_below`: a lookup found in
        neither reads the file after all if it is smaller than that (what it finds there
        goes into the side file), for a table whose misses cost more than reading it (the
        QR symbols: drawing one imports `qrcode` and Pillow, ~30 ms)."""
        if self._data is None:
            with contextlib.suppress(OSError):
                size = self.path.stat().st_size
                if size >= from_bytes:
                    self._deferring, self._deferred = True, lookups
                    self._read_below = read_below if size < read_below else 0

    @property
    def data(self) -> dict[str, Any]:
        """The table's entries; a corrupt, foreign or older file reads as empty."""
        if self._data is None:
            self._data = _read_sealed(self.path)
            if self._journaled and self._data:  # (no table: written whole, no journal)
                self._journal = _read_sealed(self.journal_path)
                self._data.update(self._journal)
            if not self._recent_used.keys() <= self._data.keys():
                self.dirty = True  # (found in the side file: saved into the table now)
            self._data.update(self._recent_used)
            self._data.update(self._pending)
            self._pending, self._recent_used, self._deferring = {}, {}, False
        return self._data

    def get(self, key: str) -> Any:
        if self._data is None and self._deferred > 0:
            self._deferred -= 1
            value = self._pending.get(key)
            if value is None:
                if self._recent is None:
                    self._recent = _read_sealed(self.recent_path)
                value = self._recent.get(key)
                if value is not None:
                    self._recent_used[key] = value
                elif self._read_below:  # (the file is read: no more deferring)
                    value = self.data.get(key)
                    if value is not None:
                        self._promoted[key] = value
        else:
            value = self.data.get(key)
        if self.trace is not None:
            self.trace.append(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self.used.add(key)
        return value

    def keep(self, keys: Iterable[str]) -> None:
        """Count `keys` as used, so that saving keeps them. A table never read is not
        saved at all (every entry stays), so it is not read for this."""
        if self._data is not None:
            self.used.update(k for k in keys if k in self._data)

    def put(self, key: str, value: Any) -> None:
        (self._pending if self._deferring else self.data)[key] = value
        self.added[key] = value
        self._put[key] = value
        self.used.add(key)
        self.dirty = True

    def changes(self) -> tuple[dict[str, Any], set[str]]:
        """What was added and used since the last call (a worker process sends it back)."""
        added, self.added = self.added, {}
        return added, set(self.used)

    def merge(self, changes: tuple[dict[str, Any], set[str]]) -> None:
        """Take in a worker's `changes()`."""
        added, used = changes
        for key, value in added.items():
            self.put(key, value)
        self.used |= used

    def save(self, keep_unused: bool = False) -> None:
        if self._promoted or (
            self._data is None and self._deferring and (self._pending or self._recent_used)
        ):
            self._save_recent()
        if self._data is None:
            return  # never read (nothing changed, or deferred)
        if not self.dirty and (keep_unused or len(self.used) == len(self.data)):
            return
        if self._save_journal(keep_unused):
            return
        body = {k: v for k, v in self.data.items() if keep_unused or k in self.used}
        _write_sealed(self.path, *json_parts(body))
        self._put = {}
        if self._journaled:  # (its entries are in the table now)
            with contextlib.suppress(OSError):
                self.journal_path.unlink()
            self._journal = {}

    def _save_journal(self, keep_unused: bool) -> bool:
        """For a journaled table: write what was put since it was read into the journal
        (with the journal's entries so far) instead of the whole table, when that stays
        small (`JOURNAL` entries) and few entries went unused (else the whole table is
        written, without them); False when the table must be written whole. A check
        after an edit adds a few entries to a 750 kB table (2,000 items): ~8 ms less."""
        if self._journal is None or self._data is None:
            return False
        entries = {**self._journal, **self._put}
        unused = 0 if keep_unused else len(self._data) - len(self.used & self._data.keys())
        if len(entries) > JOURNAL or unused > JOURNAL:
            return False
        if entries != self._journal:
            text = json.dumps(entries, ensure_ascii=False, sort_keys=True).encode("utf-8")
            _write_sealed(self.journal_path, text)
            self._journal = entries
        self._put = {}
        return True

    def _save_recent(self) -> None:
        """The side file: this command's entries first, then the older ones, `RECENT` in all."""
        if self._recent is None:
            self._recent = _read_sealed(self.recent_path)
        body: dict[str, Any] = {}
        for source in (self._pending, self._promoted, self._recent_used, self._recent):
            for key, value in source.items():
                if len(body) < RECENT:
                    body.setdefault(key, value)
        if body != self._recent:
            text = json.dumps(body, ensure_ascii=False).encode("utf-8")
            _write_sealed(self.recent_path, text)


RECENT = 64  # entries of a deferred table's side file (a few edited items, the free pages)
JOURNAL = 64  # entries of a journaled table's journal, and unused entries it lets stay


def _write_sealed(path: Path, *parts: bytes) -> None:
    """The seal's line, then the body it seals (`parts`, joined: never one copy in memory)."""
    seal = json.dumps({"stamp": STAMP, "sum": digest(tail=parts)}).encode()
    write_atomic(path, seal + b"\n", *parts)


JSON_SLICE = 2000  # entries of a large dict encoded at a time (json_parts)


def json_parts(value: Any) -> list[bytes]:
    """`json.dumps(value, ensure_ascii=False, sort_keys=True)` in UTF-8, as parts that
    joined are those bytes: a dict of many entries is encoded a slice of its (sorted)
    entries at a time, so that a large table (the stories' HTML at 20,000 items: 87 MB of
    UTF-8, twice that as one Python string) is never one string in memory."""
    out: list[bytes] = []
    _json_parts(value, out)
    return out


def _json_parts(value: Any, out: list[bytes]) -> None:
    def large(v: Any) -> bool:
        return isinstance(v, dict) and len(v) > JSON_SLICE

    if not isinstance(value, dict) or (
        len(value) <= JSON_SLICE and not any(large(v) for v in value.values())
    ):
        out.append(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        return
    keys = sorted(value)
    out.append(b"{")
    for at in range(0, len(keys), JSON_SLICE):
        if at:
            out.append(b", ")
        part = keys[at : at + JSON_SLICE]
        if not any(large(value[k]) for k in part):
            text = json.dumps({k: value[k] for k in part}, ensure_ascii=False, sort_keys=True)
            out.append(text[1:-1].encode("utf-8"))
            continue
        for n, k in enumerate(part):  # a large dict inside: its entries by slices too
            out.append(
                (", " if n else "").encode()
                + json.dumps(k, ensure_ascii=False).encode("utf-8")
                + b": "
            )
            _json_parts(value[k], out)
    out.append(b"}")


def _read_sealed(path: Path) -> dict[str, Any]:
    """A sealed table's entries; a missing, corrupt, foreign or older file reads as empty."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        header, _, body = path.read_bytes().partition(b"\n")
        seal = json.loads(header)
        if seal["stamp"] == STAMP and seal["sum"] == digest(body):
            data = json.loads(body)
            if isinstance(data, dict):
                return data
    return {}


class BuildCache:
    """Everything one project remembers between builds."""

    def __init__(self, root: Path) -> None:
        self.dir = root / CACHE_DIR
        self.markdown = Table(self.dir / "markdown.json")
        self.qr = Table(self.dir / "qr.json")
        self.photos = Table(self.dir / "photos.json")  # photo identity -> SHA-256
        self.manifest = Table(self.dir / "outputs.json")
        self.files_used: set[str] = set()
        self.output: Path | None = None
        self._by_key: dict[str, str] | None = None
        self.items_hits = self.items_misses = 0  # items kept from the last build, loaded
        # item folder -> (stats, item) of the entries its item cache entry replaced, newest
        # first (preview/quick.py finds the one output/ was built from)
        self.items_before: dict[str, list[tuple[Any, Any]]] = {}
        # item folder -> the states of its files, as scanned at the start of this command
        # (preview/quick.py has them already); a folder not listed is scanned when loaded
        self.folder_states: dict[str, tuple[FileState, ...]] = {}

    # --- whole files (PDFs) ------------------------------------------------------------
    def file(self, key: str) -> bytes | None:
        path = self.dir / "files" / key
        try:
            data = path.read_bytes()
            check = (self.dir / "files" / f"{key}.sum").read_text()
        except OSError:
            return None
        if check != digest(STAMP, data):
            return None  # corrupt or from another version: rebuild it
        self.files_used.add(key)
        return data

    def put_file(self, key: str, data: bytes) -> None:
        folder = self.dir / "files"
        write_atomic(folder / key, data)
        write_atomic(folder / f"{key}.sum", digest(STAMP, data).encode())
        self.files_used.add(key)

    # --- the files of the last good build ------------------------------------------------
    def keep_from(self, output: Path) -> None:
        """Let `kept()` offer files of the last good build written into `output`."""
        self.output = output

    def kept(self, key: str) -> Path | None:
        """The file the last good build made from exactly `key`, if it is still there as that
        build left it (same size, modification time and inode); else None."""
        if self.output is None or not key:
            return None
        if self._by_key is None:
            self._by_key = {}
            manifest = self.manifest.data
            if manifest.get("output") == str(self.output):
                for rel, (k, *_stat) in sorted(manifest.get("files", {}).items()):
                    self._by_key.setdefault(k, rel)
        rel = self._by_key.get(key)
        if rel is None:
            return None
        path = self.output / rel
        state = state_of(path)
        if state is None or [key, *state[1:]] != self.manifest.data["files"][rel]:
            return None  # changed, replaced or touched since: make it again
        return path

    def remember_outputs(
        self,
        output: Path,
        files: dict[str, tuple[str, int, int, int]],
        items: dict[str, Any] | None = None,
    ) -> None:
        """Record the files just written into `output`: rel -> (key, size, mtime, inode);
        and `items`, the items they show (`moved_pages.shown`: what a later build tells
        a renamed folder's old address by)."""
        self.manifest.put("output", str(output))
        self.manifest.put("files", {rel: list(v) for rel, v in files.items() if v[0]})
        self.manifest.put(ITEMS, items or {})

    # --- the last good build's inputs -----------------------------------------------------
    def fingerprint_path(self) -> Path:
        return self.dir / "fingerprint.json"

    def last_fingerprint(self) -> str | None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(self.fingerprint_path().read_bytes())
            if data["stamp"] == STAMP:
                return str(data["fingerprint"])
        return None

    def save(self, fingerprint: str | None, keep_unused: bool = False) -> None:
        """Keep what this build used; forget the rest (unless `keep_unused`, for commands
        that use part of the site, such as one sticker sheet)."""
        self.markdown.save(keep_unused)
        self.qr.save(keep_unused)
        self.photos.save(keep_unused)
        folder = self.dir / "files"
        if folder.is_dir() and not keep_unused:
            for path in folder.iterdir():
                if path.name.removesuffix(".sum") not in self.files_used:
                    path.unlink(missing_ok=True)
        self.manifest.save(keep_unused=True)
        shutil.rmtree(self.dir / "pages", ignore_errors=True)  # pages cached by version 0.x
        if fingerprint is not None:
            body = json.dumps({"stamp": STAMP, "fingerprint": fingerprint}).encode()
            write_atomic(self.fingerprint_path(), body)

    def forget_fingerprint(self) -> None:
        self.fingerprint_path().unlink(missing_ok=True)


def recorded_output(root: Path) -> Callable[[Path, list[str]], bool]:
    """For `outdir.check_output_folder(legacy=…)`: accepts an unmarked folder (made before
    the marker existed) when the project's cache records that its last good build wrote
    there."""

    def written_there(folder: Path, entries: list[str]) -> bool:
        return bool(BuildCache(root).manifest.get("output") == str(folder))

    return written_there
