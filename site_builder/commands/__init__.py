"""One module per verb. Each exposes `register(subparsers)` and sets `func` on its parser.

`func(args)` returns the exit code; errors are raised as `SiteError` and turned
into messages by `site_builder.cli`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

PROJECT_FILE = "site.yaml"


def project_root(args: argparse.Namespace) -> Path:
    return Path(args.project).resolve()


def find_project(start: Path) -> Path | None:
    """The nearest folder holding site.yaml: `start` or one of its parents, as git finds
    its repository: a member who opened a terminal in content/dolls/hmong/ builds the
    project that folder belongs to. None when no folder up to the root holds one."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        try:
            if (candidate / PROJECT_FILE).is_file():
                return candidate
        except OSError:  # (a parent the user may not read: as if it held none)
            continue
    return None


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the member sees it: relative to the current folder when inside it."""
    base = base or Path.cwd()
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)
    return rel + ("/" if path.is_dir() else "")
