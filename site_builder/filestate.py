"""Has a file changed since it was last looked at? The one rule every cache here uses.

A file is known by its state: (path, size, modification time in ns, inode). A recorded
state vouches for the file's bytes only while

1. the file's state is still the recorded one, and
2. the file had last changed more than `RACY_NS` before the state was recorded: a second
   write in the same clock tick, of the same size, would leave every `stat` field equal
   (git calls this the "racily clean" problem). Such a file is read and hashed instead.

Everything that skips work for an unchanged file asks here: the no-change build's
fingerprint (freshness.py), the item cache (content/itemcache.py), the files kept from the
last build (cache.BuildCache.kept), photo checks and hashes, the fonts and templates of
the PDFs, the hashed assets' names and the message catalogues. What a cache then stores is
keyed by content (`cache.digest`), so a wrong "unchanged" can only cost a rebuild, never
serve old bytes. The live preview learns *which* files changed from file-system events;
it reloads them with the same loaders (preview/live.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

RACY_NS = 2_000_000_000  # a file changed this close to a look may change again unseen


class FileState(NamedTuple):
    path: str
    size: int
    mtime_ns: int
    inode: int


def state_of(path: Path | str) -> FileState | None:
    """The state of `path` itself (a symlink is not followed); None if it is not there."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return FileState(str(path), st.st_size, st.st_mtime_ns, st.st_ino)


def key_of(path: Path | str) -> str | None:
    """`state_of(path)` as one string, for a cache key; None if the file is not there."""
    state = state_of(path)
    return None if state is None else "\0".join(map(str, state))


def settled(mtime_ns: int, seen_ns: int | None = None) -> bool:
    """Whether a file last changed at `mtime_ns` can be vouched for by a state recorded at
    `seen_ns` (default: now)."""
    return mtime_ns < (time.time_ns() if seen_ns is None else seen_ns) - RACY_NS


def unchanged(recorded: Iterable[FileState], seen_ns: int, now: Iterable[FileState]) -> bool:
    """Whether the files recorded at `seen_ns` are, without reading them, the same now."""
    recorded = tuple(recorded)
    if recorded != tuple(now):
        return False
    limit = seen_ns - RACY_NS  # as `settled`, for each file (20,000 items: 100,000 files)
    return all(s.mtime_ns < limit for s in recorded)


def scan(folder: Path | str, folders: list[FileState] | None = None) -> list[FileState]:
    """Every file below `folder`, sorted by path; symlinks are not followed (but `folder`
    itself is). `folders`: every folder's state is added to it too (`folder` itself
    included, Python's `__pycache__` folders not), each taken before the folder is
    listed: a file added or removed after its listing changes the folder's state."""
    out: list[FileState] = []
    _scan(str(folder), out, folders)
    out.sort()
    return out


def _scan(folder: str, out: list[FileState], folders: list[FileState] | None = None) -> None:
    if folders is not None and not folder.endswith(_PYCACHE_FOLDER):
        try:
            st = os.stat(folder)
        except OSError:
            return
        folders.append(FileState(folder, st.st_size, st.st_mtime_ns, st.st_ino))
    try:
        with os.scandir(folder) as it:
            subfolders = []
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                out.append(FileState(entry.path, st.st_size, st.st_mtime_ns, st.st_ino))
    except OSError:
        return
    for sub in subfolders:
        _scan(sub, out, folders)


@dataclass
class Listing:
    """Every file and every folder below a folder (paths relative to it; "" is the folder
    itself) with its state (path, size, mtime_ns, inode). A file's state names it by its
    relative path, the key's own string: a full path for each of the 440,000 files of a
    20,000-item site was ~50 MB that nothing read."""

    files: dict[str, tuple[str, int, int, int]]
    folders: dict[str, tuple[str, int, int, int]]

    def names(self) -> tuple[str, str]:
        """The files' and the folders' relative paths, sorted, each joined by newlines."""
        return "\n".join(sorted(self.files)), "\n".join(sorted(self.folders))

    def fingerprint(self) -> str:
        """A hash of both: any file or folder written, replaced, touched, added or removed
        changes it (`listing_digest` of the names and the states in their order)."""
        states: list[int] = []
        for table in (self.files, self.folders):
            for rel in sorted(table):
                states.extend(table[rel][1:])
        return listing_digest(*self.names(), states)


