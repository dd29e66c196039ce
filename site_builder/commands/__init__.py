"""One module per verb. Each exposes `register(subparsers)` and sets `func` on its parser.

`func(args)` returns the exit code; errors are raised as `SiteError` and turned
into messages by `site_builder.cli`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def project_root(args: argparse.Namespace) -> Path:
    return Path(args.project).resolve()


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the member sees it: relative to the current folder when inside it."""
    base = base or Path.cwd()
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)
    return rel + ("/" if path.is_dir() else "")
