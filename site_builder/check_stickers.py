"""`check` lays out every item's sticker as the build's preview sheet does, so that a name
or a payment caption too long for the label is its error before the build refuses it.

The build draws a sticker of every item with site.yaml's `stickers:` settings
(render/pdf.py `sticker_sheet`); each sticker is laid out by `layout_sticker`, which
raises `StickerError` when it cannot fit, and the build names the item's file, line and
field (`render.pdf.sticker_named`). Here the same contents (`render.pdf.sticker_content`)
go through the same function and the same naming. Laying out a sticker takes ~0.4 ms
(2,000 items: ~0.8 s), so a sticker that fits is remembered in check's cache
(`CheckCache.sticker_fits`) under everything its layout depends on: what it prints, the
label template, the design, the sizes and settings, the fonts and the tool's version. An
edit lays out again only the stickers it changed; a sticker that does not fit is laid out
on every check (its message is made anew, in the member's language).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from site_builder.cache import STAMP, digest
from site_builder.check_cache import CheckCache
from site_builder.content.printable import organisation, sticker_names
from site_builder.errors import ContentError, SiteError, raised_message


def sticker_errors(
    plan: Any,
    derived: CheckCache | None = None,
    skip: set[Path] | None = None,
    words: list[str] | None = None,
) -> list[ContentError]:
    """The build's refusal of each item whose sticker does not fit its label on the
    preview sheet (a sticker of every item of `plan`, site.yaml's `stickers:` settings),
    named as the build names it. Empty when the settings themselves cannot be read (their
    own errors: `check_ahead.settings_errors`, `sheet_errors`). The items whose folders
    are in `skip` are left out (refused already). `words`: `printed_words(plan)`, if at
    hand."""
    from site_builder.labelsheets import get_template
    from site_builder.print.designs import load_design

    site = plan.site
    config = site.config
    settings = config.stickers  # (render.pdf.sticker_settings)
    try:
        design = load_design(config.templates_dir, settings.design)
        template = get_template(settings.template, config.label_templates)
    except SiteError:
        return []
    brand = organisation(site) if "brand" in design.lines else None  # (as render.pdf's)
    base = _base_key(config, template, design, brand)
    todo = []
    printed = printed_words(plan) if words is None else words
    for item, said in zip(site.items, printed, strict=True):
        if skip and item.folder in skip:
            continue
        # (a hash of a few short texts, a lookup: ~7 µs an item)
        key = hashlib.sha256(f"{base}\0{said}".encode()).hexdigest()[:32]  # (128 bits)
        if derived is None or not derived.sticker_fits(key):
            todo.append((item, key))
    return _laid_out(plan, todo, template, design, brand, derived) if todo else []


def printed_words(plan: Any) -> list[str]:
    """What each item prints on its sticker, as its layout depends on it: code, short
    address, names, and the price and payment account when the settings show them."""
    site = plan.site
    settings = site.config.stickers
    price, payment = settings.show_price, settings.show_payment
    short_url = plan.urls.short_url
    return [
        f"{item.code}\0{short_url(item.code)}\0{sticker_names(site, item)!r}"
        f"\0{item.price if price else ''}\0{item.facts.payment if payment else ''!r}"
        for item in site.items
    ]


def sheet_key(plan: Any, words: list[str]) -> str | None:
    """One key for the verdict on the whole preview sheet (`check_ahead.sheet_errors` and
    `sticker_errors` together): everything either depends on, read without loading the
    design or importing the layout (the design file's bytes, not the design; the label
    template as site.yaml defines it or the built-in one), and every item's words. A check
    whose key was seen to pass (`CheckCache.sheet_fits`) has nothing to lay out and
    nothing to import (after an edit that leaves every sticker as it was, ~40 ms of
    imports and hashes at 2,000 items). `words`: `printed_words(plan)`. None when the
    template is unknown (site.yaml's own error)."""
    from site_builder.labelsheets import get_template
    from site_builder.print import DESIGNS_FILE

    site = plan.site
    config = site.config
    try:
        template = get_template(config.stickers.template, config.label_templates)
        design: bytes | str = (config.templates_dir / DESIGNS_FILE).read_bytes()
    except SiteError:
        return None
    except OSError:
        design = "no designs file"
    return digest(
        "sticker sheet",
        *_tool_parts(config),
        repr(template),
        str(config.templates_dir),
        design,
        repr(config.stickers),
        config.qr_error_correction,
        config.source_language,
        organisation(site),
        "\n".join(words),
    )


SHARED_FROM = 4000  # stickers to lay out, at least, before the workers share them
TASK = 500  # stickers sent to a worker at a time


def _laid_out(
    plan: Any,
    todo: list[tuple[Any, str]],
    template: Any,
    design: Any,
    brand: str | None,
    derived: CheckCache | None,
) -> list[ContentError]:
    """Lay out the stickers of the items of `todo` (with their keys) as the build does;
    the refusals, named as the build names them; the stickers that fit remembered.

    ~0.5 ms a sticker, with no cyclic collection meanwhile: a layout makes many small
    objects, and each full collection walked the whole loaded site (the first check at
    20,000 items: 2.2 s of the 14.3 s its stickers took). The first check of a large
    catalogue (from `SHARED_FROM` stickers) shares the layouts among workers started as
    new interpreters, and sends each one only the contents of its stickers
    (`sticker_content`, made here: a tenth of the work), a few hundred at a time. Forked
    workers copied the memory pages of the loaded site they wrote to: reading the items
    (their reference counts are written), such a check's memory went from 623 to 1,638 MB
    (PSS) at 20,000 items; sent only the contents, to 1,043 MB; spawned, 805 MB
    (`parallel_map`'s `spawned`)."""
    from site_builder.parallel import gc_paused, jobs_count, parallel_map
    from site_builder.render.pdf import sticker_content, sticker_named

    site = plan.site
    settings = site.config.stickers
    price, payment = settings.show_price, settings.show_payment
    refused: list[tuple[int, SiteError]] = []  # (in the order of `todo`)
    fitted: list[str] = []
    with gc_paused():
        contents: list[tuple[int, str, Any]] = []
        for at, (item, key) in enumerate(todo):
            try:
                content = sticker_content(
                    site, item, plan.urls, price=price, payment=payment, brand=brand
                )
            except SiteError as exc:
                refused.append((at, exc))
                continue
            contents.append((at, key, content))
        rules = (template, design, settings.min_qr_mm, price, payment)
        if len(contents) >= SHARED_FROM and jobs_count() > 1:
            # (in tasks of a few hundred: a worker holds one task's contents at a time)
            tasks = [(rules, contents[i : i + TASK]) for i in range(0, len(contents), TASK)]
            done = parallel_map(_lay_out, tasks, spawned=True)
        else:
            done = [_lay_out(rules, contents)]
    for some_refused, some_fitted in done:
        refused += some_refused
        fitted += some_fitted
    errors: list[ContentError] = []
    seen: set[str] = set()
    for _, refusal in sorted(refused, key=lambda pair: pair[0]):
        error = _named(site.config, sticker_named(site, refusal))
        if error.message not in seen:  # (a label-wide refusal: once)
            seen.add(error.message)
            errors.append(error)
    if derived is not None:
        for key in fitted:
            derived.sticker_fitted(key)
    return errors


def _lay_out(
    rules: tuple[Any, Any, float, bool, bool], contents: list[tuple[int, str, Any]]
) -> tuple[list[tuple[int, SiteError]], list[str]]:
    """The stickers whose `(place, key, StickerContent)` are `contents` laid out, here or
    in a worker, under `rules` (the label template, the design, the smallest QR code,
    whether the price and the payment code are shown): the refusals, as `layout_sticker`
    raised them, with their places, and the keys of the stickers that fit."""
    from site_builder.print.sticker_layout import layout_sticker

    template, design, min_qr_mm, price, payment = rules
    refused: list[tuple[int, SiteError]] = []
    fitted: list[str] = []
    for at, key, content in contents:
        try:
            layout_sticker(
                content,
                template,
                min_qr_mm=min_qr_mm,
                show_price=price,
                show_payment=payment,
                design=design,
            )
        except SiteError as exc:
            refused.append((at, exc))
            continue
        fitted.append(key)
    return refused, fitted


def _tool_parts(config: Any) -> list[str]:
    """What both keys (`sheet_key`, `_base_key`) start with: the tool's version and code
    (the layout's rules are code: `code_digest`, remembered by the source files' states)
    and the packaged fonts (their files' states)."""
    from site_builder.cache import CACHE_DIR
    from site_builder.content.itemcache import code_digest
    from site_builder.filestate import state_of
    from site_builder.print.fonts import font_files

    fonts = [repr(state_of(path)) for path in font_files()]
    return [STAMP, code_digest(config.root / CACHE_DIR), *fonts]


def _base_key(config: Any, template: Any, design: Any, brand: str | None) -> str:
    """What every sticker's layout depends on besides its own words and codes: the tool
    and its fonts (`_tool_parts`), the label template, the design and the sticker
    settings, the QR error correction level, the brand printed."""
    settings = config.stickers
    return digest(
        "sticker layout",
        *_tool_parts(config),
        repr(template),
        repr(design),
        repr((settings.min_qr_mm, settings.show_price, settings.show_payment)),
        config.qr_error_correction,
        config.source_language,  # (the price's format)
        brand or "",
    )


def _named(config: Any, error: SiteError) -> ContentError:
    """`error` (`sticker_named`'s) as a content error: as it is when it names a file;
    a refusal naming no item (the label itself, for this item's codes) at site.yaml's
    `stickers:`, as check names the label's other errors."""
    if isinstance(error, ContentError):
        return error
    message = raised_message(error)
    return ContentError(config.root / "site.yaml", config.line("stickers"), "stickers", message)
