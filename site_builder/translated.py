"""Whether each translation is current (`site-builder check`'s translation report).

For every item and page, each language other than the source language (the first in
site.yaml) is one of:

- `missing`  — no file (the site falls back or omits, per `missing_translation`);
- `current`  — its `source_hash` equals the hash of the source file now;
- `stale`    — its `source_hash` differs: the source changed after translating (warning);
- `unknown`  — it has no `source_hash`, so its freshness is unknown (warning).

`source_hash` (front matter of a translation) is the first 12 hex digits of the SHA-256
of the source-language file as read (UTF-8, NFC, LF line ends), without any
`source_hash:` line of its own front matter, without spaces at line ends and blank lines
at the end. `check.mark_translated()` writes it (`check --mark-translated FILE`).

Nothing here needs the loaded site, so `check` has it worked out by the process that
looked for the changes (`check_ahead.py`, `translations_ahead`) while it loads the site.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder import lastbuild, lifeline
from site_builder.check_cache import CheckCache
from site_builder.content import kinds
from site_builder.content.itemcache import child_path
from site_builder.errors import ContentError, ErrorList, realpath
from site_builder.filestate import FileState
from site_builder.markdown import slugify

HASH_LEN = 12
HASH_LINE = re.compile(r"^source_hash[ \t]*:.*$")
STATUSES = ("current", "stale", "unknown", "missing")
WARNED = ("unknown", "stale")  # the statuses that are warned about


def sections() -> tuple[str, ...]:
    """The content folders whose texts are translations: every kind's, and pages."""
    return (*kinds.names(), "pages")


@dataclass
class TranslationStatus:
    key: str  # dolls/hmong
    lang: str
    status: str  # one of STATUSES
    file: Path
    source: Path
    recorded: str | None = None  # source_hash in the translation
    expected: str | None = None  # hash of the source file now


def source_hash(path: Path) -> str:
    """The hash a translation records of its source file (see the module's docstring)."""
    from site_builder.content.yamlsource import read_text

    lines = read_text(path).split("\n")
    if lines and lines[0] == "---":
        end = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0)
        lines = [ln for i, ln in enumerate(lines) if not (0 < i < end and HASH_LINE.match(ln))]
    lines = [ln.rstrip() for ln in lines]
    while lines and not lines[-1]:
        lines.pop()
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return digest[:HASH_LEN]


def recorded_hash(path: Path) -> tuple[str | None, int | None]:
    """The `source_hash` written in a translation's front matter, and its line."""
    from site_builder.content.yamlsource import read_text

    try:
        lines = read_text(path).split("\n")
    except ContentError:
        return None, None
    if not lines or lines[0] != "---":
        return None, None
    for i, line in enumerate(lines[1:], start=2):
        if line == "---":
            break
        if HASH_LINE.match(line):
            value = line.split(":", 1)[1].split("#", 1)[0].strip().strip("\"'")
            return (value or None), i
    return None, None


def translation_status(
    folder: Path,
    key: str,
    languages: tuple[str, ...],
    derived: CheckCache | None = None,
    states: tuple[FileState, ...] | None = None,
) -> list[TranslationStatus]:
    """The freshness of each translation in `folder` (the hashes remembered in `derived`
    for files whose state did not change). `states`: the folder's files as the command's
    scan found them (`lastbuild.item_folder_states`), instead of a `stat` of each."""
    found = None if states is None else {s.path: s for s in states}

    def state(path: Path) -> FileState | None:
        return found.get(str(path)) if found is not None else None

    def there(path: Path) -> bool:
        return str(path) in found if found is not None else path.is_file()

    source = folder / f"{languages[0]}.md"
    if not there(source):
        return []  # reported as an error by the loader
    try:
        expected = (
            source_hash(source)
            if derived is None
            else derived.source_hash(source, source_hash, state(source))
        )
    except ContentError:
        return []  # not UTF-8: an error of its own
    out = []
    for lang in languages[1:]:
        path = folder / f"{lang}.md"
        if not there(path):
            out.append(TranslationStatus(key, lang, "missing", path, source, None, expected))
            continue
        recorded, _line = (
            recorded_hash(path)
            if derived is None
            else derived.recorded(path, recorded_hash, state(path))
        )
        fresh = "current" if recorded == expected else "stale"
        status = "unknown" if recorded is None else fresh
        out.append(TranslationStatus(key, lang, status, path, source, recorded, expected))
    return out


