"""Is output/ already the build of these inputs? Answered with `stat` calls only.

Kept free of heavy imports so that `site-builder build` with nothing changed costs a
fraction of a second.
"""

from __future__ import annotations

import os
from pathlib import Path

import site_builder
from site_builder.cache import BuildCache
from site_builder.filestate import listing, tree_state

INPUTS = ("site.yaml", "content", "booklets", "templates", "locale")


def inputs_fingerprint(root: Path, output: Path, options: str = "") -> str:
    return inputs_state(root, output, options)[0]


def inputs_state(root: Path, output: Path, options: str = "") -> tuple[str, bool]:
    """The inputs' fingerprint, and whether one was changed too recently to be vouched
    for by it (see `filestate.tree_state`: then the build does not record it)."""
    package = Path(site_builder.__file__).parent  # a changed tool is a changed input
    return tree_state([root / name for name in INPUTS] + [package], f"{output}|{options}")


def output_fingerprint(output: Path) -> str:
    """output/'s every file and folder (an empty folder added by hand too: lastbuild.py
    vouches for output/ the same way)."""
    return listing(output).fingerprint()


def is_up_to_date(root: Path, output: Path, options: str = "") -> bool:
    last = BuildCache(root).last_fingerprint()
    if last is None or not output.is_dir() or left_behind(output):
        return False
    return same_build(last, inputs_fingerprint(root, output, options), output)


def same_build(last: str, inputs: str, output: Path) -> bool:
    """Is `last` (a build's "inputs:output" fingerprint) these inputs and output/ as it is?
    output/ is listed only when the inputs are the same (a listing of a 2,000-item site
    is ~0.3 s: an edited template need not pay it)."""
    return last.startswith(inputs + ":") and last == inputs + ":" + output_fingerprint(output)


def left_behind(output: Path) -> bool:
    """Folders an interrupted build left next to `output` (staging, old, set aside): the
    build then runs, and removes them under the lock, even when nothing changed."""
    prefix = f".{output.name}."
    try:
        return any(name.startswith(prefix) for name in os.listdir(output.parent))
    except OSError:
        return False
