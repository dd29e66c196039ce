"""The pages that need no language: QR landing pages, the site root, 404, sitemap."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from site_builder.config import SiteConfig
from site_builder.content.model import Item
from site_builder.content.translations import with_fallback
from site_builder.render.html import HtmlRenderer, Output

LABELS = {  # shown on language-neutral pages; a language without an entry uses its own name
    "vi": {
        "open": "Đọc bằng tiếng Việt",
        "back": "Về trang chủ",
        "lost": "Không tìm thấy trang này",
    },
    "en": {"open": "Read in English", "back": "Go to the home page", "lost": "Page not found"},
}


def _label(lang: str, key: str, name: str) -> str:
    return LABELS.get(lang, {}).get(key, name)


def _targets(choices: list[dict[str, Any]], config: SiteConfig) -> str:
    """{lang: url, "_": the language for a phone that asks for none of them}.

    The page's script tries the remembered choice, then the phone's languages, then "_"
    (site.yaml `visitor_language`, default English where the site has it), then the
    source language.
    """
    targets: dict[str, str] = {c["lang"]: c["url"] for c in choices}
    fallback = config.fallback_language
    targets["_"] = fallback if fallback in targets else config.source_language
    text = json.dumps(targets, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    return Markup(text)  # JSON inside <script>: escaped for that context, not for HTML


def landing_pages(
    r: HtmlRenderer, code: str, item: Item, paths: tuple[str, ...] | None = None
) -> list[Output]:
    """`Q/<CODE>`: pick the visitor's language (or their remembered choice), else show both."""
    config, urls = r.site.config, r.urls
    choices = []
    for lang in config.languages:
        tr = with_fallback(item, lang, config)
        if tr is None or tr.fallback:
            continue
        url = urls.page(lang, item.kind, item.slug)
        from site_builder.i18n import language_name

        choices.append(
            {
                "lang": lang,
                "title": tr.title,
                "url": url,
                "absolute": urls.absolute(url),
                "label": _label(lang, "open", language_name(lang)),
            }
        )
    data = r.render(
        "landing.html",
        config.source_language,
        social=_social(r, code, item, choices),
        choices=choices,
        code=code,
        source_lang=config.source_language,
        targets_json=_targets(choices, config),
    )
    return [Output(path, data, None, "landing") for path in paths or urls.landing_files(code)]


def _social(
    r: HtmlRenderer, code: str, item: Item, choices: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """Open Graph and Twitter tags of a landing page: what a shared short link previews
    (the item's photo, its title and summary in every language)."""
    from site_builder.render.structured import preview_image

    image = preview_image(item, r.urls)
    title = " · ".join(c["title"] for c in choices)
    summaries = [item.translations[c["lang"]].summary or "" for c in choices]
    summary = " · ".join(s for s in summaries if s)
    url = r.urls.absolute(r.urls.url(r.urls.landing_files(code)[0]))
    tags = [("og:type", "product"), ("og:title", title), ("og:description", summary)]
    tags += [("og:url", url), ("og:image", image["url"])]
    if image["width"]:
        tags += [("og:image:width", str(image["width"])), ("og:image:height", str(image["height"]))]
    out = [{"property": k, "content": v} for k, v in tags]
    out += [
        {"name": "twitter:card", "content": "summary_large_image"},
        {"name": "twitter:title", "content": title},
        {"name": "twitter:description", "content": summary},
        {"name": "twitter:image", "content": image["url"]},
    ]
    return out


def root_page(r: HtmlRenderer) -> Output:
    from site_builder.i18n import language_name

    config, urls = r.site.config, r.urls
    choices = [
        {
            "lang": lang,
            "title": config.title.get(lang) or config.title[config.source_language],
            "url": urls.home(lang),
            "absolute": urls.absolute(urls.home(lang)),
            "label": _label(lang, "open", language_name(lang)),
        }
        for lang in config.languages
    ]
    data = r.render(
        "choose.html",
        config.source_language,
        choices=choices,
        source_lang=config.source_language,
        targets_json=_targets(choices, config),
    )
    return Output("index.html", data, None, "root")


def not_found_page(r: HtmlRenderer) -> Output:
    config, urls = r.site.config, r.urls
    choices = [
        {
            "lang": lang,
            "site_title": config.title.get(lang) or config.title[config.source_language],
            "heading": _label(lang, "lost", "404"),
            "back": _label(lang, "back", lang),
            "url": urls.home(lang),
        }
        for lang in config.languages
    ]
    data = r.render(
        "404.html", config.source_language, choices=choices, source_lang=config.source_language
    )
    return Output("404.html", data, None, "404")


def sitemap(r: HtmlRenderer, groups: list[dict[str, str]]) -> Output:
    """sitemap.xml: one <url> per page and language, with every language and x-default as
    alternates.

    `groups` are {lang: site-relative url} for the pages that are one page in several languages.
    """
    from xml.sax.saxutils import escape, quoteattr  # (imports urllib: only here)

    urls = r.urls
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    source = r.site.config.source_language
    for group in groups:
        if not group:
            continue
        # x-default: the page in the source language, as each page's own <head> says
        default = group.get(source) or next(iter(group.values()))
        links = [*group.items(), ("x-default", default)]
        for url in group.values():
            lines.append(f"<url><loc>{escape(urls.absolute(url))}</loc>")
            for other, other_url in links:
                lines.append(
                    f'<xhtml:link rel="alternate" hreflang={quoteattr(other)} '
                    f"href={quoteattr(urls.absolute(other_url))}/>"
                )
            lines.append("</url>")
    lines.append("</urlset>")
    return Output("sitemap.xml", ("\n".join(lines) + "\n").encode("utf-8"), None, "sitemap")
