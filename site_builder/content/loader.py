"""Read every content file into the model, collecting all errors before failing once."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from site_builder.cache import current
from site_builder.codes_identity import item_id
from site_builder.config import SiteConfig, load_config
from site_builder.content import commerce, placeholders
from site_builder.content import schema as s
from site_builder.content.free_codes import next_code
from site_builder.content.images import load_image, published_once
from site_builder.content.itemcache import LoadMany, load_items
from site_builder.content.model import KINDS, Booklet, Image, Item, Link, Page, Site, Translation
from site_builder.content.placeholders import placeholder_line
from site_builder.content.print_crop import print_crop
from site_builder.content.registry import printed_owner
from site_builder.content.unreadable import owned_codes
from site_builder.content.yamlsource import (
    Lines,
    contains_invalid,
    dotted,
    parse_yaml,
    read_text,
    split_front_matter,
)
from site_builder.errors import Collector, ContentError, ErrorList
from site_builder.markdown import render_markdown, slugify, story_limits
from site_builder.messages import Msg
from site_builder.parallel import jobs_count, parallel_map

CATEGORY_TABLES = ("ethnic_groups", "ocop_groups", "communes")
LINK_KINDS = ("voso", "sendo", "postmart", "facebook", "zalo", "website", "phone")


def load_site(root: Path) -> Site:
    """Load and check the whole project at `root`. Raises `ErrorList` listing every problem."""
    config = load_config(root)
    errors = Collector()
    categories = _guard(errors, lambda: load_categories(config, errors)) or {
        t: {} for t in CATEGORY_TABLES
    }
    folders = [(kind, folder) for kind in KINDS for folder in _folders(config.content_dir / kind)]
    items: list[Item] = []
    loaded = load_items(current(), config, folders, _loader(config, categories))
    for item, found in loaded:
        errors.errors.extend(found)
        if item is not None:
            items.append(item)
    pages = [
        page
        for folder in _folders(config.content_dir / "pages")
        if (page := _guard(errors, lambda f=folder: load_page(config, f, errors))) is not None
    ]
    _check_unique(items, pages, errors, config.root)
    # every folder counts as a key, even one that failed to load: its own errors say why
    keys = {
        f"{kind}/{slugify(f.name)}"
        for kind in (*KINDS, "pages")
        for f in _folders(config.content_dir / kind)
    }
    booklets = []
    for path in sorted((root / "booklets").glob("*.yaml")):
        booklet = _guard(errors, lambda p=path: load_booklet(config, p, keys, errors))
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
    kinds = {item.folder: item.kind for item in site.items}
    new: dict[Path, Item] = {}
    for folder in sorted(folders):
        item = _guard(
            errors,
            lambda f=folder, k=kinds[folder]: load_item(config, site.categories, k, f, errors),
        )
        if item is not None:
            new[folder] = item
    items = [new.get(i.folder, i) for i in site.items if i.folder not in folders or i.folder in new]
    _check_unique(items, list(site.pages), errors, config.root)
    errors.raise_if_any()
    return items, new


def item_warnings(items: Iterable[Item], root: Path) -> tuple[Msg, ...]:
    """Things that work, but that a member should know about (`Msg`, shown through `_()`),
    as data: each has the params `file` (below `root`), `line` and `field` besides its text."""
    out = []
    for item in items:
        pay = item.facts.get("payment")
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


PARALLEL_FROM = 200  # items; fewer load faster than worker processes start


def _loader(config: SiteConfig, categories: dict[str, dict[str, Any]]) -> LoadMany:
    """`_load_items` for the item cache (content/itemcache.py), which asks for the folders
    whose files changed."""
    return lambda folders: _load_items(config, categories, folders)


def _load_items(
    config: SiteConfig, categories: dict[str, dict[str, Any]], folders: list[tuple[str, Path]]
) -> list[tuple[Item | None, list[ContentError], tuple[str, ...]]]:
    """Every item with the errors its files have and the Markdown cache keys its stories
    used, in `folders` order; on every core for a large catalogue (the same items and
    errors as one process finds)."""
    if len(folders) < PARALLEL_FROM:
        return _load_chunk((config, categories), folders, in_worker=False)[0]
    from site_builder.cache import current

    n = jobs_count() * 4
    size = -(-len(folders) // n)
    chunks = [folders[i : i + size] for i in range(0, len(folders), size)]
    memo = current()
    if memo is not None:
        _ = memo.markdown.data  # read once here rather than in every worker
    results = parallel_map(_load_chunk, [(c,) for c in chunks], shared=(config, categories))
    for _items, markdown in results:  # stories the workers converted, for the next build
        if memo is not None and markdown is not None:
            memo.markdown.merge(markdown)
    return [pair for chunk, _markdown in results for pair in chunk]


def _load_chunk(
    shared: tuple[SiteConfig, dict[str, dict[str, Any]]],
    folders: list[tuple[str, Path]],
    in_worker: bool = True,
) -> tuple[
    list[tuple[Item | None, list[ContentError], tuple[str, ...]]],
    tuple[dict[str, Any], set[str]] | None,
]:
    """Load `folders`; in a worker, also what it added to and used of the Markdown cache."""
    from site_builder.cache import current

    config, categories = shared
    memo = current()
    if memo is not None and in_worker:
        memo.markdown.changes()  # start afresh: only this worker's own work goes back
    out = []
    for kind, folder in folders:
        errors = Collector()
        keys: list[str] = []
        if memo is not None:
            memo.markdown.trace = keys  # the stories' keys, kept with the item
        item = _guard(
            errors, lambda k=kind, f=folder, e=errors: load_item(config, categories, k, f, e)
        )
        if memo is not None:
            memo.markdown.trace = None
        out.append((item, errors.errors, tuple(keys)))
    markdown = memo.markdown.changes() if memo is not None and in_worker else None
    return out, markdown


def _guard(errors: Collector, fn: Any) -> Any:
    """Run one file's loader; a ContentError is recorded and loading goes on."""
    try:
        return fn()
    except ContentError as exc:
        errors.add(exc)
    except ErrorList as exc:
        errors.errors.extend(exc.errors)
    return None


