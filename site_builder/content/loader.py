"""Read every content file into the model, collecting all errors before failing once.

Just over 500 lines: the item (item.yaml, its photos and links) and the site-wide pass;
translations, booklets and uniqueness are in translations.py, booklets.py, unique.py.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from site_builder.cache import current
from site_builder.codes_identity import item_id
from site_builder.config import SiteConfig, load_config
from site_builder.content import commerce, fieldnames, kinds, placeholders
from site_builder.content import schema as s
from site_builder.content.booklets import load_booklet
from site_builder.content.images import open_image, published_once
from site_builder.content.itemcache import Loaded, LoadMany, fingerprint_of, load_items
from site_builder.content.kinds import S_
from site_builder.content.model import Image, Item, Page, Site, Translation
from site_builder.content.print_crop import print_crop
from site_builder.content.registry import moved_key
from site_builder.content.translations import translations as translations_of
from site_builder.content.unique import check_unique
from site_builder.content.unreadable import owned_codes
from site_builder.content.yamlsource import (
    Lines,
    contains_invalid,
    dotted,
    parse_yaml,
    read_text,
)
from site_builder.errors import Collector, ContentError, ErrorList
from site_builder.links import Link, LinkError, validate_link
from site_builder.markdown import slugify
from site_builder.messages import Msg
from site_builder.parallel import jobs_count, parallel_map

LINK_KINDS = ("voso", "sendo", "postmart", "facebook", "zalo", "website", "phone")


def category_tables() -> tuple[str, ...]:
    """The tables of content/categories.yaml: the kinds' groups, then communes."""
    return (*kinds.group_tables(), "communes")


def load_site(root: Path, config: SiteConfig | None = None, *, stories: bool = True) -> Site:
    """Load and check the whole project at `root`. Raises `ErrorList` listing every problem.

    `config` is site.yaml as the caller already read it (`load_config(root)`), so the file
    is parsed once per command. `stories=False`: the items' stories are checked but not
    converted to HTML (their `body_html` is ""), for what never shows one (sticker
    sheets); pages and booklets load as always."""
    config = config or load_config(root)
    errors = Collector()
    categories = _guard(errors, lambda: load_categories(config, errors)) or {
        t: _Unread() for t in category_tables()
    }
    folders = [
        (kind, folder) for kind in kinds.names() for folder in folders_in(config.content_dir / kind)
    ]
    items: list[Item] = []
    loaded = load_items(current(), config, folders, _loader(config, categories, stories), stories)
    for item, found in loaded:
        errors.errors.extend(found)
        if item is not None:
            items.append(item)
    page_folders = folders_in(config.content_dir / "pages")
    pages = [
        page
        for folder in page_folders
        if (page := _guard(errors, lambda f=folder: load_page(config, f, errors))) is not None
    ]
    check_unique(items, pages, errors, config.root)
    # every folder counts as a key, even one that failed to load: its own errors say why
    keys = {f"{kind}/{slugify(f.name)}" for kind, f in folders}
    keys.update(f"pages/{slugify(f.name)}" for f in page_folders)
    booklets = []
    for path in sorted((root / "booklets").glob("*.yaml")):
        booklet = _guard(
            errors,
            lambda p=path: load_booklet(
                config, p, keys, errors, lambda key: moved_key(config.root, key, items)
            ),
        )
        if booklet is not None:
            booklets.append(booklet)
    pages.sort(key=lambda p: (p.order, p.slug))
    if errors:
        read = {item.folder for item in items} | {b.source for b in booklets}
        failed = [f / "item.yaml" for _kind, f in folders if f not in read]
        failed += [p for p in sorted((root / "booklets").glob("*.yaml")) if p not in read]
        partial = Site(config, categories, tuple(items), tuple(pages), tuple(booklets), ())
        errors.raise_if_any(partial, owned_codes(failed))
    return Site(
        config, categories, tuple(items), tuple(pages), tuple(booklets), item_warnings(items, root)
    )


def reload_items(site: Site, folders: Collection[Path]) -> tuple[list[Item], dict[Path, Item]]:
    """The items of `site` with those in `folders` (already items of it) loaded anew and
    checked as `load_site` checks them: every error at once (raises `ErrorList`).
    Returns (every item, in site order; {folder: its new item}); a folder missing from
    the second with no error cannot be reloaded alone (the caller builds the whole site)."""
    config = site.config
    errors = Collector()
    kind_of = {item.folder: item.kind for item in site.items}
    new: dict[Path, Item] = {}
    for folder in sorted(folders):
        item = _guard(
            errors,
            lambda f=folder, k=kind_of[folder]: load_item(config, site.categories, k, f, errors),
        )
        if item is not None:
            new[folder] = item
    items = [new.get(i.folder, i) for i in site.items if i.folder not in folders or i.folder in new]
    check_unique(items, list(site.pages), errors, config.root)
    errors.raise_if_any()
    return items, new


