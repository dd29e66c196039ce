"""The orchestrator: load -> plan -> render -> write, one step after another.

Everything is gathered and checked before a single file is written, and the
site is written into a staging folder that replaces `output/` only when the
whole build succeeded.

Over 500 lines on purpose: it is the one place the build reads in order (plan,
tasks, writing, closing files, the report); the work itself lives in the modules it
calls. The tasks' types are site_builder/tasks.py; what would split out next is the
task list (`page_tasks`, `code_tasks`, `run_task`).
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, assert_never

from site_builder.assets import ASSETS, asset_names
from site_builder.booklet_codes import booklet_landing_pages
from site_builder.budgets import as_record, heavy_pages, warnings_of
from site_builder.cache import (
    CACHE_DIR,
    STAMP,
    BuildCache,
    current,
    digest,
    recorded_output,
    using,
)
from site_builder.codes_record import RECORD, record_bytes, save_record
from site_builder.compress import precompress
from site_builder.content import kinds
from site_builder.content.images import let_go_of_photo
from site_builder.content.loader import load_site
from site_builder.content.model import Booklet, Item, Page, Site
from site_builder.content.printable import unprintable
from site_builder.content.translations import with_fallback
from site_builder.content.unique import alias_error
from site_builder.errors import ContentError, ErrorList, SiteError
from site_builder.filestate import listing
from site_builder.freshness import inputs_state, same_build
from site_builder.hosting import host_files
from site_builder.lastbuild import OutputRecord
from site_builder.link_check import broken_links, links_anywhere
from site_builder.messages import Msg, _
from site_builder.moved_pages import moved_away, published, shown
from site_builder.outdir import check_output_folder
from site_builder.parallel import gc_frozen, jobs_count, parallel_map
from site_builder.plan import Plan, plan_site, with_registry_errors
from site_builder.progress import Progress
from site_builder.render.booklets import booklet_pages, booklet_sitemap_groups
from site_builder.render.html import HtmlRenderer, Output
from site_builder.render.landing import landing_pages, not_found_page, root_page, sitemap
from site_builder.render.members import members_print_page
from site_builder.render.offline import offline_page
from site_builder.render.pdf import (
    booklet_pdfs,
    sticker_name_languages,
    sticker_named,
    sticker_settings,
    sticker_sheet,
)
from site_builder.render.qr import make_qr
from site_builder.render.variants import derivatives
from site_builder.tasks import (
    AppIcons,
    BookletCode,
    CodePages,
    FreePages,
    HomePage,
    ItemExtras,
    ItemPages,
    ListPage,
    NotFoundPage,
    RootPage,
    StaticFiles,
    Task,
)
from site_builder.urls import Urls, alias_file
from site_builder.webapp import icons, webapp_outputs
from site_builder.writer import FileData, OutputCollision, Staging, project_lock, tidy

if TYPE_CHECKING:  # (Pillow is imported when photos are made: `static_files`)
    from site_builder.render.images import ImageCache


class ErrorWarning(str):
    """A warning made of a `ContentError` (e.g. a page over budget): its English text,
    and `localized()` for the CLI language."""

    error: ContentError
    root: Path

    def __new__(cls, error: ContentError, root: Path) -> ErrorWarning:
        obj = super().__new__(cls, error.format(root))
        obj.error = error
        obj.root = root
        return obj

    def localized(self) -> str:
        return self.error.format_localized(self.root)


@dataclass
class BuildReport:
    output: Path
    pages: int = 0
    files: int = 0
    codes: int = 0
    pdfs: int = 0
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False  # nothing changed since the last good build; nothing was done
    plan: Plan | None = None  # what was built (None when nothing was done)
    items_kept: int = 0  # items taken from the build cache (content/itemcache.py)
    items_loaded: int = 0  # items whose files changed (all, without a cache)
    output_record: OutputRecord | None = None  # output/ once built, with the cache (listed once)
    budgets: dict[str, Any] | None = None  # the pages over budget (budgets.as_record)


def print_outputs(plan: Plan, r: HtmlRenderer, warnings: list[str]) -> list[Output]:
    """Preview PDFs in output/print/: a sticker sheet of every item, and every booklet.

    Previews never record codes as printed; only `site-builder stickers --for-print` does.
    """
    site, urls = plan.site, plan.urls
    unprintable_text = unprintable(site, functools.partial(sticker_name_languages, site))
    if unprintable_text:  # (named where they are written, before anything is drawn)
        raise ErrorList(unprintable_text)
    settings = sticker_settings(site)
    out = []
    if site.items:
        try:
            sheet = sticker_sheet(site, [(item, 1) for item in site.items])
        except SiteError as exc:  # (a StickerError, as the drawing process reports it)
            raise sticker_named(site, exc) from None
        name = f"stickers-{settings.template}.pdf"
        out.append(Output(urls.print_file(name), sheet, None, "pdf"))
    for booklet in site.booklets:
        for name, pdf in booklet_pdfs(r, booklet, warnings).items():
            out.append(Output(urls.print_file(name), pdf, None, "pdf"))
    return out


def page_tasks(plan: Plan) -> list[Task]:
    """The web app's icons first (the slowest task), then the HTML pages, in the order
    they are written: home, lists, items, free pages."""
    site, config = plan.site, plan.site.config
    tasks: list[Task] = [AppIcons(), RootPage(), NotFoundPage()]
    for lang in config.languages:
        tasks.append(HomePage(lang))
        tasks.extend(ListPage(kind, lang) for kind in kinds.names())
    tasks.extend(ItemPages(i) for i in range(len(site.items)))
    tasks.extend(FreePages(i) for i in range(len(site.pages)))
    return tasks


def code_tasks(plan: Plan) -> list[Task]:
    """What the printed codes lead to: landing pages and QR files, aliases, payment QR, GS1."""
    tasks: list[Task] = [CodePages(code) for code in sorted(plan.codes)]
    tasks.extend(ItemExtras(i) for i in range(len(plan.site.items)))
    tasks.extend(BookletCode(code) for code in sorted(plan.booklet_codes))
    return tasks


def run_task(r: HtmlRenderer, plan: Plan, task: Task) -> list[Output]:
    """The files of one task (pure: reads the plan, writes nothing)."""
    site, urls, config = plan.site, plan.urls, plan.site.config
    least = config.stickers.min_qr_mm  # the QR files' printed size: the code this wide
    match task:
        case AppIcons():
            return icons(plan)
        case RootPage():
            return [root_page(r)]
        case NotFoundPage():
            return [not_found_page(r)]
        case HomePage(lang):  # the home page, the members' print page, the offline page
            return [r.home_page(lang), members_print_page(r, lang), offline_page(r, lang)]
        case ListPage(kind, lang):
            return r.list_pages(kind, lang)
        case ItemPages(i):
            item = site.items[i]
            return [o for lang in config.languages if (o := r.item_page(item, lang)) is not None]
        case FreePages(i):
            page = site.pages[i]
            return [o for lang in config.languages if (o := r.free_page(page, lang)) is not None]
        case CodePages(code):
            out = landing_pages(r, code, plan.codes[code])
            url = urls.short_url(code)
            out += qr_outputs(url, config.qr_error_correction, url, urls.qr_file(code, ""), least)
            return out
        case BookletCode(code):  # a printed booklet's back-cover code
            url = urls.short_url(code)
            out = booklet_landing_pages(r, code, plan.booklet_codes[code])
            level = config.qr_error_correction
            return out + qr_outputs(url, level, url, urls.qr_file(code, ""), least)
        case ItemExtras(i):
            item = site.items[i]
            out = [_alias_page(r, alias, item) for alias in item.aliases]
            pay = item.facts.payment
            if pay is not None:  # the bank-transfer code: a second, clearly labelled QR
                label = f"VietQR {pay.bank.name} {pay.account}"
                out += qr_outputs(pay.payload, "M", label, urls.pay_file(item.code, ""), least)
            if item.facts.gtin:  # GS1 Digital Link /01/<GTIN-14> resolves on this site
                out += landing_pages(r, item.code, item, urls.gs1_files(item.facts.gtin))
            return out
        case StaticFiles():
            raise ValueError("static files are put in place, not rendered (_write_tasks)")
    assert_never(task)


def qr_outputs(data: str, level: str, title: str, stem: str, symbol_mm: float) -> list[Output]:
    """`stem`svg and `stem`png of one QR code; kept from the last build when unchanged.
    The SVG, for a print shop, has its printed size: the symbol `symbol_mm` wide
    (`stickers.min_qr_mm`), its quiet zone around it."""
    memo = current()
    out = []
    symbol = None
    for ext in ("svg", "png"):
        # 2: own PNG writer; 3: the SVG's printed size
        key = digest(STAMP, "qr-3", ext, level, data, title, str(symbol_mm)) if memo else ""
        kept = memo.kept(key) if memo else None
        if kept is not None:
            out.append(Output(stem + ext, kept, None, "qr", key))
            continue
        symbol = symbol or make_qr(data, level)
        body = (
            symbol.svg(size_mm=symbol.printed_mm(symbol_mm), title=title).encode()
            if ext == "svg"
            else symbol.png()
        )
        out.append(Output(stem + ext, body, None, "qr", key))
    return out


def sitemap_groups(plan: Plan) -> list[dict[str, str]]:
    """The site's pages as {lang: url} groups, one group per page in all its languages."""
    site, urls, config = plan.site, plan.urls, plan.site.config
    groups: list[dict[str, str]] = [{lang: urls.home(lang) for lang in config.languages}]
    for kind in kinds.names():
        groups.append({lang: urls.page(lang, kind) for lang in config.languages})
    for item in site.items:
        groups.append(
            {
                lang: urls.page(lang, item.kind, item.slug)
                for lang in config.languages
                if lang in item.translations
            }
        )
    for p in site.pages:
        groups.append(
            {
                lang: urls.page(lang, "pages", p.slug)
                for lang in config.languages
                if lang in p.translations
            }
        )
    return groups + booklet_sitemap_groups(site, urls)  # booklets' covers and chapters