def shown_path(path: Path, root: Path, real: dict[str, str] | None = None) -> str:
    """`path` from `root` as `Path.resolve` sees it; `real`: the folders resolved so far
    (then on strings: thousands of warnings)."""
    if real is None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()
    full = realpath(str(path.absolute()), real)
    base = realpath(str(root.absolute()), real)
    if full == base:
        return "."
    inside = base if base.endswith(os.sep) else base + os.sep
    return full[len(inside) :].replace(os.sep, "/") if full.startswith(inside) else path.as_posix()


def languages_and_folders(
    root: Path, config: Any = None
) -> tuple[tuple[str, ...], list[tuple[str, Path]]]:
    """The site's languages (site.yaml, as `config` if read already; Vietnamese and
    English when it cannot be read: its errors are reported by the loader) and the folders
    whose texts are translations, in the order `check` reports them."""
    from site_builder.config import load_config
    from site_builder.content.loader import folders_in

    languages: tuple[str, ...] = ("vi", "en")
    with contextlib.suppress(ContentError, ErrorList):
        languages = (config or load_config(root)).languages
    folders = [(kind, f) for kind in sections() for f in folders_in(root / "content" / kind)]
    return languages, folders


def folder_key(kind: str, folder: Path) -> str:
    """The key a folder's item or page has (`Item.key`): `dolls/hmong`."""
    return f"{kind}/{slugify(folder.name)}"


def statuses_in(
    folders: list[tuple[str, Path]],
    languages: tuple[str, ...],
    derived: CheckCache | None,
    scanned: dict[str, tuple[FileState, ...]],
) -> list[list[TranslationStatus]]:
    """`translation_status` of each folder, in order (`scanned`: the folders' file states
    from the command's scan, where it made one)."""
    return [
        translation_status(
            folder, folder_key(kind, folder), languages, derived, scanned.get(str(folder))
        )
        for kind, folder in folders
    ]


Found = tuple[str, str, str | None, str | None]  # a translation: lang, status, recorded, expected


@dataclass
class Ahead:
    """`translations_ahead`'s answer: for `languages` and the folders `folders` (their
    paths, in order), each folder's translations (`Found`: `statuses_of` makes the
    `TranslationStatus`es again); the paths shown in their warnings (`shown_path`) and the
    folders resolved for them; what the check cache gained and used. Strings only: 2,000
    folders' worth crosses between the processes in ~2 ms (as paths, ~25 ms)."""

    languages: tuple[str, ...]
    folders: list[str]
    found: list[list[Found]]
    shown: dict[str, str]
    resolved: dict[str, str]
    derived: tuple[dict[str, Any], set[str]]

    def shown_of(self, i: int, lang: str) -> str | None:
        """The path shown in the warning of the `i`th folder's translation into `lang`."""
        return self.shown.get(_shown_key(self.folders[i], lang))

    def statuses_of(self, i: int, key: str, folder: Path) -> list[TranslationStatus]:
        """The statuses of the `i`th folder (`key`, at `folder`)."""
        return statuses_from(self.found[i], self.languages, key, folder)


def statuses_from(
    found: list[Found], languages: tuple[str, ...], key: str, folder: Path
) -> list[TranslationStatus]:
    """The `TranslationStatus`es of the folder `key` at `folder` from its `Found`s."""
    if not found:
        return []
    source = child_path(folder, f"{languages[0]}.md")
    return [
        TranslationStatus(key, lang, status, child_path(folder, f"{lang}.md"), source, rec, exp)
        for lang, status, rec, exp in found
    ]


