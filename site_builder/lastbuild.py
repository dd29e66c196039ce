"""The record of the last good build into an output folder: which input files (path,
size, mtime, inode) it was made from, read *before* the build read them, and the state of
the output folder after it (`last-build.record` in the build cache, sealed: a line of
JSON for the small values, then the paths and the states as bytes, `SECTIONS`).

With it, a later command knows which files changed since output/ was made, and whether
output/ is still exactly as that build left it (nobody wrote there since: not the
preview, not a hand): `site-builder build` then updates only what the edits touch
(preview/quick.py), and `check` measures the unchanged pages on output/ instead of
rendering the whole site (check.py). The record is forgotten before anything may change
output/ and written again only after a good build. A file changed within two seconds of
the scan is listed as "racy" and counts as changed next time (its next edit could keep
the same `stat`), unless its content is still what it was: the record keeps the SHA-256
of each racy file as scanned, when the file held the same bytes once the build was done
(at most `RACY_DIGESTS` files: an edit saved just before `build`, then `check`, is not
rendered again).

output/ is known by the `stat` of every file *and every folder* in it. To vouch that it
is unchanged, a later command `lstat`s the recorded paths instead of listing the tree
again: a file written, truncated, touched, replaced or removed changes its own state, and
a file or folder added (or renamed in) changes its folder's. That is the same answer as a
fresh listing for a third of the system calls (0.11 s instead of 0.3-0.45 s for the
44,000 files and 8,000 folders of a 2,000-item site: 34,000 `lstat`s, as hard links are
looked at once).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import json
import operator
import os
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import site_builder
from site_builder.cache import CACHE_DIR, STAMP, digest
from site_builder.filestate import (
    PYCACHE,
    FileState,
    Listing,
    content_digest,
    listing,
    names_digest,
    packed_digest,
    scan,
    settled,
    state_of,
)
from site_builder.freshness import INPUTS

RECORD = "last-build.record"

Entry = tuple[str, int, int, int]  # path, size, mtime_ns, inode
# the input folders as `Folders`: their paths joined by newlines, their states packed as
# 64-bit integers, and the inputs (`freshness.INPUTS`) that were not there; None when one
# changed too recently for its state to vouch for its listing
Folders = tuple[str, bytes, list[str]]
# every input file; those changed just before the scan; the SHA-256 of those, as scanned;
# the input folders
Scan = tuple[list[Entry], list[str], dict[str, str], Folders | None]
RACY_DIGESTS = 64  # racy files hashed at most (a checkout or an unzip: all count as changed)


def _content(path: str) -> str | None:
    """`filestate.content_digest`, None for a file that cannot be read."""
    try:
        return content_digest(Path(path))
    except OSError:
        return None


def _tops(root: Path) -> list[Path]:
    """Where the inputs are: `freshness.INPUTS` in the project, and the tool's own code."""
    return [root / name for name in INPUTS] + [Path(site_builder.__file__).parent]


def input_entries(root: Path) -> Scan:
    """Every input file (as `freshness.INPUTS`, and the tool's own source files, not the
    bytecode Python writes beside them on first use) with its `stat`,
    sorted; those changed in the last two seconds (their next edit could keep the
    same `stat`: the next build treats them as changed); and every input folder's state,
    for the next command to look at the same files again instead of listing them
    (`_restated_inputs`)."""
    scanned = time.time_ns()
    entries: list[Entry] = []
    folders: list[FileState] = []
    absent: list[str] = []
    for top in _tops(root):
        if top.is_file():
            if (state := state_of(top)) is not None:
                entries.append((state.path, state.size, state.mtime_ns, state.inode))
        elif top.is_dir():
            entries.extend(scan(top, folders))
        else:
            absent.append(str(top))
    entries = sorted(e for e in entries if PYCACHE not in e[0])
    folders.sort()
    known: Folders | None = None
    if all(settled(f.mtime_ns, scanned) for f in folders):
        with contextlib.suppress(OverflowError):  # (an inode number past 2**63)
            packed = array("q", [x for f in folders for x in f[1:]]).tobytes()
            known = ("\n".join(f.path for f in folders), packed, absent)
    return (entries, *_racy(entries, scanned), known)


