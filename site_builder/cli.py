"""The `site-builder` command: verbs, messages and exit codes; no logic of its own."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from site_builder import __version__
from site_builder.errors import ContentError, ErrorList, SiteError


def _project(args: argparse.Namespace) -> Path:
    return Path(args.project).resolve()


def cmd_build(args: argparse.Namespace) -> int:
    from site_builder.build import build

    root = _project(args)
    report = build(root, Path(args.output).resolve() if args.output else None)
    rel = _rel(report.output, Path.cwd())
    print(
        f"Built {report.pages} pages, {report.codes} QR codes and {report.pdfs} PDFs "
        f"({report.files} files) into {rel} in {report.timings['total']:.2f} s."
    )
    for warning in report.warnings:
        print(f"Warning: {warning}")
    return 0


def cmd_qr(args: argparse.Namespace) -> int:
    from site_builder.build import plan_site
    from site_builder.content.loader import load_site
    from site_builder.render.qr import make_qr

    site = load_site(_project(args))
    plan = plan_site(site)
    code = args.code.upper()
    item = plan.codes.get(code)
    if item is None:
        raise SiteError(f"no item has the code {code}. Codes: {', '.join(sorted(plan.codes))}.")
    url = plan.urls.short_url(code)
    symbol = make_qr(url, site.config.qr_error_correction)
    out = Path(args.out_dir or ".")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{code}.svg").write_text(symbol.svg(size_mm=args.size_mm, title=url), encoding="utf-8")
    (out / f"{code}.png").write_bytes(symbol.png())
    moved = "" if item.code == code else f" (moved to {item.code})"
    print(f"{code}{moved} -> {url}")
    for lang in site.config.languages:
        print(f"  {lang}: {plan.urls.absolute(plan.urls.page(lang, item.kind, item.slug))}")
    print(
        f"  QR version {symbol.version}, error correction {symbol.error_correction}, "
        f"{symbol.size_with_quiet_zone} modules with quiet zone"
    )
    print(
        f"  wrote {_rel(out / (code + '.svg'), Path.cwd())} and {_rel(out / (code + '.png'), Path.cwd())}"
    )
    return 0


def cmd_codes(args: argparse.Namespace) -> int:
    from site_builder.build import plan_site
    from site_builder.codes import load_registry, record_printed
    from site_builder.content.loader import load_site

    root = _project(args)
    site = load_site(root)
    plan_site(site)
    if args.action == "list":
        registry = load_registry(root)
        for code, item in sorted(plan_site(site).codes.items()):
            printed = registry.get(code)
            state = f"printed {printed.printed.isoformat()}" if printed else "not printed"
            print(f"{code}\t{item.key}\t{plan_site(site).urls.short_url(code)}\t{state}")
        return 0
    day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    added = record_printed(site, [c.upper() for c in args.codes], day)
    print(f"Recorded {len(added)} printed code(s): {', '.join(added) or 'none new'}.")
    return 0


def _rel(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix() + (
            "/" if path.is_dir() else ""
        )
    except ValueError:
        return str(path)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="site-builder", description=__doc__)
    p.add_argument("--version", action="version", version=f"site-builder {__version__}")
    p.add_argument("--project", default=".", help="the project folder (with site.yaml)")
    sub = p.add_subparsers(dest="verb", required=True)
    b = sub.add_parser("build", help="build the site into output/")
    b.add_argument("--output", help="where to write (default: output/ in the project)")
    b.set_defaults(func=cmd_build)
    q = sub.add_parser("qr", help="show where a code points and write its SVG and PNG")
    q.add_argument("code")
    q.add_argument("--out-dir", help="folder for CODE.svg and CODE.png (default: here)")
    q.add_argument("--size-mm", type=float, default=25.0, help="printed size of the SVG")
    q.set_defaults(func=cmd_qr)
    c = sub.add_parser("codes", help="list codes, or record codes as printed")
    csub = c.add_subparsers(dest="action", required=True)
    csub.add_parser("list", help="every code, its item, URL and print state")
    m = csub.add_parser("mark-printed", help="record codes as printed (permanent)")
    m.add_argument("codes", nargs="+")
    m.add_argument("--date", help="date of printing, YYYY-MM-DD (default: today)")
    c.set_defaults(func=cmd_codes)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = Path(args.project).resolve()
    try:
        return int(args.func(args))
    except ErrorList as exc:
        report_errors(exc.errors, root)
        return 1
    except ContentError as exc:
        report_errors([exc], root)
        return 1
    except SiteError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130


def report_errors(errors: Sequence[ContentError], root: Path) -> None:
    for error in errors:
        print(f"Error: {error.format(root)}", file=sys.stderr)
    n = len(errors)
    print(f"{n} error{'s' if n != 1 else ''}; nothing was written.", file=sys.stderr)
