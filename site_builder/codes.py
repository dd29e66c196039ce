"""The printed-code registry: `content/printed-codes.yaml`.

A code that went to print is a promise: its short URL must keep leading to the
item (or to the item that replaced it, via `moved_codes` in site.yaml) forever.
The build refuses any change that would break a printed code. Only explicit
commands (`stickers --for-print`, `codes mark-printed`) add to the registry, so a
preview never makes a code permanent by accident.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_builder.content import schema as s
from site_builder.content.loader import line_of
from site_builder.content.model import Item, Site
from site_builder.content.yamlsource import parse_yaml, read_text
from site_builder.errors import Collector, ContentError
from site_builder.messages import Msg
from site_builder.urls import Urls
from site_builder.writer import write_atomic

REGISTRY = "printed-codes.yaml"
HEADER = """\
# Mã QR đã in — Printed QR codes.
# Mỗi mã ở đây đã được in lên bao bì: không được xoá hay đổi mã của sản phẩm.
# Every code here is printed on packaging: never delete it or change the item's code.
# Tệp này do lệnh `site-builder stickers --for-print` hoặc `site-builder codes mark-printed` ghi.
# This file is written by `site-builder stickers --for-print` or `site-builder codes mark-printed`.
"""


@dataclass(frozen=True)
class PrintedCode:
    code: str
    printed: dt.date
    url: str
    item: str  # kind/slug at the time of printing (informative after a rename)
    title: str | None
    line: int


def registry_path(root: Path) -> Path:
    return root / "content" / REGISTRY


def load_registry(root: Path) -> dict[str, PrintedCode]:
    """Read the registry; raise `ErrorList` if it was edited into something unreadable."""
    path = registry_path(root)
    if not path.is_file():
        return {}
    data, lines = parse_yaml(read_text(path), path)
    errors = Collector()
    out: dict[str, PrintedCode] = {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(
            path,
            lines.line(),
            None,
            Msg("the registry must list codes, each with printed/url/item."),
            Msg("Restore the file from your backup or version history."),
        )
    fields = [
        s.Field("printed", s.date),
        s.Field("url", s.text),
        s.Field("item", s.text),
        s.Field("title", s.text, required=False),
        s.Field("note", s.text, required=False),
    ]
    for code, record in data.items():
        try:
            s.item_code(code)
        except s.Problem as p:
            errors.add(ContentError(path, lines.line((code,)), str(code), p.message, p.hint))
            continue
        clean = s.check_mapping(
            record, fields, lines, errors, prefix=(code,), what=Msg("the entry {code}", code=code)
        )
        if clean and all(clean.get(k) is not None for k in ("printed", "url", "item")):
            out[code] = PrintedCode(
                code,
                clean["printed"],
                clean["url"],
                clean["item"],
                clean["title"],
                lines.line((code,)),
            )
    errors.raise_if_any()
    return out


def resolve_codes(
    site: Site, registry: dict[str, PrintedCode], errors: Collector
) -> dict[str, Item]:
    """Every code the site must serve -> the item its landing page leads to.

    Current items' codes, printed codes, and codes moved in site.yaml. Any printed
    code the content no longer serves is an error naming the code.
    """
    config = site.config
    urls = Urls(config)
    site_yaml = config.root / "site.yaml"
    served: dict[str, Item] = {item.code: item for item in site.items}
    moved_lines = _moved_lines(site_yaml)
    for old, new in config.moved_codes.items():
        line = moved_lines.get(old)
        if old in served:
            errors.add(
                ContentError(
                    site_yaml,
                    line,
                    f"moved_codes.{old}",
                    Msg(
                        "{old} is still the code of {item}, so it cannot also be moved.",
                        old=old,
                        item=served[old].key,
                    ),
                    Msg(
                        "Remove the line '{old}: {new}', or give {item} a new code.",
                        old=old,
                        new=new,
                        item=served[old].key,
                    ),
                )
            )
            continue
        target = site.by_code(new)
        if target is None:
            errors.add(
                ContentError(
                    site_yaml,
                    line,
                    f"moved_codes.{old}",
                    Msg(
                        "{old} is moved to {new}, but no item has the code {new}.", old=old, new=new
                    ),
                    Msg("Write the code of an existing item after the colon."),
                )
            )
            continue
        served[old] = target
    path = registry_path(config.root)
    for code, printed in sorted(registry.items()):
        if code not in served:
            errors.add(
                ContentError(
                    path,
                    printed.line,
                    code,
                    Msg(
                        "the printed code {code} (printed {day} for {item}) is no longer served "
                        "by any item.",
                        code=code,
                        day=printed.printed.isoformat(),
                        item=printed.item,
                    ),
                    Msg(
                        "Printed boxes would lead nowhere. Restore the item or its code {code}, "
                        "or map it to another item in site.yaml: 'moved_codes: {{{code}: XM-...}}'.",
                        code=code,
                    ),
                )
            )
            continue
        item = served[code]
        if code not in config.moved_codes and item.kind != printed.item.split("/")[0]:
            errors.add(
                ContentError(
                    item.folder / "item.yaml",
                    line_of(item.folder / "item.yaml", "code"),
                    "code",
                    Msg(
                        "the code {code} was printed for {printed} and is now used by {item}.",
                        code=code,
                        printed=printed.item,
                        item=item.key,
                    ),
                    Msg(
                        "A printed code cannot be reused for another item: give this item a new code."
                    ),
                )
            )
        if printed.url != urls.short_url(code):
            errors.add(
                ContentError(
                    path,
                    printed.line,
                    f"{code}.url",
                    Msg(
                        "{code} was printed as {printed}, but the site now gives it {now}.",
                        code=code,
                        printed=printed.url,
                        now=urls.short_url(code),
                    ),
                    Msg(
                        "Changing short_base in site.yaml breaks every printed code: put the old "
                        "short_base back."
                    ),
                )
            )
    return served


def _moved_lines(site_yaml: Path) -> dict[str, int]:
    try:
        _, lines = parse_yaml(read_text(site_yaml), site_yaml)
    except ContentError:
        return {}
    return {str(k[1]): v for k, v in lines.starts.items() if len(k) == 2 and k[0] == "moved_codes"}


def record_printed(site: Site, codes: list[str], day: dt.date) -> list[str]:
    """Add `codes` to the registry (those not already in it); return the codes added."""
    root = site.config.root
    urls = Urls(site.config)
    registry = load_registry(root)
    path = registry_path(root)
    existing = yaml.safe_load(read_text(path)) if path.is_file() else None
    data: dict[str, dict[str, object]] = existing or {}
    added = []
    for code in codes:
        if code in registry:
            continue
        item = site.by_code(code)
        if item is None:
            raise ContentError(
                path,
                None,
                code,
                Msg("no item has the code {code}.", code=code),
                Msg("Check the code; `site-builder codes list` lists every item's code."),
            )
        title = item.translations[site.config.source_language].title
        data[code] = {"printed": day, "url": urls.short_url(code), "item": item.key, "title": title}
        added.append(code)
    if added:
        text = HEADER + yaml.safe_dump(
            dict(sorted(data.items())),
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
        )
        write_atomic(path, text.encode("utf-8"))
    return added