def item_warnings(items: Iterable[Item], root: Path) -> tuple[Msg, ...]:
    """Things that work, but that a member should know about (`Msg`, shown through `_()`),
    as data: each has the params `file` (below `root`), `line` and `field` besides its text."""
    out = []
    for item in items:
        for tr in item.translations.values():
            out += _story_warnings(tr, root)
        pay = item.facts.payment
        if pay is not None and pay.note_stripped:
            path = item.folder / "item.yaml"
            _, lines = parse_yaml(read_text(path), path)
            rel, line = path.relative_to(root).as_posix(), lines.line(("payment", "note"))
            out.append(
                Msg(
                    "{where}: payment.note: banks do not accept Vietnamese accents, so the "
                    "payment QR carries '{note}'.",
                    where=f"{rel}:{line}",
                    note=pay.note_text,
                    file=rel,
                    line=line,
                    field="payment.note",
                )
            )
    return tuple(out)


# a story's warnings: the message and the hint `check` shows, and the one line `build` prints
STORY_REMOVED = (
    "the <{tag}> in the story was removed: the site shows no players, scripts or forms "
    "from stories."
)
STORY_REMOVED_HINT = "Link to it instead, e.g. [Xem video](https://...)."
STORY_EMPTY = "the story is empty: the page shows the title and facts only."


def _story_warnings(tr: Translation, root: Path) -> list[Msg]:
    """An empty story, and what the sanitiser took out of one (item_warnings' form; the
    param `story` says which, for `check`)."""
    if not (tr.empty or tr.removed):
        return []
    rel = (
        tr.source.relative_to(root).as_posix() if tr.source.is_relative_to(root) else str(tr.source)
    )
    lines = read_text(tr.source).split("\n") if tr.removed else []
    out = []
    for tag in tr.removed:
        line = next((n for n, text in enumerate(lines, 1) if f"<{tag}" in text.lower()), None)
        where = f"{rel}:{line}" if line else rel
        out.append(
            Msg(
                "{where}: " + STORY_REMOVED + " " + STORY_REMOVED_HINT,
                where=where,
                tag=tag,
                file=rel,
                line=line,
                field=None,
                story="removed",
            )
        )
    if tr.empty:
        out.append(
            Msg(
                "{where}: " + STORY_EMPTY, where=rel, file=rel, line=None, field=None, story="empty"
            )
        )
    return out


PARALLEL_FROM = 200  # items; fewer load faster than worker processes start


def _loader(
    config: SiteConfig, categories: dict[str, dict[str, Any]], stories: bool = True
) -> LoadMany:
    """`_load_items` for the item cache (content/itemcache.py), which asks for the folders
    whose files changed."""
    return lambda folders: _load_items(config, categories, folders, stories)


