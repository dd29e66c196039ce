"""Model -> print documents: sticker sheets and booklet PDFs (engine in site_builder/print).

Over 500 lines: it is the bridge between the model and the print engine for both
documents (sticker sheets, booklets), with their caches and worker jobs. The booklet half
(`booklet_docs`, `booklet_pdfs` and their photos) is the part to move out next.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from site_builder.config import StickerSettings
from site_builder.content import kinds
from site_builder.content.model import Booklet, Image, Item, Page, Site
from site_builder.content.printable import (
    STICKER_LANGUAGES,
    organisation,
    sticker_names,
    title_line,
)
from site_builder.content.translations import with_fallback
from site_builder.content.yamlsource import line_of
from site_builder.errors import ContentError, SiteError, raised_message
from site_builder.filestate import content_digest
from site_builder.i18n import format_price, language_name
from site_builder.messages import Msg
from site_builder.parallel import gc_frozen, jobs_count, parallel_map
from site_builder.render.html import HtmlRenderer, template_error
from site_builder.render.qr import QrSymbol, make_qr
from site_builder.urls import Urls

EDITION_LANGUAGES = 2  # the bilingual booklet holds the first two languages


def sticker_name_languages(site: Site, design: str | None = None) -> tuple[str, ...]:
    """The languages whose titles a sticker prints: the site's first two, as far as the
    sticker design (`stickers.design` of site.yaml, or `design`) has lines for them."""
    from site_builder.print.designs import load_design

    config = site.config
    lines = load_design(config.templates_dir, design or sticker_settings(site).design).lines
    wanted = ("name", "name2")[:STICKER_LANGUAGES]
    return tuple(
        lang
        for lang, line in zip(config.languages, wanted, strict=False)  # (fewer languages)
        if line in lines
    )


def sticker_settings(site: Site) -> StickerSettings:
    """The `stickers:` defaults of site.yaml (checked when site.yaml was read, config.py)."""
    return site.config.stickers


def print_env(site: Site) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(site.config.templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def label_template(site: Site, name: str) -> Any:
    """A label sheet by name: site.yaml's `labels:` (checked when it was read), else built in."""
    from site_builder.print import get_template

    return get_template(name, site.config.label_templates)


def sticker_sheet(
    site: Site,
    items: Sequence[tuple[Item, int]],
    *,
    template: str | None = None,
    mode: str = "labels",
    start_position: int = 1,
    offset_mm: tuple[float, float] | None = None,
    show_price: bool | None = None,
    show_payment: bool | None = None,
    min_qr_mm: float | None = None,
    day: dt.date | None = None,
    design: str | None = None,
    progress: Any = None,
) -> bytes:
    """A sticker-sheet PDF for `items` (with copy counts), in order."""
    from site_builder.print import PdfMeta

    config = site.config
    defaults = sticker_settings(site)
    price = defaults.show_price if show_price is None else show_price
    payment = defaults.show_payment if show_payment is None else show_payment
    from site_builder.print.designs import load_design

    chosen_design = load_design(config.templates_dir, design or defaults.design)
    brand = _author(site) if "brand" in chosen_design.lines else None
    urls = Urls(config)
    contents = [
        (sticker_content(site, item, urls, price=price, payment=payment, brand=brand), copies)
        for item, copies in items
    ]
    chosen = label_template(site, template or defaults.template)
    title = config.title[config.source_language]
    meta = PdfMeta(
        title=f"{title} — QR stickers {chosen.name}",
        lang=config.source_language,
        author=_author(site),
        date=day or content_date(site, [i for i, _copies in items]),
    )
    offset = _offset(mode, offset_mm, defaults.offset_mm)
    _check_offset(
        site,
        chosen,
        start_position,
        sum(n for _, n in contents),
        offset,
        given=offset_mm is not None,
        background=chosen_design.background is not None,
    )
    options = {
        "mode": mode,
        "offset_mm": offset,
        "min_qr_mm": defaults.min_qr_mm if min_qr_mm is None else min_qr_mm,
        "show_price": price,
        "show_payment": payment,
        "meta": meta,
        "design": chosen_design,
    }
    return _sheets_in_chunks(site, contents, chosen, start_position, options, progress)


