"""The loaded items of the last build, kept so that a build after one edit loads one item.

Loading an item (content/loader.py `load_item`: YAML, schema, photos decoded, stories
converted) is the same work for the same files, so its result — the `Item`, or the errors
its files have, and the Markdown cache keys it used — is kept in
`.site-builder-cache/items.pickle`, one entry per item folder:

- first check, `stat` only: every file below the folder (path, size, mtime_ns, inode) as
  when the entry was made. A file changed within two seconds of the entry being made is
  never trusted on `stat` alone (its next change could keep the same time stamp): the
  rule of site_builder/filestate.py, which every cache here follows;
- when the `stat`s differ (a file touched, copied back, checked out), the SHA-256 of all
  the folder's files decides: same bytes, same result;
- everything an item's loading depends on besides its own folder is in the file's
  context key: the tool's code (every .py file's bytes), the languages and folders set in
  site.yaml, categories.yaml, the current year (an OCOP certificate's year may not be
  after it) and the versions of the libraries that read photos and Markdown (site.yaml's other
  settings, such as titles or budgets, do not change an item). Another context, a file
  that does not check against its seal, or one that does not unpickle into the classes of
  this tool: the whole file is ignored and every item loads again.

A build that loads a few items (one edit) does not rewrite the whole file (~0.15 s at
2,000 items): it appends the entries it changed to `items.journal`, each record sealed
with the context and bound to the check of the `items.pickle` it extends. Reading applies
the records in order and stops at the first that does not check; past
`JOURNAL_MAX_ENTRIES` entries or `JOURNAL_MAX_BYTES`, the next save writes `items.pickle`
whole again and removes the journal.

An entry loaded without its stories (`stories=False`: the sticker sheets, which never show
one) says so; it serves only loads that skip the stories too, and a build loads that item
again, stories converted.

Nothing cross-item is kept: unique codes, aliases, booklets, the printed-code registry are
checked on the loaded model by every build.
"""

from __future__ import annotations

import contextlib
import copyreg
import datetime as dt
import hashlib
import io
import json
import os
import pickle
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PosixPath, PurePath, PurePosixPath
from typing import Any, TypeVar

import site_builder
from site_builder.cache import CACHE_DIR, STAMP, BuildCache, digest
from site_builder.config import SiteConfig
from site_builder.filestate import FileState, scan, unchanged
from site_builder.libraries import versions
from site_builder.parallel import gc_paused
from site_builder.writer import write_atomic

FILE = "items.pickle"
JOURNAL = "items.journal"
JOURNAL_MAX_ENTRIES = 64  # entries changed by one save, beyond which the file is rewritten
JOURNAL_MAX_BYTES = 4 * 2**20
FORMAT = 3
DIGEST_FROM_PARENT = 200  # more misses than this (a cold build): no content digest now

Stats = tuple[FileState, ...]
Result = tuple[Any, list[Any]]  # (Item | None, [ContentError])


@dataclass
class Entry:
    kind: str
    stats: Stats
    made_ns: int  # when the stats were taken
    sha: str | None  # of every file's bytes; None when not computed (cold build)
    result: Result
    markdown: tuple[str, ...]  # the Markdown cache keys its stories used
    stories: bool = True  # False: loaded with the stories left unconverted
    # the entries this one replaced, newest first, as (stats, item): the item output/ was
    # built from may be one of them when `check` loaded an edit before the build did
    previous: tuple[tuple[Stats, Any], ...] = ()
    fingerprint: str = ""  # `item_fingerprint` of the item, "" if it has none


KEEP_PREVIOUS = 3  # entries remembered per folder (each check after an edit adds one)


def replacing(new: Entry, old: Entry | None) -> Entry:
    """`new`, remembering `old` (and what `old` remembered) as entries it replaced; an
    entry loaded without its stories is no item a build showed, and is passed over."""
    if old is None:
        return new
    shown = ((old.stats, old.result[0]),) if getattr(old, "stories", True) else ()
    # one per state of the files: an update looks for the first entry made from the files
    # the last build recorded (`new` first), so one made from the same states as `new` or
    # as a newer one is never found. (Every item loaded again with its files unchanged,
    # as after a build run within two seconds of an unzip, kept a copy each: the file
    # twice its size, and twice the time to read for every later command.)
    seen = [_plain(new.stats)]
    kept: list[tuple[Stats, Any]] = []
    for stats, item in (*shown, *getattr(old, "previous", ())):
        if (plain := _plain(stats)) not in seen:
            seen.append(plain)
            kept.append((stats, item))
    new.previous = tuple(kept[:KEEP_PREVIOUS])
    return new


