"""`site-builder build`: check everything, then write output/ atomically."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path
from typing import Any

from site_builder.commands import display_path, project_root
from site_builder.messages import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help=_("build the site into output/"))
    p.add_argument("--output", help=_("where to write (default: output/ in the project)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.build import build
    from site_builder.progress import Progress

    extra: dict[str, Any] = {}
    if "progress" in inspect.signature(build).parameters:  # once the orchestrator reports it
        extra["progress"] = Progress()
    report = build(
        project_root(args), Path(args.output).resolve() if args.output else None, **extra
    )
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
            seconds=report.timings["total"],
        )
    )
    for warning in report.warnings:
        print(_("Warning: {message}").format(message=_(warning)))
    return 0