def sticker_content(
    site: Site, item: Item, urls: Urls, *, price: bool, payment: bool, brand: str | None
) -> Any:
    """What `item`'s sticker prints (a `StickerContent`): its titles in the languages a
    sticker prints, its short URL and code, and, as asked, its price, its payment code and
    the brand (`brand`, when the design prints one). What is not printed is left out:
    less work, and the cached sheets do not depend on it. `check` lays out the same."""
    from site_builder.print import PaymentQr, StickerContent

    config = site.config
    url = urls.short_url(item.code)
    return StickerContent(
        code=item.code,
        short_url=url,
        names=sticker_names(site, item),
        price_text=format_price(item.price, config.source_language) if price else None,
        qr=make_qr(url, config.qr_error_correction),
        payment=_payment_qr(item, PaymentQr) if payment else None,
        brand=brand,
    )


def sticker_named(site: Site, exc: SiteError) -> SiteError:
    """A sticker that does not fit its label (`exc`, as `layout_sticker` raised it or the
    drawing process reported it), named where the member changes it: the title line of
    the item's source text (its names too long), its item.yaml's payment account holder
    (the payment caption's lines), its code (the short URL), or its item.yaml (anything
    else); `exc` itself when it names no item. The build and `check` both say this."""
    msg = exc.args[0] if exc.args else None
    if not isinstance(msg, Msg) or not msg.template.startswith("sticker {code}:"):
        return exc
    code = msg.params.get("code")
    item = site.by_code(code) if isinstance(code, str) else None
    if item is None:
        return exc
    path = item.folder / "item.yaml"
    if "lines" in msg.params:  # (the payment caption: payment.label lines)
        pay = item.facts.payment
        field = ("payment", "account_name") if pay and pay.account_name else ("payment",)
        return ContentError(path, line_of(path, field), ".".join(field), msg)
    if "url" in msg.params:  # (the short URL: short_base and the item's code)
        return ContentError(path, line_of(path, "code"), "code", msg)
    words = item.translations.get(site.config.source_language)
    if "lengths" in msg.params and words is not None:
        return ContentError(words.source, title_line(words.source), "title", msg)
    return ContentError(path, None, None, msg)


def _check_offset(
    site: Site,
    template: Any,
    start: int,
    total: int,
    offset: tuple[float, float],
    *,
    given: bool,
    background: bool,
) -> None:
    """Refuse an offset that moves a label's ink off the paper or into a home printer's
    blank edge (`offset_refusal`, which `check` asks too), naming where it was given (the
    option, or site.yaml's field and line) and the offsets this sheet allows."""
    from site_builder.print.sticker_sheets import offset_refusal

    config = None if given else site.config
    error = offset_refusal(template, start, total, offset, background=background, config=config)
    if error is not None:
        raise error


def _offset(
    mode: str, given: tuple[float, float] | None, configured: tuple[float, float]
) -> tuple[float, float]:
    """The calibration offset: it corrects a home printer's drift, so a print shop's file
    (cut lines and crop marks exactly on the template) takes none: site.yaml's is left
    out, and one given for it is refused."""
    if mode != "printshop":
        return given if given is not None else configured
    if given is not None and any(given):
        from site_builder.print_errors import StickerError

        raise StickerError(
            Msg(
                "--offset-x and --offset-y correct a home printer's drift; a print shop's file "
                "keeps its cut lines exactly on the template. Leave them out with --mode "
                "printshop."
            )
        )
    return (0.0, 0.0)


# A long run of stickers is rendered (and cached) eight sheets at a time. Each WeasyPrint
# document has costs of its own (fonts subset, styles computed, PDF objects written):
# eight-sheet chunks take about a tenth less time than four-sheet ones and leave half as
# many PDFs to join, while an edit to one item still redraws only its chunk (half a
# second on one core for 168 stickers).
SHEETS_PER_CHUNK = 8