def _racy(entries: list[Entry], scanned: int) -> tuple[list[str], dict[str, str]]:
    """The files of `entries` changed too recently for their state to vouch for them, and
    (if not too many) the SHA-256 of each."""
    racy = [e[0] for e in entries if not settled(e[2], scanned)]
    sums = {}
    if len(racy) <= RACY_DIGESTS:
        sums = {path: found for path in racy if (found := _content(path)) is not None}
    return racy, sums


def _restated_inputs(last: dict[str, Any]) -> tuple[Scan, bytes] | None:
    """`input_entries` as the record's files and folders restated (an `lstat` of each, in
    C, none listed): the answer of a fresh scan when every input folder is as recorded. A
    file added, removed or renamed in (by any editor's way of saving: in place, or a new
    file renamed over the old) changes its folder's state; a folder made or removed, its
    parent's; an input that was not there (`booklets/`) is looked for. None when any of
    that is not as recorded: a scan says what changed. (At 2,000 items: ~30 ms instead of
    ~65 ms for the scan, which lists 2,000 folders.) With the files' states packed as the
    record keeps them."""
    names, raw, absent = (
        last.get("input_folders"),
        last.get("input_folder_states"),
        last.get("input_absent"),
    )
    if not names or not isinstance(raw, bytes) or not isinstance(absent, list):
        return None
    scanned = time.time_ns()
    if any(not isinstance(p, str) or os.path.lexists(p) for p in absent):
        return None
    folders = names.split("\n")
    paths = last["input_paths"]
    try:
        now = array("q", itertools.chain.from_iterable(map(_STATE, map(os.stat, folders))))
        if now.tobytes() != raw:
            return None
        lstat = functools.partial(os.stat, follow_symlinks=False)
        files = paths.split("\n") if paths else []
        states = array("q", itertools.chain.from_iterable(map(_STATE, map(lstat, files))))
    except (OSError, OverflowError):  # (a file gone: its folder changed too)
        return None
    flat = iter(states.tolist())
    entries = list(zip(files, flat, flat, flat, strict=True))
    settled_now = all(settled(mtime, scanned) for mtime in now[1::3])
    known = (names, raw, absent) if settled_now else None
    return (entries, *_racy(entries, scanned), known), states.tobytes()


def packed_scan(entries: list[Entry]) -> tuple[str, bytes]:
    """A scan's paths joined by newlines and their (size, mtime_ns, inode) as 64-bit
    integers, as the record keeps them (OverflowError: an inode number past 2**63)."""
    paths = "\n".join(e[0] for e in entries)
    return paths, array("q", [x for e in entries for x in e[1:]]).tobytes()


LEGACY_RECORDS = ("last-build.json",)  # the record as JSON, before stop 33: never read


FORGOTTEN = RECORD + ".forgotten"  # the last record, out of the updates' sight


def forget(root: Path) -> None:
    """Before anything may change output/: no update trusts the record until the next
    good build writes it again (and a record an older version left goes too). The record
    is moved aside, not deleted: what the last good build read still tells a copied folder
    from its original (`inputs_read_last`); `write` deletes the aside copy once the next
    record is in place."""
    cache = root / CACHE_DIR
    with contextlib.suppress(OSError):
        os.replace(cache / RECORD, cache / FORGOTTEN)
    for name in LEGACY_RECORDS:
        with contextlib.suppress(OSError):
            (cache / name).unlink()


def inputs_read_last(root: Path) -> set[str]:
    """The input files (absolute, resolved paths) the last good build read: from its
    record, or from the record the build now running set aside; empty if neither."""
    for name in (RECORD, FORGOTTEN):
        record = recorded(root, name)
        if record is not None:
            paths = record.get("input_paths")
            return set(paths.split("\n")) if isinstance(paths, str) and paths else set()
    return set()