def _found(statuses: list[list[TranslationStatus]]) -> list[list[Found]]:
    return [[(t.lang, t.status, t.recorded, t.expected) for t in each] for each in statuses]


def translations_ahead(root: Path, inputs: lastbuild.Inputs | None) -> Ahead:
    """In `check_ahead`'s process, once it found the changes (`inputs`): every folder's
    translation statuses, as `check` makes them."""
    found = None if inputs is None else lastbuild.from_inputs(inputs)
    languages, folders = languages_and_folders(root)
    scanned = {} if found is None else lastbuild.item_folder_states(root, found.scan[0])
    derived = CheckCache(root)
    statuses = _statuses_halved(root, folders, languages, derived, scanned)
    resolved: dict[str, str] = {}
    names = [str(folder) for _kind, folder in folders]
    shown = {
        _shown_key(name, t.lang): shown_path(t.file, root, resolved)
        for name, each in zip(names, statuses, strict=True)
        for t in each
        if t.status in WARNED
    }
    return Ahead(
        languages,
        names,
        _found(statuses),
        shown,
        resolved,
        derived.table.changes(),
    )


def _shown_key(folder: str, lang: str) -> str:
    """`Ahead.shown`'s key: the translation's path, made of its folder's (`str(folder)`)."""
    return f"{folder}{os.sep}{lang}.md"


HALVED_FROM = 1000  # folders: from so many, a second process works out half of them


def _statuses_halved(
    root: Path,
    folders: list[tuple[str, Path]],
    languages: tuple[str, ...],
    derived: CheckCache,
    scanned: dict[str, tuple[FileState, ...]],
) -> list[list[TranslationStatus]]:
    """`statuses_in`, the second half of many folders in a process forked for it. The
    first check of a large site reads and hashes every story (20,000 items: ~2.3 s, the
    longest part of that check, which waits for it once the site is loaded); on two
    cores the halves take half as long. Each process remembers what it found in the check
    cache (`CheckCache`), merged here; a killed process's half is worked out here."""
    if len(folders) < HALVED_FROM or not _mostly_unknown(folders, languages, derived, scanned):
        return statuses_in(folders, languages, derived, scanned)
    half = len(folders) // 2
    with lifeline.fork_one(_found_in, root, folders[half:], languages, scanned) as other:
        first = statuses_in(folders[:half], languages, derived, scanned)
        try:
            rest, changes = other.next()
        except Exception:  # (killed: out of memory?) this process works them out
            return first + statuses_in(folders[half:], languages, derived, scanned)
    derived.table.merge(changes)
    return first + [
        statuses_from(found, languages, folder_key(kind, folder), folder)
        for found, (kind, folder) in zip(rest, folders[half:], strict=True)
    ]


SAMPLE = 64  # folders looked at to tell whether the check cache knows most sources


def _mostly_unknown(
    folders: list[tuple[str, Path]],
    languages: tuple[str, ...],
    derived: CheckCache,
    scanned: dict[str, tuple[FileState, ...]],
) -> bool:
    """Whether the check cache lacks the hash of most source texts (the first check, or
    after most files changed): then reading and hashing them is worth a second process;
    else the remembered hashes make every status in ~15 µs. `SAMPLE` folders, spread."""
    sample = folders[:: max(1, len(folders) // SAMPLE)]
    unknown = 0
    for _kind, folder in sample:
        source = folder / f"{languages[0]}.md"
        states = {s.path: s for s in scanned.get(str(folder), ())}
        unknown += not derived.knows_source(source, states.get(str(source)))
    return 2 * unknown > len(sample)


def _found_in(
    root: Path,
    folders: list[tuple[str, Path]],
    languages: tuple[str, ...],
    scanned: dict[str, tuple[FileState, ...]],
) -> tuple[list[list[Found]], tuple[dict[str, Any], set[str]]]:
    """In `_statuses_halved`'s second process: the statuses of `folders` as strings, and
    what its check cache gained and used."""
    derived = CheckCache(root)
    statuses = statuses_in(folders, languages, derived, scanned)
    return _found(statuses), derived.table.changes()