def _sheets_in_chunks(
    site: Site,
    contents: list[Any],
    template: Any,
    start: int,
    options: dict[str, Any],
    progress: Any = None,
) -> bytes:
    """Render the sheets in chunks of whole sheets, in parallel, each cached by its inputs;
    join them into one PDF. An edit to one item re-renders one chunk."""
    from site_builder import cache

    per_sheet = template.columns * template.rows
    singles = [c for c, copies in contents for _copy in range(copies)]
    first = max(0, min(per_sheet * SHEETS_PER_CHUNK - (start - 1), len(singles)))
    groups = [singles[:first]] if first or not singles else []
    step = per_sheet * SHEETS_PER_CHUNK
    groups += [singles[i : i + step] for i in range(first, len(singles), step)]
    jobs = []
    for n, group in enumerate(groups or [[]]):
        runs: list[tuple[Any, int]] = []
        for c in group:
            if runs and runs[-1][0] is c:
                runs[-1] = (c, runs[-1][1] + 1)
            else:
                runs.append((c, 1))
        jobs.append((runs, start if n == 0 else 1))
    memo = cache.current()
    templates = str(site.config.templates_dir)
    base = _sticker_inputs(site)
    keys = [
        cache.digest(base, repr(("stickers", template, runs, first_pos, options)))
        for runs, first_pos in jobs
    ]
    results: list[bytes | None] = [memo.file(k) if memo is not None else None for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:  # done once, before the workers are forked: they share it
        from site_builder.print import engine

        _sticker_env(templates)
        engine.prepare()
    args = [(templates, template, jobs[i][0], jobs[i][1], options) for i in todo]
    done: list[Any] = []
    if progress is not None:
        from site_builder.messages import _

        progress.start(len(jobs), _("Sticker sheets"))
        progress.advance(len(jobs) - len(todo))  # from the cache
    step = max(1, jobs_count()) if progress is not None else max(1, len(args))
    with gc_frozen():
        for i in range(0, len(args), step):  # a batch per core, so progress can show
            done += parallel_map(_sticker_job, args[i : i + step])
            if progress is not None:
                progress.advance(len(args[i : i + step]))
    if progress is not None:
        progress.done()
    for i, (status, value) in zip(todo, done, strict=True):
        if status != "ok":
            raise _job_error(site, status, value)
        results[i] = value
        if memo is not None:
            memo.put_file(keys[i], value)
    pdfs = [r for r in results if r is not None]
    return pdfs[0] if len(pdfs) == 1 else _join(pdfs)


def _sticker_inputs(site: Site) -> str:
    """What every sticker chunk depends on besides its own data: the tool's version, the
    print templates and the fonts (hashed once for all chunks)."""
    return _inputs_digest(site, ("stickers",))


@functools.lru_cache(maxsize=8)
def _sticker_env(templates: str) -> jinja2.Environment:
    """The print templates' environment, one per process (Jinja reloads a template
    whose file changed)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    with contextlib.suppress(jinja2.TemplateError, OSError):  # the job reports it
        env.get_template("print/stickers.html")
    return env


def _sticker_job(
    templates: str, template: Any, runs: list[tuple[Any, int]], start: int, options: dict[str, Any]
) -> tuple[str, Any]:
    from site_builder.print import PrintError, render_sticker_sheet

    env = _sticker_env(templates)
    try:
        return (
            "ok",
            render_sticker_sheet(runs, template, env=env, start_position=start, **options),
        )
    except PrintError as exc:  # the message as it was raised (a Msg stays translatable)
        return ("print", raised_message(exc))
    except jinja2.TemplateError as exc:
        error = template_error(exc, Path(templates) / "print/stickers.html")
        return ("template", (str(error.path), error.line, error.message))


def _join(pdfs: list[bytes]) -> bytes:
    """One PDF of several, with the first one's metadata and a fixed identifier."""
    import io

    from pypdf import PdfReader, PdfWriter

    from site_builder.vendor.pypdf_shim import set_file_id, set_language

    writer = PdfWriter()
    first = PdfReader(io.BytesIO(pdfs[0]))
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    if first.metadata:
        writer.add_metadata(dict(first.metadata))
    writer.compress_identical_objects()
    set_file_id(writer, cache_digest_bytes(pdfs))
    root: Any = first.trailer["/Root"]
    if root.get("/Lang"):
        set_language(writer, root["/Lang"])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cache_digest_bytes(parts: list[bytes]) -> bytes:
    from site_builder import cache

    return bytes.fromhex(cache.digest(*parts))[:16]


def _payment_qr(item: Item, payment_qr: Any) -> Any:
    info = item.facts.payment
    return payment_qr.from_info(info) if info is not None else None


def content_date(site: Site, items: Sequence[Item] = ()) -> dt.date:
    """A date from the content (never the clock), so the same input gives the same PDF."""
    dates = [d for i in (items or site.items) if (d := i.facts.updated)]
    dates += [b.date for b in site.booklets]
    return max(dates) if dates else dt.date(2026, 1, 1)


def _author(site: Site) -> str:
    return organisation(site)


def booklet_docs(r: HtmlRenderer, booklet: Booklet) -> list[Any]:
    """One BookletDoc per language of the site."""
    from site_builder.print import BookletChapter, BookletDoc, PaymentQr, PdfMeta

    site, urls = r.site, r.urls
    config = site.config
    docs = []
    for lang in config.languages:
        _ = r.catalogs[lang].gettext
        chapters = []
        for key in booklet.entries:
            thing = site.by_key(key)
            assert thing is not None
            shown = with_fallback(thing, lang, config)  # None: `omit`, not in this language
            tr = shown or thing.translations[config.source_language]
            notice = ""
            if shown is not None and shown.fallback:  # the site's own notice, in `lang`
                notice = _(
                    "This page has not been translated yet. It is shown in %(language)s."
                ) % {"language": language_name(tr.lang, lang)}
            if isinstance(thing, Item):
                # the permanent short URL, as on the stickers: it survives renamed folders
                url = urls.short_url(thing.code)
                image = thing.images[0]
                chapters.append(
                    BookletChapter(
                        title=tr.title,
                        lang=tr.lang,
                        image_path=_print_photo(site, thing, image),
                        image_alt=tr.alt.get(image.file, ""),
                        body_html=tr.body_html,
                        qr=make_qr(url, config.qr_error_correction),
                        url=url,
                        facts=_facts(site, thing, lang, _, r.catalogs[lang].ngettext),
                        payment=_payment_qr(thing, PaymentQr) if booklet.show_payment else None,
                        notice=notice,
                        omitted=shown is None,
                    )
                )
            else:
                assert isinstance(thing, Page)
                # a page has no printed code: no QR that a renamed folder would break
                chapters.append(
                    BookletChapter(
                        title=tr.title,
                        lang=tr.lang,
                        image_path=None,
                        image_alt="",
                        body_html=tr.body_html,
                        qr=None,
                        url="",
                        notice=notice,
                        omitted=shown is None,
                    )
                )
        back_url = urls.short_url(booklet.code) if booklet.code else ""
        title = booklet.title.get(lang) or booklet.title[config.source_language]
        docs.append(
            BookletDoc(
                title=title,
                intro_html=booklet.intro_html.get(lang, ""),
                cover_image=_print_copy(config.root, booklet.cover) if booklet.cover else None,
                lang=lang,
                chapters=tuple(chapters),
                back_qr=make_qr(back_url, config.qr_error_correction) if back_url else None,
                back_url=back_url,
                meta=PdfMeta(title=title, lang=lang, author=_author(site), date=booklet.date),
                min_qr_mm=sticker_settings(site).min_qr_mm,
            )
        )
    return docs


def _print_photo(site: Site, item: Item, image: Any) -> Path:
    """The photo file to print: the whole photo, or the part `print_crop` asks for."""
    from site_builder.cache import CACHE_DIR
    from site_builder.content.print_crop import cropped_copy

    source = Path(_print_copy(site.config.root, image))  # upright, sRGB, print-sized
    box = (item.facts.print_crop or {}).get(image.file)
    if box is None or source.suffix.lower() == ".svg":  # a vector is printed whole
        return source
    return cropped_copy(source, box, site.config.root / CACHE_DIR / "print-crops")


def _facts(
    site: Site, item: Item, lang: str, _: Any, r_ngettext: Any
) -> tuple[tuple[str, str], ...]:
    facts = [(_("Price"), format_price(item.price, lang))]
    own = kinds.get(item.kind)
    group = site.category_name(own.group_table, item.facts.group, lang)
    facts += own.print_facts(item.facts.own, group, _, r_ngettext)
    facts.append((_("Commune"), site.category_name("communes", item.facts.commune, lang)))
    return tuple(facts)


def booklet_pdfs(
    r: HtmlRenderer,
    booklet: Booklet,
    warnings: list[str] | None = None,
    *,
    photo_check: bool = False,
) -> dict[str, bytes]:
    """file name -> PDF: one per language, a bilingual edition, and imposed copies if asked.

    A language the print font cannot draw (e.g. zh with the Latin + Vietnamese font) gets
    no PDF and a warning, instead of a PDF with missing letters. Editions are rendered in
    parallel on the machine's cores and remembered in the build cache by their inputs.
    """
    from site_builder.print import saddle_stitch
    from site_builder.print.booklet import low_resolution_photos

    site = r.site
    docs = booklet_docs(r, booklet)
    size: Any = booklet.page_size  # checked against A5 | A6 | A4 when loaded
    if warnings is not None:
        warnings += _unprinted_pictures(booklet, docs)
    # for the print shop (`booklet` command), not on every preview build
    if warnings is not None and photo_check:
        for path, ppi in low_resolution_photos(_printed_photos(site, booklet), size):
            where = (
                path.relative_to(site.config.root)
                if path.is_relative_to(site.config.root)
                else path
            )
            warnings.append(
                Msg(
                    "{photo}: prints at {ppi} ppi in the booklet {booklet} (below 200 ppi, it "
                    "looks soft on paper). Use a larger photo.",
                    photo=where.as_posix(),
                    ppi=ppi,
                    booklet=booklet.slug,
                )
            )
    jobs = [(f"{booklet.slug}-{doc.lang}.pdf", "one", (doc,)) for doc in docs]
    edition = tuple(docs[:EDITION_LANGUAGES])
    if len(edition) > 1:
        name = "-".join(d.lang for d in edition)
        jobs.append((f"{booklet.slug}-{name}.pdf", "bilingual", edition))
    results = run_print_jobs(site, [(kind, payload, size) for _, kind, payload in jobs])
    out: dict[str, bytes] = {}
    failed: set[str] = set()
    for (name, kind, payload), (status, value) in zip(jobs, results, strict=True):
        if status == "font" and warnings is not None and kind == "one":
            lang = payload[0].lang
            if lang != site.config.source_language:
                warnings.append(f"no {lang} PDF of the booklet {booklet.slug}: {value}")
                failed.add(lang)
                continue
        if status != "ok":
            raise _job_error(site, status, value)
        assert isinstance(value, bytes)
        if kind == "bilingual" and failed & {d.lang for d in payload}:
            continue
        out[name] = value
    if booklet.saddle_stitch:
        for name in list(out):
            out[name.replace(".pdf", "-saddle-stitch.pdf")] = saddle_stitch(out[name])
    return out


def _printed_photos(site: Site, booklet: Booklet) -> list[tuple[Path, tuple[int, int], bool]]:
    """(source file, pixels printed, is the cover) of every photo the booklet prints."""
    out: list[tuple[Path, tuple[int, int], bool]] = []
    if booklet.cover is not None:
        out.append((booklet.cover.path, (booklet.cover.width, booklet.cover.height), True))
    for key in booklet.entries:
        thing = site.by_key(key)
        if isinstance(thing, Item) and thing.images:
            image = thing.images[0]
            box = (thing.facts.print_crop or {}).get(image.file) or (0, 0, 100, 100)
            pixels = (
                round(image.width * (box[2] - box[0]) / 100),
                round(image.height * (box[3] - box[1]) / 100),
            )
            out.append((image.path, pixels, False))
    return out


_IMG_SRC = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"", re.I)


