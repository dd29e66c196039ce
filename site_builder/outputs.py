"""THE map from a plan to the files of output/: which web files a build writes.

`files_of(plan)` names every file the build writes below output/ for the web (pages,
landing pages, QR and payment codes, GS1 pages, aliases, photo derivatives, theme
assets, host configurations, the printed-code record, the web app's manifests, icons,
service worker and its offline pages), by the names `Urls`, `asset_names`, `icon_names`, `derivatives` and
`HOST_FILES` (the names `host_files` writes) give them: the same functions the build
writes with, so nothing is named twice. Not included: the PDFs in print/ (named by the
print module when they are drawn), the .br/.gz copies (compress.py) and output/'s
marker file. tests/test_outputs.py shows it equals what a real build writes.

Used by `site-builder check` (does a link in the content lead to a page?) together with
serving.py's rules, and by the preview (`item_pages`: what an edit may remove).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from site_builder.assets import asset_names, icon_names
from site_builder.codes_record import RECORD
from site_builder.content import kinds
from site_builder.content.translations import with_fallback
from site_builder.content.unique import alias_error
from site_builder.errors import ContentError
from site_builder.hosting import HOST_FILES
from site_builder.render.variants import derivatives
from site_builder.urls import PRINT_SECTION, alias_file, list_page_count

if TYPE_CHECKING:
    from site_builder.content.model import Item
    from site_builder.plan import Plan

FIXED = ("index.html", "404.html", "sitemap.xml", "robots.txt", RECORD)


def item_pages(plan: Plan, item: Item) -> set[str]:
    """The files of one item that come and go while its code, aliases, GTIN and photos stay:
    its page in each language it is shown in (`missing_translation: omit` leaves one out)
    and its payment QR. The preview deletes those an edit no longer makes."""
    config, urls = plan.site.config, plan.urls
    files = {
        urls.page_file(lang, item.kind, item.slug)
        for lang in config.languages
        if with_fallback(item, lang, config) is not None
    }
    if item.facts.payment is not None:
        files.update(urls.pay_file(item.code, ext) for ext in ("svg", "png"))
    return files


def list_files(plan: Plan, kind: str, lang: str) -> set[str]:
    """The pages of a kind's list in `lang` (one more for every `list_cards` cards). The
    preview deletes those an edit no longer makes (an item left out of a language)."""
    count = list_page_count(plan.site, kind, lang)
    return {plan.urls.list_file(lang, kind, n) for n in range(1, count + 1)}


def files_of(plan: Plan, aliases: bool = True) -> set[str]:
    """Every web file below output/ that a build of `plan` writes (see the module);
    without the items' aliases' redirect pages when not `aliases`."""
    site, urls = plan.site, plan.urls
    config = site.config
    files = set(FIXED)
    for lang in config.languages:
        files.add(urls.home_file(lang))
        files.add(urls.page_file(lang, PRINT_SECTION))  # the members' print page
        files.add(urls.offline_file(lang))  # the service worker's page for a page not kept
        for kind in kinds.names():
            files.update(list_files(plan, kind, lang))
        for page in site.pages:
            if with_fallback(page, lang, config) is not None:
                files.add(urls.page_file(lang, "pages", page.slug))
        for booklet in site.booklets:
            files.add(urls.booklet_file(lang, booklet.slug))
            for key in booklet.entries:
                files.add(urls.booklet_file(lang, booklet.slug, key.replace("/", "-")))
    images = [(item.kind, item.slug, im) for item in site.items for im in item.images]
    images += [("booklets", b.slug, b.cover) for b in site.booklets if b.cover is not None]
    for kind, slug, image in images:
        files.update(
            urls.image_file(kind, slug, image.file, v.width, v.ext) for v in derivatives(image)
        )
    for item in site.items:
        files |= item_pages(plan, item)
        if item.facts.gtin:
            files.update(urls.gs1_files(item.facts.gtin))
    for code in [*plan.codes, *plan.booklet_codes]:
        files.update(urls.landing_files(code))
        files.update(urls.qr_file(code, ext) for ext in ("svg", "png"))
    files.update(asset_names(config.templates_dir).values())
    files.update(icon_names(config.templates_dir).values())  # the web app (webapp.py)
    files.update(urls.manifest_file(lang) for lang in config.languages)
    files.add(urls.worker_file())
    files.update(HOST_FILES)  # (their names: their texts are not needed here)
    return files | alias_files(plan) if aliases else files


def alias_files(plan: Plan) -> set[str]:
    """The redirect pages the items' aliases are written to."""
    return {alias_file(alias) for item in plan.site.items for alias in item.aliases}


def alias_clashes(plan: Plan, pages: set[str] | None = None) -> list[ContentError]:
    """Each alias written where the site has a page (an item's, a list's, the home page)
    or where an earlier item's alias is: the build refuses them when it writes
    (`build._alias_over`, the same message); `check` says so before. `pages`:
    `files_of(plan, aliases=False)`, if the caller has it."""
    if not any(item.aliases for item in plan.site.items):
        return []
    pages = files_of(plan, aliases=False) if pages is None else pages
    first: dict[str, Item] = {}
    errors = []
    for item in plan.site.items:
        for i, alias in enumerate(item.aliases):
            file = alias_file(alias)
            if file in pages:
                errors.append(alias_error(item, i, file))
            elif file in first and first[file] is not item:
                errors.append(alias_error(item, i, file, first[file]))
            else:
                first.setdefault(file, item)
    return errors
