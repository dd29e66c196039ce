"""Model -> print documents: sticker sheets and booklet PDFs (engine in site_builder/print)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from site_builder.content import schema as s
from site_builder.content.loader import with_fallback
from site_builder.content.model import Booklet, Item, Page, Site
from site_builder.content.yamlsource import parse_yaml, read_text
from site_builder.errors import Collector
from site_builder.i18n import format_price
from site_builder.render.html import HtmlRenderer, template_error
from site_builder.render.qr import make_qr
from site_builder.urls import Urls

DEFAULT_TEMPLATE = "L7160"
STICKER_LANGUAGES = 2  # a sticker has room for the names in the site's first two languages
EDITION_LANGUAGES = 2  # the bilingual booklet holds the first two languages


@dataclass(frozen=True)
class StickerSettings:
    template: str = DEFAULT_TEMPLATE
    min_qr_mm: float = 20.0
    show_price: bool = False
    show_payment: bool = False
    offset_mm: tuple[float, float] = (0.0, 0.0)


def sticker_settings(site: Site) -> StickerSettings:
    """The `stickers:` defaults of site.yaml, checked strictly."""
    raw = site.config.stickers
    if not raw:
        return StickerSettings()
    path = site.config.root / "site.yaml"
    _, lines = parse_yaml(read_text(path), path)
    errors = Collector()

    def mm(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise s.Problem(f"expected a length in mm, found {s.describe(value)}.", "e.g. 0.5")
        return float(value)

    def yes_no(value: Any) -> bool:
        if not isinstance(value, bool):
            raise s.Problem(
                f"expected yes or no, found {s.describe(value)}.", "Write true or false."
            )
        return value

    fields = [
        s.Field("template", s.text, required=False),
        s.Field("min_qr_mm", mm, required=False),
        s.Field("show_price", yes_no, required=False),
        s.Field("show_payment", yes_no, required=False),
        s.Field("offset_x_mm", mm, required=False),
        s.Field("offset_y_mm", mm, required=False),
    ]
    clean = s.check_mapping(raw, fields, lines, errors, prefix=("stickers",)) or {}
    errors.raise_if_any()
    return StickerSettings(
        template=clean.get("template") or DEFAULT_TEMPLATE,
        min_qr_mm=clean.get("min_qr_mm") or 20.0,
        show_price=bool(clean.get("show_price")),
        show_payment=bool(clean.get("show_payment")),
        offset_mm=(clean.get("offset_x_mm") or 0.0, clean.get("offset_y_mm") or 0.0),
    )


def print_env(site: Site) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(site.config.templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def label_template(site: Site, name: str) -> Any:
    from site_builder.print import custom_template, get_template

    path = site.config.root / "site.yaml"
    custom = {}
    if site.config.label_templates:
        _, lines = parse_yaml(read_text(path), path)
        for key, mapping in site.config.label_templates.items():
            custom[key] = custom_template(key, mapping, path, lines.line(("labels", key)))
    return get_template(name, custom)


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
) -> bytes:
    """A sticker-sheet PDF for `items` (with copy counts), in order."""
    from site_builder.print import PaymentQr, PdfMeta, StickerContent, render_sticker_sheet

    config = site.config
    defaults = sticker_settings(site)
    urls = Urls(config)
    contents = []
    for item, copies in items:
        names = tuple(
            (lang, tr.title)
            for lang in config.languages[:STICKER_LANGUAGES]
            if (tr := item.translations.get(lang)) is not None
        )
        url = urls.short_url(item.code)
        contents.append(
            (
                StickerContent(
                    code=item.code,
                    short_url=url,
                    names=names,
                    price_text=format_price(item.price, config.source_language),
                    qr=make_qr(url, config.qr_error_correction),
                    payment=_payment_qr(item, PaymentQr),
                ),
                copies,
            )
        )
    chosen = label_template(site, template or defaults.template)
    title = config.title[config.source_language]
    meta = PdfMeta(
        title=f"{title} — QR stickers {chosen.name}",
        lang=config.source_language,
        author=_author(site),
        date=day or content_date(site, [i for i, _ in items]),
    )
    try:
        return render_sticker_sheet(
            contents,
            chosen,
            env=print_env(site),
            mode=mode,  # type: ignore[arg-type]
            start_position=start_position,
            offset_mm=offset_mm if offset_mm is not None else defaults.offset_mm,
            min_qr_mm=min_qr_mm or defaults.min_qr_mm,
            show_price=defaults.show_price if show_price is None else show_price,
            show_payment=defaults.show_payment if show_payment is None else show_payment,
            meta=meta,
        )
    except jinja2.TemplateError as exc:
        raise template_error(exc, config.templates_dir / "print/stickers.html") from exc


def _payment_qr(item: Item, payment_qr: Any) -> Any:
    info = item.facts.get("payment")
    return payment_qr.from_info(info) if info is not None else None


def content_date(site: Site, items: Sequence[Item] = ()) -> dt.date:
    """A date from the content (never the clock), so the same input gives the same PDF."""
    dates = [i.facts["updated"] for i in (items or site.items) if i.facts.get("updated")]
    dates += [b.date for b in site.booklets]
    return max(dates) if dates else dt.date(2026, 1, 1)


def _author(site: Site) -> str:
    org = site.config.contact.get("organisation") or {}
    return org.get(site.config.source_language) or site.config.title[site.config.source_language]


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
            tr = with_fallback(thing, lang, config) or thing.translations[config.source_language]
            if isinstance(thing, Item):
                url = urls.absolute(urls.page(lang, thing.kind, thing.slug))
                image = thing.images[0]
                chapters.append(
                    BookletChapter(
                        title=tr.title,
                        lang=tr.lang,
                        image_path=image.path,
                        image_alt=tr.alt.get(image.file, ""),
                        body_html=tr.body_html,
                        qr=make_qr(url, config.qr_error_correction),
                        url=url,
                        facts=_facts(site, thing, lang, _, r.catalogs[lang].ngettext),
                        payment=_payment_qr(thing, PaymentQr) if booklet.show_payment else None,
                    )
                )
            else:
                assert isinstance(thing, Page)
                url = urls.absolute(urls.page(lang, "pages", thing.slug))
                chapters.append(
                    BookletChapter(
                        title=tr.title,
                        lang=tr.lang,
                        image_path=None,
                        image_alt="",
                        body_html=tr.body_html,
                        qr=make_qr(url, config.qr_error_correction),
                        url=url,
                    )
                )
        back_url = urls.absolute(urls.url(urls.booklet_file(lang, booklet.slug)))
        title = booklet.title.get(lang) or booklet.title[config.source_language]
        docs.append(
            BookletDoc(
                title=title,
                intro_html=booklet.intro_html.get(lang, ""),
                cover_image=booklet.cover.path if booklet.cover else None,
                lang=lang,
                chapters=tuple(chapters),
                back_qr=make_qr(back_url, config.qr_error_correction),
                back_url=back_url,
                meta=PdfMeta(title=title, lang=lang, author=_author(site), date=booklet.date),
            )
        )
    return docs


def _facts(
    site: Site, item: Item, lang: str, _: Any, r_ngettext: Any
) -> tuple[tuple[str, str], ...]:
    facts = [(_("Price"), format_price(item.price, lang))]
    if item.kind == "dolls":
        facts.append(
            (
                _("Costume of the people"),
                site.category_name("ethnic_groups", item.facts["ethnic_group"], lang),
            )
        )
        facts.append((_("Made by"), item.facts["maker"]))
    else:
        stars = item.facts["stars"]
        rating = r_ngettext("%(num)d star", "%(num)d stars", stars) % {"num": stars}
        facts.append((_("OCOP rating"), f"{rating} ({item.facts['certified_year']})"))
        facts.append((_("Net weight"), item.facts["net_weight"]))
        facts.append((_("Producer"), item.facts["producer"]))
    facts.append((_("Commune"), site.category_name("communes", item.facts["commune"], lang)))
    return tuple(facts)


def booklet_pdfs(
    r: HtmlRenderer, booklet: Booklet, warnings: list[str] | None = None
) -> dict[str, bytes]:
    """file name -> PDF: one per language, a bilingual edition, and imposed copies if asked.

    A language the print font cannot draw (e.g. zh with the Latin + Vietnamese font) gets
    no PDF and a warning, instead of a PDF with missing letters.
    """
    from site_builder.print import (
        FontError,
        render_bilingual_booklet,
        render_booklet,
        saddle_stitch,
    )

    env = print_env(r.site)
    docs = []
    size = booklet.page_size
    out: dict[str, bytes] = {}
    try:
        for doc in booklet_docs(r, booklet):
            try:
                out[f"{booklet.slug}-{doc.lang}.pdf"] = render_booklet(doc, env=env, page_size=size)
            except FontError as exc:
                if warnings is None or doc.lang == r.site.config.source_language:
                    raise
                warnings.append(f"no {doc.lang} PDF of the booklet {booklet.slug}: {exc}")
                continue
            docs.append(doc)
        docs = docs[:EDITION_LANGUAGES]
        if len(docs) > 1:
            name = "-".join(d.lang for d in docs)
            out[f"{booklet.slug}-{name}.pdf"] = render_bilingual_booklet(
                docs, env=env, page_size=size
            )
    except jinja2.TemplateError as exc:
        raise template_error(exc, r.site.config.templates_dir / "print/booklet.html") from exc
    if booklet.saddle_stitch:
        for name in list(out):
            out[name.replace(".pdf", "-saddle-stitch.pdf")] = saddle_stitch(out[name])
    return out
