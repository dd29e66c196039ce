"""The theme's files (templates/assets/): served under names that carry a hash of their
bytes (`assets/site.1a2b3c4d.css`), so hosts may cache them for a year ("immutable"):
a changed stylesheet is a new name, and pages link the new name.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path, PurePosixPath

from site_builder.filestate import FileState, settled, state_of

ASSETS = "assets"
FAVICON = "favicon.svg"  # served at the root, where browsers look for it


@functools.lru_cache(maxsize=8)
def _names(folder: Path, states: tuple[FileState, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for state in states:
        rel = Path(state.path).relative_to(folder).as_posix()
        if rel == FAVICON:
            names[rel] = FAVICON
            continue
        digest = hashlib.sha256((folder / rel).read_bytes()).hexdigest()[:10]
        p = PurePosixPath(rel)
        names[rel] = f"{ASSETS}/{p.with_name(f'{p.stem}.{digest}{p.suffix}')}"
    return names


def asset_names(templates_dir: Path) -> dict[str, str]:
    """{'site.css': 'assets/site.<hash>.css', 'favicon.svg': 'favicon.svg', ...}: the
    output path of every file in `templates_dir/assets`."""
    folder = templates_dir / ASSETS
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()] if folder.is_dir() else []
    states = tuple(s for p in files if (s := state_of(p)) is not None)
    if all(settled(s.mtime_ns) for s in states):  # remembered while the files stay as they are
        return _names(folder, states)
    return _names.__wrapped__(folder, states)


def is_hashed(path: str) -> bool:
    """True for an output path named by its content (safe to cache forever)."""
    return path.startswith(ASSETS + "/")


ICON_SIZES = (192, 512)  # the web app icons (webapp.py): Android's launcher and splash
ICON_SOURCES = ("icon.png", FAVICON)  # the theme's own square logo if it has one, else this


def icon_source(templates_dir: Path) -> Path | None:
    """The theme file the web app icons are drawn from (None: the theme has neither)."""
    folder = templates_dir / ASSETS
    return next((folder / n for n in ICON_SOURCES if (folder / n).is_file()), None)


def icon_names(templates_dir: Path) -> dict[int, str]:
    """{192: 'assets/icon-192.<hash>.png', 512: ...}: the web app icons, named by the bytes
    of their source (a new logo is a new name, so they may be cached for a year)."""
    source = icon_source(templates_dir)
    if source is None:
        return {}
    data = source.read_bytes()
    return {
        size: f"{ASSETS}/icon-{size}.{hashlib.sha256(data + str(size).encode()).hexdigest()[:10]}.png"
        for size in ICON_SIZES
    }