def _unprinted_pictures(booklet: Booklet, docs: Sequence[Any]) -> list[str]:
    """A picture a story names (on the web or elsewhere) is not fetched for the PDF
    (print/engine.py loads only the item's photos): say so, naming it."""
    import html

    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        texts = [(doc.title, doc.intro_html)] + [
            (c.title, c.body_html) for c in doc.chapters if not c.omitted
        ]
        for title, body in texts:
            for src in _IMG_SRC.findall(body or ""):
                src = html.unescape(src)
                if (title, src) in seen:
                    continue
                seen.add((title, src))
                out.append(
                    Msg(
                        "booklet {booklet}, '{title}': the picture {src} is not printed (a "
                        "booklet prints only the items' own photos, never a file from "
                        "elsewhere or the web).",
                        booklet=booklet.slug,
                        title=title,
                        src=src[:120],
                    )
                )
    return out


def _inputs_digest(site: Site, docs: Any) -> str:
    """Everything a print job depends on besides its own data: templates, fonts, images."""
    from site_builder import __version__, cache

    parts: list[bytes | str] = [__version__, repr(docs)]
    folders = [site.config.templates_dir / "print", Path(__file__).parent.parent / "fonts"]
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                parts += [path.name, _file_digest(path)]
    for path in sorted(set(_image_paths(docs))):
        parts.append(_file_digest(path))
    return cache.digest(*parts)