def _load_items(
    config: SiteConfig,
    categories: dict[str, dict[str, Any]],
    folders: list[tuple[str, Path]],
    stories: bool = True,
) -> list[Loaded]:
    """Every item with the errors its files have, the Markdown cache keys its stories used
    and, from a worker, its fingerprint (`fingerprint_of`; "" otherwise), in `folders`
    order; on every core for a large catalogue (the same items and errors as one process
    finds)."""
    if len(folders) < PARALLEL_FROM:
        return _load_chunk((config, categories, stories), folders, in_worker=False)[0]
    from site_builder.cache import current

    n = jobs_count() * 4
    size = -(-len(folders) // n)
    chunks = [folders[i : i + size] for i in range(0, len(folders), size)]
    memo = current()
    if memo is not None:
        _ = memo.markdown.data, memo.photos.data  # read once here rather than in every worker
    shared = (config, categories, stories)
    results = parallel_map(_load_chunk, [(c,) for c in chunks], shared=shared)
    for _items, tables in results:  # stories converted and photos hashed, for the build
        if memo is not None and tables is not None:
            memo.markdown.merge(tables[0])
            memo.photos.merge(tables[1])
    return [pair for chunk, _tables in results for pair in chunk]


def _load_chunk(
    shared: tuple[SiteConfig, dict[str, dict[str, Any]], bool],
    folders: list[tuple[str, Path]],
    in_worker: bool = True,
) -> tuple[list[Loaded], tuple[Changes, Changes] | None]:
    """Load `folders`; in a worker, also what it added to and used of the Markdown cache
    and of the photos' digests (content/images.py `photo_digest`), and each item's
    fingerprint (a `repr` of all it holds: made here, on every core, not one by one in
    the main process)."""
    from site_builder.cache import current

    config, categories, stories = shared
    memo = current()
    if memo is not None and in_worker:
        memo.markdown.changes()  # start afresh: only this worker's own work goes back
        memo.photos.changes()
    out = []
    for kind, folder in folders:
        errors = Collector()
        keys: list[str] = []
        if memo is not None:
            memo.markdown.trace = keys  # the stories' keys, kept with the item
        item = _guard(
            errors,
            lambda k=kind, f=folder, e=errors: load_item(config, categories, k, f, e, stories),
        )
        if memo is not None:
            memo.markdown.trace = None
        fingerprint = ""
        if in_worker and stories and item is not None:
            fingerprint = fingerprint_of(item, config.root)
        out.append((item, errors.errors, tuple(keys), fingerprint))
    if memo is None or not in_worker:
        return out, None
    return out, (memo.markdown.changes(), memo.photos.changes())


Changes = tuple[dict[str, Any], set[str]]  # a cache table's `changes()`


def _guard(errors: Collector, fn: Any) -> Any:
    """Run one file's loader; a ContentError is recorded and loading goes on."""
    try:
        return fn()
    except ContentError as exc:
        errors.add(exc)
    except ErrorList as exc:
        errors.errors.extend(exc.errors)
    return None


def folders_in(parent: Path) -> list[Path]:
    """The item (or page) folders in `parent`, sorted by name: every folder (or link to
    one) whose name starts with neither "." nor "_"."""
    try:
        with os.scandir(parent) as it:
            names = [e.name for e in it if not e.name.startswith((".", "_")) and _is_dir(e)]
    except OSError:  # no such folder (or not one)
        return []
    return [parent / name for name in sorted(names)]


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # (follows a link, as Path.is_dir; no `stat` for the rest)
    except OSError:
        return False


# --- categories -------------------------------------------------------------------


class _Unread(dict[str, Any]):
    """A table of a categories.yaml that could not be read (missing, broken YAML): that one
    error is reported, and the items' keys are not each refused against an empty table."""

    def __contains__(self, key: object) -> bool:
        return True


def load_categories(config: SiteConfig, errors: Collector) -> dict[str, dict[str, dict[str, str]]]:
    path = config.content_dir / "categories.yaml"
    if not path.is_file():
        raise ContentError(
            path,
            None,
            None,
            Msg("this file is missing."),
            Msg(
                "Create it with the lists {tables} and {last} (see docs/content-format.md).",
                tables=", ".join(category_tables()[:-1]),
                last=category_tables()[-1],
            ),
        )
    data, lines = parse_yaml(read_text(path), path, errors=errors)
    if data is None or data == {}:  # (emptied by mistake: one message here, not one per item)
        errors.add(
            ContentError(
                path,
                1,
                None,
                Msg("this file is empty."),
                Msg(
                    "It lists the keys the items use ({tables} and {last}): restore it, e.g. "
                    "git checkout content/categories.yaml (see docs/content-format.md).",
                    tables=", ".join(category_tables()[:-1]),
                    last=category_tables()[-1],
                ),
            )
        )
    names = s.language_map(config.languages, required=config.languages[:1])
    fields = [s.Field(t, lambda v: v, required=False) for t in category_tables()]
    tables = s.check_mapping(data, fields, lines, errors, what="categories.yaml") or {}
    out: dict[str, dict[str, dict[str, str]]] = {}
    for table in category_tables():
        out[table] = {}
        raw = tables.get(table) or {}
        if not isinstance(raw, dict):
            errors.add(
                ContentError(
                    path, lines.line((table,)), table, Msg("expected a list of keys with names.")
                )
            )
            continue
        for key, value in raw.items():
            where = (table, key)
            if contains_invalid(value):
                continue  # reported by the YAML reader
            if slugify(str(key)) != key:
                errors.add(
                    ContentError(
                        path,
                        lines.line(where),
                        f"{table}.{key}",
                        Msg("a key uses only small letters a-z, digits and '-'."),
                        Msg("Write it as '{key}'.", key=slugify(str(key))),
                    )
                )
                continue
            try:
                out[table][key] = names(value)
            except s.Problem as p:
                errors.add(
                    ContentError(
                        path, lines.line(where + p.key), dotted(where + p.key), p.message, p.hint
                    )
                )
    return out


# --- items --------------------------------------------------------------------------


def _links(value: Any) -> tuple[Link, ...]:
    if not isinstance(value, list):
        raise s.Problem(
            Msg("expected a list of links."),
            Msg("Write each as '- {{kind: {kind}, url: https://...}}'.", kind="facebook"),
        )
    out = []
    problems = []  # every bad link, not only the first
    for i, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) != {"kind", "url"}:
            problems.append(s.Problem(Msg("each link needs exactly 'kind' and 'url'."), "", (i,)))
            continue
        try:
            out.append(_link(entry["kind"], entry["url"]))
        except s.Problem as p:
            problems.append(s.Problem(p.message, p.hint, (i, *p.key)))
    if problems:
        raise s.Problems(problems)
    return tuple(out)