@dataclass
class OutputRecord:
    """output/ as recorded: the relative paths of its files and of its folders ("" is
    output/ itself), each sorted, and the (size, mtime_ns, inode) of each, packed in order
    (64-bit integers: they come and go as bytes, between the processes and in the record)."""

    files: list[str]
    folders: list[str]
    file_states: array[int]
    folder_states: array[int]
    # `joined()`, once made or when known (the record's own strings): kept as long as no
    # path is added or removed (at 2,000 items 2.5 MB of names, joined in ~3 ms)
    names: tuple[str, str] | None = field(default=None, compare=False, repr=False)
    # their `names_digest` (hashing 2.5 MB: ~2.5 ms), and `links()`, while known
    names_hash: bytes | None = field(default=None, compare=False, repr=False)
    known_links: array[int] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.file_states, array):
            self.file_states = array("q", self.file_states)
        if not isinstance(self.folder_states, array):
            self.folder_states = array("q", self.folder_states)

    @classmethod
    def of(cls, found: Listing) -> OutputRecord:
        """output/ as listed (OverflowError: an inode number past 2**63, which some network
        file systems give: no record then)."""
        files, folders = sorted(found.files), sorted(found.folders)
        return cls(
            files,
            folders,
            array("q", [x for rel in files for x in found.files[rel][1:]]),
            array("q", [x for rel in folders for x in found.folders[rel][1:]]),
        )

    @classmethod
    def written(cls, output: Path, states: dict[str, tuple[int, int, int]]) -> OutputRecord:
        """output/ as a build has just put it in place: each file's state as it was when
        written (`Staging.states`, every file of the staging folder), each folder's stated
        now. The same record as `of(listing(output))` without listing the files again
        (0.26-0.31 s for the 44,000 of a 2,000-item site, 3.2 s for 440,000; the ~8,000
        folders are a tenth of that). Folders are those holding a file (staging makes no
        other); an `lstat` that fails raises OSError. (OverflowError: as `of`.)"""
        files = sorted(states)
        found = {""}
        for rel in files:
            folder = rel.rpartition("/")[0]
            while folder not in found:
                found.add(folder)
                folder = folder.rpartition("/")[0]
        folders = sorted(found)
        top = str(output)
        folder_states: list[int] = []
        for rel in folders:
            st = os.lstat(os.path.join(top, rel) if rel else top)
            folder_states += (st.st_size, st.st_mtime_ns, st.st_ino)
        return cls(
            files,
            folders,
            array("q", [x for rel in files for x in states[rel]]),
            array("q", folder_states),
        )

    def joined(self) -> tuple[str, str]:
        if self.names is None:
            self.names = "\n".join(self.files), "\n".join(self.folders)
        return self.names

    def names_digest(self) -> bytes:
        if self.names_hash is None:
            self.names_hash = names_digest(*self.joined())
        return self.names_hash

    def digest(self) -> str:
        """= `Listing.fingerprint()` of the same output/."""
        return packed_digest(self.names_digest(), self.file_states, self.folder_states)

    def links(self) -> array[int]:
        """For each file, the index of the first file that is the same file (a hard link:
        the same inode, size and modification time); its own index if it is the first.
        `_restated` looks at one path of each file (see there). (Found in C: a dict of the
        inode numbers built from the end, then every file's size and time compared with
        its first's at once: 44,000 files in ~3 ms, against ~11 ms keyed by whole states.)
        An index may also be a file's own when it is linked (`update`): it is then looked
        at for itself, which is as safe."""
        n = len(self.files)
        if self.known_links is not None and len(self.known_links) == n:
            return self.known_links
        states = self.file_states
        inodes = states[2::3]
        if not all(inodes):  # no inode numbers (some file systems): none linked
            return array("q", range(n))
        first = dict(zip(reversed(inodes), range(n - 1, -1, -1), strict=True))
        links = array("q", map(first.__getitem__, inodes))
        sizes, times = states[0::3], states[1::3]
        if (
            array("q", map(sizes.__getitem__, links)) == sizes
            and array("q", map(times.__getitem__, links)) == times
        ):
            self.known_links = links
            return links
        for i, j in enumerate(links):  # the same inode number, another file (file system)
            if (sizes[i], times[i]) != (sizes[j], times[j]):
                links[i] = i
        self.known_links = links
        return links

    def sizes(self) -> dict[str, int]:
        """Every file's size, by its path relative to output/."""
        return dict(zip(self.files, self.file_states[0::3], strict=True))

    def update(self, output: Path, written: list[str]) -> None:
        """After files were written or removed below `output` (paths relative to it): their
        states, and their folders' (a file renamed into or removed from a folder changes
        it; the other folders did not change). A file written is linked to no other in
        `links()` (as it was listed the next build finds out)."""
        folders: set[str] = set()
        moved = False
        for rel in written:
            state = state_of(output / rel)
            moved |= _put(self.files, self.file_states, rel, None if state is None else state[1:])
            parent = os.path.dirname(rel)
            while parent and parent not in folders:
                folders.add(parent)
                parent = os.path.dirname(parent)
        for rel in sorted(folders | {""}, reverse=True):  # (a removed folder: its parent)
            state = state_of(output / rel if rel else output)
            moved |= _put(
                self.folders, self.folder_states, rel, None if state is None else state[1:]
            )
        if moved:  # (paths added or removed: the names and the indices changed)
            self.names = self.names_hash = self.known_links = None
        elif (links := self.known_links) is not None:
            files = self.files
            places = (bisect.bisect_left(files, rel) for rel in written)
            touched = {
                i
                for i, rel in zip(places, written, strict=True)
                if i < len(files) and files[i] == rel
            }
            raw = links.tobytes()  # (searched in C: `count` makes an int of each entry)
            heads = {i for i in touched if _has_links(raw, i)}
            for i in touched:
                links[i] = i
            if heads:  # (files linked to a file written: no longer the same file)
                for i, j in enumerate(links):
                    if j in heads:
                        links[i] = i


