"""Pages the last good build published that a renamed item folder leaves behind.

An item's page address comes from its folder (`content/dolls/hmong/` -> `/vi/dolls/hmong/`),
so renaming the folder moves the page, and every link people shared to the old address
(Zalo, Facebook, a bookmark) would lead to the 404 page without a word. `aliases:` keeps
an old address working; this module tells the member so, once.

What the last good build published comes from the build cache's list of the files it
wrote (`outputs.json`, `cache.BuildCache.manifest`: its `files`, read by every build
anyway) and the items it showed, by address, with their code and id (`ITEMS`, written
there by the same build: `shown`). An address of that list that this build no longer
makes, whose item is still there under another folder (the same `id:` in item.yaml, else
the same code), gets a warning on the item's item.yaml with the exact `aliases:` line
to write. Not warned about: an address a page or an alias of this build still serves; an
item deleted (no item holds its id or code now: its pages go on purpose); an address the
last build did not publish (a language it left out, a folder renamed twice between
builds only counts once).

Once: the next good build records its own files, without the old address, so it is not
said again; the member who wants the address back can still add the alias later.
`check` says it for as long as the last good build is the one that published it.
Cost: a set of the items' addresses compared with the last build's (2,000 items: well
under a millisecond); the rest runs only for an address gone.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping
from typing import TYPE_CHECKING, Any

from site_builder.cache import ITEMS
from site_builder.content import kinds
from site_builder.content.yamlsource import line_of
from site_builder.errors import ContentError
from site_builder.messages import Msg

if TYPE_CHECKING:
    from site_builder.content.model import Item, Site


def shown(site: Site) -> dict[str, list[str | None]]:
    """Each item's address key (`dolls/hmong`) -> [its code, its id], as a build records
    them next to the files it wrote."""
    return {item.key: [item.code, item.uid] for item in site.items}


def published(manifest: Mapping[str, Any], output: str) -> tuple[Container[str], dict[str, Any]]:
    """The files and the items (`shown`) the last good build into `output` recorded in
    `manifest` (the build cache's `outputs.json`); nothing when it wrote elsewhere or
    recorded no items (a version before this one)."""
    files, items = manifest.get("files"), manifest.get(ITEMS)
    if manifest.get("output") != output or not isinstance(files, dict):
        return (), {}
    return files, items if isinstance(items, dict) else {}


def moved_away(
    plan: Any,
    before: Mapping[str, Any],
    files_before: Container[str],
    files_now: Container[str],
    now: Mapping[str, Any] | None = None,
) -> list[ContentError]:
    """The warnings for the pages the last good build published (`files_before`, its items
    `before`, as `published` gives them) that this build of `plan` (writing `files_now`;
    its items `now`, `shown(plan.site)`, if at hand) leaves out because their item's
    folder has another name now."""
    site = plan.site
    keys = now.keys() if now is not None else {item.key for item in site.items}
    gone = sorted(before.keys() - keys)
    if not gone:  # (nearly every build)
        return []
    by_uid = {item.uid: item for item in site.items if item.uid is not None}
    by_code = {item.code: item for item in site.items}
    lost: dict[str, tuple[Item, list[str]]] = {}
    for key in gone:
        found = before[key]
        kind, _, slug = key.partition("/")
        if not isinstance(found, list) or len(found) != 2 or kind not in kinds.names():
            continue  # (a damaged entry: said nothing about)
        code, uid = found
        item = by_uid.get(uid) if isinstance(uid, str) else None
        item = item or (by_code.get(code) if isinstance(code, str) else None)
        if item is None:  # deleted: its pages go on purpose
            continue
        files = [
            file
            for lang in site.config.languages
            if (file := plan.urls.page_file(lang, kind, slug)) in files_before
            and file not in files_now
        ]
        if files:
            lost.setdefault(item.key, (item, []))[1].extend(files)
    order = {item.key: i for i, item in enumerate(site.items)}
    return [warning(plan, *lost[key]) for key in sorted(lost, key=order.__getitem__)]


def warning(plan: Any, item: Item, files: list[str]) -> ContentError:
    """The warning for `item`, whose pages `files` (of output/) the last build published."""
    urls = plan.urls
    old = ", ".join(urls.url(file) for file in files)
    olds = ["/" + file.removesuffix("index.html") for file in files]  # (as an alias is read)
    aliases = [*item.aliases, *(alias for alias in olds if alias not in item.aliases)]
    line = f"aliases: [{', '.join(json.dumps(alias) for alias in aliases)}]"
    message = (
        Msg(
            "the last build published this item at {old}; its folder was renamed or moved "
            "since, so links people shared to the old address open no page. The QR codes "
            "printed on its boxes ({code}) still open its page.",
            old=old,
            code=item.code,
        )
        if item.code in plan.printed
        else Msg(
            "the last build published this item at {old}; its folder was renamed or moved "
            "since, so links people shared to the old address open no page.",
            old=old,
        )
    )
    hint = (
        Msg(
            "To keep those links working, change the aliases line of item.yaml to `{line}`. "
            "If the old address may stop working, do nothing: once a build has left it out, "
            "this is not said again.",
            line=line,
        )
        if item.aliases
        else Msg(
            "To keep those links working, add this line to item.yaml: `{line}`. If the old "
            "address may stop working, do nothing: once a build has left it out, this is "
            "not said again.",
            line=line,
        )
    )
    path = item.folder / "item.yaml"
    at = line_of(path, "aliases") if item.aliases else None
    return ContentError(path, at or 1, "aliases", message, hint)