def print_and_booklet_outputs(
    plan: Plan, r: HtmlRenderer, warnings: list[str], with_print: bool
) -> list[Output]:
    """The preview PDFs, then the e-booklet pages (which link to their PDFs)."""
    site, config = plan.site, plan.site.config
    prints = print_outputs(plan, r, warnings) if with_print else []
    out = list(prints)
    for booklet in site.booklets:
        pdfs = booklet_pdf_links(plan, booklet, [o.path for o in prints])
        for lang in config.languages:
            out.extend(booklet_pages(r, booklet, lang, pdfs=pdfs))
    return out


def booklet_pdf_links(plan: Plan, booklet: Booklet, print_paths: list[str]) -> list[dict[str, str]]:
    """The PDFs of `booklet` among `print_paths`, as its web pages link to them."""
    urls = plan.urls
    prefix = urls.print_file(booklet.slug + "-")
    return [
        {"url": urls.url(path), "label": path.rsplit("/", 1)[-1]}
        for path in print_paths
        if path.startswith(prefix)
    ]


def closing_outputs(plan: Plan, r: HtmlRenderer) -> list[Output]:
    """sitemap.xml, robots.txt, the record of printed codes (codes_record.py), the web
    servers' configuration files (hosting.py), the web app manifests and the service
    worker (webapp.py; its icons are a task: `AppIcons`)."""
    urls = plan.urls
    robots = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute('/sitemap.xml')}\n"
    hosts = host_files(
        plan.site.config, urls, plan.codes, plan.booklet_codes
    )  # nginx, Apache, Caddy, Netlify
    return [
        sitemap(r, sitemap_groups(plan)),
        Output("robots.txt", robots.encode(), None, "robots"),
        Output(RECORD, record_bytes(plan.printed, {}), None, "printed codes"),
        *(Output(path, text.encode(), None, "host") for path, text in hosts.items()),
        *webapp_outputs(plan),
    ]