def _file_digest(path: Path) -> str:
    """A file's content hash, read once per process while it stays as it was (every
    sticker chunk and booklet edition depends on the same fonts and templates)."""
    return content_digest(path)


def _image_paths(value: Any) -> list[Path]:
    """Every Path inside a print job's data (the photos it embeds), fast: QR matrices and
    other plain values are skipped whole."""
    found: list[Path] = []
    if isinstance(value, (QrSymbol, str, bytes, int, float, bool)) or value is None:
        return found
    if isinstance(value, Path):
        found.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            found += _image_paths(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            found += _image_paths(getattr(value, f.name))
    return found


def run_print_jobs(site: Site, jobs: list[tuple[str, Any, str]]) -> list[tuple[str, Any]]:
    """Render print jobs (kind, payload, page size): cached ones from the cache, the rest in
    parallel worker processes. Results are the same bytes a serial run gives."""
    from site_builder import cache

    memo = cache.current()
    keys = [_inputs_digest(site, (kind, payload, size)) for kind, payload, size in jobs]
    results: list[tuple[str, Any] | None] = [None] * len(jobs)
    todo = []
    for i, key in enumerate(keys):
        data = memo.file(key) if memo is not None else None
        if data is not None:
            results[i] = ("ok", data)
        else:
            todo.append(i)
    templates = str(site.config.templates_dir)
    args = [(templates, *jobs[i]) for i in todo]
    for i, result in zip(todo, parallel_map(_print_job, args), strict=True):
        results[i] = result
        if result[0] == "ok" and memo is not None:
            memo.put_file(keys[i], result[1])
    return [r for r in results if r is not None]


def _print_job(templates: str, kind: str, payload: Any, size: Any) -> tuple[str, Any]:
    """One PDF, in a worker process: ("ok", bytes) or (error kind, message)."""
    from site_builder.print import FontError, PrintError, render_bilingual_booklet, render_booklet

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    try:
        if kind == "one":
            return ("ok", render_booklet(payload[0], env=env, page_size=size))
        return ("ok", render_bilingual_booklet(list(payload), env=env, page_size=size))
    except FontError as exc:
        return ("font", str(exc))
    except PrintError as exc:
        return ("print", str(exc))
    except jinja2.TemplateError as exc:
        error = template_error(exc, Path(templates) / "print/booklet.html")
        return ("template", (str(error.path), error.line, error.message))


def _job_error(site: Site, status: str, value: Any) -> Exception:
    if status == "template":
        path, line, message = value
        return ContentError(
            Path(path), line, None, message, "Fix the template; the site was not changed."
        )
    return SiteError(value if isinstance(value, str) else str(value))  # a Msg stays one


def _print_copy(root: Path, image: Image) -> Path:
    """render/images.py's `print_copy`, imported when a PDF shows a photo (Pillow)."""
    from site_builder.render.images import print_copy

    return print_copy(root, image)
