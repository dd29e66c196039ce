"""A booklet's own printed code: the QR on its back cover, `<short_base>Q/<CODE>`.

A booklet names its code in booklets/<slug>.yaml (`code: XM-B01`, the same form as an
item's code). The code is served like an item's: `Q/<CODE>` leads to the e-booklet
page in the visitor's language. Once the booklet is made for print
(`site-builder booklet <slug> --for-print`), its code is in the printed-code registry
(`item: booklets/<slug>`), and the build refuses to lose it, as for items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from site_builder.codes import PrintedCode, registry_path, url_changed
from site_builder.content.model import Booklet, Site
from site_builder.content.yamlsource import line_of
from site_builder.errors import Collector, ContentError
from site_builder.messages import Msg
from site_builder.urls import Urls

if TYPE_CHECKING:  # (the renderer is imported only to render: see plan.py)
    from site_builder.render.html import HtmlRenderer, Output

KIND = "booklets"  # the `item:` of a booklet's entry in the registry starts with this


def is_booklet_entry(printed: PrintedCode) -> bool:
    return printed.item.split("/")[0] == KIND


def item_entries(registry: dict[str, PrintedCode]) -> dict[str, PrintedCode]:
    """The registry less the booklets' codes (what `codes.resolve_codes` checks)."""
    return {code: p for code, p in registry.items() if not is_booklet_entry(p)}


def resolve_booklet_codes(
    site: Site, registry: dict[str, PrintedCode], errors: Collector
) -> dict[str, Booklet]:
    """Every booklet code the site serves -> its booklet; problems go to `errors`."""
    urls = Urls(site.config)
    taken = {item.code: item.key for item in site.items}
    taken.update({old: f"moved_codes.{old}" for old in site.config.moved_codes})
    served: dict[str, Booklet] = {}
    for booklet in site.booklets:
        code = booklet.code
        if code is None:
            continue
        other = taken.get(code) or (f"{KIND}/{served[code].slug}" if code in served else None)
        if other is not None:
            errors.add(
                ContentError(
                    booklet.source,
                    line_of(booklet.source, "code"),
                    "code",
                    Msg("the code {code} is already used by {other}.", code=code, other=other),
                    Msg("Give the booklet a code of its own, e.g. XM-B01."),
                )
            )
            continue
        served[code] = booklet
    path = registry_path(site.config.root)
    for code, printed in sorted(registry.items()):
        if not is_booklet_entry(printed):
            continue
        if code not in served:
            errors.add(
                ContentError(
                    path,
                    printed.line,
                    code,
                    Msg(
                        "the printed code {code} (printed {day} for {item}) is no longer "
                        "served by any booklet.",
                        code=code,
                        day=printed.printed.isoformat(),
                        item=printed.item,
                    ),
                    Msg(
                        "Printed booklets would lead nowhere. Put 'code: {code}' back in the "
                        "booklet's YAML file.",
                        code=code,
                    ),
                )
            )
        elif printed.url != urls.short_url(code):
            errors.add(url_changed(path, code, printed, urls))
    return served


def booklet_landing_pages(r: HtmlRenderer, code: str, booklet: Booklet) -> list[Output]:
    """`Q/<CODE>` of a booklet: its e-booklet page in the visitor's language (the same
    landing page as an item's, see render/landing.py)."""
    from site_builder.i18n import language_name
    from site_builder.render.html import Output
    from site_builder.render.landing import _label, _targets

    config, urls = r.site.config, r.urls
    choices = []
    for lang in config.languages:
        url = urls.url(urls.booklet_file(lang, booklet.slug))
        choices.append(
            {
                "lang": lang,
                "title": booklet.title.get(lang) or booklet.title[config.source_language],
                "url": url,
                "absolute": urls.absolute(url),
                "label": _label(lang, "open", language_name(lang)),
            }
        )
    data = r.render(
        "landing.html",
        config.source_language,
        choices=choices,
        code=code,
        source_lang=config.source_language,
        targets_json=_targets(choices, config),
    )
    return [Output(path, data, None, "landing") for path in urls.landing_files(code)]
