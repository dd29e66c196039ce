"""`site-builder qr CODE`: where a code points, and its SVG and PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

from site_builder.commands import display_path, project_root
from site_builder.commands.print_options import positive_mm
from site_builder.errors import SiteError
from site_builder.messages import Msg, _
from site_builder.outdir import check_output_folder, ensure_folder

QR_DIR = "qr"  # CODE.svg and CODE.png made by this command


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("qr", help=_("show where a code points and write its SVG and PNG"))
    p.add_argument("code", help=_("the code, e.g. XM-D01"))
    p.add_argument(
        "--out-dir", help=_("folder for CODE.svg and CODE.png (default: qr/ in the project)")
    )
    p.add_argument(
        "--size-mm",
        type=positive_mm,
        help=_(
            "printed size of the SVG, quiet zone included (default: the code itself "
            "stickers.min_qr_mm wide, 20 mm: 26.4 mm in all)"
        ),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.content.loader import load_site
    from site_builder.plan import plan_site
    from site_builder.render.qr import make_qr
    from site_builder.writer import write_atomic

    root = project_root(args)
    out = Path(args.out_dir).resolve() if args.out_dir else root / QR_DIR
    check_output_folder(root, out)  # never among a member's files
    site = load_site(root, stories=False)  # a QR code never shows a story
    plan = plan_site(site)
    code = args.code.upper()
    item = plan.codes.get(code)
    booklet = plan.booklet_codes.get(code)  # (a booklet's own code, on its back cover)
    if item is None and booklet is None:
        raise SiteError(
            Msg(
                "no item has the code {code}. Codes: {codes}.",
                code=code,
                codes=", ".join(sorted([*plan.codes, *plan.booklet_codes])),
            )
        )
    url = plan.urls.short_url(code)
    symbol = make_qr(url, site.config.qr_error_correction)
    least = site.config.stickers.min_qr_mm
    size_mm = symbol.printed_mm(least) if args.size_mm is None else args.size_mm
    if symbol.symbol_mm(size_mm) < least - 0.005:  # (as the sticker sheets refuse it)
        raise SiteError(
            Msg(
                "at {size} mm the code itself would be {symbol} mm wide, under the {least} mm "
                "a phone reads from a box (stickers.min_qr_mm). Use --size-mm {printed} or "
                "more: {printed} mm is the code with the white quiet zone it needs around it.",
                size=f"{size_mm:g}",
                symbol=f"{symbol.symbol_mm(size_mm):.1f}",
                least=f"{least:g}",
                printed=f"{symbol.printed_mm(least):g}",
            )
        )
    ensure_folder(root, out)
    svg, png = out / f"{code}.svg", out / f"{code}.png"
    write_atomic(svg, symbol.svg(size_mm=size_mm, title=url).encode("utf-8"))
    write_atomic(png, symbol.png())
    moved = (
        "" if item is None or item.code == code else _(" (moved to {code})").format(code=item.code)
    )
    print(f"{code}{moved} -> {url}")
    for lang in site.config.languages:
        if item is not None:
            page = plan.urls.page(lang, item.kind, item.slug)
        else:
            assert booklet is not None
            page = plan.urls.url(plan.urls.booklet_file(lang, booklet.slug))
        print(f"  {lang}: {plan.urls.absolute(page)}")
    print(
        "  "
        + _(
            "QR version {version}, error correction {level}, {modules} modules with the quiet zone"
        ).format(
            version=symbol.version,
            level=symbol.error_correction,
            modules=symbol.size_with_quiet_zone,
        )
    )
    print(
        "  "
        + _("SVG printed {size} mm wide, the code itself {symbol} mm").format(
            size=f"{size_mm:g}", symbol=f"{symbol.symbol_mm(size_mm):.1f}"
        )
    )
    print("  " + _("wrote {svg} and {png}").format(svg=display_path(svg), png=display_path(png)))
    return 0
