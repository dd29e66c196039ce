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
from typing import TYPE_CHECKING

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
    config = site.config
    urls = Urls(config)
    landing_kb = config.budgets["landing_kb"]
    item_kb = config.budgets["item_kb"]
    site_yaml = config.root / "site.yaml"
    found: list[ContentError] = []
    assets = asset_names(config.templates_dir)
    shared = sum(_size(files[assets[n]]) for n in SHARED if assets.get(n) in files)
    photos = _phone_photos(files)
    icon = icon_names(config.templates_dir).get(ICON_SIZES[0])  # Chromium fetches the smallest
    webapp: dict[str, int] = {}  # what every item page in a language loads besides its own
    for lang in config.languages:
        named = [urls.manifest_file(lang), urls.worker_file(), icon]
        webapp[lang] = shared + sum(_size(files[f]) for f in named if f is not None and f in files)
    for item in site.items:
        landing = urls.landing_files(item.code)[0]
        if landing in files:
            size = _size(files[landing])
            if size > landing_kb * 1024:
                found.append(
                    ContentError(
                        site_yaml,
                        config.line("budgets", "landing_kb"),
                        "budgets.landing_kb",
                        Msg(
                            "the QR landing page {page} weighs {size:.1f} kB; the budget is "
                            "{budget} kB.",
                            page=landing,
                            size=size / 1024,
                            budget=landing_kb,
                        ),
                        Msg("Shorten the item's titles, or raise budgets.landing_kb in site.yaml."),
                    )
                )
        for lang in config.languages:
            page = urls.page_file(lang, item.kind, item.slug)
            if page not in files:
                continue
            image = photos.get(f"media/{item.kind}/{item.slug}/", 0)
            size = _size(files[page]) + webapp[lang] + image
            if size > item_kb * 1024:
                found.append(
                    ContentError(
                        item.folder / "item.yaml",
                        None,
                        "images",
                        Msg(
                            "the page {page} weighs {size:.0f} kB with its first photo; the "
                            "budget is {budget} kB.",
                            page=page,
                            size=size / 1024,
                            budget=item_kb,
                        ),
                        Msg(
                            "Use a lighter first photo (less detail, or cropped), or raise "
                            "budgets.item_kb in site.yaml."
                        ),
                    )
                )
    return found


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
