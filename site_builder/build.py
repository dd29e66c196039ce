"""The orchestrator: load -> plan -> render -> write, one step after another.

Everything is gathered and checked before a single file is written, and the
site is written into a staging folder that replaces `output/` only when the
whole build succeeded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.budgets import over_budget
from site_builder.cache import CACHE_DIR, BuildCache, using
from site_builder.codes import load_registry, resolve_codes
from site_builder.content.loader import line_of, load_site, with_fallback
from site_builder.content.model import Image, Item, Site
from site_builder.errors import Collector, ContentError, SiteError
from site_builder.freshness import inputs_fingerprint, output_fingerprint
from site_builder.messages import Msg, _
from site_builder.progress import Progress
from site_builder.render.booklets import booklet_pages
from site_builder.render.html import HtmlRenderer, Output
from site_builder.render.images import ImageCache, derivatives
from site_builder.render.landing import landing_pages, not_found_page, root_page, sitemap
from site_builder.render.pdf import booklet_pdfs, sticker_settings, sticker_sheet
from site_builder.render.qr import make_qr, prepare_qr
from site_builder.urls import Urls
from site_builder.writer import Staging, project_lock

ASSETS = "assets"


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


@dataclass(frozen=True)
class Plan:
    """What the site will contain, decided before anything is rendered."""

    site: Site
    urls: Urls
    codes: dict[str, Item]  # every code served -> the item its landing page leads to


def plan_site(site: Site) -> Plan:
    """Check the printed-code registry and the QR sizes; raise ErrorList on any problem."""
    errors = Collector()
    registry = load_registry(site.config.root)
    codes = resolve_codes(site, registry, errors)
    urls = Urls(site.config)
    max_version = site.config.qr_max_version
    prepare_qr([urls.short_url(code) for code in codes], site.config.qr_error_correction)
    for code, item in sorted(codes.items()):
        symbol = make_qr(urls.short_url(code), site.config.qr_error_correction)
        if symbol.version > max_version and item.code == code:
            errors.add(
                ContentError(
                    item.folder / "item.yaml",
                    line_of(item.folder / "item.yaml", "code"),
                    "code",
                    Msg(
                        "the code {code} makes the QR code {url} need version {version} "
                        "({size}x{size} modules); the limit is {limit}.",
                        code=code,
                        url=urls.short_url(code),
                        version=symbol.version,
                        size=symbol.size,
                        limit=max_version,
                    ),
                    Msg(
                        "Use a shorter code, e.g. XM-D01, so the QR stays small and easy to scan "
                        "(or raise qr.max_version in site.yaml if your stickers are large)."
                    ),
                )
            )
    errors.raise_if_any()
    return Plan(site, urls, codes)


def print_outputs(plan: Plan, r: HtmlRenderer, warnings: list[str]) -> list[Output]:
    """Preview PDFs in output/print/: a sticker sheet of every item, and every booklet.

    Previews never record codes as printed; only `site-builder stickers --for-print` does.
    """
    site, urls = plan.site, plan.urls
    settings = sticker_settings(site)
    out = []
    if site.items:
        sheet = sticker_sheet(site, [(item, 1) for item in site.items])
        name = f"stickers-{settings.template}.pdf"
        out.append(Output(urls.print_file(name), sheet, None, "pdf"))
    for booklet in site.booklets:
        for name, pdf in booklet_pdfs(r, booklet, warnings).items():
            out.append(Output(urls.print_file(name), pdf, None, "pdf"))
    return out


def render_site(
    plan: Plan, warnings: list[str] | None = None, with_print: bool = True
) -> list[Output]:
    """Every file of the site, as bytes, in a stable order; warnings are added to `warnings`."""
    warnings = [] if warnings is None else warnings
    site, urls = plan.site, plan.urls
    config = site.config
    r = HtmlRenderer(site, urls)
    out: list[Output] = [root_page(r), not_found_page(r)]
    groups: list[dict[str, str]] = [{lang: urls.home(lang) for lang in config.languages}]
    for lang in config.languages:
        out.append(r.home_page(lang))
        for kind in ("dolls", "ocop"):
            out.append(r.index_page(kind, lang))
    for kind in ("dolls", "ocop"):
        groups.append({lang: urls.page(lang, kind) for lang in config.languages})
    for item in site.items:
        group = {}
        for lang in config.languages:
            page = r.item_page(item, lang)
            if page is not None:
                out.append(page)
                if lang in item.translations:
                    group[lang] = urls.page(lang, item.kind, item.slug)
        groups.append(group)
    for p in site.pages:
        group = {}
        for lang in config.languages:
            page = r.free_page(p, lang)
            if page is not None:
                out.append(page)
                if lang in p.translations:
                    group[lang] = urls.page(lang, "pages", p.slug)
        groups.append(group)
    prints = print_outputs(plan, r, warnings) if with_print else []
    out.extend(prints)
    for booklet in site.booklets:
        for lang in config.languages:
            pdfs = [
                {"url": urls.url(o.path), "label": o.path.rsplit("/", 1)[-1]}
                for o in prints
                if o.path.startswith(urls.print_file(booklet.slug + "-"))
            ]
            out.extend(booklet_pages(r, booklet, lang, pdfs=pdfs))
    for code, item in sorted(plan.codes.items()):
        out.extend(landing_pages(r, code, item))
        symbol = make_qr(urls.short_url(code), config.qr_error_correction)
        out.append(
            Output(
                urls.qr_file(code, "svg"),
                symbol.svg(title=urls.short_url(code)).encode(),
                None,
                "qr",
            )
        )
        out.append(Output(urls.qr_file(code, "png"), symbol.png(), None, "qr"))
    for item in site.items:
        for alias in item.aliases:
            out.append(_alias_page(r, alias, item))
        pay = item.facts.get("payment")
        if pay is not None:  # the bank-transfer code: a second, clearly labelled QR
            symbol = make_qr(pay.payload, "M")
            label = f"VietQR {pay.bank.name} {pay.account}"
            out.append(
                Output(
                    urls.pay_file(item.code, "svg"), symbol.svg(title=label).encode(), None, "qr"
                )
            )
            out.append(Output(urls.pay_file(item.code, "png"), symbol.png(), None, "qr"))
        if item.facts.get("gtin"):  # GS1 Digital Link /01/<GTIN-14> resolves on this site
            out.extend(landing_pages(r, item.code, item, urls.gs1_files(item.facts["gtin"])))
    out.append(sitemap(r, groups))
    out.append(
        Output(
            "robots.txt",
            f"User-agent: *\nAllow: /\nSitemap: {urls.absolute('/sitemap.xml')}\n".encode(),
            None,
            "robots",
        )
    )
    return out


def _alias_page(r: HtmlRenderer, alias: str, item: Item) -> Output:
    config, urls = r.site.config, r.urls
    lang = alias.strip("/").split("/")[0]
    if lang not in config.languages or with_fallback(item, lang, config) is None:
        lang = config.source_language
    target = urls.page(lang, item.kind, item.slug)
    path = alias.strip("/")
    path = path if path.endswith(".html") else (path + "/index.html" if path else "index.html")
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
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                rel = path.relative_to(assets).as_posix()
                target = "favicon.svg" if rel == "favicon.svg" else f"{ASSETS}/{rel}"
                files.append((target, path))
    cache = cache or ImageCache(site.config.root)
    images = [(item.kind, item.slug, im) for item in site.items for im in item.images]
    images += [("booklets", b.slug, b.cover) for b in site.booklets if b.cover is not None]
    cache.prepare([(im, v) for _, _, im in images for v in derivatives(im)])
    for item in site.items:
        for im in item.images:
            files.extend(_image_files(cache, urls, item.kind, item.slug, im))
    for booklet in site.booklets:
        if booklet.cover is not None:
            files.extend(_image_files(cache, urls, "booklets", booklet.slug, booklet.cover))
    return files


def _image_files(
    cache: ImageCache, urls: Urls, kind: str, slug: str, image: Image
) -> list[tuple[str, Path]]:
    """Every derivative of one image: (output path, file holding its bytes)."""
    return [
        (urls.image_file(kind, slug, image.file, v.width, v.ext), cache.file_for(image, v))
        for v in derivatives(image)
    ]


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
    with project_lock(root):
        t0 = time.perf_counter()
        cache = BuildCache(root) if use_cache else None
        inputs = inputs_fingerprint(root, output, options)
        if cache is not None and output.is_dir():
            if cache.last_fingerprint() == inputs + ":" + output_fingerprint(output):
                report.up_to_date = True
                report.timings["total"] = time.perf_counter() - t0
                return report
            cache.forget_fingerprint()  # until this build has succeeded
        with using(cache):
            _build(root, output, report, with_print, progress or Progress.quiet())
        if cache is not None:
            cache.save(inputs + ":" + output_fingerprint(output))
        report.timings["total"] = time.perf_counter() - t0
    return report


def _build(
    root: Path, output: Path, report: BuildReport, with_print: bool, progress: Progress
) -> None:
    """load -> plan -> render -> write, timing each phase."""
    progress.start(4, _("Building"))
    t = time.perf_counter()
    site = load_site(root)  # load + validate
    report.warnings.extend(site.warnings)
    report.timings["load"] = time.perf_counter() - t
    progress.advance()
    t = time.perf_counter()
    plan = plan_site(site)  # printed codes, QR sizes
    report.timings["plan"] = time.perf_counter() - t
    progress.advance()
    t = time.perf_counter()
    outputs = render_site(plan, report.warnings, with_print)  # HTML, QR, PDF
    report.timings["render"] = time.perf_counter() - t
    progress.advance()
    t = time.perf_counter()
    try:
        staging = Staging(output)  # write, then swap in
    except OSError as exc:
        raise SiteError(
            Msg("cannot write next to {output}: {reason}.", output=output, reason=exc.strerror)
        ) from exc
    statics = static_files(site, plan.urls)
    files: dict[str, bytes | Path] = {o.path: o.data for o in outputs}
    files.update(statics)
    report.warnings.extend(ErrorWarning(e, root) for e in over_budget(site, files))
    try:
        for o in outputs:
            staging.write(o.path, o.data, o.kind)
        cache_dir = (root / CACHE_DIR).resolve()
        for rel, source in statics:  # photos made by the build are linked from its cache
            staging.copy(rel, source, "static", link=source.is_relative_to(cache_dir))
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
    report.timings["write"] = time.perf_counter() - t
    progress.advance()
    progress.done()
    report.pages = sum(1 for o in outputs if o.path.endswith(".html"))
    report.files = len(staging.written)
    report.codes = len(plan.codes)
    report.pdfs = sum(1 for o in outputs if o.kind == "pdf")