def _plain(stats: Stats) -> list[tuple[Any, ...]]:
    """Files' states as plain tuples (as the update compares them: preview/quick.py)."""
    return [tuple(s) for s in stats]


# id(item) -> (item, its fingerprint): what this process knows without a repr of the item
_FINGERPRINTS: dict[int, tuple[Any, str]] = {}


def item_fingerprint(item: Any, root: Path) -> str:
    """A digest of everything a loaded item holds (its `repr`, the project's folder written
    as `<root>`, so a moved project keeps it): the offline worker's version (webapp.py) is
    made of these. Kept in the item's cache entry, so a build after one edit computes one,
    not one per item (2,000 items: ~0.25 s)."""
    known = _FINGERPRINTS.get(id(item))
    if known is not None and known[0] is item:
        return known[1]
    found = fingerprint_of(item, root)
    _FINGERPRINTS[id(item)] = (item, found)
    return found


def fingerprint_of(item: Any, root: Path) -> str:
    """`item_fingerprint` made afresh and not remembered (a loading worker's: remembering
    would keep every item it loaded alive until it ends, ~125 MB a worker at 20,000)."""
    return digest(repr(item).replace(repr(str(root))[1:-1], "<root>"))


def only_fingerprints_of(items: Any) -> None:
    """Forget the fingerprints of items not in `items` (the live preview replaces items
    edit after edit: the table must not keep the old ones alive)."""
    keep = {id(item) for item in items}
    for key in [k for k in _FINGERPRINTS if k not in keep]:
        del _FINGERPRINTS[key]


def _known(item: Any, fingerprint: str) -> None:
    if item is not None and fingerprint:
        _FINGERPRINTS[id(item)] = (item, fingerprint)


def folder_stats(folder: Path) -> Stats:
    """Every file below `folder`, symlinks not followed, sorted by path."""
    return tuple(scan(folder))