def _folders(parent: Path) -> list[Path]:
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


# --- categories -------------------------------------------------------------------


def load_categories(config: SiteConfig, errors: Collector) -> dict[str, dict[str, dict[str, str]]]:
    path = config.content_dir / "categories.yaml"
    if not path.is_file():
        raise ContentError(
            path,
            None,
            None,
            Msg("this file is missing."),
            Msg(
                "Create it with the lists ethnic_groups, ocop_groups and communes "
                "(see docs/content-format.md)."
            ),
        )
    data, lines = parse_yaml(read_text(path), path, errors=errors)
    names = s.language_map(config.languages, required=config.languages[:1])
    fields = [s.Field(t, lambda v: v, required=False) for t in CATEGORY_TABLES]
    tables = s.check_mapping(data, fields, lines, errors, what="categories.yaml") or {}
    out: dict[str, dict[str, dict[str, str]]] = {}
    for table in CATEGORY_TABLES:
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
    from site_builder import links as shop_links  # validated per kind

    try:
        link = shop_links.validate_link(str(kind), str(url))
    except shop_links.LinkError as exc:
        raise s.Problem(
            exc.message,
            exc.hint,
            (exc.field,) if exc.field else (),
        ) from None
    return Link(kind=link.kind, href=link.href, display=link.display)


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
        s.Field("code", s.item_code, hint=Msg("Every item needs a permanent code such as XM-D01.")),
        s.Field("commune", s.key_of(categories["communes"], "communes")),
        s.Field("price", s.price),
        s.Field("images", lambda v: v),
        s.Field("links", _links, required=False),
        s.Field("aliases", _aliases, required=False),
        s.Field("updated", s.date, required=False),
        s.Field("gtin", commerce.gtin, required=False),
        s.Field("payment", commerce.payment, required=False),
        s.Field("preview_image", commerce.preview_image(folder), required=False),
        s.Field("id", item_id, required=False),
        s.Field("print_crop", print_crop, required=False),
    ]
    if kind == "dolls":
        return common + [
            s.Field("ethnic_group", s.key_of(categories["ethnic_groups"], "ethnic_groups")),
            s.Field("maker", s.text),
        ]
    return common + [
        s.Field("ocop_group", s.key_of(categories["ocop_groups"], "ocop_groups")),
        s.Field("stars", s.whole_number(3, 5, " of stars", 4)),
        s.Field("certified_year", s.whole_number(2018, 2100, "", 2022)),
        s.Field("producer", s.text),
        s.Field("net_weight", s.net_weight),
        s.Field("shelf_life_months", s.whole_number(1, 240, " of months", 24)),
    ]


def translation_fields(kind: str) -> list[s.Field]:
    base = [
        s.Field(
            "title", s.text, hint=Msg("Add a line 'title: ...' with the name shown on the page.")
        ),
        s.Field("summary", s.text, required=kind != "pages"),
        s.Field("source_hash", s.text, required=False),  # see site_builder/check.py
    ]
    if kind == "pages":
        return base + [s.Field("order", s.whole_number(0, 999, "", 1), required=False)]
    base.append(
        s.Field(
            "alt",
            lambda v: v,
            hint=Msg("Describe every image in words for people who cannot see it."),
        )
    )
    if kind == "dolls":
        return base + [s.Field("materials", s.text_list, required=False)]
    return base + [
        s.Field("ingredients", s.text_list, required=False),
        s.Field("storage", s.text, required=False),
    ]


