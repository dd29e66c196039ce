"""The folder where WeasyPrint keeps the fonts of our @font-face rules, and its cleaning.

WeasyPrint copies each @font-face font into a temporary folder of its own
(`mkdtemp(prefix="weasyprint-")`: ~620 kB for our four faces) so that fontconfig can load
it, and deletes the folder when its `FontConfiguration` is garbage-collected. A worker
process of a pool never gets there: multiprocessing ends it with `os._exit`, so neither
garbage collection nor `atexit` runs. Every worker that drew a PDF left its folder in
/tmp, and so does every killed build: 5,227 folders (3.2 GB) in this machine's /tmp after
two days of builds and tests.

So the print engine gives WeasyPrint a folder of ours (`site-builder-fonts-<pid>-<random>`),
and:

- removes it when its process ends normally: `atexit` (the command's own process) and
  multiprocessing's finalizers (its workers, which run them before `os._exit`);
- holds a lock on a file in it (`flock`) for as long as the process lives: the kernel
  lets go of it however the process ends, so a folder nobody holds is a leftover, whatever
  its pid says (reused, or seen from another container sharing /tmp). `sweep` removes
  those: when a process makes its folder, when it has killed its workers (Ctrl-C,
  SIGTERM, an error: lifeline.py `after_killing_workers`) and when it ends. A folder is
  locked before it gets its name, so no sweep ever sees one unheld while in use.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

from site_builder import lifeline

PREFIX = "site-builder-fonts-"
_MAKING = ".site-builder-fonts-making-"  # (a folder being locked, before its rename)
OWNER = ".owner"  # the file whose lock says the folder is in use
STALE_SECONDS = 600  # for a folder without a held lock file: cut short while being made
_held: list[int] = []  # this process's locks (kept open until it ends)


def make() -> Path:
    """A new font folder for this process, locked, removed when it ends; the folders of
    processes that have ended are removed first."""
    sweep()
    making = Path(tempfile.mkdtemp(prefix=_MAKING))
    fd = os.open(making / OWNER, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _held.append(fd)
    folder = making.with_name(f"{PREFIX}{os.getpid()}-{making.name[len(_MAKING) :]}")
    os.rename(making, folder)
    _remove_at_exit(folder)
    return folder


def sweep(root: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove the font folders in `root` (the temporary folder) that no process holds;
    returns those removed. A folder caught being made, or without a lock file, is judged
    by its age (`STALE_SECONDS`)."""
    root = Path(tempfile.gettempdir()) if root is None else root
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(root) if n.startswith((PREFIX, _MAKING))]
    except OSError:
        return removed
    for name in names:
        folder = root / name
        if not _unheld(folder, name, now):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def _unheld(folder: Path, name: str, now: float) -> bool:
    try:
        old = now - folder.lstat().st_mtime >= STALE_SECONDS
    except OSError:
        return False
    if name.startswith(_MAKING):
        # being made: its lock file may exist a moment before it is locked, so only its
        # age tells (a process killed while making it)
        return old
    try:
        fd = os.open(folder / OWNER, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:  # (every named folder has one: its age decides, as above)
        return old
    except OSError:
        return False  # (another user's folder: not ours to judge)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: in use
    finally:
        os.close(fd)  # (closing it lets go of the lock just taken)
    return True


atexit.register(sweep)  # what this process's killed or ended workers left
lifeline.after_killing_workers(sweep)


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
