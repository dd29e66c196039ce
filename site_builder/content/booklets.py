"""A booklet: `booklets/<name>.yaml`, the items and pages it gathers for print."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_builder.config import SiteConfig
from site_builder.content import schema as s
from site_builder.content.images import open_image
from site_builder.content.model import Booklet
from site_builder.content.yamlsource import (
    parse_yaml,
    read_text,
)
from site_builder.errors import Collector, ContentError
from site_builder.markdown import render_markdown, slugify, story_limits
from site_builder.messages import Msg


def _yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise s.Problem(
            Msg("expected yes or no, found {found}.", found=s.describe(value)),
            Msg("Write true or false."),
        )
    return value


def _missing_entry_hint(key: str, keys: set[str], moved: Callable[[str], str | None]) -> Msg:
    """Where the entry's item went (its folder renamed after its code was printed), else
    the nearest existing entry, else what an entry looks like."""
    now = moved(key)
    if now is not None and now in keys:
        return Msg(
            "Its folder was renamed: the item printed as {key} is now {now}; write {now} here.",
            key=key,
            now=now,
        )
    kind, _, folder = key.rpartition("/")
    same_kind = {k.rpartition("/")[2]: k for k in sorted(keys) if k.rpartition("/")[0] == kind}
    near = difflib.get_close_matches(folder, list(same_kind), n=1, cutoff=0.6)
    if near:  # (the folder's name compared, not the kind all entries of it share)
        return Msg("Did you mean {entry}?", entry=same_kind[near[0]])
    return Msg("Write kind/folder, e.g. dolls/hmong, ocop/shan-tuyet-tea or pages/visit-xin-man.")


def load_booklet(
    config: SiteConfig,
    path: Path,
    keys: set[str],
    errors: Collector,
    moved: Callable[[str], str | None] = lambda key: None,
) -> Booklet | None:
    """The booklet in `path`, its entries among `keys`; `moved(key)`: where the item a
    missing entry named now is (its folder renamed), asked only for a missing entry."""
    data, lines = parse_yaml(read_text(path), path, errors=errors)
    langs = config.languages
    fields = [
        s.Field("title", s.language_map(langs, required=langs[:1])),
        s.Field("intro", s.language_map(langs), required=False),
        s.Field("cover", lambda v: v, required=False),
        s.Field("date", s.date),
        s.Field("entries", s.text_list),
        s.Field("page_size", s.one_of(["A5", "A6", "A4"]), required=False),
        s.Field("saddle_stitch", _yes_no, required=False),
        s.Field("show_payment", _yes_no, required=False),
        s.Field("code", s.item_code, required=False),
    ]
    before = len(errors.errors)
    clean = s.check_mapping(data, fields, lines, errors, what=Msg("the booklet"))
    if clean is None:
        return None
    cover = None
    if clean["cover"] is not None:
        try:
            cover = open_image(path.parent, clean["cover"])
        except s.Problem as p:
            errors.add(ContentError(path, lines.line(("cover",)), "cover", p.message, p.hint))
    listed: dict[str, int] = {}
    for i, key in enumerate(clean["entries"] or ()):
        line = lines.line(("entries", i))
        if key in listed:
            errors.add(
                ContentError(
                    path,
                    line,
                    f"entries[{i}]",
                    Msg("'{key}' is already listed on line {line}.", key=key, line=listed[key]),
                    Msg("Delete one of the two: a booklet shows each item once."),
                )
            )
            continue
        listed[key] = line
        if key not in keys:
            errors.add(
                ContentError(
                    path,
                    lines.line(("entries", i)),
                    f"entries[{i}]",
                    Msg("'{key}' is not an item or page.", key=key),
                    _missing_entry_hint(key, keys, moved),
                )
            )
    for lang, intro in (clean["intro"] or {}).items():
        limit = story_limits(intro)
        if limit is not None:
            where = lines.line(("intro", lang))
            errors.add(ContentError(path, where + limit[0], f"intro.{lang}", limit[1], limit[2]))
    if len(errors.errors) > before:
        return None
    return Booklet(
        slug=slugify(path.stem),
        source=path,
        title=clean["title"],
        intro_html={k: render_markdown(v) for k, v in (clean["intro"] or {}).items()},
        cover=cover,
        date=clean["date"],
        entries=tuple(clean["entries"]),
        page_size=clean["page_size"] or "A5",
        saddle_stitch=bool(clean["saddle_stitch"]),
        show_payment=bool(clean["show_payment"]),
        code=clean["code"],
    )
