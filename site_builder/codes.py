"""The printed-code registry: `content/printed-codes.yaml`.

A code that went to print is a promise: its short URL must keep leading to the
item (or to the item that replaced it, via `moved_codes` in site.yaml) forever.
The build refuses any change that would break a printed code. Only explicit
commands (`stickers --for-print`, `codes mark-printed`) add to the registry, so a
preview never makes a code permanent by accident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import yaml

from site_builder.codes_identity import new_id, write_item_id
from site_builder.codes_record import save_record
from site_builder.content.free_codes import next_code
from site_builder.content.model import Booklet, Item, Site
from site_builder.content.registry import (
    HEADER,
    REGISTRY,
    PrintedCode,
    load_registry,
    printed_among,
    registry_path,
)
from site_builder.content.yamlsource import line_of, read_text
from site_builder.errors import Collector, ContentError
from site_builder.messages import Msg
from site_builder.urls import Urls
from site_builder.writer import write_atomic


def resolve_codes(
    site: Site, registry: dict[str, PrintedCode], errors: Collector
) -> dict[str, Item]:
    """Every code the site must serve -> the item its landing page leads to.

    Current items' codes, printed codes, and codes moved in site.yaml. Any printed
    code the content no longer serves, or serves with another item than the one it
    was printed for, is an error.
    """
    config = site.config
    urls = Urls(config)
    site_yaml = config.root / "site.yaml"
    served: dict[str, Item] = {item.code: item for item in site.items}
    for old, new in config.moved_codes.items():
        line = config.line("moved_codes", old)
        if old in served:
            errors.add(
                ContentError(
                    site_yaml,
                    line,
                    f"moved_codes.{old}",
                    Msg(
                        "{old} is still the code of {item}, so it cannot also be moved.",
                        old=old,
                        item=served[old].key,
                    ),
                    Msg(
                        "Remove the line '{old}: {new}', or give {item} a new code.",
                        old=old,
                        new=new,
                        item=served[old].key,
                    ),
                )
            )
            continue
        target = site.by_code(new)
        if target is None:
            errors.add(
                ContentError(
                    site_yaml,
                    line,
                    f"moved_codes.{old}",
                    Msg(
                        "{old} is moved to {new}, but no item has the code {new}.", old=old, new=new
                    ),
                    Msg("Write the code of an existing item after the colon."),
                )
            )
            continue
        served[old] = target
    path = registry_path(config.root)
    _check_ids_unique(site, registry, errors)
    for code, printed in sorted(registry.items()):
        if code not in served:
            errors.add(
                ContentError(
                    path,
                    printed.line,
                    code,
                    Msg(
                        "the printed code {code} (printed {day} for {item}) is no longer served "
                        "by any item.",
                        code=code,
                        day=printed.printed.isoformat(),
                        item=printed.item,
                    ),
                    Msg(
                        "Printed boxes would lead nowhere. Restore the item or its code {code}, "
                        "or map it to another item in site.yaml: 'moved_codes: {{{code}: XM-...}}'.",
                        code=code,
                    ),
                )
            )
            continue
        if code not in config.moved_codes:
            problem = taken_code(site, registry, printed, served[code])
            if problem is not None:
                errors.add(problem)
        if printed.url != urls.short_url(code):
            errors.add(url_changed(path, code, printed, urls))
    return served


def url_changed(path: Path, code: str, printed: PrintedCode, urls: Urls) -> ContentError:
    """A printed code whose short URL the site no longer gives (short_base was changed)."""
    return ContentError(
        path,
        printed.line,
        f"{code}.url",
        Msg(
            "{code} was printed as {printed}, but the site now gives it {now}.",
            code=code,
            printed=printed.url,
            now=urls.short_url(code),
        ),
        Msg(
            "Changing short_base in site.yaml breaks every printed code: put the old short_base back."
        ),
    )


def printed_for(site: Site, printed: PrintedCode) -> Item | None:
    """The item `printed` was printed for, wherever it is now and whatever its code."""
    if printed.uid is not None:  # the holder first: a folder copied with its id is the copy
        return printed_among(printed, site.items)
    # a registry from before ids (migrated on its next write): the item as it was named
    by_key = next((i for i in site.items if i.key == printed.item), None)
    if by_key is not None:
        return by_key
    same_kind = [i for i in site.items if i.kind == printed.item.split("/")[0]]
    titled = [i for i in same_kind if printed.title and _title(site, i) == printed.title]
    return titled[0] if len(titled) == 1 else None  # renamed, same title: still that item


def taken_code(
    site: Site, registry: dict[str, PrintedCode], printed: PrintedCode, item: Item
) -> ContentError | None:
    """An error when `item` serves the printed code but is not what was printed."""
    if item.uid is not None and item.uid == printed.uid:
        return None  # the usual case, without a scan (2,000 printed items: 2,000 scans)
    if printed.uid is None and item.key == printed.item:
        return None
    owner = printed_for(site, printed)
    if owner is item:
        return None
    code = printed.code
    if owner is not None and owner.code == code and printed.uid is not None:
        # two items hold one code: content/unique.py names the one taking it (both find
        # the printed item by its id; an entry from before ids is matched here by title
        # too, so this message stays)
        return None
    yaml_path = item.folder / "item.yaml"
    where = (yaml_path, line_of(yaml_path, "code"), "code")
    free = next_free_code(site, item.kind)
    theirs = registry.get(owner.code) if owner is not None else None
    swapped = theirs is not None and theirs.uid is not None and theirs.uid == item.uid
    if owner is not None and swapped:  # two printed items exchanged their codes
        return ContentError(
            *where,
            Msg(
                "the code {code} is printed on the boxes of {owner} ('{title}'), but {owner} "
                "and {item} have exchanged their printed codes.",
                code=code,
                owner=owner.key,
                title=_title(site, owner),
                item=item.key,
            ),
            Msg(
                "Printed boxes must open what was printed: give {owner} back the code {code} "
                "and {item} back the code {now}.",
                owner=owner.key,
                code=code,
                item=item.key,
                now=owner.code,
            ),
        )
    if owner is not None:  # the printed item is still there, under another code
        return ContentError(
            *where,
            Msg(
                "the code {code} is printed on the boxes of {owner} ('{title}'), which now has "
                "the code {now}; {item} has taken {code}.",
                code=code,
                owner=owner.key,
                title=_title(site, owner),
                now=owner.code,
                item=item.key,
            ),
            Msg(
                "Printed boxes must open what was printed: give {owner} back the code {code}, "
                "and give {item} a new code (the next free one is {free}).",
                owner=owner.key,
                code=code,
                item=item.key,
                free=free,
            ),
        )
    if printed.uid is None:  # registry from before ids: only the kind is known
        return ContentError(
            *where,
            Msg(
                "the code {code} was printed for {printed} and is now used by {item}.",
                code=code,
                printed=printed.item,
                item=item.key,
            ),
            Msg(
                "A printed code cannot be taken by another item: give {item} a new code "
                "(the next free one is {free}). If {item} really is the item on those boxes "
                "(renamed since), write 'item: {item}' in the entry {code} of {registry}.",
                item=item.key,
                free=free,
                code=code,
                registry=f"content/{REGISTRY}",
            )
            if item.kind == printed.item.split("/")[0]
            else Msg(
                "A printed code cannot be taken by another item: give {item} a new code "
                "(the next free one is {free}).",
                item=item.key,
                free=free,
            ),
        )
    return ContentError(
        *where,
        Msg(
            "the code {code} was printed for {printed} ('{title}', id {uid}), but {item} "
            "('{now}') now uses it.",
            code=code,
            printed=printed.item,
            title=printed.title or "",
            uid=printed.uid,
            item=item.key,
            now=_title(site, item),
        ),
        Msg(
            "Printed boxes must open what was printed. If {item} is that item, put back the "
            "line 'id: \"{uid}\"' in its item.yaml. Otherwise give {item} a new code (the next "
            "free one is {free}), and restore the printed item or send its code on purpose "
            "with 'moved_codes: {{{code}: <code of another item>}}' in site.yaml.",
            item=item.key,
            uid=printed.uid,
            free=free,
            code=code,
        ),
    )


def _check_ids_unique(site: Site, registry: dict[str, PrintedCode], errors: Collector) -> None:
    """A folder copied to start a new item carries the old item's id: refuse the copy."""
    owners = {p.uid: p for p in registry.values() if p.uid is not None}
    by_id: dict[str, list[Item]] = {}
    for item in site.items:
        if item.uid is not None:
            by_id.setdefault(item.uid, []).append(item)
    for uid, items in sorted(by_id.items()):
        if len(items) < 2:
            continue
        printed = owners.get(uid)
        original = (printed_among(printed, items) if printed else None) or items[0]
        for copy in items:
            if copy is original:
                continue
            path = copy.folder / "item.yaml"
            errors.add(
                ContentError(
                    path,
                    line_of(path, "id"),
                    "id",
                    Msg(
                        "{item} has the same id as {original}, whose code is printed.",
                        item=copy.key,
                        original=original.key,
                    ),
                    Msg(
                        "This folder was probably copied from {original}: delete the line "
                        "'id: ...' here (the tool writes a new one when this item is printed).",
                        original=original.key,
                    ),
                )
            )