def _has_links(raw: bytes, i: int) -> bool:
    """Whether another file names file `i` as its first (`raw`: `links()` packed; a file's
    first is never after it)."""
    needle = array("q", [i]).tobytes()
    at = raw.find(needle, 8 * (i + 1))
    while at >= 0 and at % 8:
        at = raw.find(needle, at + 1)
    return at >= 0


def _put(names: list[str], states: array[int], rel: str, state: tuple[int, ...] | None) -> bool:
    """Set, add or (`state` None) remove `rel`'s state in the sorted `names` and `states`;
    whether `rel` was added or removed."""
    i = bisect.bisect_left(names, rel)
    there = i < len(names) and names[i] == rel
    if state is None:
        if there:
            del names[i]
            del states[3 * i : 3 * i + 3]
        return there
    if there:
        states[3 * i : 3 * i + 3] = array("q", state)
        return False
    names.insert(i, rel)
    states[3 * i : 3 * i] = array("q", state)
    return True


def _restated(
    output: Path, files: list[str], folders: list[str], links: array[int] | None = None
) -> OutputRecord | None:
    """The recorded paths' states now, in order (`lstat` each, no listing); None if one is
    gone.

    A file recorded as a hard link of an earlier one (`links`: a QR landing page at its two
    addresses, a photo linked from the image cache) is not looked at again: it takes the
    earlier one's state. That is as strict as its own `lstat`: written in place, the file
    (one inode) changes under both names; replaced, renamed or removed under one name, the
    folder holding that name changes, and every folder is looked at. Paths are looked up
    from output/ itself (`dir_fd`), not from the root: fewer folders to walk per call.

    The calls and the unpacking run in C (`map`): the `lstat`s themselves take ~2.5 µs each
    (26,000 of them at 2,000 items), and a Python loop around each had added as much again."""
    ok = links is not None and len(links) == len(files)
    firsts: Iterable[int] = links if ok and links is not None else itertools.repeat(-1)
    # each file's index among the files looked at (a link: its first path's)
    looked: list[str] = []
    where: list[int] = []
    for i, (rel, j) in enumerate(zip(files, firsts, strict=False)):
        if 0 <= j < i:
            where.append(where[j])
        else:
            where.append(len(looked))
            looked.append(rel)
    try:
        fd = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        stat = functools.partial(os.stat, dir_fd=fd, follow_symlinks=False)
        seen = list(map(_STATE, map(stat, looked)))
        # ("": output/ itself, as listed: not followed if a link)
        held = list(map(_STATE, [stat(rel) if rel else os.lstat(output) for rel in folders]))
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        file_states = array("q", itertools.chain.from_iterable(map(seen.__getitem__, where)))
        folder_states = array("q", itertools.chain.from_iterable(held))
    except OverflowError:  # (an inode number past 2**63: never recorded)
        return None
    return OutputRecord(files, folders, file_states, folder_states)


