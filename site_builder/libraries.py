"""The installed versions of the libraries whose output the caches depend on, without
importing them or importlib.metadata (a command that converts no story and checks no
photo imports neither Python-Markdown nor Pillow; importlib.metadata costs ~10 ms).

Read as importlib.metadata reads them: the first folder on sys.path holding a
`<name>-<version>.dist-info` (or `.egg-info`) of the library. A library with neither
anywhere is not installed ("-").
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable


def versions(names: Iterable[str]) -> dict[str, str]:
    """name -> its installed version, or "-" (one listing of each folder on sys.path)."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            stem, dot, ext = entry.rpartition(".")
            if dot and ext in ("dist-info", "egg-info"):
                name, _, rest = stem.partition("-")
                key = _normal(name)
                if key in wanted:  # (an egg-info's name may carry no version: asked below)
                    found.setdefault(key, rest.split("-")[0] if ext == "dist-info" else "")
    out = {}
    for key, name in wanted.items():
        version = found.get(key, "-")
        out[name] = version or metadata_version(name)
    return out


def _normal(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def metadata_version(name: str) -> str:
    """importlib.metadata's answer (an egg-info or other install the names do not show)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"