def _title(site: Site, item: Item) -> str:
    words = item.translations.get(site.config.source_language)
    if words is None:
        words = next(iter(item.translations.values()), None)
    return words.title if words is not None else item.key


def next_free_code(site: Site, kind: str) -> str:
    return next_code(site.config.root, kind)


def record_printed(site: Site, codes: list[str], day: dt.date) -> list[str]:
    """Add `codes` to the registry (those not already in it); return the codes added.

    Each printed item gets an `id:` in its item.yaml (if it has none) and the registry
    records it. Entries from before ids are given theirs on the way (migration).
    """
    root = site.config.root
    urls = Urls(site.config)
    registry = load_registry(root)
    path = registry_path(root)
    existing = yaml.safe_load(read_text(path)) if path.is_file() else None
    data: dict[str, dict[str, object]] = existing or {}
    ids = {item.key: item.uid for item in site.items}
    added = []
    for code in codes:
        if code in registry:
            continue
        item = site.by_code(code)
        if item is None:
            raise ContentError(
                path,
                None,
                code,
                Msg("no item has the code {code}.", code=code),
                Msg("Check the code; `site-builder codes list` lists every item's code."),
            )
        title = item.translations[site.config.source_language].title
        entry: dict[str, object] = {"printed": day, "url": urls.short_url(code)}
        data[code] = entry | {"item": item.key, "title": title, "id": _id_of(item, ids)}
        added.append(code)
    migrated = False
    for code, printed in registry.items():
        if printed.uid is None and code not in site.config.moved_codes:
            item = printed_for(site, printed)
            if item is not None and item.code == code:
                data[code]["id"] = _id_of(item, ids)
                migrated = True
    if added or migrated:
        _write_registry(root, data)
    return added


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value shared by several entries (one printing day) in full each time: a
    member reading the registry must never meet `&id001` / `*id001`."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _write_registry(root: Path, data: Mapping[str, object]) -> None:
    """Write the registry (sorted by code) and the second record of printed codes."""

    text = HEADER + yaml.dump(
        dict(sorted(data.items())),
        Dumper=_NoAliasDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
    )
    write_atomic(registry_path(root), text.encode("utf-8"))
    save_record(root, load_registry(root))


def _id_of(item: Item, ids: dict[str, str | None]) -> str:
    """The item's id, written into its item.yaml first if it has none yet."""
    uid = ids.get(item.key)
    if uid is None:
        uid = ids[item.key] = new_id()
        write_item_id(item.folder / "item.yaml", uid)
    return uid


def record_printed_booklet(site: Site, booklet: Booklet, day: dt.date) -> bool:
    """Add a booklet's own code (its back-cover QR) to the registry, as `booklets/<slug>`;
    False when it was already there. The booklet must have a code."""
    assert booklet.code is not None
    root = site.config.root
    if booklet.code in load_registry(root):
        return False
    path = registry_path(root)
    data: dict[str, object] = (yaml.safe_load(read_text(path)) if path.is_file() else None) or {}
    data[booklet.code] = {
        "printed": day,
        "url": Urls(site.config).short_url(booklet.code),
        "item": f"booklets/{booklet.slug}",
        "title": booklet.title[site.config.source_language],
    }
    _write_registry(root, data)
    return True