_STATE = operator.attrgetter("st_size", "st_mtime_ns", "st_ino")


# The record's large parts, in this order after its header, each as bytes: paths joined by
# newlines (UTF-8), states as 64-bit integers. (As JSON they took ~7 ms to write and as
# much to read at 2,000 items: strings escaped, integers spelled out.)
SECTIONS = (
    "input_paths",  # every input file, sorted
    "input_states",  # their (size, mtime_ns, inode), in one flat list
    "input_folders",  # every input folder, sorted ("": not known)
    "input_folder_states",  # their (size, mtime_ns, inode)
    "output_files",  # every file of output/, sorted
    "output_folders",  # every folder of output/, sorted ("" is output/ itself)
    "output_sizes",  # each file's size
    "output_links",  # each file's first path of the same file (`OutputRecord.links`)
)
TEXT_SECTIONS = ("input_paths", "input_folders", "output_files", "output_folders")
_NAMES = ("utf-8", "surrogateescape")  # (a file name that is not UTF-8 is still a name)


def remember(
    root: Path,
    output: Path,
    options: str,
    scan: Scan,
    state: OutputRecord | None = None,
    packed: tuple[str, bytes] | None = None,
    budgets: dict[str, Any] | None = None,
) -> None:
    """After a good build into `output` of the inputs `scan` (`input_entries`, taken before
    the build read them; `packed`: its paths joined and its states packed, if at hand);
    `state`: output/ now, if known; `budgets`: the pages over budget (`budgets.as_record`:
    what `check` warns about those the build did not change), if measured."""
    entries, racy, sums, known = scan
    try:
        state = OutputRecord.of(listing(output)) if state is None else state
        packed = packed_scan(entries) if packed is None else packed
    except OverflowError:  # an inode number past 2**63 (some network file systems)
        forget(root)
        return
    files, folders = state.joined()
    record = {
        "output": str(output),
        "options": options,
        "racy": racy,
        # (a racy file's bytes as scanned, when they had not changed by the build's end)
        "racy_sums": {path: sha for path, sha in sums.items() if _content(path) == sha},
        "output_names": state.names_digest().hex(),
        "output_fingerprint": state.digest(),
        "input_paths": packed[0],
        "input_states": packed[1],
        "input_folders": known[0] if known else "",
        "input_folder_states": known[1] if known else b"",
        "input_absent": known[2] if known else None,
        "output_files": files,
        "output_folders": folders,
        "output_sizes": state.file_states[0::3].tobytes(),
        "output_links": state.links().tobytes(),
    }
    if budgets is not None:
        record["budgets"] = budgets
    write(root, record)


def write(root: Path, record: dict[str, Any]) -> None:
    """`record` (as `recorded` reads it) written, sealed, in place of the last one (and of
    the one `forget` set aside)."""
    parts = [
        record[name].encode(*_NAMES) if name in TEXT_SECTIONS else bytes(record[name])
        for name in SECTIONS
    ]
    header = {k: v for k, v in record.items() if k not in SECTIONS}
    header["sections"] = [len(part) for part in parts]
    body = [json.dumps(header).encode() + b"\n", *parts]
    path = root / CACHE_DIR / RECORD
    with contextlib.suppress(OSError):  # a read-only cache: full builds, same result
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{RECORD}.{os.getpid()}")
        with tmp.open("wb") as f:
            f.write(digest(STAMP, tail=body).encode() + b"\n")
            f.writelines(body)
        os.replace(tmp, path)
        # the record `forget` set aside is of no use beside a newer one (a few MB at
        # 20,000 items): gone once this one is in place
        (path.parent / FORGOTTEN).unlink(missing_ok=True)


def has_record(root: Path) -> bool:
    """Whether a record of a last good build is there (not read: `recorded` reads it)."""
    return (root / CACHE_DIR / RECORD).is_file()