def load_item(
    config: SiteConfig,
    categories: dict[str, dict[str, Any]],
    kind: str,
    folder: Path,
    errors: Collector,
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
    data, lines = parse_yaml(read_text(path), path, errors=errors)
    before = len(errors.errors)
    facts = s.check_mapping(
        data, item_fields(kind, categories, folder), lines, errors, what="item.yaml"
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
    translations = _translations(
        config, kind, folder, declared if len(images) == len(declared) else None, errors
    )
    if len(errors.errors) > before or facts["images"] is None:
        return None
    return Item(
        kind=kind,
        slug=_slug(folder, errors),
        folder=folder,
        code=facts["code"],
        facts=facts,
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
            image = _open_image(folder, name)
            published_once(image, out)
            out.append(image)
        except s.Problem as p:
            errors.add(
                ContentError(
                    lines.path, lines.line(("images", i)), f"images[{i}]", p.message, p.hint
                )
            )
    return tuple(out)


def _open_image(folder: Path, name: Any) -> Image:
    """`load_image`, with a name the system cannot even look up (too long, NUL) as a Problem."""
    try:
        return load_image(folder, name)
    except (OSError, ValueError) as exc:
        raise s.Problem(
            Msg("'{name}' cannot be opened as a file name.", name=str(name)[:80]),
            Msg("Write the image's real file name, e.g. doll.jpg."),
        ) from exc


def _translations(
    config: SiteConfig, kind: str, folder: Path, images: list[str] | None, errors: Collector
) -> dict[str, Translation]:
    out: dict[str, Translation] = {}
    for lang in config.languages:
        path = folder / f"{lang}.md"
        if not path.is_file():
            if lang == config.source_language:
                errors.add(
                    ContentError(
                        path,
                        None,
                        None,
                        Msg("the {lang} text is missing.", lang=lang),
                        Msg(
                            "Every item and page needs {lang}.md, in the site's first language; "
                            "other languages may follow later.",
                            lang=lang,
                        ),
                    )
                )
            continue
        try:
            out[lang] = load_translation(path, lang, kind, images, errors)
        except ContentError as exc:
            errors.add(exc)
    for extra in sorted(folder.glob("*.md")):
        if extra.stem not in config.languages:
            errors.add(
                ContentError(
                    extra,
                    None,
                    None,
                    Msg("'{name}' is not one of the site's languages.", name=extra.stem),
                    Msg(
                        "Name text files after a language in site.yaml: {files}.",
                        files=", ".join(lg + ".md" for lg in config.languages),
                    ),
                )
            )
    return out


def load_translation(
    path: Path, lang: str, kind: str, images: list[str] | None, errors: Collector
) -> Translation:
    text = read_text(path)
    front, front_line, body, body_line = split_front_matter(text, path)
    data, lines = parse_yaml(front, path, offset=front_line - 1, errors=errors)
    fields = (
        s.check_mapping(data, translation_fields(kind), lines, errors, what=Msg("the front matter"))
        or {}
    )
    mark = placeholder_line(body)
    if mark is not None:
        errors.add(
            ContentError(
                path,
                body_line + mark,
                None,
                placeholders.STORY_MESSAGE,
                placeholders.STORY_HINT,
            )
        )
    limit = story_limits(body)
    if limit is not None:
        errors.add(ContentError(path, body_line + limit[0], None, limit[1], limit[2]))
        body = ""  # not converted: the message says what to change
    alt: dict[str, str] = {}
    if kind != "pages" and fields.get("alt") is not None and images is not None:
        alt = _alt(fields["alt"], images, lines, errors)
    extra = {
        k: v for k, v in fields.items() if k not in ("title", "summary", "alt") and v is not None
    }
    return Translation(
        lang=lang,
        title=fields.get("title") or "",
        summary=fields.get("summary"),
        body_html=_story_html(body, path, body_line, errors),
        source=path,
        alt=alt,
        fields=extra,
    )


def _story_html(body: str, path: Path, line: int, errors: Collector) -> str:
    try:
        return render_markdown(body)
    except RecursionError:  # a shape the limits above did not foresee: still a message
        errors.add(
            ContentError(
                path,
                line,
                None,
                Msg("the story is nested too deeply to be read."),
                Msg("Move indented lines to the left and use fewer '-', '1.' or '>' per line."),
            )
        )
        return ""


def _alt(value: Any, names: list[str], lines: Lines, errors: Collector) -> dict[str, str]:
    if not isinstance(value, dict):
        errors.add(
            ContentError(
                lines.path,
                lines.line(("alt",)),
                "alt",
                Msg("expected one description per image."),
                Msg(
                    "Write it as lines '  {name}: ...' under 'alt:'.",
                    name=names[0] if names else "doll.jpg",
                ),
            )
        )
        return {}
    out: dict[str, str] = {}
    for name, text in value.items():
        if name not in names:
            errors.add(
                ContentError(
                    lines.path,
                    lines.line(("alt", name)),
                    f"alt.{name}",
                    Msg("there is no image '{name}' in item.yaml.", name=name),
                    Msg("Images in item.yaml: {names}.", names=", ".join(names)),
                )
            )
            continue
        try:
            out[name] = s.text(text)
        except s.Problem as p:
            errors.add(
                ContentError(
                    lines.path, lines.line(("alt", name)), f"alt.{name}", p.message, p.hint
                )
            )
    for name in names:
        if name not in value:
            errors.add(
                ContentError(
                    lines.path,
                    lines.line(("alt",)),
                    f"alt.{name}",
                    Msg("the image '{name}' has no description.", name=name),
                    Msg("Add a line '  {name}: ...' describing what the picture shows.", name=name),
                )
            )
    return out


# --- pages and booklets --------------------------------------------------------------


def load_page(config: SiteConfig, folder: Path, errors: Collector) -> Page | None:
    before = len(errors.errors)
    translations = _translations(config, "pages", folder, [], errors)
    if len(errors.errors) > before or config.source_language not in translations:
        return None
    order = translations[config.source_language].fields.get("order", 100)
    return Page(slug=_slug(folder, errors), folder=folder, order=order, translations=translations)


def _yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise s.Problem(
            Msg("expected yes or no, found {found}.", found=s.describe(value)),
            Msg("Write true or false."),
        )
    return value


def load_booklet(
    config: SiteConfig, path: Path, keys: set[str], errors: Collector
) -> Booklet | None:
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
            cover = _open_image(path.parent, clean["cover"])
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
                    Msg(
                        "Write kind/folder, e.g. dolls/hmong, ocop/shan-tuyet-tea or "
                        "pages/visit-xin-man."
                    ),
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


def _check_unique(items: list[Item], pages: list[Page], errors: Collector, root: Path) -> None:
    seen_codes: dict[str, Item] = {}
    seen_keys: dict[str, Path] = {}
    for item in items:
        first = seen_codes.setdefault(item.code, item)
        if first is not item and (taken := _taken_printed_code(root, first, item)) is not None:
            errors.add(taken)
        elif first is not item:
            errors.add(
                ContentError(
                    item.folder / "item.yaml",
                    line_of(item.folder / "item.yaml", "code"),
                    "code",
                    Msg(
                        "the code {code} is already used by {other}.",
                        code=item.code,
                        other=first.key,
                    ),
                    Msg("Every item needs its own code; give this one the next free code."),
                )
            )
    things: list[Item | Page] = [*items, *pages]
    for thing in things:
        first_folder = seen_keys.setdefault(thing.key, thing.folder)
        if first_folder != thing.folder:
            errors.add(
                ContentError(
                    thing.folder,
                    None,
                    None,
                    Msg(
                        "this folder gives the same address '{key}' as {other}.",
                        key=thing.key,
                        other=first_folder.name,
                    ),
                    Msg("Rename one of the two folders."),
                )
            )


def _taken_printed_code(root: Path, first: Item, second: Item) -> ContentError | None:
    """Two items hold one code and it is printed: the error names the one taking it."""
    owner = printed_owner(root, first.code, [first, second])
    if owner is None:
        return None
    taker = second if owner is first else first
    path = taker.folder / "item.yaml"
    return ContentError(
        path,
        line_of(path, "code"),
        "code",
        Msg(
            "the code {code} is printed on the boxes of {owner}; {item} cannot take it.",
            code=first.code,
            owner=owner.key,
            item=taker.key,
        ),
        Msg(
            "Give {item} a new code (the next free one is {free}). Never change the code of "
            "{owner}: it is on printed boxes.",
            item=taker.key,
            free=next_code(root, taker.kind),
            owner=owner.key,
        ),
    )


def line_of(path: Path, key: str) -> int | None:
    """The line of a top-level field in a YAML file that already loaded once."""
    try:
        _, lines = parse_yaml(read_text(path), path)
    except ContentError:
        return None
    return lines.line((key,))


def with_fallback(thing: Item | Page, lang: str, config: SiteConfig) -> Translation | None:
    """The words to show for `thing` in `lang`, honouring the site's missing-translation policy."""
    if lang in thing.translations:
        return thing.translations[lang]
    if config.missing_translation == "omit":
        return None
    return dataclasses.replace(thing.translations[config.source_language], fallback=True)
