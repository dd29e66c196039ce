"""One configured Markdown converter, and the sanitiser every story goes through.

Members may write raw HTML in their stories; whatever they write is cleaned to an
allow-list by nh3 (the Ammonia sanitiser), so no script, event handler or
`javascript:` link can reach a tourist's phone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from site_builder.markdown_plain import plain_html

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

_SANITIZE: dict[str, Any] = {
    "tags": ALLOWED_TAGS,
    "attributes": ALLOWED_ATTRIBUTES,
    "url_schemes": URL_SCHEMES,
    "link_rel": "noopener noreferrer",
    "strip_comments": True,
}


@functools.cache
def _converter() -> Any:
    """The one Markdown converter of this process (`reset()` per story), made when the
    first story is converted: a command that converts none (a no-change build, `check`
    from the cache) does not import Python-Markdown at all."""
    import markdown as md

    from site_builder import markdown_blocks, markdown_inline

    converter = md.Markdown(extensions=_extensions(), output_format="html")
    markdown_inline.install(converter)  # the same inline step, without hopeless tries
    markdown_blocks.install(converter)  # the same block step, without hopeless tests
    return converter


def converter_ahead() -> None:
    """Make the converter (and the sanitiser) now, ahead of the first story: a command
    about to convert one does it while it waits for something else (preview/quick.py)."""
    _converter()
    _cleaner()


def _extensions() -> list[Any]:
    """`EXTENSIONS`, made here from Python-Markdown's own modules (`extra` as the list of
    extensions it registers): given a name, Python-Markdown first looks it up among every
    installed package's entry points (importlib.metadata reading each package's
    metadata, ~20 ms a command that converts a story)."""
    import importlib

    from markdown.extensions import extra

    names: list[str] = []
    for name in EXTENSIONS:
        names += list(extra.extensions) if name == "extra" else [name]
    return [importlib.import_module(f"markdown.extensions.{n}").makeExtension() for n in names]


@functools.cache
def _cleaner() -> Callable[[str], str]:
    import nh3

    try:  # nh3 >= 0.3 turns the allow-lists into a sanitiser once, not on every call
        return nh3.Cleaner(**_SANITIZE).clean
    except AttributeError:  # pragma: no cover - older nh3
        return functools.partial(nh3.clean, **_SANITIZE)


# Bounded work for any story: Python-Markdown recurses once per level of nesting and
# tries every '[' against every later ']'; deeper or longer than this is refused with a
# message before conversion (a real story stays far below: 5 levels, a few links).
MAX_INDENT = 48  # columns of indentation (tabs count 4): about 12 levels of lists
MAX_QUOTES = 16  # '>' at the start of a line
MAX_BRACKETS = 300  # '[' in one paragraph


_MARKER = re.compile(r"(?:[-*+>]|\d{1,9}[.)])(?:[ \t]+|$)|>")


def _markers(line: str) -> int:
    """How many list items and quotes a line opens at its start ('- - > 1. x': 4)."""
    n, pos = 0, 0
    while n <= MAX_QUOTES:
        m = _MARKER.match(line, pos)
        if m is None or m.end() == pos:
            break
        n, pos = n + 1, m.end()
    return n


def story_limits(text: str) -> tuple[int, str, str] | None:
    """(0-based line, message, hint) of the first thing over the limits, or None."""
    from site_builder.messages import Msg

    brackets = 0
    start = 0
    for n, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" \t")
        if not stripped:
            brackets, start = 0, n + 1
            continue
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        if indent > MAX_INDENT:
            return (
                n,
                Msg(
                    "this line is indented {columns} spaces; a story may nest lists and "
                    "quotes {most} levels deep at most.",
                    columns=indent,
                    most=MAX_INDENT // 4,
                ),
                Msg("Move the line to the left; lists need 2 to 4 spaces per level."),
            )
        if _markers(stripped) > MAX_QUOTES:
            return (
                n,
                Msg(
                    "this line starts more than {most} lists or quotes inside each other.",
                    most=MAX_QUOTES,
                ),
                Msg("Start a line with one '-', '1.' or '>' (two at most)."),
            )
        brackets += line.count("[")
        if brackets > MAX_BRACKETS:
            return (
                start,
                Msg(
                    "this paragraph has more than {most} '[' brackets.",
                    most=MAX_BRACKETS,
                ),
                Msg(
                    "'[' starts a link in Markdown; split the paragraph with an empty line, "
                    "or write fewer brackets."
                ),
            )
    return None


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
        html = converted(text)
        if memo is not None:
            memo.markdown.put(key, html)
    safe = sanitize(html)
    # the same string object when sanitising changed nothing (nearly every story): the
    # build cache's table and the loaded item then share one copy (at 20,000 items, 150 MB
    # of stories held once instead of twice, also when a worker sends both back together)
    return html if safe == html else safe


# what a member may paste into a story that the sanitiser takes out whole (a video player,
# a map, a form): named in a warning, so that a story missing its video is not a mystery
_REMOVED = ("script", "iframe", "embed", "object", "video", "audio", "form", "style", "input")
_TAG = re.compile(r"<\s*(" + "|".join(_REMOVED) + r")\b", re.IGNORECASE)


def removed_from(text: str, safe: str) -> tuple[str, ...]:
    """The kinds of tag the sanitiser took out of the story `text` converted to `safe`
    (sorted, once each); () for nearly every story, at the cost of one search."""
    found = {m.group(1).lower() for m in _TAG.finditer(text)}
    return tuple(sorted(t for t in found if not re.search(rf"<{t}\b", safe, re.IGNORECASE)))


def converted(text: str) -> str:
    """What the build cache's Markdown table keeps for `text` (under `cache.digest(text)`):
    the converter's HTML, headings from h2, not sanitised yet. A plain story (paragraphs,
    headings, bold, simple lists) is converted by `markdown_plain`, to the same bytes,
    without Python-Markdown."""
    html = plain_html(text)
    if html is None:
        converter = _converter()
        converter.reset()
        html = converter.convert(text)
    return _demote_h1(html)


def sanitize(html: str) -> str:
    """`html` cleaned to the allow-list; HTML made only of bare paragraphs, headings,
    lists and bold text (what `markdown_plain` makes, most stories) is returned as it is,
    without nh3: nothing in it is removed, escaped or rewritten by a sanitiser (a tag with
    any attribute, any other tag, an entity or a character a serialiser escapes is not
    such HTML, and goes through nh3)."""
    if _NOT_BARE.search(html) is None and html.count("<") == html.count(">"):
        return html  # (every "<" opens one of those tags: no other ">" either)
    return _cleaner()(html)


_NOT_BARE = re.compile(r"<(?!/?(?:p|h[2-6]|ul|ol|li|strong)>)|[&\x00-\x09\x0b-\x1f\x7f\xa0]")


def _demote_h1(html: str) -> str:
    return re.sub(r"<(/?)h1(\W)", r"<\1h2\2", html)


def slugify(text: str) -> str:
    """Vietnamese-aware slug: 'Búp bê Đồng Văn' -> 'bup-be-dong-van'."""
    if text.isascii():  # (folder names, mostly: nothing to normalise or strip)
        return _NOT_ALNUM.sub("-", text).strip("-").lower()
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("-", text).strip("-").lower()


_NOT_ALNUM = re.compile(r"[^a-zA-Z0-9]+")


# --- the links a story's HTML holds ------------------------------------------------------


@functools.cache
def _links_parser() -> type:
    """The parser class, made when a story first has a tag to parse: html.parser is ~6 ms
    of every command's start-up, and most sites' stories never need it."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.links: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if value and ((tag == "a" and name == "href") or (tag == "img" and name == "src")):
                    self.links.append(value)

    return Links


# a tag that may be an `a` or an `img` (HTMLParser's tag names end at a space, '/' or
# '>'; case does not matter): a story without one has no link, and is not parsed
_MAY_LINK = re.compile(r"<(?:a|img)\b", re.IGNORECASE)


def may_link(html: str) -> bool:
    """False when `html` certainly has no `a` or `img` tag (most stories: a regular
    expression scans 3 kB in ~1 µs, the parser takes ~50 µs)."""
    return _MAY_LINK.search(html) is not None


def links_in(html: str) -> list[str]:
    """The `href` of every `a` and the `src` of every `img` in `html`, once each, in order."""
    parser = _links_parser()()
    parser.feed(html)
    return list(dict.fromkeys(parser.links))


def story_links(html: str) -> tuple[str, ...]:
    """The links of a converted story (`links_in`), found where it is converted and kept
    with it (`Translation.links`), so that the build, the preview and `check` test them
    without parsing every story again; () for most stories, which have no `a` or `img`."""
    return tuple(links_in(html)) if may_link(html) else ()
