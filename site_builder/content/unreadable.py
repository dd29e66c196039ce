"""What a file that failed to load still says about the codes it owns.

When an item.yaml or a booklet cannot be read, the site is checked without it; the
printed-code registry must then not report that item's printed code as "no longer
served". Its `code:` and `id:` lines are read here as plain text (no YAML: the file
may be exactly what YAML refuses), so those registry entries are left for the next
check, once the file is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_OWNED = re.compile(r"""^(?:code|id)[ \t]*:[ \t]*["'“”‘’]?([^"'“”‘’#\s]+)""", re.MULTILINE)


def owned_codes(files: Iterable[Path]) -> frozenset[str]:
    """Every top-level `code:` and `id:` value written in `files` (missing files skipped)."""
    found: set[str] = set()
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        found.update(match.group(1) for match in _OWNED.finditer(text))
    return frozenset(found)
