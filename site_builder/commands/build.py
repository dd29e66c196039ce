"""`site-builder build`: check everything, then write output/ atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from site_builder.commands import display_path, project_root


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help="build the site into output/")
    p.add_argument("--output", help="where to write (default: output/ in the project)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.build import build

    report = build(project_root(args), Path(args.output).resolve() if args.output else None)
    print(
        f"Built {report.pages} pages, {report.codes} QR codes and {report.pdfs} PDFs "
        f"({report.files} files) into {display_path(report.output)} "
        f"in {report.timings['total']:.2f} s."
    )
    for warning in report.warnings:
        print(f"Warning: {warning}")
    return 0
