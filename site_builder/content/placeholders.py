"""The placeholders `site-builder new` writes, which must never be published.

A value only the member can know (price, maker, ethnic group, summary, story…) is written
as `???` (or text starting with `???`), and the generated photo carries a PNG text chunk
saying it is a placeholder. `check_mapping` and the loader report each one still there, so
`check`, `build` and `serve` name every field to fill until the member has replaced them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from site_builder.content.yamlsource import KeyPath
from site_builder.messages import Msg

MARK = "???"
PHOTO_KEY = "site-builder"
PHOTO_VALUE = "placeholder"


def placeholder_in(value: Any, key: KeyPath = ()) -> KeyPath | None:
    """Where in `value` (a parsed YAML value) a placeholder text is, or None."""
    if isinstance(value, str):
        return key if value.lstrip().startswith(MARK) else None
    if isinstance(value, dict):
        for name, child in value.items():
            found = placeholder_in(child, key + (str(name),))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, child in enumerate(value):
            found = placeholder_in(child, key + (i,))
            if found is not None:
                return found
    return None


def placeholder_line(body: str) -> int | None:
    """The 0-based line of a story that still starts with the placeholder, or None."""
    for n, line in enumerate(body.split("\n")):
        if line.lstrip().startswith(MARK):
            return n
    return None


def is_placeholder_photo(path: Path) -> bool:
    """True for the grey picture `site-builder new` made (marked inside the PNG)."""
    if path.suffix.lower() != ".png":
        return False
    try:
        with path.open("rb") as f:
            head = f.read(8192)
    except OSError:
        return False
    return b"tEXt" + PHOTO_KEY.encode() + b"\0" + PHOTO_VALUE.encode() in head


FIELD_MESSAGE = Msg("this is still the placeholder '???' written by `site-builder new`.")
FIELD_HINT = Msg("Write the real value in its place (the note above the line says what to write).")
STORY_MESSAGE = Msg("the story is still the placeholder text written by `site-builder new`.")
STORY_HINT = Msg("Replace the line starting with '???' by the real story.")
PHOTO_MESSAGE = Msg("'{name}' is still the grey placeholder picture made by `site-builder new`.")
PHOTO_HINT = Msg(
    "Put a real photo in the item's folder and write its file name here "
    "(and under alt: in every language)."
)
