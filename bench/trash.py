"""What the harness deletes, it deletes away from the timings.

ext4 does not hand out an inode for about 30 seconds after it was freed
(`recently_deleted()` in fs/ext4/ialloc.c, the `dirty_expire_centisecs` window, 35 s
while the inode table block is dirty): every file or folder created in that time makes
the allocator read past each recently freed inode of its block group first. A build
that creates tens of thousands of files just after tens of thousands were deleted pays
that in system time. Measured on the 2,000-item corpus (2026-12-05): our cold build
right after `rm -rf output .site-builder-cache` took 15.0-15.3 s (9.5-10.0 s of system
CPU; `perf` put a third of all samples in `recently_deleted`, `find_inode_bit` and the
block lookups under them) against 11.0-11.5 s (2.7-2.9 s) after moving the same folders
aside with nothing deleted in the minute before.

That cost belongs to the harness, not to the tool measured: a member's first build does
not follow the deletion of a built site by seconds. So a cold run's folders are *moved*
into `.bench-trash/` next to the corpus (a rename frees no inode), the trash is emptied
only after the timings of a corpus, and `settle()` waits out the window after an emptying
before the next timed run. Every system measured (ours, Hugo, Pelican) is treated alike.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

TRASH = ".bench-trash"
WINDOW_S = 40.0  # ext4's 30 s (35 s with a dirty inode table block), and a margin

_emptied_at = 0.0  # time.monotonic() of the last emptying that deleted something


def set_aside(path: Path, corpus: Path) -> None:
    """Move `path` (a file or folder below `corpus`, if it exists) into the corpus's
    trash; deleted later by `empty`."""
    if not path.exists() and not path.is_symlink():
        return
    trash = corpus / TRASH
    trash.mkdir(exist_ok=True)
    path.rename(trash / f"{path.parent.name}-{path.name}-{uuid.uuid4().hex[:8]}")


def empty(corpus: Path) -> None:
    """Delete what was set aside below `corpus` (after its timings)."""
    global _emptied_at
    trash = corpus / TRASH
    if trash.exists():
        shutil.rmtree(trash, ignore_errors=True)
        _emptied_at = time.monotonic()


def settle(say: Callable[[str], None] | None = None) -> None:
    """Wait until the last emptying (or deletion by `note_deleted`) is out of ext4's window."""
    left = _emptied_at + WINDOW_S - time.monotonic()
    if left > 0:
        if say is not None:
            say(f"(waiting {left:.0f} s after deleting files: bench/trash.py)")
        time.sleep(left)


def note_deleted() -> None:
    """Files were deleted just now by other means (a corpus generated afresh)."""
    global _emptied_at
    _emptied_at = time.monotonic()
