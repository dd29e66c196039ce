"""Offline after one scan: the web app manifest, its icons and the service worker.

    output/<lang>/manifest.webmanifest   name, start page, icons, colours of one language
    output/assets/icon-<size>.<hash>.png the icons, drawn from the theme's icon.png or favicon.svg
    output/sw.js                         the service worker (site_builder/sw.js + a version)
    (output/<lang>/offline/index.html    what it shows for a page it did not keep:
                                         render/offline.py, written with the home page)

Every page made from templates/base.html links its language's manifest, and its script
(templates/assets/lang.js) registers the worker. An item page lists, in `data-offline`,
the item's pages in every language and its booklet chapters (`HtmlRenderer.offline_urls`);
the worker keeps them, so they open later with no network, with every image the page
shows (the script loads the lazy ones, the VietQR pay code and the photos further down,
once the page has loaded). Pages are network-first (a returning network never shows a
stale price), hashed assets cache-first; a network that has not answered in sw.js's
`NETWORK_PATIENCE_MS` (a weak link that connects and then says nothing) counts as none.
Offline, a page it did not keep gets the offline page of its language, which it keeps
when it installs (`offline_facts`), with the list of the pages it keeps.

The worker's version is a hash of what the site is built from (the loaded content, the
printed codes, the web's templates, catalogs, the tool's version, the worker's own source;
never the project's folder): a build with any change writes a new worker, which drops the
copies the previous one kept; a build with no change writes the same bytes. The preview writes it too, with
the same function, after every edit. Cost at 2,000 items: ~0.5 s per build (the model's
repr), ~16 ms for the preview's next versions (an item's digest is kept while it is the
same object).

A service worker only runs on https (or http://localhost): on a plain-http host or a
page opened from a disk, the registration does nothing and every page still reads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import jinja2

from site_builder import cache
from site_builder.assets import ASSETS, asset_names, icon_names, icon_source
from site_builder.content.itemcache import item_fingerprint, only_fingerprints_of
from site_builder.content.model import Booklet, Item, Site
from site_builder.render.html import Output
from site_builder.urls import Urls

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage  # Pillow is imported only to draw an icon


class Plan(Protocol):
    """What this module reads of `build.Plan` (a floor above: not imported)."""

    @property
    def site(self) -> Site: ...
    @property
    def urls(self) -> Urls: ...
    @property
    def codes(self) -> Mapping[str, Item]: ...
    @property
    def booklet_codes(self) -> Mapping[str, Booklet]: ...
    @property
    def printed(self) -> Mapping[str, Any]: ...


THEME_COLOUR = "#1f3f8a"  # the header's colour (site.css --accent) and the favicon's
BACKGROUND = "#fffdf7"  # site.css --paper: the splash screen while a page loads
ICON_DRAWING = "1"  # how icons are drawn: raise to redraw every site's icons


def worker_source() -> str:
    """The service worker's source, shipped beside this module (as the fonts are; not
    through `importlib.resources`, whose readers cost ~5 ms to import in a command that
    renders a page or two)."""
    return Path(__file__).with_name("sw.js").read_text(encoding="utf-8")


def version(plan: Plan) -> str:
    """A hash of everything the site's files are made from (see the module)."""
    site = plan.site
    root = repr(str(site.config.root))[1:-1]
    rest = repr(dataclasses.replace(site, items=())).replace(root, "<root>")
    items = [item_fingerprint(item, site.config.root) for item in site.items]
    only_fingerprints_of(site.items)
    codes = repr(sorted((code, item.key) for code, item in plan.codes.items()))
    booklets = repr(sorted((code, b.slug) for code, b in plan.booklet_codes.items()))
    printed = repr(sorted(plan.printed.items()))
    theme = _theme(site.config.templates_dir, site.config.root / "locale")
    source = worker_source()  # a new worker's code keeps nothing an older one kept
    return cache.digest(cache.STAMP, source, theme, rest, *items, codes, booklets, printed)[:16]


def _theme(*folders: Path) -> str:
    """The web's templates and the catalogs, by name and bytes (not where the project lies;
    not templates/print/, which only the PDFs use)."""
    parts: list[bytes | str] = [f"jinja2 {jinja2.__version__}"]
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and path.relative_to(folder).parts[0] != "print":
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return cache.digest(*parts)


def worker(plan: Plan) -> Output:
    """output/sw.js: the worker with this build's version."""
    base = plan.site.config.base_path
    text = worker_source().replace("__VERSION__", version(plan))
    text = text.replace("__ASSETS__", f"{base}{ASSETS}/")
    facts = json.dumps(offline_facts(plan), ensure_ascii=True, separators=(",", ":"))
    text = text.replace("__OFFLINE__", facts)
    return Output(plan.urls.worker_file(), text.encode(), None, "worker")