def _link(kind: Any, url: Any) -> Link:
    try:  # (a phone number written 0345670123 is YAML's octal 60256339: named as written)
        url = url if isinstance(url, str) else s.text(url)
    except s.Problem as p:
        raise s.Problem(p.message, p.hint, ("url",)) from None
    try:
        link = validate_link(str(kind), url)
    except LinkError as exc:
        raise s.Problem(
            exc.message,
            exc.hint,
            (exc.field,) if exc.field else (),
        ) from None
    return link


# Folders the build writes for itself: an alias there could replace a file of the site.
RESERVED_FOLDERS = ("assets", "media", "qr", "pay", "print", "Q", "01", "stickers")


def _aliases(value: Any) -> tuple[str, ...]:
    out = s.text_list(value)
    for i, alias in enumerate(out):
        if not alias.startswith("/") or ".." in alias or "//" in alias or "?" in alias:
            raise s.Problem(
                Msg("'{alias}' is not a path on this site.", alias=alias),
                Msg("Write it as /vi/old-name/ (starting with /)."),
                (i,),
            )
        bad = next((c for c in alias if c.isspace() or not c.isprintable() or c in '\\"<>#'), None)
        if bad is not None:
            raise s.Problem(
                Msg(
                    "'{alias}' contains a character that cannot be part of an address (U+{code}).",
                    alias=alias.encode("unicode_escape").decode("ascii"),
                    code=f"{ord(bad):04X}",
                ),
                Msg("Write the old address with letters, digits, '-', '_', '.' and '/' only."),
                (i,),
            )
        if alias in out[:i]:  # (the build would write its page twice)
            raise s.Problem(
                Msg("'{alias}' is in this list twice.", alias=alias),
                Msg("Remove one of the two."),
                (i,),
            )
        parts = alias.strip("/").split("/")
        last = parts[-1]
        own = parts[0] in RESERVED_FOLDERS or (
            not alias.endswith("/") and "." in last and not last.endswith(".html")
        )
        if alias.strip("/") == "" or own:
            raise s.Problem(
                Msg("'{alias}' is an address of the site's own files.", alias=alias),
                Msg(
                    "An alias is the old address of a page: it ends with / or .html, e.g. "
                    "/vi/old-name/, and is not under /{folders}/.",
                    folders="/, /".join(RESERVED_FOLDERS),
                ),
                (i,),
            )
    return out


def item_fields(kind: str, categories: dict[str, dict[str, Any]], folder: Path) -> list[s.Field]:
    common = [
        s.Field(
            "code",
            s.item_code,
            hint=Msg("Every item needs a permanent code such as XM-D01."),
            words=("mã", "mã số", "mã sản phẩm", "mã QR"),
        ),
        s.Field(
            "commune",
            s.key_of(categories["communes"], "communes"),
            label=S_("Commune"),
            words=("xuất xứ", "nơi sản xuất", "địa phương"),
        ),
        s.Field("price", s.price, label=S_("Price"), words=("giá bán", "giá tiền")),
        s.Field("images", lambda v: v, words=("ảnh", "hình", "hình ảnh", "ảnh chụp")),
        s.Field("links", _links, required=False, words=("liên kết", "đường dẫn", "liên hệ")),
        s.Field("aliases", _aliases, required=False, words=("địa chỉ cũ",)),
        s.Field("updated", s.date, required=False, words=("cập nhật", "ngày cập nhật")),
        s.Field("gtin", commerce.gtin, required=False, words=("mã vạch",)),
        s.Field(
            "payment",
            commerce.payment,
            required=False,
            words=("thanh toán", "chuyển khoản", "tài khoản"),
        ),
        s.Field(
            "preview_image",
            commerce.preview_image(folder),
            required=False,
            words=("ảnh xem trước", "ảnh đại diện"),
        ),
        s.Field("id", item_id, required=False),
        s.Field("print_crop", print_crop, required=False, words=("cắt ảnh in",)),
    ]
    own = kinds.get(kind)
    group = s.Field(
        own.group_field,
        s.key_of(categories[own.group_table], own.group_table),
        label=own.group_label,
        words=own.group_words,
    )
    return [*common, group, *own.fields]


