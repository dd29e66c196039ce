"""The plan: what the site will contain, decided and checked before anything is rendered.

`plan_site` checks the printed-code registry against the site and the record of the last
build, and every QR code's size; `check`, `qr`, `codes`, `stickers` and the build all
start from it. It needs the model and the codes, not the renderer: `check` plans a site
without importing Jinja2, Pillow or the print engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.booklet_codes import item_entries, resolve_booklet_codes
from site_builder.codes import PrintedCode, load_registry, resolve_codes
from site_builder.codes_record import check_record
from site_builder.content.model import Booklet, Item, Site
from site_builder.content.yamlsource import line_of
from site_builder.errors import Collector, ContentError, ErrorList, all_errors
from site_builder.messages import Msg
from site_builder.render.qr import make_qr, prepare_qr
from site_builder.urls import Urls


@dataclass(frozen=True)
class Plan:
    """What the site will contain, decided before anything is rendered."""

    site: Site
    urls: Urls
    codes: dict[str, Item]  # every code served -> the item its landing page leads to
    printed: dict[str, PrintedCode] = field(default_factory=dict)  # the registry
    booklet_codes: dict[str, Booklet] = field(default_factory=dict)  # booklets' own codes


def plan_site(
    site: Site,
    output: Path | None = None,
    *,
    qr_sizes: bool = True,
    qr_version: Callable[[str, str], int] | None = None,
) -> Plan:
    """Check the printed-code registry (against the record of the last build into
    `output`, default output/) and the QR sizes (not with `qr_sizes=False`: an update
    whose codes and settings are those of the last good build); raise ErrorList on any
    problem. `qr_version(data, level)`: a QR code's version, if known without encoding
    it (check_cache.py)."""
    errors = Collector()
    root = site.config.root
    registry = load_registry(root)
    codes, booklet_codes = _registry_checks(site, registry, output, errors)
    urls = Urls(site.config)
    max_version = site.config.qr_max_version
    sized = sorted(codes.items()) if qr_sizes else []
    level = site.config.qr_error_correction
    if qr_version is None:
        prepare_qr([urls.short_url(code) for code, _item in sized], level)
    for code, item in sized:
        url = urls.short_url(code)
        version = make_qr(url, level).version if qr_version is None else qr_version(url, level)
        if version > max_version and item.code == code:
            symbol = make_qr(url, level)
            errors.add(
                ContentError(
                    item.folder / "item.yaml",
                    line_of(item.folder / "item.yaml", "code"),
                    "code",
                    Msg(
                        "the code {code} makes the QR code {url} need version {version} "
                        "({size}x{size} modules); the limit is {limit}.",
                        code=code,
                        url=urls.short_url(code),
                        version=symbol.version,
                        size=symbol.size,
                        limit=max_version,
                    ),
                    Msg(
                        "Use a shorter code, e.g. XM-D01, so the QR stays small and easy to scan "
                        "(or raise qr.max_version in site.yaml if your stickers are large)."
                    ),
                )
            )
    errors.raise_if_any()
    return Plan(site, urls, codes, registry, booklet_codes)


def _registry_checks(
    site: Site,
    registry: dict[str, PrintedCode],
    output: Path | None,
    errors: Collector,
    unreadable: frozenset[str] = frozenset(),
) -> tuple[dict[str, Item], dict[str, Booklet]]:
    """The printed codes against the site and the record of the last build into `output`.

    Entries whose code or id is in `unreadable` (named by a file that failed to load)
    are not judged against the site: that item is not deleted, only unreadable for now.
    """
    root = site.config.root
    judged = {
        code: printed
        for code, printed in registry.items()
        if code not in unreadable and printed.uid not in unreadable
    }
    codes = resolve_codes(site, item_entries(judged), errors)
    booklet_codes = resolve_booklet_codes(site, judged, errors)
    check_record(root, root / "output" if output is None else output, registry, errors)
    return codes, booklet_codes


def with_registry_errors(exc: ErrorList, output: Path | None = None) -> ErrorList:
    """`exc` from `load_site`, plus what the printed-code registry says about the part
    of the site that did load, so that a broken file never hides a registry problem.

    """
    site = exc.partial
    if not isinstance(site, Site):
        return exc
    errors = Collector()
    errors.errors.extend(exc.errors)
    try:
        registry = load_registry(site.config.root)
    except (ErrorList, ContentError) as bad:
        errors.errors.extend(all_errors(bad))
    else:
        _registry_checks(site, registry, output, errors, exc.unreadable)
    return errors.as_error()