def recorded(root: Path, name: str = RECORD) -> dict[str, Any] | None:
    """The sealed record of the last good build (its header's values, and `SECTIONS`: the
    paths as strings, the states as bytes); None if absent, damaged or foreign."""
    try:
        data = (root / CACHE_DIR / name).read_bytes()
        view = memoryview(data)
        start = data.index(b"\n") + 1
        if data[: start - 1].decode() != digest(STAMP, view[start:]):
            return None
        end = data.index(b"\n", start) + 1
        header = json.loads(data[start:end])
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(header.get("racy"), list):
        return None
    lengths = header.pop("sections", None)
    if (
        not isinstance(lengths, list)
        or len(lengths) != len(SECTIONS)
        or not all(type(n) is int and n >= 0 for n in lengths)
        or end + sum(lengths) != len(data)
    ):
        return None
    for name, n in zip(SECTIONS, lengths, strict=True):
        part = view[end : end + n]
        header[name] = str(part, *_NAMES) if name in TEXT_SECTIONS else bytes(part)
        end += n
    paths, files = header["input_paths"], header["output_files"]
    count = paths.count("\n") + 1 if paths else 0
    folders = header["input_folders"]
    if (
        len(header["input_states"]) != 24 * count
        or len(header["input_folder_states"]) != 24 * (folders.count("\n") + 1 if folders else 0)
        or len(header["output_sizes"]) != 8 * (files.count("\n") + 1 if files else 0)
        or len(header["output_links"]) % 8
    ):
        return None
    return header


@dataclass
class Changes:
    """What changed since the last good build into an output folder that is still as that
    build left it."""

    record: dict[str, Any]
    scan: Scan  # the inputs now
    changed: set[str]  # input files changed, added or removed (absolute paths)
    vouched: OutputRecord | None  # output/ now (= as recorded); None: not looked at
    # the recorded files of the item folders holding a changed file (`from_inputs`: the
    # record itself stays in the process that read it)
    below: dict[str, list[Entry]] | None = None
    # the scan's paths joined and its states packed, as they came (`from_inputs`)
    packed: tuple[str, bytes] | None = None

    def recorded_below(self, folder: str) -> list[Entry]:
        """The recorded input files below `folder` (an absolute path) with their (size,
        mtime_ns, inode) then, sorted by path. (The record's paths are sorted: a range of
        them, found by bisection, not a look at each of the 8,000 at 2,000 items.)"""
        if self.below is not None:
            return self.below.get(folder, [])
        names, states = self._recorded_names, self._recorded_states
        start = bisect.bisect_left(names, f"{folder}{os.sep}")
        end = bisect.bisect_left(names, f"{folder}{chr(ord(os.sep) + 1)}", start)
        return [
            (names[i], states[3 * i], states[3 * i + 1], states[3 * i + 2])
            for i in range(start, end)
        ]

    @functools.cached_property
    def _recorded_states(self) -> array[int]:
        return array("q", self.record["input_states"])

    @functools.cached_property
    def _recorded_names(self) -> list[str]:
        paths = self.record["input_paths"]
        names: list[str] = paths.split("\n") if paths else []
        return names

    @property
    def output(self) -> OutputRecord:
        """output/ now, as recorded (`changes(..., vouch=True)` only)."""
        assert self.vouched is not None, "changes(vouch=False) did not look at output/"
        return self.vouched

    @property
    def files(self) -> dict[str, int]:
        """The size of every file the last good build wrote, by its path relative to
        output/ (as it is now, when vouched for)."""
        if self.vouched is not None:
            return self.vouched.sizes()
        names = self.record["output_files"]
        sizes = array("q", self.record["output_sizes"])
        return dict(zip(names.split("\n") if names else [], sizes, strict=True))


def changes(
    root: Path, output: Path, options: str | None = None, vouch: bool = True
) -> Changes | None:
    """The input files changed since the last good build into `output` (made with
    `options`, or any); None if there is no such record or (`vouch`) output/ changed since.
    Without `vouch`, output/ is not looked at: for what the last build *wrote* (`check`
    measures the unchanged pages' weights by it: a page edited by hand in output/ since is
    not what the next build would write)."""
    found = _changed_inputs(root, output, options)
    if found is None:
        return None
    last, scan, changed = found.last, found.scan, found.changed
    if not vouch:
        return Changes(last, scan, changed, None)
    out = _output_now(last, output)
    return None if out is None else Changes(last, scan, changed, out)