def load_item(
    config: SiteConfig,
    categories: dict[str, dict[str, Any]],
    kind: str,
    folder: Path,
    errors: Collector,
    stories: bool = True,
) -> Item | None:
    path = folder / "item.yaml"
    if not path.is_file():
        raise ContentError(
            folder,
            None,
            None,
            Msg("this folder has no item.yaml."),
            Msg(
                "Every item needs an item.yaml with its code, price and images "
                "(see docs/content-format.md)."
            ),
        )
    text = read_text(path)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):  # (saved half way, or emptied by mistake: one message, not one per missing field)
        raise ContentError(
            path,
            1,
            None,
            Msg("item.yaml is empty; it may not have been saved completely."),
            Msg(
                "Get it back with `git checkout -- {file}`, or write its fields again "
                "(code, price, images...: docs/content-format.md).",
                file=path.relative_to(config.root).as_posix()
                if path.is_relative_to(config.root)
                else path.as_posix(),
            ),
        )
    data, lines = parse_yaml(text, path, errors=errors)
    before = len(errors.errors)
    facts = s.check_mapping(
        data,
        item_fields(kind, categories, folder),
        lines,
        errors,
        what="item.yaml",
        labels=fieldnames.site_labels(config.root / "locale", config.languages),
    )
    if facts is None:
        return None
    images = _images(folder, facts.get("images"), lines, errors)
    preview = facts.get("preview_image")
    declared = (
        [str(n).strip() for n in facts["images"]] if isinstance(facts.get("images"), list) else []
    )
    if preview and "://" not in preview and declared and preview not in declared:
        errors.add(
            ContentError(
                path,
                lines.line(("preview_image",)),
                "preview_image",
                Msg("'{preview}' is not listed under images.", preview=preview),
                Msg("Add it to images (the site publishes only those, resized for phones)."),
            )
        )
    for name in facts.get("print_crop") or {}:
        if declared and name not in declared:
            errors.add(
                ContentError(
                    path,
                    lines.line(("print_crop", name)),
                    f"print_crop.{name}",
                    Msg("'{name}' is not listed under images.", name=name),
                    Msg("Write the file name of one of the item's images."),
                )
            )
    # alt texts are checked against the images only once those are right; else the image error suffices
    translations = translations_of(
        config, kind, folder, declared if len(images) == len(declared) else None, errors, stories
    )
    if len(errors.errors) > before or facts["images"] is None:
        return None
    return Item(
        kind=kind,
        slug=_slug(folder, errors),
        folder=folder,
        code=facts["code"],
        facts=kinds.get(kind).item_facts(facts),
        images=images,
        links=facts["links"] or (),
        aliases=facts["aliases"] or (),
        translations=translations,
        uid=facts["id"],
    )


def _slug(folder: Path, errors: Collector) -> str:
    slug = slugify(folder.name)
    if not slug:
        errors.add(
            ContentError(
                folder,
                None,
                None,
                Msg("this folder name has no letters or digits."),
                Msg("Rename it, e.g. 'bup-be-mong'."),
            )
        )
    return slug


def _images(folder: Path, value: Any, lines: Lines, errors: Collector) -> tuple[Image, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        errors.add(
            ContentError(
                lines.path,
                lines.line(("images",)),
                "images",
                Msg("expected a list of image files."),
                Msg("Write it as [doll.jpg]."),
            )
        )
        return ()
    out: list[Image] = []
    for i, name in enumerate(value):
        if isinstance(name, str) and placeholders.is_placeholder_photo(folder / name):
            errors.add(
                ContentError(
                    lines.path,
                    lines.line(("images", i)),
                    f"images[{i}]",
                    Msg(placeholders.PHOTO_MESSAGE.template, name=name),
                    placeholders.PHOTO_HINT,
                )
            )
        try:
            image = open_image(folder, name)
            published_once(image, out)
            out.append(image)
        except s.Problem as p:
            errors.add(
                ContentError(
                    lines.path, lines.line(("images", i)), f"images[{i}]", p.message, p.hint
                )
            )
    return tuple(out)


# --- pages and booklets --------------------------------------------------------------


def load_page(config: SiteConfig, folder: Path, errors: Collector) -> Page | None:
    before = len(errors.errors)
    translations = translations_of(config, "pages", folder, [], errors)
    if len(errors.errors) > before or config.source_language not in translations:
        return None
    order = translations[config.source_language].fields.get("order", 100)
    return Page(slug=_slug(folder, errors), folder=folder, order=order, translations=translations)
