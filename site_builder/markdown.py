"""One configured Markdown converter, and the sanitiser every story goes through.

Members may write raw HTML in their stories; whatever they write is cleaned to an
allow-list by nh3 (the Ammonia sanitiser), so no script, event handler or
`javascript:` link can reach a tourist's phone.
"""

from __future__ import annotations

import re
import unicodedata

import markdown as md
import nh3

EXTENSIONS = ["extra", "sane_lists"]

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "*": {"id", "lang"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_converter = md.Markdown(extensions=EXTENSIONS, output_format="html")


def render_markdown(text: str) -> str:
    """Markdown -> safe HTML. Headings start at h2 (the page title is the h1).

    The conversion is remembered in the build cache; sanitising is not: it runs on every
    build, so even a tampered cache cannot put a script into a page.
    """
    from site_builder import cache

    memo = cache.current()
    key = cache.digest(text) if memo is not None else ""
    html = memo.markdown.get(key) if memo is not None else None
    if html is None:
        _converter.reset()
        html = _demote_h1(_converter.convert(text))
        if memo is not None:
            memo.markdown.put(key, html)
    return sanitize(html)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _demote_h1(html: str) -> str:
    return re.sub(r"<(/?)h1(\W)", r"<\1h2\2", html)


def slugify(text: str) -> str:
    """Vietnamese-aware slug: 'Búp bê Đồng Văn' -> 'bup-be-dong-van'."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text


def prepare_markdown(texts: list[str]) -> None:
    """Convert many stories at once, on every core, into the build cache (cold builds).

    `render_markdown` then finds each in the cache; the HTML is the same as a serial run's.
    """
    from site_builder import cache
    from site_builder.render.pdf import parallel_map

    memo = cache.current()
    if memo is None:
        return
    todo = sorted({t for t in texts if memo.markdown.get(cache.digest(t)) is None})
    if len(todo) < 64:  # not worth starting workers
        return
    chunks = [todo[i::4] for i in range(4)]
    for result in parallel_map(_convert_chunk, [(c,) for c in chunks if c]):
        for text, html in result:
            memo.markdown.put(cache.digest(text), html)


def _convert_chunk(texts: list[str]) -> list[tuple[str, str]]:
    converter = md.Markdown(extensions=EXTENSIONS, output_format="html")
    out = []
    for text in texts:
        converter.reset()
        out.append((text, _demote_h1(converter.convert(text))))
    return out
