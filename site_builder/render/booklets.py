"""E-booklets on the web: a cover with contents, then one chapter per entry."""

from __future__ import annotations

from typing import Any

from site_builder.content.model import Booklet, Item, Site
from site_builder.content.translations import with_fallback
from site_builder.render import variants
from site_builder.render.html import HtmlRenderer, Output
from site_builder.urls import Urls


def booklet_pages(
    r: HtmlRenderer, booklet: Booklet, lang: str, pdfs: list[dict[str, str]]
) -> list[Output]:
    site, urls = r.site, r.urls
    config = site.config
    chapters: list[dict[str, Any]] = []
    texts: dict[str, Any] = {}  # kept out of the views: a page depends only on its own story
    for key in booklet.entries:
        thing = site.by_key(key)
        assert thing is not None  # checked when the booklet was loaded
        tr = with_fallback(thing, lang, config)
        if tr is None:
            continue
        slug = key.replace("/", "-")
        chapter: dict[str, Any] = {
            "key": key,
            "slug": slug,
            "title": tr.title,
            "fallback": tr.fallback,
            "text_lang": tr.lang,
            "number": len(chapters) + 1,
            "url": urls.url(urls.booklet_file(lang, booklet.slug, slug)),
            "image": None,
            "item_url": None,
        }
        if isinstance(thing, Item):
            im = thing.images[0]
            chapter["image"] = variants.picture(
                urls, thing.kind, thing.slug, im, tr.alt.get(im.file, ""), variants.SIZES["photo"]
            )
            chapter["item_url"] = urls.page(lang, thing.kind, thing.slug)
        texts[key] = tr
        chapters.append(chapter)
    for i, ch in enumerate(chapters):
        ch["prev"] = chapters[i - 1] if i > 0 else None
        ch["next"] = chapters[i + 1] if i + 1 < len(chapters) else None
    title = booklet.title.get(lang) or booklet.title[config.source_language]
    view: dict[str, Any] = {
        "title": title,
        "url": urls.url(urls.booklet_file(lang, booklet.slug)),
        "intro_html": booklet.intro_html.get(lang, ""),
        "chapters": chapters,
        "pdfs": pdfs,
        "cover": None,
    }
    if booklet.cover is not None:
        view["cover"] = variants.picture(
            urls, "booklets", booklet.slug, booklet.cover, "", variants.SIZES["cover"]
        )
    langs = [lg for lg in config.languages if lg in booklet.title or lg == lang]

    def cover_here(other: str) -> str | None:
        return urls.url(urls.booklet_file(other, booklet.slug)) if other in langs else None

    context = r.chrome(lang, cover_here, title)
    context.update(booklet=view, description=r.description(lang, lead=title))
    out = [
        Output(
            urls.booklet_file(lang, booklet.slug), r.render("booklet.html", lang, **context), lang
        )
    ]
    for ch in chapters:
        thing = site.by_key(ch["key"])

        def here(other: str, slug: str = ch["slug"], thing: Any = thing) -> str | None:
            if with_fallback(thing, other, config) is None:
                return None
            return urls.url(urls.booklet_file(other, booklet.slug, slug))

        assert thing is not None
        context = r.chrome(lang, here, ch["title"], thing.translations.__contains__)
        text = texts[ch["key"]]
        lead = f"{title} · {ch['title']}" if text.lang == lang else title
        context.update(
            booklet=view, chapter=ch, text=text, description=r.description(lang, text, lead)
        )
        out.append(
            Output(
                urls.booklet_file(lang, booklet.slug, ch["slug"]),
                r.render("chapter.html", lang, **context),
                lang,
            )
        )
    return out


def booklet_sitemap_groups(site: Site, urls: Urls) -> list[dict[str, str]]:
    """Every booklet's cover and chapters as sitemap groups ({lang: url}): the languages
    each is written in (a chapter shown in a fallback language is not listed for it)."""
    groups: list[dict[str, str]] = []
    langs = site.config.languages
    for booklet in site.booklets:
        groups.append(
            {
                lg: urls.url(urls.booklet_file(lg, booklet.slug))
                for lg in langs
                if lg in booklet.title
            }
        )
        for key in booklet.entries:
            thing = site.by_key(key)
            if thing is None:
                continue
            slug = key.replace("/", "-")
            group = {
                lg: urls.url(urls.booklet_file(lg, booklet.slug, slug))
                for lg in langs
                if lg in thing.translations
            }
            if group:
                groups.append(group)
    return groups
