"""The service worker's page for a page it did not keep: `/<lang>/offline/` (webapp.py, sw.js).

Offline, a page the phone never opened (another item, a list, the home-screen app's start
page) would show the browser's own "no connection" page. The worker keeps these pages when
it installs and answers such a navigation with the one of the language the tourist was
reading (the /<lang>/ of the address asked for), at that address: it says so in that
language, then lists the pages the phone keeps, then says it in the site's other
languages, each in its own words (templates/_offline.html, rendered through the
language's own catalogue). The worker writes the list in place of what lies between
`KEPT` and `KEPT_END` (the words "no page is kept yet", in every language), and makes
the "Try again" links, written to the page itself, lead to the address asked for. The
page has no script: what the worker writes is the page. Linked from nowhere, not in the
sitemap, noindex.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from site_builder.render.html import HtmlRenderer, Output, template_error, ui_language

PARTS = "_offline.html"  # the words of one language, as macros
KEPT, KEPT_END = "<!--kept-->", "<!--/kept-->"  # the worker's list goes between (sw.js)


def offline_page(r: HtmlRenderer, lang: str) -> Output:
    config, urls = r.site.config, r.urls
    blocks: list[dict[str, Any]] = []
    for other in [lang, *(o for o in config.languages if o != lang)]:
        words = ui_language(other, r.catalogs[other])
        if any(b["lang"] == words for b in blocks):
            continue  # two languages without a catalogue: their English words once
        try:
            parts: Any = r.envs[other].get_template(PARTS).make_module()  # (its macros)
            blocks.append(
                {
                    "lang": words,
                    "note": Markup(parts.note(not blocks, urls.offline(lang))),
                    "title": Markup(parts.title()).strip(),
                    "kept": Markup(parts.kept()).strip(),
                    "none": Markup(parts.nothing()).strip(),
                }
            )
        except jinja2.TemplateError as exc:
            raise template_error(exc, config.templates_dir / PARTS) from exc
    data = r.render(
        "offline.html",
        lang,
        blocks=blocks,
        title=blocks[0]["title"],
        home_url=urls.home(lang),
        kept_start=Markup(KEPT),
        kept_end=Markup(KEPT_END),
    )
    return Output(urls.offline_file(lang), data, lang, "offline")
