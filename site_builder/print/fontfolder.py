"""The folder where WeasyPrint keeps the fonts of our @font-face rules, and its cleaning.

WeasyPrint copies each @font-face font into a temporary folder of its own
(`mkdtemp(prefix="weasyprint-")`: ~620 kB for our four faces) so that fontconfig can load
it, and deletes the folder when its `FontConfiguration` is garbage-collected. A worker
process of a pool never gets there: multiprocessing ends it with `os._exit`, so neither
garbage collection nor `atexit` runs. Every worker that drew a PDF left its folder in
/tmp, and so does every killed build: 5,227 folders (3.2 GB) in this machine's /tmp after
two days of builds and tests.

So the print engine gives WeasyPrint a folder of ours, named after the process that uses
it and its parent (`site-builder-fonts-<pid>-<parent pid>-<random>`), and:

- removes it when that process ends normally: `atexit` (the command's own process) and
  multiprocessing's finalizers (its workers, which run them before `os._exit`);
- the parent removes its workers' folders when it kills them (Ctrl-C, SIGTERM, an error:
  lifeline.py `after_killing_workers`), and what its workers left when it ends;
- removes, when it makes one, the folders left by processes that are gone (a build killed
  with SIGKILL, a machine switched off with `/tmp` kept). A folder is left alone while its
  process runs, and for `STALE_SECONDS` after it was made, in case the temporary folder is
  shared with processes this one cannot see (another container).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from site_builder import lifeline

PREFIX = "site-builder-fonts-"
STALE_SECONDS = 600
_NAME = re.compile(re.escape(PREFIX) + r"(\d+)-(\d+)-")


def make() -> Path:
    """A new font folder for this process, removed when it ends; stale ones are removed."""
    sweep()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{os.getppid()}-"))
    _remove_at_exit(folder)
    return folder


def sweep(root: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove the font folders in `root` (the temporary folder) whose process has ended
    and that are older than `STALE_SECONDS`; returns those removed."""
    root = Path(tempfile.gettempdir()) if root is None else root
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        names = [name for name in os.listdir(root) if name.startswith(PREFIX)]
    except OSError:
        return removed
    for name in names:
        match = _NAME.match(name)
        if match is None or _alive(int(match.group(1))):
            continue
        folder = root / name
        try:
            if now - folder.lstat().st_mtime < STALE_SECONDS:
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def remove_of(pids: list[int], parent: int | None = None) -> list[Path]:
    """Remove the font folders of the processes `pids` (killed workers, waited for), or,
    with `parent`, of every process forked by it; returns those removed."""
    root = Path(tempfile.gettempdir())
    wanted = {str(pid) for pid in pids}
    removed = []
    try:
        names = [name for name in os.listdir(root) if name.startswith(PREFIX)]
    except OSError:
        return []
    for name in names:
        match = _NAME.match(name)
        if match is None:
            continue
        if match.group(1) in wanted or (parent is not None and match.group(2) == str(parent)):
            shutil.rmtree(root / name, ignore_errors=True)
            removed.append(root / name)
    return removed


def _remove_workers_folders() -> None:
    """At the end of a process: what its workers left (killed, or ended by the kernel
    with it: lifeline.py `die_with_parent`). Its own forks never run this (`os._exit`)."""
    remove_of([], parent=os.getpid())


atexit.register(_remove_workers_folders)
lifeline.after_killing_workers(remove_of)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (another user's process: alive)
        return True
    return True


def _remove_at_exit(folder: Path) -> None:
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # (not in a process forked from the owner)
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    from multiprocessing import util

    # run by a multiprocessing worker before it ends (its `atexit` never runs); a process
    # forked by multiprocessing starts with this registry empty
    util.Finalize(None, remove, exitpriority=0)
