"""The process `site-builder check` starts first, before it imports the check itself:
it looks for the changes since the last good build (`lastbuild.changes_in_steps`, output/
not looked at: see check.py `_measured_on_output`), then works out the translations'
freshness (`translated.translations_ahead`: file states, no loaded site), while the command
reads the item cache and loads the site. Apart from check.py, so that starting it
imports nothing heavy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from site_builder import lastbuild, lifeline


def start(root: Path) -> lifeline.Forked:
    """`_look(root)` in a process of its own, from now on: `next()` gives the changes
    (`lastbuild.from_inputs`), then the translations (`check._taken`)."""
    return lifeline.fork_one(_look, root.resolve())


def _look(root: Path) -> Iterator[Any]:
    inputs = next(lastbuild.changes_in_steps(root, root / "output", None, vouch=False))
    yield inputs
    assert inputs is None or len(inputs) == 7  # (the inputs: no output/ state without vouch)
    from site_builder.translated import translations_ahead  # (here: the command goes on)

    yield translations_ahead(root, inputs)
