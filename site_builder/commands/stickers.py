"""`site-builder stickers`: QR sticker sheets for a booklet's items or a list of codes.

Without `--for-print` this is a preview. With it, the sheet is for the print shop
and every code on it is recorded as printed in content/printed-codes.yaml.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder.commands import display_path, project_root
from site_builder.commands.print_options import finite_mm, positive_mm, print_date
from site_builder.errors import SiteError
from site_builder.messages import Msg, _
from site_builder.outdir import check_output_folder, ensure_folder
from site_builder.progress import Progress

if TYPE_CHECKING:  # the model is imported when a command runs, not when the CLI starts
    from site_builder.content.model import Site

STICKERS_DIR = "stickers"  # sheets made by this command, kept between builds
#: the most stickers one run makes (~950 sheets of L7160, a PDF a print shop still
#: opens); more are printed in batches
MAX_STICKERS = 20_000


def _only_sheets(folder: Path, entries: list[str]) -> bool:
    """A stickers/ folder an older version made (before the marker): only its sheets."""
    return all(e.startswith("stickers-") and e.endswith(".pdf") for e in entries)


def _unchanged_record(root: Path, args: argparse.Namespace) -> Path:
    """Where this exact request remembers the inputs of its last sheet (in the build cache)."""
    from site_builder.cache import CACHE_DIR, digest

    request = {k: v for k, v in vars(args).items() if k != "func"}
    key = digest(json.dumps(request, sort_keys=True, default=str))[:16]
    return root / CACHE_DIR / f"stickers-{key}.json"


def _inputs(root: Path) -> tuple[str, bool]:
    """The state of every input of a sheet (stat calls only), taken before any is read, and
    whether one changed too recently to be vouched for by it (`filestate.tree_state`).
    Taken at the end instead, a file saved while the sheets were drawn (an item's price,
    a minute into 20,000 stickers) would be vouched for by a sheet that does not show it."""
    from site_builder.freshness import inputs_state

    return inputs_state(root, root, "stickers")


def _fingerprint(inputs: str, target: Path) -> str:
    from site_builder.filestate import tree_fingerprint

    return inputs + ":" + tree_fingerprint([target])


def _still_fresh(record: Path, inputs: str) -> bool:
    """True when the same request's sheet exists and no input changed since it was made."""
    try:
        data = json.loads(record.read_text())
        target = Path(data["target"])
        return target.is_file() and data["fingerprint"] == _fingerprint(inputs, target)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _remember(record: Path, target: Path, inputs: str, racy: bool) -> None:
    """Remember the inputs the sheet was made from; forget them when one was too recent."""
    from site_builder.writer import write_atomic

    if racy:
        record.unlink(missing_ok=True)
        return
    target = target.resolve()
    body = {"target": str(target), "fingerprint": _fingerprint(inputs, target)}
    write_atomic(record, json.dumps(body).encode())


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stickers", help=_("make a QR sticker sheet PDF"))
    p.add_argument("booklet", nargs="?", help=_("a booklet (its items, in order); or use --codes"))
    p.add_argument(
        "--codes",
        nargs="+",
        action="extend",  # (given twice: both lists, not the last one)
        metavar="CODE[=COPIES]",
        help=_("items by code, optionally with a copy count: XM-D01=10 XM-P02"),
    )
    p.add_argument("--copies", type=int, default=1, help=_("copies of each item (default 1)"))
    p.add_argument(
        "--template",
        help=_(
            "label sheet: L7160, L7163, L7651, L7159, L7173, "
            "round-63.5 or one from site.yaml (default: stickers.template or L7160)"
        ),
    )
    p.add_argument(
        "--mode",
        choices=["labels", "printshop"],
        default="labels",
        help=_("labels: print on the label sheet; printshop: bleed and crop marks"),
    )
    p.add_argument(
        "--start", type=int, default=1, help=_("first free label on the sheet (1 = top left)")
    )
    p.add_argument("--offset-x", type=finite_mm, help=_("move everything right by this many mm"))
    p.add_argument("--offset-y", type=finite_mm, help=_("move everything down by this many mm"))
    p.add_argument(
        "--price",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_("print the price on each sticker"),
    )
    p.add_argument(
        "--payment",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_("also print each item's bank-transfer (VietQR) code, clearly labelled"),
    )
    p.add_argument(
        "--min-qr-mm",
        type=positive_mm,
        help=_("smallest QR symbol allowed, without its quiet zone (default 20)"),
    )
    p.add_argument(
        "--design",
        help=_("sticker design from templates/print/sticker-designs.yaml (default: standard)"),
    )
    p.add_argument(
        "--for-print",
        action="store_true",
        help=_("this sheet goes to print: record its codes as printed (permanent)"),
    )
    p.add_argument("--date", help=_("printing date for the registry, YYYY-MM-DD (default: today)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation (scripts)"))
    p.add_argument("-o", "--output", help=_("PDF file to write (default: stickers/…)"))
    p.add_argument("--all", action="store_true", help=_("every item of the site"))
    p.set_defaults(func=run)


def _selection(site: Site, args: argparse.Namespace) -> list[tuple[Any, int]]:
    """The items to print with their copies, within MAX_STICKERS."""
    chosen = _chosen(site, args)
    total = sum(copies for _item, copies in chosen)
    if total > MAX_STICKERS:
        raise SiteError(
            Msg(
                "{count} stickers in one run is more than {limit}; print them in batches "
                "(e.g. --copies 1000), which keeps each PDF small enough for a print shop.",
                count=total,
                limit=MAX_STICKERS,
            )
        )
    return chosen


