"""Reading the printed-code registry, `content/printed-codes.yaml`.

Checking it against the site and writing to it is site_builder/codes.py's work; this
module only reads it, so that the loader (which must know whether a duplicated code is
printed) can use it without importing the layer above.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.codes_identity import item_id
from site_builder.content import schema as s
from site_builder.content.model import Item
from site_builder.content.yamlsource import parse_yaml, read_text
from site_builder.errors import Collector, ContentError, SiteError
from site_builder.messages import Msg

REGISTRY = "printed-codes.yaml"
HEADER = """\
# Mã QR đã in — Printed QR codes.
# Mỗi mã ở đây đã được in lên bao bì: không được xoá hay đổi mã của sản phẩm.
# Every code here is printed on packaging: never delete it or change the item's code.
# Tệp này do lệnh `site-builder stickers --for-print` hoặc `site-builder codes mark-printed` ghi.
# This file is written by `site-builder stickers --for-print` or `site-builder codes mark-printed`.
"""


@dataclass(frozen=True)
class PrintedCode:
    code: str
    printed: dt.date
    url: str
    item: str  # kind/slug at the time of printing (informative after a rename)
    title: str | None
    line: int
    uid: str | None = None  # the `id:` of the item printed; None in registries before ids


def registry_path(root: Path) -> Path:
    return root / "content" / REGISTRY


def load_registry(root: Path) -> dict[str, PrintedCode]:
    """Read the registry; raise `ErrorList` if it was edited into something unreadable."""
    path = registry_path(root)
    if not path.is_file():
        return {}
    data, lines = parse_yaml(read_text(path), path)
    errors = Collector()
    out: dict[str, PrintedCode] = {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(
            path,
            lines.line(),
            None,
            Msg("the registry must list codes, each with printed/url/item."),
            Msg("Restore the file from your backup or version history."),
        )
    fields = [
        s.Field("printed", s.date),
        s.Field("url", s.text),
        s.Field("item", s.text),
        s.Field("title", s.text, required=False),
        s.Field("note", s.text, required=False),
        s.Field("id", item_id, required=False),
    ]
    for code, record in data.items():
        try:
            s.item_code(code)
        except s.Problem as p:
            errors.add(ContentError(path, lines.line((code,)), str(code), p.message, p.hint))
            continue
        clean = s.check_mapping(
            record, fields, lines, errors, prefix=(code,), what=Msg("the entry {code}", code=code)
        )
        if clean and all(clean.get(k) is not None for k in ("printed", "url", "item")):
            out[code] = PrintedCode(
                code,
                clean["printed"],
                clean["url"],
                clean["item"],
                clean["title"],
                lines.line((code,)),
                clean["id"],
            )
    errors.raise_if_any()
    return out


def printed_owner(root: Path, code: str, items: Sequence[Item]) -> Item | None:
    """Of `items` (all holding `code`), the one the code was printed for, if it is printed."""
    try:
        printed = load_registry(root).get(code)
    except SiteError:
        return None  # unreadable: the build reports the registry itself
    if printed is None:
        return None
    return printed_among(printed, items)


def printed_among(printed: PrintedCode, items: Sequence[Item]) -> Item | None:
    """Of `items`, the one `printed` was printed for. By its id; a folder copied with the
    id holds it too, so among those: the one in the folder the code was printed for and
    holding the code, then the one holding the code, then the one in that folder (a copy
    may sort first, and may keep the code: it is still the copy). An entry from before ids:
    by folder."""
    if printed.uid is None:
        return next((i for i in items if i.key == printed.item), None)
    same = [i for i in items if i.uid == printed.uid]
    for wants in ((True, True), (False, True), (True, False)):  # (in its folder, its code)
        found = next(
            (
                i
                for i in same
                if (not wants[0] or i.key == printed.item)
                and (not wants[1] or i.code == printed.code)
            ),
            None,
        )
        if found is not None:
            return found
    return same[0] if same else None


def own_printed_code(root: Path, item: Item) -> str | None:
    """Another code printed for `item` itself (its id is in that entry), if there is one:
    an item that took another's printed code may have its own on boxes already."""
    if item.uid is None:
        return None
    try:
        registry = load_registry(root)
    except SiteError:
        return None
    return next(
        (code for code, p in sorted(registry.items()) if p.uid == item.uid and code != item.code),
        None,
    )


def moved_key(root: Path, key: str, items: Sequence[Item]) -> str | None:
    """Where the item printed under the folder `key` is now (found by its id), if its
    folder was renamed; None when it was never printed or cannot be found."""
    try:
        registry = load_registry(root)
    except SiteError:
        return None
    for printed in registry.values():
        if printed.item == key and printed.uid is not None:
            now = next((i for i in items if i.uid == printed.uid), None)
            if now is not None and now.key != key:
                return now.key
    return None
