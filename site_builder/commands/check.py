"""`site-builder check`: check everything without writing; links and translations too."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.commands import display_path, project_root
from site_builder.messages import N_, _, ngettext

if TYPE_CHECKING:
    from site_builder.check import CheckReport

STATUS_WORDS = {
    "current": N_("up to date"),
    "stale": N_("stale"),
    "unknown": N_("unknown freshness"),
    "missing": N_("missing"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help=_("check all content, links and translations without writing anything")
    )
    p.add_argument("--strict", action="store_true", help=_("warnings count as errors (exit 1)"))
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help=_("text (default) or json")
    )
    p.add_argument(
        "--mark-translated",
        metavar="FILE",
        nargs="+",
        help=_("record that FILE (e.g. content/dolls/hmong/en.md) matches its source text now"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root(args)
    if args.mark_translated:
        return _mark(root, args.mark_translated)
    from site_builder import check_ahead
    from site_builder.progress import Progress

    # the changes since the last good build, then the translations, worked out by a process
    # of its own from now on, while this one imports the check and loads the site
    with check_ahead.start(root) as ahead:
        from site_builder.check import check

        progress = Progress() if args.format == "text" else Progress.quiet()
        report = check(root, progress, ahead)
    from site_builder.parallel import gc_paused

    with gc_paused():  # (the site loaded stays to the end: no collection walks it)
        return _report(args, root, report)


def _mark(root: Path, names: list[str]) -> int:
    """`--mark-translated FILE...`: each file marked as translated from its source now."""
    from site_builder.check import mark_translated

    for name in names:
        source, digest, changed = mark_translated(root, Path(name))
        text = (
            _("Marked {file} as translated from {source} (source_hash: {hash}).")
            if changed
            else _("{file} was already marked as translated from {source} (source_hash: {hash}).")
        )
        print(text.format(file=display_path(Path(name).resolve()), source=source.name, hash=digest))
    return 0


def _report(args: argparse.Namespace, root: Path, report: CheckReport) -> int:
    """The check's findings, as text or JSON; the exit code."""
    if args.format == "json":
        json.dump(report.as_json(_, args.strict), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 1 if report.failed(args.strict) else 0
    real = report.resolved  # paths resolved by the check, reused for its messages
    lines: list[str] = []  # (written at once: thousands of lines at 2,000 items)
    error, warning = _("Error: {message}"), _("Warning: {message}")
    lines += [error.format(message=e.format_localized(root, real)) for e in report.errors]
    lines += [warning.format(message=w.format_localized(root, real)) for w in report.warnings]
    if report.translations:
        lines.append("")
        lines.append(_("Translations (source: {lang}):").format(lang=report.source_language))
        width = max(len(t.key) for t in report.translations)
        words = {status: _(word) for status, word in STATUS_WORDS.items()}
        lines += [f"  {t.key:<{width}}  {t.lang}: {words[t.status]}" for t in report.translations]
        lines.append("")
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    summary = (
        ngettext("{n} error", "{n} errors", len(report.errors))
        + ", "
        + ngettext("{n} warning", "{n} warnings", len(report.warnings))
        + "."
    )
    if report.failed(args.strict):
        if not report.errors:
            summary += " " + _("With --strict, warnings count as errors.")
        print(_("Check failed: {summary}").format(summary=summary))
        return 1
    print(_("Check passed: {summary}").format(summary=summary))
    return 0
