"""Links inside stories that lead to no page or file of the site: one rule for `check`,
the build and the live preview.

A story's links are found where it is converted (`markdown.story_links`, kept as
`Translation.links`); here each internal one (`/vi/...`, relative, or under the site's own
`base_url`) is looked up among the files a build of the plan writes, as the host would
serve them (serving.py's rules: a folder's index page, a redirect to it). A broken one is
named on the story's line that writes it, with the nearest real address as a hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from site_builder import serving
from site_builder.content import kinds
from site_builder.errors import ContentError
from site_builder.markdown import slugify
from site_builder.messages import Msg


def links_anywhere(things: Any) -> bool:
    """Whether any story of these items or pages holds a link (most sites: none)."""
    return any(tr.links for thing in things for tr in thing.translations.values())


def resolves(rel: str, files: Collection[str]) -> bool:
    """Would a request for `rel` (no leading /) find a file, as the host serves it?
    (serving.py's rules; a redirect to the folder's index page counts.)"""
    if rel.startswith("print/"):
        return True  # PDFs: named by the print module
    return serving.resolve_in(rel, files).kind != "missing"


def broken_links(plan: Any, thing: Any, files: Collection[str]) -> list[ContentError]:
    """The links of `thing`'s stories (an item or a page of `plan`) that lead to none of
    `files` (paths below output/, as `outputs.files_of` lists them)."""
    config, urls = plan.site.config, plan.urls
    base = config.base_path
    kind = getattr(thing, "kind", "pages")
    pages: list[str] = []  # for a hint, made once a link is broken (not once per item)
    media: list[str] = []  # photos' published names, the same
    out = []
    for lang, tr in sorted(thing.translations.items()):
        here = urls.page(lang, kind, thing.slug)
        for link in tr.links:
            target = _internal(link, here, config.base_url)
            if target is None:
                continue
            rel = target[len(base) :] if target.startswith(base) else None
            if rel is not None and resolves(rel, files):
                continue
            if target.startswith(f"{base}media/"):
                media = media or sorted(urls.url(f) for f in files if f.startswith("media/"))
                among = media
            else:
                pages = pages or sorted(
                    urls.url(f) for f in files if f.endswith("index.html") or f.startswith("Q/")
                )
                among = pages
            near = _nearest(plan, target, here, lang, among)
            first = kinds.all_kinds()[0]
            hint = (
                Msg("Did you mean {url}?", url=near[0])
                if near
                else Msg(
                    "Pages of this site look like {example}; check the folder name.",
                    example=urls.page(lang, first.name, first.example_slug),
                )
            )
            out.append(
                ContentError(
                    tr.source,
                    _line_of(tr.source, link),
                    None,
                    Msg("the link '{link}' leads to no page of this site.", link=link),
                    hint,
                )
            )
    return out


def _nearest(plan: Any, target: str, here: str, lang: str, among: list[str]) -> list[str]:
    """The address a broken link most likely meant ([] if none is close): a page ending
    with the link's last two parts (`dolls/dao` written relative to another doll's page:
    /vi/dolls/<doll>/dolls/dao/), in the story's language first; an item whose title gives
    the link's last part (/vi/dolls/bup-be-mong/ for the doll titled "Búp bê Mông", in the
    folder hmong); else the closest in spelling, but not the page a relative link was
    resolved below (it is always close, and never what was meant)."""
    urls = plan.urls
    below = target.startswith(here) and target != here
    others = [url for url in among if not (below and url == here)]
    parts = [p for p in target.split("/") if p]
    if len(parts) >= 2:
        tail = "/" + "/".join(parts[-2:]) + "/"
        own = urls.home(lang)  # (/vi/: the story's language)
        ends = sorted((u for u in others if u.endswith(tail)), key=lambda u: not u.startswith(own))
        if ends:
            return ends[:1]
    if parts:
        for item in plan.site.items:
            if any(slugify(tr.title) == parts[-1] for tr in item.translations.values()):
                shown = lang if lang in item.translations else next(iter(item.translations))
                return [urls.page(shown, item.kind, item.slug)]
    return difflib.get_close_matches(target, others, n=1, cutoff=0.6)


def _internal(link: str, here: str, base_url: str) -> str | None:
    """The site path a link leads to, or None for another site, an anchor or mail."""
    link = link.strip()
    if not link or link.startswith("#"):
        return None
    if link.startswith(base_url):
        link = "/" + link[len(base_url) :]
        link = urlsplit(base_url).path.rstrip("/") + link
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    return urlsplit(urljoin(here, parts.path)).path


def _line_of(path: Path, link: str) -> int | None:
    """The line of the story where `link` is written: as a Markdown or HTML link first,
    then anywhere in the story, then anywhere (a link to doll.jpg is not the front matter's
    `alt:` line for doll.jpg, nor a summary that happens to contain its letters)."""
    from site_builder.content.yamlsource import read_text

    try:
        lines = read_text(path).split("\n")
    except ContentError:
        return None
    start = 0
    if lines and lines[0].strip() == "---":  # (the story starts after the front matter)
        start = next((i + 1 for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
    attrs = ("href", "src")
    written = (
        f"]({link}",
        f"<{link}>",
        f"]: {link}",
        *(f'{a}="{link}"' for a in attrs),
        *(f"{a}='{link}'" for a in attrs),
        *(f"{a}={link}" for a in attrs),
    )
    for wanted, first in ((written, start), ((link,), start), ((link,), 0)):
        for i in range(first, len(lines)):
            if any(w in lines[i] for w in wanted):
                return i + 1
    return None
