"""The build cache: `.site-builder-cache/` next to site.yaml. Deleting it only costs time.

Three kinds of entries, all keyed by a hash of everything that goes into them:
- small values (Markdown before sanitising, QR module matrices) in JSON files, each
  sealed with a checksum of its body and the tool's version: a corrupt, foreign or
  older file is ignored and rebuilt, never trusted;
- whole files (PDFs) stored under their key, with their own checksum beside them;
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
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from site_builder import __version__
from site_builder.writer import write_atomic

CACHE_DIR = ".site-builder-cache"
FORMAT = 1
STAMP = f"site-builder {__version__} cache {FORMAT} python {sys.version_info[:2]}"

_current: contextvars.ContextVar[BuildCache | None] = contextvars.ContextVar("cache", default=None)


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
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
    """A sealed JSON key -> value table, loaded once, saved when it changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False
        self.hits = self.misses = 0
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            sealed = json.loads(path.read_bytes())
            body = sealed["body"]
            if sealed["stamp"] == STAMP and sealed["sum"] == digest(
                json.dumps(body, sort_keys=True)
            ):
                self.data = body

    def get(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.used.add(key)
        self.dirty = True

    def save(self, keep_unused: bool = False) -> None:
        if not self.dirty and (keep_unused or len(self.used) == len(self.data)):
            return
        body = {k: v for k, v in self.data.items() if keep_unused or k in self.used}
        sealed = {"stamp": STAMP, "sum": digest(json.dumps(body, sort_keys=True)), "body": body}
        write_atomic(self.path, json.dumps(sealed, ensure_ascii=False).encode("utf-8"))


class BuildCache:
    """Everything one project remembers between builds."""

    def __init__(self, root: Path) -> None:
        self.dir = root / CACHE_DIR
        self.markdown = Table(self.dir / "markdown.json")
        self.qr = Table(self.dir / "qr.json")
        self.files_used: set[str] = set()
        self.pages_used: set[str] = set()

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

    # --- rendered pages ----------------------------------------------------------------
    def page(self, key: str) -> bytes | None:
        """A page rendered before from exactly the same view and templates, verified."""
        try:
            stored = (self.dir / "pages" / key[:2] / key).read_bytes()
        except OSError:
            return None
        data, sep, check = stored.rpartition(b"\n<!--sum:")
        if not sep or check != digest(STAMP, data)[:32].encode() + b"-->":
            return None
        self.pages_used.add(key)
        return data

    def put_page(self, key: str, data: bytes) -> None:
        sealed = data + b"\n<!--sum:" + digest(STAMP, data)[:32].encode() + b"-->"
        write_atomic(self.dir / "pages" / key[:2] / key, sealed)
        self.pages_used.add(key)

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
        folder = self.dir / "files"
        if folder.is_dir() and not keep_unused:
            for path in folder.iterdir():
                if path.name.removesuffix(".sum") not in self.files_used:
                    path.unlink(missing_ok=True)
        pages = self.dir / "pages"
        if pages.is_dir() and not keep_unused:
            for sub in pages.iterdir():
                for path in sub.iterdir() if sub.is_dir() else ():
                    if path.name not in self.pages_used:
                        path.unlink(missing_ok=True)
        if fingerprint is not None:
            body = json.dumps({"stamp": STAMP, "fingerprint": fingerprint}).encode()
            write_atomic(self.fingerprint_path(), body)

    def forget_fingerprint(self) -> None:
        self.fingerprint_path().unlink(missing_ok=True)


def tree_fingerprint(paths: Iterable[Path], extra: str = "") -> str:
    """A hash of every file's path, size, mtime and inode below `paths` (cheap: stat only)."""
    h = hashlib.sha256(extra.encode())
    for top in paths:
        if top.is_file():
            st = top.lstat()
            h.update(f"{top}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}\n".encode())
            continue
        if not top.is_dir():
            h.update(f"{top}:absent\n".encode())
            continue
        for folder, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                try:
                    st = os.lstat(os.path.join(folder, name))
                except OSError:
                    continue
                h.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}\n".encode())
    return h.hexdigest()
