"""`site-builder booklet <slug>`: a booklet's PDFs for the printer, kept between builds.

Without `--for-print` this is a preview (the build also writes previews in
output/print/). With it, the booklet is going to print: the codes of its chapters and
the booklet's own code (its back cover) are recorded as printed in
content/printed-codes.yaml, so the build keeps them working for good.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from site_builder.commands import display_path, project_root
from site_builder.commands.print_options import print_date
from site_builder.errors import SiteError
from site_builder.messages import Msg, _
from site_builder.outdir import check_output_folder, ensure_folder

BOOKLETS_DIR = "print"  # booklet PDFs made by this command (output/ is replaced by builds)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("booklet", help=_("make a booklet's PDFs for the print shop"))
    p.add_argument("booklet", help=_("the booklet, e.g. xin-man-gifts"))
    p.add_argument(
        "--for-print",
        action="store_true",
        help=_("this booklet goes to print: record its codes as printed (permanent)"),
    )
    p.add_argument("--date", help=_("printing date for the registry, YYYY-MM-DD (default: today)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation (scripts)"))
    p.add_argument("-o", "--output", help=_("folder to write the PDFs in (default: print/)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.cache import BuildCache, using
    from site_builder.codes import record_printed, record_printed_booklet
    from site_builder.content.loader import load_site
    from site_builder.plan import plan_site
    from site_builder.render.html import HtmlRenderer
    from site_builder.render.pdf import booklet_pdfs
    from site_builder.writer import write_atomic

    day = print_date(args.date)  # checked before any work
    root = project_root(args)
    folder = Path(args.output).resolve() if args.output else root / BOOKLETS_DIR
    check_output_folder(root, folder)  # never among a member's files
    memo = BuildCache(root)
    with using(memo):
        site = load_site(root)
        plan = plan_site(site)
        booklet = next((b for b in site.booklets if b.slug == args.booklet), None)
        if booklet is None:
            raise SiteError(
                Msg(
                    "there is no booklet '{booklet}'. Booklets: {booklets}.",
                    booklet=args.booklet,
                    booklets=", ".join(b.slug for b in site.booklets) or "-",
                )
            )
        items = [site.by_key(key) for key in booklet.entries]
        codes = [i.code for i in items if i is not None and hasattr(i, "code")]
        if args.for_print:  # asked before anything is drawn or recorded
            from site_builder.codes_confirm import confirm_printing

            confirm_printing(site, codes, args.yes, booklet)
        warnings: list[str] = []
        pdfs = booklet_pdfs(HtmlRenderer(plan.site, plan.urls), booklet, warnings, photo_check=True)
    memo.save(fingerprint=None, keep_unused=True)
    ensure_folder(root, folder)
    for name, pdf in pdfs.items():
        write_atomic(folder / name, pdf)
    for warning in warnings:
        print(_("Warning: {message}").format(message=_(warning)))
    print(
        _(
            Msg(
                "Wrote {count} PDF(s) of the booklet {booklet} to {folder}.",
                count=len(pdfs),
                booklet=booklet.slug,
                folder=display_path(folder),
            )
        )
    )
    if not args.for_print:
        print(
            _(
                Msg(
                    "This is a preview: no code was recorded as printed "
                    "(use --for-print for the print shop)."
                )
            )
        )
        return 0
    added = record_printed(site, codes, day)
    if booklet.code is not None and record_printed_booklet(site, booklet, day):
        added.append(booklet.code)
    from site_builder.codes_confirm import report_recorded

    report_recorded(added)
    return 0