def names_digest(files: str, folders: str) -> bytes:
    """The part of a listing's fingerprint that its names make (`listing_digest`): kept
    beside the names (lastbuild's record), it need not be made again while they stay."""
    text = f"{len(files)} {len(folders)}\n{files}\0{folders}\0"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()


def listing_digest(files: str, folders: str, states: list[int]) -> str:
    """The fingerprint of a `Listing` from its `names()` and the (size, mtime_ns, inode) of
    each file then each folder in that order (`packed_digest`)."""
    try:
        packed = array("q", states)
    except OverflowError:  # an inode number past 2**63 (some network file systems)
        return packed_digest(names_digest(files, folders), repr(states).encode())
    return packed_digest(names_digest(files, folders), packed)


def packed_digest(names: bytes, *states: bytes | array[int]) -> str:
    """`listing_digest` from the names' `names_digest` and the states packed as 64-bit
    integers, in parts (the files', then the folders'): 0.5 ms for 52,000 paths once the
    names' part is known."""
    h = hashlib.sha256(b"listing 2\0")
    h.update(names)
    for part in states:
        h.update(part)
    return h.hexdigest()


def listing(top: Path) -> Listing:
    """`top` listed: every file and folder below it with its state; symlinks are not
    followed."""
    cut = len(str(top)) + 1
    files: dict[str, tuple[str, int, int, int]] = {}
    folders: dict[str, tuple[str, int, int, int]] = {}
    pending = [str(top)]
    while pending:
        folder = pending.pop()
        state = state_of(folder)
        if state is None:
            continue
        folders[folder[cut:]] = tuple(state)  # type: ignore[assignment]
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                        continue
                    with contextlib.suppress(OSError):
                        st = entry.stat(follow_symlinks=False)
                        rel = entry.path[cut:]  # (the key and the state's path: one string)
                        files[rel] = (rel, st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            continue
    return Listing(files, folders)


def tree_fingerprint(paths: Iterable[Path], extra: str = "") -> str:
    """A hash of the state of every file at or below `paths` (cheap: stat only)."""
    return tree_state(paths, extra)[0]


PYCACHE = f"{os.sep}__pycache__{os.sep}"
_PYCACHE_FOLDER = f"{os.sep}__pycache__"


def tree_state(paths: Iterable[Path], extra: str = "") -> tuple[str, bool]:
    """A hash of the state of every file at or below `paths` (stat calls only), and whether
    one of them changed too recently for the hash to vouch for it (`settled`). The bytecode
    Python writes beside the tool's modules (`__pycache__`, on a command's first use of a
    module) is no input: a build writing it must not make the next one a full one."""
    h = hashlib.sha256(extra.encode())
    seen = time.time_ns()
    newest = 0
    for top in paths:
        if top.is_file():
            state = state_of(top)
            if state is not None:
                newest = max(newest, state.mtime_ns)
                h.update(f"{top}:{state.size}:{state.mtime_ns}:{state.inode}\n".encode())
                continue
        if not top.is_dir():
            h.update(f"{top}:absent\n".encode())
            continue
        states = [s for s in scan(top) if PYCACHE not in s.path]  # (Python's, not ours)
        newest = max([newest, *(s.mtime_ns for s in states)])
        h.update(repr([tuple(s) for s in states]).encode())
    return h.hexdigest(), not settled(newest, seen)


_digests: dict[FileState, str] = {}
_digests_lock = threading.Lock()


def content_digest(path: Path) -> str:
    """A hash of a file's bytes (as `cache.digest(bytes)`), remembered in this process under its state once settled
    (fonts and templates go into every sticker chunk and booklet edition; the live
    preview runs for hours, so an unsettled file is read again each time)."""
    state = state_of(path)
    if state is not None:
        with _digests_lock:
            known = _digests.get(state)
        if known is not None:
            return known
    data = path.read_bytes()
    h = hashlib.sha256(len(data).to_bytes(8, "little"))
    h.update(data)
    value = h.hexdigest()
    if state is not None and settled(state.mtime_ns):
        with _digests_lock:
            if len(_digests) > 8192:
                _digests.clear()
            _digests[state] = value
    return value