def _chosen(site: Site, args: argparse.Namespace) -> list[tuple[Any, int]]:
    if args.copies < 1:
        raise SiteError(Msg("--copies must be 1 or more."))
    if args.all:
        return [(item, args.copies) for item in site.items]
    if args.codes:
        chosen = []
        for spec in args.codes:
            code, _sep, copies = spec.partition("=")
            item = site.by_code(code.upper())
            if item is None:
                known = ", ".join(sorted(i.code for i in site.items))
                raise SiteError(
                    Msg(
                        "no item has the code {code}. Codes: {codes}.",
                        code=code.upper(),
                        codes=known,
                    )
                )
            if copies and not copies.isdigit():
                raise SiteError(
                    Msg(
                        "'{spec}': write the copies as a number, e.g. {code}=10.",
                        spec=spec,
                        code=code.upper(),
                    )
                )
            chosen.append((item, int(copies) if copies else args.copies))
        return chosen
    if not args.booklet:
        raise SiteError(Msg("name a booklet (e.g. xin-man-gifts) or give --codes XM-D01 XM-P01 …"))
    booklet = next((b for b in site.booklets if b.slug == args.booklet), None)
    if booklet is None:
        known = ", ".join(b.slug for b in site.booklets)
        if known:
            raise SiteError(
                Msg(
                    "there is no booklet '{booklet}'. Booklets: {booklets}.",
                    booklet=args.booklet,
                    booklets=known,
                )
            )
        raise SiteError(
            Msg("there is no booklet '{booklet}'. Booklets: none.", booklet=args.booklet)
        )
    items = [site.by_key(key) for key in booklet.entries]
    return [(item, args.copies) for item in items if item is not None and hasattr(item, "code")]


def run(args: argparse.Namespace) -> int:
    from site_builder.cache import BuildCache, using
    from site_builder.codes import record_printed
    from site_builder.codes_confirm import confirm_printing, report_recorded
    from site_builder.content.loader import load_site
    from site_builder.plan import plan_site
    from site_builder.render.pdf import label_template, sticker_settings, sticker_sheet
    from site_builder.writer import write_atomic

    day = print_date(args.date)  # checked before any work: a bad date must not cost a sheet
    root = project_root(args)
    into_folder = not args.output or args.output.endswith(("/", "\\")) or Path(args.output).is_dir()
    if into_folder:  # -o FOLDER: the sheet under its usual name in that folder
        folder = Path(args.output).resolve() if args.output else root / STICKERS_DIR
    else:
        folder = Path(args.output).resolve().parent
    check_output_folder(root, folder, legacy=_only_sheets)  # never among a member's files
    record = _unchanged_record(root, args)
    inputs, racy = _inputs(root)  # before a file is read
    if not args.for_print and _still_fresh(record, inputs):
        print(
            _("Nothing changed: {target} is up to date.").format(
                target=display_path(Path(json.loads(record.read_text())["target"]))
            )
        )
        return 0
    memo = BuildCache(root)  # the same cache as the build: unchanged sheets are not redrawn
    with using(memo):
        site = load_site(root, stories=False)  # a sticker never shows a story
        plan_site(site)  # the printed-code registry and QR sizes must be right first
        chosen = _selection(site, args)
        if args.for_print:  # asked before anything is drawn or recorded
            confirm_printing(site, [item.code for item, _copies in chosen], args.yes)
        template = args.template or sticker_settings(site).template
        with contextlib.suppress(SiteError):  # (unknown: sticker_sheet names the mistake)
            template = label_template(site, template).name  # `l7160` is L7160, named so
        offset = None
        if args.offset_x is not None or args.offset_y is not None:
            offset = (args.offset_x or 0.0, args.offset_y or 0.0)
        pdf = sticker_sheet(
            site,
            chosen,
            template=template,
            mode=args.mode,
            start_position=args.start,
            offset_mm=offset,
            show_price=args.price,
            show_payment=args.payment,
            min_qr_mm=args.min_qr_mm,
            design=args.design,
            progress=Progress() if sys.stderr.isatty() else None,
        )
    memo.save(fingerprint=None, keep_unused=True)
    label = "all" if args.all else (args.booklet or "items")
    name = f"stickers-{label}-{template}-{args.mode}.pdf"
    # not in output/: every build replaces output/ whole, and a print job must survive it
    target = folder / name if into_folder else Path(args.output)
    ensure_folder(root, folder, legacy=_only_sheets)
    write_atomic(target, pdf)
    with contextlib.suppress(OSError):  # (the sheet is written: only the next run redraws)
        _remember(record, target, inputs, racy)
    count = sum(copies for _item, copies in chosen)
    print(
        _(
            Msg(
                "Wrote {count} sticker(s) of {items} item(s) on {template} to {file}.",
                count=count,
                items=len(chosen),
                template=template,
                file=display_path(target),
            )
        )
    )
    if args.for_print:
        report_recorded(record_printed(site, [item.code for item, _copies in chosen], day))
    else:
        print(
            _(
                Msg(
                    "This is a preview: no code was recorded as printed "
                    "(use --for-print for the print shop)."
                )
            )
        )
    return 0
