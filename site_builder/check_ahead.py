"""The process `site-builder check` starts first, before it imports the check itself:
it looks for the changes since the last good build (`lastbuild.changes_in_steps`, output/
not looked at: see check.py `_measured_on_output`), then works out the translations'
freshness (`translated.translations_ahead`: file states, no loaded site), then checks
site.yaml's sticker settings (`settings_errors`), while the command reads the item cache
and loads the site. Apart from check.py, so that starting it imports nothing heavy."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from site_builder import lastbuild, lifeline
from site_builder.errors import ContentError, ErrorList, SiteError, all_errors, raised_message


def start(root: Path) -> lifeline.Forked:
    """`_look(root)` in a process of its own, from now on: `next()` gives the changes
    (`lastbuild.from_inputs`), then the translations (`check._taken`), then the sticker
    settings' errors (`settings_ahead`)."""
    return lifeline.fork_one(_look, root.resolve())


def _look(root: Path) -> Iterator[Any]:
    inputs = next(lastbuild.changes_in_steps(root, root / "output", None, vouch=False))
    yield inputs
    assert inputs is None or len(inputs) == lastbuild.INPUT_PARTS  # (no output/ state: no vouch)
    from site_builder.translated import translations_ahead  # (here: the command goes on)

    yield translations_ahead(root, inputs)
    yield settings_ahead(root)


Settings = tuple[Any, ...]  # what `settings_errors` depends on (`settings_of`)


def settings_of(config: Any) -> Settings:
    """The parts of site.yaml (`config`) that `settings_errors` reads: the sticker
    settings, the custom label templates, and where everything is written."""
    lines = config.lines
    where = None if lines is None else (str(lines.path), lines.offset, dict(lines.starts))
    return str(config.root), config.stickers, config.label_templates, where


def settings_ahead(root: Path) -> tuple[Settings, list[ContentError]] | None:
    """`settings_errors` of site.yaml as read here, and what they were made from (the
    command takes them when its own site.yaml has the same: `settings_of`); None if
    site.yaml cannot be read (the command's loader says why)."""
    from site_builder.config import load_config

    try:
        config = load_config(root)
    except (ContentError, ErrorList):
        return None
    return settings_of(config), settings_errors(config)


def settings_errors(config: Any) -> list[ContentError]:
    """The sticker settings of site.yaml (`config`), checked as the build would use them."""
    from site_builder.labelsheets import get_template  # (render.pdf.label_template's)
    from site_builder.print.sticker_layout import check_label_fits

    site_yaml = config.root / "site.yaml"
    try:
        settings = config.stickers  # (render.pdf.sticker_settings)
        check_label_fits(
            get_template(settings.template, config.label_templates), settings.min_qr_mm
        )
    except (ErrorList, ContentError) as exc:
        return all_errors(exc)
    except SiteError as exc:
        return [ContentError(site_yaml, config.line("stickers"), "stickers", raised_message(exc))]
    return []


def sheet_errors(
    config: Any, items: Sequence[Any], modules: Callable[[], int], *, payment: bool = True
) -> list[ContentError]:
    """What the build refuses of site.yaml's sticker settings (`config`) when it draws its
    preview sheet, a sticker of each of `items` from the first label, beyond
    `settings_errors`: a sticker design it cannot read, a calibration offset that moves the
    ink off the paper (`offset_refusal`, as the build asks it), and (with `payment`) a
    label that cannot hold an item's payment code beside its own (`modules()`: the fewest
    modules of the items' codes). Not worked out ahead: these depend on the items."""
    from site_builder.labelsheets import get_template
    from site_builder.print.designs import load_design
    from site_builder.print.sticker_layout import check_label_fits
    from site_builder.print.sticker_sheets import offset_refusal

    settings = config.stickers
    try:
        design = load_design(config.templates_dir, settings.design)
        template = get_template(settings.template, config.label_templates)
    except (ErrorList, ContentError) as exc:
        return all_errors(exc)
    except SiteError:  # (an unknown template: site.yaml's own error)
        return []
    errors = []
    error = offset_refusal(
        template,
        1,
        len(items),
        settings.offset_mm,
        background=design.background is not None,
        config=config,
    )
    if isinstance(error, ContentError):
        errors.append(error)
    if payment and settings.show_payment and any(i.facts.payment is not None for i in items):
        try:
            check_label_fits(template, settings.min_qr_mm, payment=True, modules=modules())
        except SiteError as exc:
            field = ("stickers", "show_payment")
            errors.append(
                ContentError(
                    config.root / "site.yaml",
                    config.line(*field),
                    ".".join(field),
                    raised_message(exc),
                )
            )
    return errors