@dataclass
class _Inputs:
    """`_changed_inputs`' answer: the record, the inputs now (and, packed, their paths
    joined and their states in one flat list, as the record keeps them) and those changed."""

    last: dict[str, Any]
    scan: Scan
    paths: str
    states: bytes
    changed: set[str]


def _changed_inputs(root: Path, output: Path, options: str | None) -> _Inputs | None:
    """The record, the inputs now and those changed since it (see `changes`)."""
    last = recorded(root)
    if last is None or last.get("output") != str(output) or not output.is_dir():
        return None
    if options is not None and last.get("options") != options:
        return None
    restated = _restated_inputs(last)
    if restated is not None:  # (the record's paths, in the record's order)
        scan, states = restated
        paths = last["input_paths"]
    else:
        scan = input_entries(root)
        try:
            paths, states = packed_scan(scan[0])
        except OverflowError:  # an inode number past 2**63 (some network file systems)
            return None
    now = {e[0]: e[1:] for e in scan[0]}
    changed: set[str] = set()
    if last["input_paths"] != paths or last["input_states"] != states:
        before = _recorded_inputs(last)  # (the same files in the same states: no need)
        changed = {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
    sums = last.get("racy_sums")
    sums = sums if isinstance(sums, dict) else {}
    for path in set(last["racy"]) & now.keys():  # the same bytes as the build read?
        if path not in changed and (sums.get(path) is None or _content(path) != sums[path]):
            changed.add(path)
    return _Inputs(last, scan, paths, states, changed)


def _output_now(last: dict[str, Any], output: Path) -> OutputRecord | None:
    """output/ now if it is exactly as the record says the last build left it, else None."""
    files, folders = last["output_files"], last["output_folders"]
    names = last.get("output_names")
    try:
        names_hash = bytes.fromhex(names) if isinstance(names, str) else b""
    except ValueError:
        return None
    links = _links(last)
    out = _restated(output, files.split("\n") if files else [], folders.split("\n"), links)
    if out is None or len(names_hash) != 32:
        return None
    # (the strings it was split from, and their digest as recorded: not made again)
    out.names, out.names_hash, out.known_links = (files, folders), names_hash, links
    if out.digest() != last.get("output_fingerprint"):  # ("": output/)
        return None
    return out


Inputs = tuple[
    set[str],
    dict[str, list[Entry]],
    str,
    bytes,
    list[str],
    dict[str, str],
    dict[str, Any],
    Folders | None,
]
# `Inputs`' parts: the forked processes' first answer is told from the next ones by its
# length (tests/test_check_cache.py holds the two together)
INPUT_PARTS: Final = 8
Held = tuple[str, str, bytes, bytes, bytes, bytes]


def changes_in_steps(
    root: Path, output: Path, options: str | None = None, vouch: bool = True
) -> Iterator[Inputs | Held | None]:
    """`changes(root, output, options, vouch)` as answers for a forked process to send
    back (`lifeline.fork_one`): first the inputs (`from_inputs`: None if there is no record
    to start from), so that the command knows early whether it has anything to do and can
    load what changed meanwhile; then (`vouch`), once output/ is looked at, its state
    (`vouched_by`: None if it is not as recorded). States go as bytes, not as tuples and
    integers by the ten thousand (at 2,000 items ~20 ms less to pickle and to unpickle),
    and the record itself (3 MB) stays here: the pages it found over budget go with the
    inputs, and without `vouch` what the last build wrote (`Changes.files`)."""
    found = _changed_inputs(root, output, options)
    if found is None:
        yield None
        return
    last, changed = found.last, found.changed
    _entries, racy, sums, known = found.scan
    kept = ("output_files", "output_sizes", "output_fingerprint")  # (what it wrote)
    record = {k: last.get(k) for k in (() if vouch else kept) + ("budgets",)}
    if vouch and not changed:  # (the scan is of no use then)
        yield changed, {}, "", b"", [], {}, record, None
    else:
        full = Changes(last, found.scan, changed, None)
        content = f"{root}{os.sep}content{os.sep}"
        folders = {
            f"{content}{parts[0]}{os.sep}{parts[1]}"
            for path in changed
            if path.startswith(content) and len(parts := path[len(content) :].split(os.sep, 2)) == 3
        }
        below = {folder: full.recorded_below(folder) for folder in folders}
        yield changed, below, found.paths, found.states, racy, sums, record, known
    if not vouch:
        return
    out = _output_now(last, output)
    if out is None:
        yield None
        return
    files, folders_now = last["output_files"], last["output_folders"]
    links = b"" if out.known_links is None else out.known_links.tobytes()
    states = out.file_states.tobytes(), out.folder_states.tobytes()
    yield files, folders_now, *states, out.names_digest(), links


def from_inputs(inputs: Inputs) -> Changes:
    """The `Changes` of `changes_in_steps`' first answer: output/ not vouched for yet."""
    changed, below, paths, raw, racy, sums, record, folders = inputs
    states = iter(array("q", raw).tolist())
    entries = list(zip(paths.split("\n") if paths else [], states, states, states, strict=True))
    return Changes(record, (entries, racy, sums, folders), changed, None, below, (paths, raw))


def vouched_by(found: Changes, held: Held) -> None:
    """`found` (`from_inputs`) with output/'s state from `changes_in_steps`' last answer."""
    files, folders, file_states, folder_states, names_hash, links = held
    found.vouched = OutputRecord(
        files.split("\n") if files else [],
        folders.split("\n"),
        array("q", file_states),
        array("q", folder_states),
        (files, folders),
        names_hash,
        array("q", links) if links else None,
    )


def _recorded_inputs(record: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """The record's input files: path -> (size, mtime_ns, inode)."""
    paths, states = record["input_paths"], iter(array("q", record["input_states"]).tolist())
    names = paths.split("\n") if paths else []
    return dict(zip(names, zip(states, states, states, strict=True), strict=True))


def _links(record: dict[str, Any]) -> array[int] | None:
    """The record's `output_links` (`OutputRecord.links`); None if absent or damaged (every
    file is then looked at)."""
    raw = record.get("output_links")
    if not isinstance(raw, bytes) or len(raw) % 8:
        return None
    return array("q", raw)  # (an index that is not an earlier file's: looked at itself)


def item_folders(root: Path, changed: set[str], kinds: tuple[str, ...]) -> set[Path] | None:
    """The item folders (`content/<kind>/<folder>/`) holding every changed file; None if
    one is elsewhere (a template, site.yaml, the tool) or its folder is gone."""
    content = root / "content"
    folders: set[Path] = set()
    for raw in changed:
        try:
            parts = Path(raw).relative_to(content).parts
        except ValueError:
            return None
        if len(parts) < 3 or parts[0] not in kinds:
            return None
        folders.add(content / parts[0] / parts[1])
    return folders if all(f.is_dir() for f in folders) else None


def item_folder_states(root: Path, entries: list[Entry]) -> dict[str, tuple[FileState, ...]]:
    """`content/<kind>/<folder>` -> the states of the files below it, sorted by path (as
    itemcache.folder_stats lists them), from a scan of the inputs (`input_entries`): a
    command that made one need not list each item folder again. (The entries are sorted:
    those of content/ are one range, and each folder's files follow one another.)"""
    content = f"{root}{os.sep}content{os.sep}"
    names = [e[0] for e in entries]
    start = bisect.bisect_left(names, content)
    end = bisect.bisect_left(names, f"{root}{os.sep}content{chr(ord(os.sep) + 1)}", start)
    n, sep = len(content), os.sep

    def folder_of(state: FileState) -> str:
        kind_end = state[0].find(sep, n)
        end = state[0].find(sep, kind_end + 1) if kind_end >= 0 else -1
        return state[0][:end] if end >= 0 else ""  # "": right inside content/ or a kind's

    found: dict[str, tuple[FileState, ...]] = {}
    make = functools.partial(tuple.__new__, FileState)  # (FileState(*e) in C: no Python call)
    states = map(make, itertools.islice(entries, start, end))
    for folder, group in itertools.groupby(states, key=folder_of):
        if folder:
            found[folder] = tuple(group)
    return found
