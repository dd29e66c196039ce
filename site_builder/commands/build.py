"""`site-builder build`: check everything, then write output/ atomically."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.commands import PROJECT_FILE, display_path, project_root
from site_builder.messages import Seconds, _

if TYPE_CHECKING:
    from site_builder.config import SiteConfig
    from site_builder.preview.quick import QuickReport


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help=_("build the site into output/"))
    p.add_argument("--output", help=_("where to write (default: output/ in the project)"))
    p.add_argument(
        "--no-pdf", action="store_true", help=_("skip the preview PDFs (stickers, booklets)")
    )
    p.add_argument(
        "--no-cache", action="store_true", help=_("ignore and do not update .site-builder-cache/")
    )
    p.add_argument(
        "--portable",
        metavar="DIR",
        help=_("also write a copy that opens from a disk or USB stick (file://) into DIR"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root(args)
    if root.is_dir() and not (root / PROJECT_FILE).is_file():  # not a project: say so before
        from site_builder.config import load_config  # a lock file is left in the folder

        load_config(root)  # (raises "there is no site.yaml here")
    output = Path(args.output).resolve() if args.output else root / "output"
    with_print = not args.no_pdf
    if args.portable:  # a mistyped folder is refused before anything is built
        from site_builder.portable import check_portable_folder

        check_portable_folder(root, output, Path(args.portable))
    if not args.no_cache:  # the cheap checks first, before the heavy imports
        from site_builder.freshness import is_up_to_date
        from site_builder.preview import quick

        updated = quick.quick_build(root, output, with_print)  # edits inside item folders
        if updated is not None:
            _updated(updated)
            return _portable(args, root, output, updated.config)
        if is_up_to_date(root, output, f"print={with_print}"):
            print(
                _("Nothing changed since the last build: {output} is up to date.").format(
                    output=display_path(output)
                )
            )
            return _portable(args, root, output, None)

    from site_builder import lastbuild
    from site_builder.build import build
    from site_builder.progress import Progress

    if not args.no_cache:
        lastbuild.forget(root)  # until this build has succeeded
        scan = lastbuild.input_entries(root)  # before the build reads them
    # a bar on a terminal; in scripts and logs the summary line below says it all
    progress = Progress() if sys.stderr.isatty() else None
    report = build(
        root, output, with_print=with_print, use_cache=not args.no_cache, progress=progress
    )
    if not args.no_cache:
        lastbuild.remember(
            root,
            report.output,
            f"print={with_print}",
            scan,
            report.output_record,
            budgets=report.budgets,
        )
    if report.up_to_date:
        print(
            _("Nothing changed since the last build: {output} is up to date.").format(
                output=display_path(output)
            )
        )
        return _portable(args, root, output, None)
    print(
        _(
            "Built {pages} pages, {codes} QR codes and {pdfs} PDFs ({files} files) "
            "into {output} in {seconds:.2f} s."
        ).format(
            pages=report.pages,
            codes=report.codes,
            pdfs=report.pdfs,
            files=report.files,
            output=display_path(report.output),
            seconds=Seconds(report.timings["total"]),
        )
    )
    _warn(report.warnings)
    return _portable(args, root, output, report.plan.site.config if report.plan else None)


def _updated(report: QuickReport) -> None:
    """What an update in place (preview/quick.py) did."""
    if report.up_to_date:
        print(
            _("Nothing changed since the last build: {output} is up to date.").format(
                output=display_path(report.output)
            )
        )
        return
    print(
        _(
            "Updated {output} after edits in {items} item(s): {written} files written, "
            "{deleted} removed, in {seconds:.2f} s."
        ).format(
            output=display_path(report.output),
            items=report.items,
            written=len(report.written),
            deleted=len(report.deleted),
            seconds=Seconds(report.seconds),
        )
    )
    _warn(report.warnings)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:  # a Msg, an ErrorWarning, or (print modules) plain English
        localized = getattr(warning, "localized", None)
        message = localized() if callable(localized) else _(warning)
        print(_("Warning: {message}").format(message=message))


def _portable(args: argparse.Namespace, root: Path, output: Path, config: SiteConfig | None) -> int:
    """`--portable DIR`: the copy of the site that works from a disk (portable.py).
    `config`: the site.yaml the build read (read here when nothing was built)."""
    if not args.portable:
        return 0
    from site_builder.config import load_config
    from site_builder.portable import write_portable
    from site_builder.writer import project_lock

    with project_lock(root):
        report = write_portable(
            root,
            output,
            Path(args.portable),
            config or load_config(root),
            use_cache=not args.no_cache,
        )
    print(
        _(
            "Wrote the portable copy ({pages} pages, {files} files) into {folder}: "
            "open {index} in a browser, or copy the folder to a USB stick."
        ).format(
            pages=report.pages,
            files=report.files,
            folder=display_path(report.folder),
            index=display_path(report.folder / "index.html"),
        )
    )
    return 0