def folder_digest(stats: Stats) -> str:
    """The bytes of every file in `stats` (a link: the file it leads to), with names."""
    h = hashlib.sha256()
    for path, *_rest in stats:
        h.update(path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        except OSError as exc:
            h.update(f"unreadable {exc.errno}".encode())
    return h.hexdigest()


def code_digest(cache_dir: Path | None = None) -> str:
    """The digest of the tool's own source (every .py file of the package); remembered in
    `cache_dir` (CODE_MEMO) with the files' states, and taken from there while every file
    is as recorded (filestate.unchanged): their `stat`s, not 1 MB read and hashed (~9 ms of
    every command that loads the site)."""
    package = Path(site_builder.__file__).parent
    seen = time.time_ns()
    states = [s for s in scan(package) if s.path.endswith(".py")]
    memo = None if cache_dir is None else cache_dir / CODE_MEMO
    if memo is not None:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            known = json.loads(memo.read_bytes())
            recorded = [FileState(*state) for state in known["states"]]
            if known["stamp"] == STAMP and unchanged(recorded, int(known["seen"]), states):
                return str(known["digest"])
    parts: list[bytes | str] = []
    for state in states:
        path = Path(state.path)
        parts += [str(path.relative_to(package)), path.read_bytes()]
    found = digest(*parts)
    if memo is not None:
        record = {"stamp": STAMP, "seen": seen, "states": states, "digest": found}
        with contextlib.suppress(OSError):
            write_atomic(memo, json.dumps(record).encode())
    return found


CODE_MEMO = "code.json"  # the tool's source files' states and digest (`code_digest`)


LIBRARIES = ("Markdown", "nh3", "Pillow", "pillow-heif", "PyYAML", "ruamel.yaml", "defusedxml")


def _versions() -> str:
    """The versions of the libraries that read photos and Markdown (libraries.py)."""
    found = versions(LIBRARIES)
    return " ".join(f"{name}={found[name]}" for name in LIBRARIES)


def context_key(config: SiteConfig) -> str:
    """What every item's loading depends on besides its own folder: the settings of
    site.yaml that `load_item` reads (if it comes to read another, add it here), the
    categories, the tool's code and the libraries that read photos and Markdown."""
    settings = repr((str(config.root), config.languages, str(config.content_dir)))
    # this year: a year "after this year" (schema.certificate_year) is refused until then
    year = f"year {dt.date.today().year}"
    parts: list[bytes | str] = [
        STAMP,
        f"items {FORMAT}",
        code_digest(config.root / CACHE_DIR),
        _versions(),
        settings,
        year,
    ]
    path = config.content_dir / "categories.yaml"
    try:
        parts += [str(path), path.read_bytes()]
    except OSError:
        parts += [str(path), "absent"]
    return digest(*parts)


# Only what an item and its errors are made of may come out of the file.
_ALLOWED = {
    "builtins": {"set", "frozenset", "tuple", "list", "dict", "str", "bytes", "int", "float"},
    "pathlib": {"PosixPath", "WindowsPath", "Path", "PurePosixPath", "PureWindowsPath"},
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
    "decimal": {"Decimal"},
    "copyreg": {"_reconstructor"},
    "collections": {"OrderedDict"},
}


_P = TypeVar("_P", bound=PurePath)


def _child(parent: _P, name: str) -> _P:
    """A path made from its (shared) parent folder: see `_Pickler`. `name` is one whole
    name (it came from `PurePath.name`), so where pathlib has the join that does not parse
    its argument again (CPython 3.11-3.13, `Path` only) it is used: 5x faster."""
    join = getattr(parent, "_make_child_relpath", None)
    child: _P = join(name) if join is not None else parent / name
    return child


child_path = _child  # (for others joining one name to many paths: translated.py)


class _Pickler(pickle.Pickler):
    """Writes each path as its parent folder and its name, every folder once (the same
    object each time, so pickle's memo keeps one copy): unpickling 8,000 paths of 2,000
    items then parses 2,000 folders and joins a name to one of them for each, instead of
    parsing 8,000 whole paths (most of the time unpickling took before).

    Through the pickler's own `dispatch_table`, asked for paths alone: a
    `reducer_override` is called for every dict, list, tuple and object pickled (at
    20,000 items half of the 2.7 s a cold build spent writing this file)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        table = dict(copyreg.dispatch_table)
        # (a function of its own, not a method: a table holding the pickler would be a
        # cycle, kept with the whole output and memo while the collector is frozen)
        table[PosixPath] = table[PurePosixPath] = _path_reducer()
        self.dispatch_table = table


def _path_reducer() -> Callable[[PurePath], Any]:
    """The reduction of a path, as its folder (one object per folder) and its name."""
    folders: dict[tuple[type, str], PurePath] = {}

    def reduce(obj: PurePath) -> Any:
        parent = obj.parent
        if parent == obj or obj.name in ("", ".", ".."):
            return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)  # "/" or ".": as pickle does
        folder = folders.setdefault((type(obj), str(parent)), parent)
        return _child, (folder, obj.name)

    return reduce


def _dumps(value: Any) -> bytes:
    out = io.BytesIO()
    _Pickler(out).dump(value)
    return out.getvalue()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("site_builder.") or name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an item")


HEADER_MAX = 4096  # bytes; the header line (context and check) is ~100


def _sealed(body: bytes) -> str:
    """What items.pickle's header says of its body: its length and CRC-32. That finds a
    truncated or damaged file as surely as a SHA-256 would, in a third of the time (11 MB
    at 2,000 items: 2 ms, against 6-7 ms: every command that reads the file pays it). No
    seal keeps out a file made elsewhere on purpose (anyone can write a matching one):
    `_Unpickler` does, by making nothing but an item's own classes."""
    return f"crc32-{len(body)}-{zlib.crc32(body):08x}"


Read = tuple[tuple[int, int, int], bytes, str, dict[str, "Entry"]]
_read_early: dict[Path, Read] = {}  # `read_ahead`'s, until an `ItemCache` takes it


def _file_state(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _read_file(path: Path) -> Read | None:
    """items.pickle as read: its state, header line, body's digest and entries; None if
    missing, truncated, garbage or foreign (every item loads again)."""
    try:
        # unbuffered: the header line, then the body in one read into one buffer
        # (`readline()` then `read()` joined the buffered rest to it, a second copy:
        # 12 ms instead of 6 ms for 11 MB at 2,000 items, 116 MB at 20,000)
        with open(path, "rb", buffering=0) as f:
            st = os.fstat(f.fileno())
            head = f.read(HEADER_MAX)
            end = head.index(b"\n")  # (no line ending there: not ours, loaded again)
            f.seek(end + 1)
            header, body = head[:end], f.readall()
        sealed = _sealed(body)
        if not header.endswith(f" {sealed}".encode()):
            return None
        with gc_paused():  # (nothing read is garbage)
            entries = _Unpickler(io.BytesIO(body)).load()
    except Exception:  # missing, truncated, garbage, foreign: load everything again
        return None
    if not isinstance(entries, dict) or not all(isinstance(e, Entry) for e in entries.values()):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino), header, sealed, entries


def read_ahead(root: Path) -> None:
    """Read items.pickle now, while the command waits for something else (preview/
    quick.py); the next `ItemCache` of `root` takes what was read if the file is still the
    one read (same size, time and inode: only this tool writes it, under the project lock)
    and its context is the one that `ItemCache` expects (checked as on any read)."""
    path = root / CACHE_DIR / FILE
    early = _read_early.get(path)
    if early is not None and early[0] == _file_state(path):
        return  # (read ahead already)
    found = _read_file(path)
    if found is not None:
        _read_early[path] = found


class ItemCache:
    """The entries of `items.pickle`, read and checked once; saved with what this build
    loaded."""

    def __init__(self, root: Path, context: str) -> None:
        self.path = root / CACHE_DIR / FILE
        self.journal = root / CACHE_DIR / JOURNAL
        self.context = context
        self.entries: dict[str, Entry] = {}
        self.new: dict[str, Entry] = {}
        self.hits = self.misses = 0
        self.dirty = False
        self._base: str | None = None  # `_sealed` of the items.pickle read, if it checked
        self._journal = b""  # the records that checked, as read
        self._read()

    def _read(self) -> None:
        found = _read_early.pop(self.path, None)
        if found is not None and found[0] != _file_state(self.path):
            found = None  # (written since it was read ahead)
        found = found or _read_file(self.path)
        if found is None:
            return
        _state, header, sealed, entries = found
        if header != self._seal(sealed):
            return
        self.entries = entries
        self._base = sealed
        self._read_journal()

    def _read_journal(self) -> None:
        """Apply the journal's records that check, in order (see the module's docstring)."""
        try:
            data = self.journal.read_bytes()
        except OSError:
            return
        at = 0
        while at < len(data):
            end = data.find(b"\n", at)
            if end < 0:
                return
            try:
                context, base, sealed, size = data[at:end].decode().split(" ")
                body = data[end + 1 : end + 1 + int(size)]
                if (context, base, sealed) != (self.context, self._base, digest(body)):
                    return
                with gc_paused():
                    changed, dropped = _Unpickler(io.BytesIO(body)).load()
                if not isinstance(changed, dict) or not all(
                    isinstance(e, Entry) for e in changed.values()
                ):
                    return
            except Exception:  # a damaged or foreign record: this one and the rest are not used
                return
            self.entries.update(changed)
            for name in dropped:
                self.entries.pop(name, None)
            at = end + 1 + int(size)
            self._journal = data[:at]

    def _seal(self, sealed: str) -> bytes:
        """The header line of a body whose check is `sealed` (`_sealed`)."""
        return f"{self.context} {sealed}".encode()

    def lookup(self, kind: str, folder: Path, stats: Stats, stories: bool = True) -> Entry | None:
        """The kept entry for `folder` if its files are the ones it was made from (and its
        stories were converted, when `stories`)."""
        entry = self.entries.get(str(folder))
        if entry is None or entry.kind != kind or (stories and not entry.stories):
            return None
        if unchanged(entry.stats, entry.made_ns, stats):
            return entry
        if entry.sha is None or [s[0] for s in entry.stats] != [s[0] for s in stats]:
            return None
        if folder_digest(stats) != entry.sha:
            return None
        made = Entry(
            kind, stats, time.time_ns(), entry.sha, entry.result, entry.markdown, entry.stories
        )
        made.fingerprint = entry.fingerprint
        return replacing(made, entry)

    def keep(self, folder: Path, entry: Entry) -> None:
        if self.entries.get(str(folder)) is not entry:
            self.dirty = True
        self.new[str(folder)] = entry

    def save(self) -> None:
        """Write this build's entries (only the folders that exist now): a journal record
        when few changed, else the whole file."""
        if not self.dirty and self.new.keys() == self.entries.keys():
            return
        changed = {k: e for k, e in self.new.items() if self.entries.get(k) is not e}
        dropped = sorted(self.entries.keys() - self.new.keys())
        with contextlib.suppress(OSError):  # a read-only project: no cache, same result
            if self._base is not None and len(changed) + len(dropped) <= JOURNAL_MAX_ENTRIES:
                try:
                    body = _dumps((changed, dropped))
                except Exception:  # something not picklable: no cache rather than a broken one
                    self._remove()
                    return
                head = f"{self.context} {self._base} {digest(body)} {len(body)}\n".encode()
                if len(self._journal) + len(head) + len(body) <= JOURNAL_MAX_BYTES:
                    write_atomic(self.journal, self._journal, head, body)
                    return
            try:
                body = _dumps(self.new)
            except Exception:  # something not picklable: no cache rather than a broken one
                self._remove()
                return
            write_atomic(self.path, self._seal(_sealed(body)) + b"\n", body)
            self.journal.unlink(missing_ok=True)  # (bound to the old file: unused anyway)

    def _remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.journal.unlink(missing_ok=True)


# an item (None if it could not be loaded), its errors, its stories' Markdown cache keys and
# its fingerprint when the loader made it ("": made here)
Loaded = tuple[Any, list[Any], tuple[str, ...], str]
LoadMany = Callable[[list[tuple[str, Path]]], list[Loaded]]


FEW_MISSES = 16  # items loaded anew, at most, for the Markdown table to stay unread
DEFERRED_LOOKUPS = 64  # their stories, the free pages' and the booklets': then it is read
DEFER_FROM_BYTES = 1_000_000  # a smaller table is read at once (~0.1 s per 2 MB at most)


def load_items(
    memo: BuildCache | None,
    config: SiteConfig,
    folders: list[tuple[str, Path]],
    load_many: LoadMany,
    stories: bool = True,
) -> list[Result]:
    """(item, errors) for every folder, in order: from the cache where its files did not
    change, else from `load_many` (the loader, on every core when there are many).
    `stories=False`: `load_many` leaves the stories unconverted; any entry serves."""
    if memo is None:
        return [(item, errors) for item, errors, _keys, _fingerprint in load_many(folders)]
    cache = ItemCache(config.root, context_key(config))
    results: dict[int, Result] = {}
    misses: list[int] = []
    stats: list[Stats] = []
    known = memo.folder_states
    for i, (kind, folder) in enumerate(folders):
        now = known.get(str(folder)) or folder_stats(folder)
        stats.append(now)
        entry = cache.lookup(kind, folder, now, stories)
        if entry is None:
            misses.append(i)
            continue
        cache.keep(folder, entry)
        results[i] = entry.result
        _known(entry.result[0], entry.fingerprint)
    cache.hits, cache.misses = len(folders) - len(misses), len(misses)
    if len(misses) <= FEW_MISSES:  # a few stories to convert: not worth reading the table
        memo.markdown.defer(DEFERRED_LOOKUPS, DEFER_FROM_BYTES)
    made = time.time_ns()
    shas = {i: folder_digest(stats[i]) for i in misses} if len(misses) <= DIGEST_FROM_PARENT else {}
    loaded = load_many([folders[i] for i in misses]) if misses else []
    for i, (item, errors, keys, fingerprint) in zip(misses, loaded, strict=True):
        kind, folder = folders[i]
        results[i] = (item, errors)
        entry = Entry(kind, stats[i], made, shas.get(i), (item, errors), keys, stories)
        if item is not None and stories:  # (a sticker sheet's load never needs it)
            if fingerprint:  # made by the worker that loaded it: the same repr
                _known(item, fingerprint)
            entry.fingerprint = item_fingerprint(item, config.root)
        cache.keep(folder, replacing(entry, cache.entries.get(str(folder))))
    for i in set(range(len(folders))) - set(misses):  # their stories stay in the table
        memo.markdown.keep(cache.new[str(folders[i][1])].markdown)
    for name, entry in cache.new.items():  # what each folder's item was: preview/quick.py
        memo.items_before[name] = list(getattr(entry, "previous", ()))
    cache.save()
    memo.items_hits, memo.items_misses = cache.hits, cache.misses
    return [results[i] for i in range(len(folders))]
