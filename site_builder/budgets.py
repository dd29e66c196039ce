"""Page-weight budgets for tourists on a weak mountain connection.

Two pages matter most: the landing page a QR code opens, and the item page it leads
to. Their weight is what a phone downloads to show them: the HTML, the stylesheet and
script, the web app manifest, its small icon and the service worker the page loads
(webapp.py), and the first photo at the size a 390 px phone with a 2x screen picks (the
640 px WebP). Over budget is a warning in `build` and an error in `check --strict`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from site_builder.assets import ICON_SIZES, asset_names, icon_names
from site_builder.content.model import Site
from site_builder.errors import ContentError
from site_builder.messages import Msg
from site_builder.urls import Urls

if TYPE_CHECKING:  # (the writer and its system imports: not for a type)
    from site_builder.writer import FileData

SHARED = ("site.css", "lang.js")  # theme files every item page loads
PHONE_WIDTH = 640  # the srcset candidate a 390 px, 2x phone chooses for a full-width photo


def over_budget(site: Site, files: Mapping[str, FileData | int]) -> list[ContentError]:
    """One message per landing or item page heavier than site.yaml's `budgets`.

    `files` maps output paths to their bytes (or to a file holding them, or their size).
    """
    return warnings_of(site, heavy_pages(site, files))


def heavy_pages(site: Site, files: Mapping[str, FileData | int]) -> dict[Path, list[Page]]:
    """The pages over budget (`Page`), by item folder: only the items that have some."""
    config = site.config
    urls = Urls(config)
    limits = _limits(site)
    photos = _phone_photos(files)
    webapp: dict[str, int] = {}  # what every item page in a language loads besides its own
    for lang, named in loaded_by_every_page(site).items():
        webapp[lang] = sum(_size(files[f]) for f in named if f in files)
    found: dict[Path, list[Page]] = {}
    for item in site.items:
        pages = []
        landing = urls.landing_files(item.code)[0]
        if landing in files:
            size = _size(files[landing])
            if size > limits["landing_kb"] * 1024:
                pages.append(Page(LANDING, landing, size))
        for lang in config.languages:
            page = urls.page_file(lang, item.kind, item.slug)
            if page not in files:
                continue
            image = photos.get(f"media/{item.kind}/{item.slug}/", 0)
            size = _size(files[page]) + webapp[lang] + image
            if size > limits["item_kb"] * 1024:
                pages.append(Page(ITEM, page, size))
        if pages:
            found[item.folder] = pages
    return found


def loaded_by_every_page(site: Site) -> dict[str, list[str]]:
    """By language, the files every item page loads besides its own HTML and photo (paths
    in output/): the theme's stylesheet and script, the web app manifest, the service
    worker and the smallest icon (the one Chromium fetches)."""
    config = site.config
    urls = Urls(config)
    assets = asset_names(config.templates_dir)
    shared = [assets[n] for n in SHARED if n in assets]
    icon = icon_names(config.templates_dir).get(ICON_SIZES[0])
    return {
        lang: [*shared, urls.manifest_file(lang), urls.worker_file(), *([icon] if icon else [])]
        for lang in config.languages
    }


LANDING, ITEM = "landing", "item"  # the two kinds of page with a budget


class Page(NamedTuple):
    """A page over budget: which kind (`LANDING`, `ITEM`), its path in output/, and what
    a phone downloads to show it, in bytes."""

    kind: str
    path: str
    size: int


def _limits(site: Site) -> dict[str, int]:
    return {name: site.config.budgets[name] for name in ("landing_kb", "item_kb")}


def warnings_of(site: Site, found: Mapping[Path, list[Page]]) -> list[ContentError]:
    """`heavy_pages`' findings as the warnings `over_budget` gives, in the items' order."""
    if not found:
        return []  # (every page within its budget: no item looked up)
    return [
        _warning(site, item.folder, page)
        for item in site.items
        for page in found.get(item.folder, [])
    ]


def _warning(site: Site, folder: Path, page: Page) -> ContentError:
    config = site.config
    if page.kind == LANDING:
        return ContentError(
            config.root / "site.yaml",
            config.line("budgets", "landing_kb"),
            "budgets.landing_kb",
            Msg(
                "the QR landing page {page} weighs {size:.1f} kB; the budget is {budget} kB.",
                page=page.path,
                size=page.size / 1024,
                budget=config.budgets["landing_kb"],
            ),
            Msg("Shorten the item's titles, or raise budgets.landing_kb in site.yaml."),
        )
    story = folder / f"{page.path.split('/', 1)[0]}.md"
    if not story.is_file():  # (a page shown in the source language: its text)
        story = folder / f"{config.source_language}.md"
    try:
        written = story.stat().st_size
    except OSError:
        written = 0
    if written * 2 > page.size:  # the story is most of what the phone downloads
        return ContentError(
            story,
            None,
            None,
            Msg(
                "the page {page} weighs {size:.0f} kB; the budget is {budget} kB, and this "
                "story alone is {story:.0f} kB.",
                page=page.path,
                size=page.size / 1024,
                budget=config.budgets["item_kb"],
                story=written / 1024,
            ),
            Msg(
                "Shorten the story (a phone on a weak connection loads all of it before "
                "showing the page), or raise budgets.item_kb in site.yaml."
            ),
        )
    return ContentError(
        folder / "item.yaml",
        None,
        "images",
        Msg(
            "the page {page} weighs {size:.0f} kB with its first photo; the budget is {budget} kB.",
            page=page.path,
            size=page.size / 1024,
            budget=config.budgets["item_kb"],
        ),
        Msg(
            "Use a lighter first photo (less detail, or cropped), or raise "
            "budgets.item_kb in site.yaml."
        ),
    )


# --- kept in the record of the last build (lastbuild.py), for `check` ---------------------


def as_record(site: Site, found: Mapping[Path, list[Page]]) -> dict[str, Any]:
    """`heavy_pages`' findings as the record of a build keeps them (JSON): the limits they
    were measured against, and each item folder's pages, by the folder's path in the
    project."""
    root = site.config.root
    return {
        "limits": _limits(site),
        "pages": {
            folder.relative_to(root).as_posix(): [list(page) for page in pages]
            for folder, pages in found.items()
        },
    }


def from_record(site: Site, record: Any) -> dict[Path, list[Page]] | None:
    """`as_record`'s findings again, for the site's items (None: not measured against
    the site's limits now, or not of that shape: measure again)."""
    if not isinstance(record, dict) or record.get("limits") != _limits(site):
        return None
    pages = record.get("pages")
    if not isinstance(pages, dict):
        return None
    root = site.config.root
    found: dict[Path, list[Page]] = {}
    for rel, each in pages.items():
        if not isinstance(each, list) or not all(_is_page(p) for p in each):
            return None
        found[root / rel] = [Page(*p) for p in each]
    return found


def _is_page(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and value[0] in (LANDING, ITEM)
        and isinstance(value[1], str)
        and type(value[2]) is int
    )


def _phone_photos(files: Mapping[str, FileData | int]) -> dict[str, int]:
    """Item folder prefix -> size of the WebP a phone picks (the width nearest 640 px)."""
    best: dict[str, tuple[int, int]] = {}  # prefix -> (distance from the phone width, size)
    for path, data in files.items():
        if not path.endswith(".webp"):  # (the regular expression for photos only)
            continue
        match = _PHOTO.match(path)
        if match:
            candidate = (abs(int(match.group(2)) - PHONE_WIDTH), _size(data))
            prefix = match.group(1)
            if prefix not in best or candidate < best[prefix]:
                best[prefix] = candidate
    return {prefix: size for prefix, (_, size) in best.items()}


_PHOTO = re.compile(r"(media/[^/]+/[^/]+/).*-(\d+)\.webp$")


def _size(data: FileData | int) -> int:
    if isinstance(data, int):
        return data
    return len(data) if isinstance(data, (bytes, bytearray)) else os.stat(data).st_size