def offline_facts(plan: Plan) -> dict[str, object]:
    """What the worker needs to show the offline page (sw.js `OFFLINE`): each language's
    page and the prefix of its pages, the language of an address with none (the site's
    `visitor_language`, as the landing pages choose), and what to keep when it installs
    (the pages, their stylesheet and icon)."""
    config, urls = plan.site.config, plan.urls
    langs = config.languages
    pages = {lang: urls.offline(lang) for lang in langs}
    assets = asset_names(config.templates_dir)
    shown = [config.base_path + assets[name] for name in ("site.css", "favicon.svg")]
    fallback = config.fallback_language
    return {
        "pages": pages,
        "homes": {lang: urls.home(lang) for lang in langs},
        "lang": fallback if fallback in langs else config.source_language,
        "keep": [*pages.values(), *shown],
    }


def manifest(plan: Plan, lang: str) -> Output:
    """output/<lang>/manifest.webmanifest: the site as an app in one language."""
    config, urls = plan.site.config, plan.urls
    title = config.title.get(lang) or config.title[config.source_language]
    data: dict[str, object] = {
        "id": urls.home(lang),
        "name": title,
        "short_name": title,
        "lang": lang,
        "dir": "ltr",
        "start_url": urls.home(lang),
        "scope": config.base_path,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND,
    }
    tagline = config.tagline.get(lang)
    if tagline:
        data["description"] = tagline
    data["icons"] = [
        {"src": config.base_path + name, "sizes": f"{size}x{size}", "type": "image/png"}
        for size, name in icon_names(config.templates_dir).items()
    ]
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    return Output(urls.manifest_file(lang), text.encode(), lang, "manifest")


def icons(plan: Plan) -> list[Output]:
    """The PNG icons of the manifest, kept from the last build when their source is the
    same, or shipped with the tool for the logo it ships (`shipped_icon`)."""
    templates = plan.site.config.templates_dir
    source = icon_source(templates)
    if source is None:
        return []
    data = source.read_bytes()
    memo = cache.current()
    out = []
    for size, name in icon_names(templates).items():
        key = cache.digest(cache.STAMP, "icon", ICON_DRAWING, str(size), source.name, data)
        kept = memo.kept(key) if memo else None
        png = kept or shipped_icon(source.name, data, size) or draw_icon(source, size)
        out.append(Output(name, png, None, "icon", key if memo else ""))
    return out


# The icons of the logo the tool's own theme has (templates/assets/favicon.svg), as
# `draw_icon` draws them, kept beside this module: a site with that logo (every site made
# from the sample, and the bench's) needs no WeasyPrint to draw the same two PNGs in a cold
# build (importing it costs 0.4-1 s of CPU). A site with a logo of its own draws it once;
# later builds keep it from output/ as before. tests/test_webapp.py draws the shipped ones
# again and compares the pixels; `python tools/draw_shipped_icons.py` redraws them.
SHIPPED_ICONS = Path(__file__).with_name("icons")


def shipped_icon_path(name: str, data: bytes, size: int) -> Path:
    """Where the icon of `size` px drawn from the logo file `name` with bytes `data` is kept
    if the tool ships it."""
    digest = hashlib.sha256(data).hexdigest()[:20]
    return SHIPPED_ICONS / f"{Path(name).stem}-{digest}-{ICON_DRAWING}-{size}.png"


def shipped_icon(name: str, data: bytes, size: int) -> bytes | None:
    """The shipped icon of that logo and size (`shipped_icon_path`), or None."""
    try:
        return shipped_icon_path(name, data, size).read_bytes()
    except OSError:
        return None


def draw_icon(source: Path, size: int) -> bytes:
    """A `size` px square PNG of the theme's logo (SVG drawn by WeasyPrint and PDFium)."""
    from PIL import Image, ImageOps

    if source.suffix.lower() == ".svg":
        image = _draw_svg(source, size)
    else:
        with Image.open(source) as im:
            image = ImageOps.fit(im.convert("RGBA"), (size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _draw_svg(source: Path, size: int) -> PILImage:
    import pypdfium2

    from site_builder.content import raster

    raster.import_weasyprint()  # (it sets Pillow loose for the process: set strict again)
    import weasyprint

    html = (
        f"<style>@page{{size:{size}px {size}px;margin:0}}html,body{{margin:0}}"
        f"img{{display:block;width:{size}px;height:{size}px}}</style>"
        f'<img src="{source.name}">'
    )
    pdf = weasyprint.HTML(string=html, base_url=str(source.parent) + "/").write_pdf()
    page = pypdfium2.PdfDocument(pdf)[0]
    scale = size / page.get_size()[0]
    image: PILImage = page.render(scale=scale, fill_color=(0, 0, 0, 0)).to_pil()
    return image.convert("RGBA")


def webapp_outputs(plan: Plan) -> list[Output]:
    """The manifests and the worker (the icons are drawn by a task of their own, in a
    worker process: build.AppIcons)."""
    langs = plan.site.config.languages
    return [*(manifest(plan, lang) for lang in langs), worker(plan)]
