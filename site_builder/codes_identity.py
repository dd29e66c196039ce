"""The identity a printed code was printed for: an `id:` line in the item's item.yaml.

Why an id written into item.yaml (and not the folder name, the title or the kind):
the README promises that renaming a folder is always safe, titles get corrected,
and two dolls share a kind. The item.yaml file travels with the item through every
rename and edit, so a random id written there when a code goes to print is the one
thing that still says "this is the item on the printed boxes" afterwards. The
registry records the same id next to the code; a build compares the two.

The id is written only by `codes mark-printed` / `stickers --for-print`, quoted, on
the line after `code:`, keeping the member's comments, line endings and BOM.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import yaml

from site_builder.content import schema as s
from site_builder.content.yamlsource import parse_yaml, read_text
from site_builder.errors import ContentError
from site_builder.messages import Msg
from site_builder.writer import write_atomic

ID_RE = re.compile(r"^[0-9a-f]{16}$")
COMMENT = "  # printed-code identity: never change or copy / không sửa, không chép sang mục khác"


def new_id() -> str:
    return secrets.token_hex(8)


def item_id(value: Any) -> str:
    """Schema checker for `id:` in item.yaml and in the registry."""
    if not isinstance(value, str) or not ID_RE.match(value):
        raise s.Problem(
            Msg("'{value}' is not an id written by site-builder.", value=value),
            Msg(
                "The id ties printed boxes to this item: restore the line from version history "
                "(it is 16 letters a-f and digits, in quotes)."
            ),
        )
    return value


def write_item_id(item_yaml: Path, uid: str) -> None:
    """Insert `id: "<uid>"` after the top-level `code:` line of `item_yaml`."""
    raw = item_yaml.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    _data, lines = parse_yaml(read_text(item_yaml), item_yaml)
    at = lines.line(("code",)) or 0  # 1-based line of `code:`; 0: put it first
    rows = text.splitlines(keepends=True)
    newline = "\r\n" if rows and rows[0].endswith("\r\n") else "\n"
    if rows and not rows[-1].endswith(("\n", "\r")):
        rows[-1] += newline
    rows.insert(at, f'id: "{uid}"{COMMENT}{newline}')
    body = "".join(rows)
    if not _adds_only_the_id(text, body, uid):  # e.g. the whole file in one {flow: mapping}
        raise ContentError(
            item_yaml,
            None,
            "id",
            Msg("could not add the line 'id: \"{uid}\"' to this file.", uid=uid),
            Msg("Add that line yourself, on a line of its own, then run the command again."),
        )
    write_atomic(item_yaml, (b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"))


FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster


def _adds_only_the_id(before: str, after: str, uid: str) -> bool:
    try:
        old, new = yaml.load(before, FastLoader), yaml.load(after, FastLoader)
    except yaml.YAMLError:
        return False
    return isinstance(old, dict) and isinstance(new, dict) and new == {**old, "id": uid}
