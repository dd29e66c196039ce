"""Where a verb may write: never into a folder holding files the tool did not write.

A folder is the tool's when it does not exist yet, is empty, or holds `MARKER` (which
the tool writes into every folder it makes for its results: output/, stickers/, qr/).
Whatever they hold, the project folder, every folder above it and the folders the site
is made from (content/, booklets/, templates/, locale/, the cache, .git) are refused.
A build replaces its output folder whole, so these rules are what keep a mistyped
`--output` from deleting a member's files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from site_builder.errors import SiteError
from site_builder.messages import Msg

MARKER = ".site-builder-output"
MARKER_TEXT = (
    b"This folder is written by site-builder. Its files are replaced by the next run:\n"
    b"do not keep your own files here.\n"
    b"Thu muc nay do site-builder ghi. Lan chay sau se thay toan bo tep trong do:\n"
    b"dung de tep cua ban o day.\n"
)
# what the site is made from, relative to the project folder
SOURCES = ("content", "booklets", "templates", "locale", ".site-builder-cache", ".git")
SHOWN = 5  # entries named in the message


class UnsafeOutput(SiteError):
    pass


def check_output_folder(
    root: Path, folder: Path, legacy: Callable[[Path, list[str]], bool] | None = None
) -> None:
    """Raise UnsafeOutput unless `folder` may be written (and replaced) by the tool.

    `legacy(folder, entries)` may accept a folder an older version wrote without the
    marker (for example the output/ the last good build recorded)."""
    root, folder = root.resolve(), folder.resolve()
    shown_as = shown(folder)
    if folder == root:
        raise UnsafeOutput(
            Msg(
                "refusing to write into {folder}: it is the project folder itself "
                "(site.yaml, content/, ...), and writing there would replace them. "
                "Use a new folder, e.g. output/. Nothing was changed.",
                folder=shown_as,
            )
        )
    if folder in root.parents:
        raise UnsafeOutput(
            Msg(
                "refusing to write into {folder}: it holds the project folder {project}, "
                "and writing there would replace it. Use a new folder, e.g. output/. "
                "Nothing was changed.",
                folder=shown_as,
                project=str(root),
            )
        )
    for name in SOURCES:
        source = (root / name).resolve()
        if folder == source or source in folder.parents:
            raise UnsafeOutput(
                Msg(
                    "refusing to write into {folder}: {source}/ belongs to the project, and "
                    "writing there would replace what is in it. Use a new folder, e.g. output/. "
                    "Nothing was changed.",
                    folder=shown_as,
                    source=name,
                )
            )
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UnsafeOutput(
            Msg(
                "refusing to write into {folder}: it is a file, not a folder. "
                "Use a new folder, e.g. output/. Nothing was changed.",
                folder=shown_as,
            )
        )
    try:
        entries = sorted(os.listdir(folder))
    except OSError as exc:
        raise UnsafeOutput(
            Msg("cannot read {folder}: {reason}.", folder=shown_as, reason=exc.strerror)
        ) from exc
    if not entries or MARKER in entries or (legacy is not None and legacy(folder, entries)):
        return
    listed = ", ".join(e + ("/" if (folder / e).is_dir() else "") for e in entries[:SHOWN])
    if len(entries) > SHOWN:
        listed += f" (+{len(entries) - SHOWN})"
    raise UnsafeOutput(
        Msg(
            "refusing to write into {folder}: it holds files site-builder did not write "
            "({files}), and writing there would replace them. Choose an empty or new folder, "
            "e.g. output/. Nothing was changed.",
            folder=shown_as,
            files=listed,
        )
    )


def mark(folder: Path) -> None:
    """Say that `folder` is the tool's (written into a folder it has just made)."""
    path = folder / MARKER
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(MARKER_TEXT)
            os.fchmod(f.fileno(), 0o644)


def ensure_folder(
    root: Path, folder: Path, legacy: Callable[[Path, list[str]], bool] | None = None
) -> None:
    """Check `folder` (see check_output_folder), create it if needed, and mark it."""
    check_output_folder(root, folder, legacy)
    if not folder.is_dir():
        folder.mkdir(parents=True)
        os.chmod(folder, 0o755)  # whatever the umask: a web server or a print shop reads it
    mark(folder)


def shown(folder: Path) -> str:
    """A folder as the member sees it: relative to the current folder when inside it."""
    try:
        rel = folder.relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(folder)
    if rel == ".":
        return str(folder)
    return rel + ("/" if folder.is_dir() else "")
