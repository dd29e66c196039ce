"""The members' print page (/<lang>/print/): every item's printed QR code to download.

Print material is for the cooperative's members, not for the tourist who scanned a box:
it lives here (linked from the footer), never on item pages, and search engines are
asked not to index it (it is not in the sitemap either).
"""

from __future__ import annotations

from typing import Any

from site_builder.content.translations import with_fallback
from site_builder.render.html import HtmlRenderer, Output
from site_builder.urls import PRINT_SECTION


def members_print_page(r: HtmlRenderer, lang: str) -> Output:
    site, urls = r.site, r.urls
    rows: list[dict[str, Any]] = []
    for item in site.items:
        tr = with_fallback(item, lang, site.config)
        if tr is None:
            tr = with_fallback(item, site.config.source_language, site.config)
        if tr is None:
            continue
        pay = item.facts.payment
        rows.append(
            {
                "code": item.code,
                "title": tr.title,
                "text_lang": tr.lang,
                "url": urls.page(tr.lang, item.kind, item.slug),
                "short_url": urls.short_url(item.code),
                "qr_svg": urls.url(urls.qr_file(item.code, "svg")),
                "qr_png": urls.url(urls.qr_file(item.code, "png")),
                "pay_svg": urls.url(urls.pay_file(item.code, "svg")) if pay else None,
                "pay_png": urls.url(urls.pay_file(item.code, "png")) if pay else None,
            }
        )
    rows.sort(key=lambda row: row["code"])
    _ = r.catalogs[lang].gettext
    title = _("QR codes for print")
    context = r.chrome(lang, lambda other: urls.page(other, PRINT_SECTION), title)
    context.update(rows=rows)
    return Output(
        urls.page_file(lang, PRINT_SECTION), r.render("print.html", lang, **context), lang
    )