def render_site(
    plan: Plan, warnings: list[str] | None = None, with_print: bool = True
) -> list[Output]:
    """Every file of the site, in a stable order; warnings are added to `warnings`.
    (The build itself writes the same files with `write_site`, on every core.)"""
    warnings = [] if warnings is None else warnings
    r = HtmlRenderer(plan.site, plan.urls)
    out = [o for task in page_tasks(plan) for o in run_task(r, plan, task)]
    out += print_and_booklet_outputs(plan, r, warnings, with_print)
    out += [o for task in code_tasks(plan) for o in run_task(r, plan, task)]
    out += closing_outputs(plan, r)
    return out


PARALLEL_FROM = 400  # tasks; below this, starting workers costs more than it saves
WRITE_CHUNK = 1000  # tasks at most per worker process (20,000 items: ~60 processes)


def write_site(
    plan: Plan,
    staging: Staging,
    warnings: list[str],
    with_print: bool,
    statics: Sequence[tuple[str, Path]] = (),
) -> list[Output]:
    """Render every file straight into `staging`, HTML on every core.

    Returns what was written, in the order of `render_site` (data: the file in staging),
    after checking that no two things wrote the same path. The bytes are the same as a
    serial run's.
    """
    r = HtmlRenderer(plan.site, plan.urls)
    pages, codes = page_tasks(plan), code_tasks(plan)
    cache_dir = (plan.site.config.root / CACHE_DIR).resolve()
    files = [(rel, source, source.is_relative_to(cache_dir)) for rel, source in statics]
    tasks = (
        pages + codes + [StaticFiles(tuple(files[i : i + 200])) for i in range(0, len(files), 200)]
    )
    workers = min(jobs_count(), max(1, len(tasks) // (PARALLEL_FROM // 2)))
    done: list[tuple[int, int, str, str, str, tuple[int, int, int]]] = []
    if workers <= 1:
        done = _write_tasks((r, plan, tasks, staging, current()), list(range(len(tasks))))
    else:
        r.prepare()  # compile the templates once, before the workers are forked
        work = (r, plan, tasks, staging, current())  # reaches each worker once, by the fork
        # a process per chunk: what it copied of the loaded site is handed back when the
        # chunk is done (parallel_map `fresh`), so workers stay small at any size
        for part in parallel_map(_write_tasks, write_chunks(tasks, workers), work, fresh=True):
            done.extend(part)
        done.sort()
    written = []
    for _i, _j, path, kind, key, stat in done:
        written.append(Output(path, staging.staged(path), None, kind, key))
        staging.record(path, key, stat)
    cut = sum(1 for i, *_rest in done if i < len(pages))
    end = sum(1 for i, *_rest in done if i < len(pages) + len(codes))
    copied, written = written[end:], written[:end]
    extra = print_and_booklet_outputs(plan, r, warnings, with_print)
    closing = closing_outputs(plan, r)
    for o in extra + closing:
        staging.record(o.path, o.key, staging.put(o.path, o.data))
    ordered = written[:cut] + extra + written[cut:] + closing
    try:
        for o in ordered:
            staging.claim(o.path, o.kind)
        for o in copied:  # theme files and photos, after every page
            staging.claim(o.path, "static", copied=True)
    except OutputCollision as exc:
        raise _alias_over(plan.site, exc.rel, exc.owners) or exc from None
    return ordered + copied


def links_nowhere(
    plan: Plan, files: Collection[str], things: Sequence[Item | Page] | None = None
) -> list[ContentError]:
    """The links in the stories of `things` (default: every item and page) that lead to
    none of `files`: warnings, as MkDocs gives them (the pages are published; `check`
    fails on them)."""
    everything = [*plan.site.items, *plan.site.pages] if things is None else things
    if not links_anywhere(everything):  # (most sites: no story links; ~0.2 ms at 2,000 items)
        return []
    return [e for thing in everything for e in broken_links(plan, thing, files)]


def pages_moved_away(plan: Plan, files: Collection[str], now: dict[str, Any]) -> list[ContentError]:
    """The pages the last good build into output/ published (the build cache's record of
    the files it wrote, read by this build anyway) that this one, writing `files` (its
    items `now`: `moved_pages.shown`), leaves out because their item's folder was renamed:
    warnings naming the `aliases:` line that keeps them (moved_pages.py). Nothing without
    a build cache."""
    memo = current()
    if memo is None or memo.output is None:
        return []
    files_before, before = published(memo.manifest.data, str(memo.output))
    return moved_away(plan, before, files_before, files, now)


def _alias_over(site: Site, rel: str, owners: tuple[str, str]) -> ContentError | None:
    """An alias written where the site has a page already (an item's, a list's, the home
    page) or where another item's alias is: the mistake named in item.yaml (of the later
    item, for two aliases). `site-builder check` finds the same (`outputs.alias_clashes`)."""
    if "alias" not in owners:
        return None
    holders = [
        (item, i, alias)
        for item in site.items
        for i, alias in enumerate(item.aliases)
        if alias_file(alias) == rel
    ]
    if not holders:
        return None
    item, i, _alias = holders[-1]
    other = holders[0][0] if len(holders) > 1 else None
    return alias_error(item, i, rel, other, page="page" in owners)


def write_chunks(tasks: list[Task], workers: int) -> list[tuple[list[int]]]:
    """The tasks' indices in chunks, one worker process each.

    A process costs its fork and the page faults of every page it touches again, so a
    site is cut into few chunks (four per worker, for balance): runs of neighbouring tasks
    (neighbours share memory pages of the loaded site), the icons and the pages that show
    every item (home, lists) in the first. A large site, where a process would copy too
    much of the site, has runs of at most `WRITE_CHUNK` tasks, and those front pages one
    by one, spread evenly between the runs: two processes each showing every item at
    once would each copy most of the site."""
    front = next((k for k, t in enumerate(tasks) if isinstance(t, ItemPages)), 0)
    size = max(1, -(-(len(tasks) - front) // (workers * 4)))
    small = size <= WRITE_CHUNK
    size = min(size, WRITE_CHUNK)
    runs = [list(range(k, min(k + size, len(tasks)))) for k in range(front, len(tasks), size)]
    if small or not runs:
        first = list(range(front)) + (runs[0] if runs else [])
        return [(first,), *((run,) for run in runs[1:])] if first else []
    every = max(1, len(runs) // max(1, front))  # runs between two of them: spread out
    chunks: list[tuple[list[int]]] = []
    for k in range(max(front, -(-len(runs) // every))):
        chunks += [([k],)] if k < front else []
        chunks += [(run,) for run in runs[k * every : (k + 1) * every]]
    return chunks


def _write_tasks(
    work: tuple[HtmlRenderer, Plan, list[Task], Staging, BuildCache | None],
    indices: list[int],
) -> list[tuple[int, int, str, str, str, tuple[int, int, int]]]:
    """Render tasks `indices` into the staging folder; per file (task, n, path, kind, key,
    stat)."""
    r, plan, tasks, staging, memo = work
    out = []
    with using(memo):
        for i in indices:
            task = tasks[i]
            if isinstance(
                task, StaticFiles
            ):  # photos made by the build are linked, the theme's copied
                for j, (rel, source, link) in enumerate(task.files):
                    out.append((i, j, rel, "static", "", staging.put(rel, source, link)))
                continue
            previous: Output | None = None
            for j, o in enumerate(run_task(r, plan, tasks[i])):
                data = o.data
                if previous is not None and data is previous.data and isinstance(data, bytes):
                    data = staging.staged(previous.path)  # the same page at a second address
                out.append((i, j, o.path, o.kind, o.key, staging.put(o.path, data)))
                previous = o
    return out


def _alias_page(r: HtmlRenderer, alias: str, item: Item) -> Output:
    config, urls = r.site.config, r.urls
    lang = alias.strip("/").split("/")[0]
    if lang not in config.languages or with_fallback(item, lang, config) is None:
        lang = config.source_language
    target = urls.page(lang, item.kind, item.slug)
    path = alias_file(alias)
    data = r.render(
        "redirect.html",
        lang,
        target=target,
        absolute=urls.absolute(target),
        title=item.translations[config.source_language].title,
    )
    return Output(path, data, None, "alias")


def static_files(site: Site, urls: Urls, cache: ImageCache | None = None) -> list[tuple[str, Path]]:
    """Files copied into the site: theme assets as they are; item images and booklet
    covers as resized derivatives (render/images.py), never the originals.

    Derivatives are encoded once and kept in the project's image cache; the paths
    returned for them point into that cache (verified bytes), so the same sources
    always give the same files.
    """
    files: list[tuple[str, Path]] = []
    assets = site.config.templates_dir / ASSETS
    for rel, target in asset_names(site.config.templates_dir).items():
        files.append((target, assets / rel))
    from site_builder.render.images import ImageCache  # (Pillow: only to make photos)

    cache = cache or ImageCache(site.config.root)
    images = [(item.kind, item.slug, im) for item in site.items for im in item.images]
    images += [("booklets", b.slug, b.cover) for b in site.booklets if b.cover is not None]
    wanted = [(kind, slug, im, v) for kind, slug, im in images for v in derivatives(im)]
    made = cache.files_for([(im, v) for _k, _s, im, v in wanted])  # (missing ones encoded)
    files.extend(
        (urls.image_file(kind, slug, im.file, v.width, v.ext), path)
        for (kind, slug, im, v), path in zip(wanted, made, strict=True)
    )
    return files


def build(
    root: Path,
    output: Path | None = None,
    *,
    with_print: bool = True,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the project at `root` into `output` (default `root/output`).

    With `use_cache` (the default) results are remembered in `.site-builder-cache/`, and a
    build whose inputs and output did not change since the last good build does nothing.
    """
    root = root.resolve()
    output = (output or root / "output").resolve()
    report = BuildReport(output)
    options = f"print={with_print}"
    check_output_folder(root, output, legacy=recorded_output(root))  # never a member's files
    with project_lock(root):
        t0 = time.perf_counter()
        check_output_folder(root, output, legacy=recorded_output(root))  # (still, now locked)
        tidy(output)  # what an interrupted build left next to output/
        cache = BuildCache(root) if use_cache else None
        inputs, racy = inputs_state(root, output, options)
        if cache is not None and output.is_dir():
            last = cache.last_fingerprint()
            if last is not None and same_build(last, inputs, output):
                report.up_to_date = True
                report.timings["total"] = time.perf_counter() - t0
                return report
            cache.forget_fingerprint()  # until this build has succeeded
            cache.keep_from(output)
        with using(cache), gc_frozen():  # (the site, once loaded: see parallel_map)
            try:
                states = _build(root, output, report, with_print, progress or Progress.quiet())
            finally:
                let_go_of_photo()  # (kept by the check for its sizes and print copy)
        if cache is not None:  # a file changed in the last 2 s: the next build looks again
            record: OutputRecord | None
            try:  # (for lastbuild.remember)
                try:
                    record = OutputRecord.written(output, states)
                except OSError:  # output/ changed under the build: as found
                    record = OutputRecord.of(listing(output))
            except OverflowError:  # an inode number past 2**63: no record, nor fingerprint
                record = None
            report.output_record = record
            cache.save(None if racy or record is None else inputs + ":" + record.digest())
        report.timings["total"] = time.perf_counter() - t0
    return report


def _build(
    root: Path, output: Path, report: BuildReport, with_print: bool, progress: Progress
) -> dict[str, tuple[int, int, int]]:
    """load -> plan -> render -> write, timing each phase; the state of every file
    written (`Staging.states`)."""
    progress.start(4, _("Building"))
    t = time.perf_counter()
    try:
        site = load_site(root)  # load + validate
    except ErrorList as exc:
        raise with_registry_errors(exc, output) from None
    report.warnings.extend(site.warnings)
    report.timings["load"] = time.perf_counter() - t
    memo = current()
    report.items_kept = memo.items_hits if memo else 0
    report.items_loaded = memo.items_misses if memo else len(site.items)
    progress.advance()
    t = time.perf_counter()
    plan = plan_site(site, output)  # printed codes, QR sizes
    report.timings["plan"] = time.perf_counter() - t
    progress.advance()
    t = time.perf_counter()
    try:
        staging = Staging(output)  # write, then swap in
    except OSError as exc:
        raise SiteError(
            Msg("cannot write next to {output}: {reason}.", output=output, reason=exc.strerror)
        ) from exc
    try:
        statics = static_files(site, plan.urls)  # photos resized (once, cached)
        outputs = write_site(plan, staging, report.warnings, with_print, statics)
        precompress(staging, outputs)  # .br and .gz beside every text file
        report.timings["render"] = time.perf_counter() - t
        progress.advance()
        t = time.perf_counter()
        files: dict[str, FileData] = {o.path: o.data for o in outputs}
        heavy = heavy_pages(site, files)
        report.warnings.extend(ErrorWarning(e, root) for e in warnings_of(site, heavy))
        report.warnings.extend(ErrorWarning(e, root) for e in links_nowhere(plan, files))
        items = shown(site)  # (what the next build compares its own with)
        report.warnings.extend(ErrorWarning(e, root) for e in pages_moved_away(plan, files, items))
        report.budgets = as_record(site, heavy)
        staging.commit()
    except OSError as exc:  # disk full, permissions: say so, keep the old site
        staging.discard()
        raise SiteError(
            Msg(
                "could not write the site ({reason}); the previous {folder}/ was left as it was.",
                reason=exc.strerror or exc,
                folder=output.name,
            )
        ) from exc
    except BaseException:
        staging.discard()
        raise
    with contextlib.suppress(OSError):  # the published copy in output/ still speaks
        save_record(root, plan.printed, output)  # the tool's own copy of what was printed
    memo = current()
    if memo is not None:
        memo.remember_outputs(output, staging.made, items)
    report.timings["write"] = time.perf_counter() - t
    progress.advance()
    progress.done()
    report.pages = sum(1 for o in outputs if o.path.endswith(".html"))
    report.files = len(staging.written)
    report.codes = len(plan.codes)
    report.pdfs = sum(1 for o in outputs if o.kind == "pdf")
    report.plan = plan
    return staging.states
