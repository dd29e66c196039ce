"""The `site-builder` command: verbs, messages and exit codes; no logic of its own."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from site_builder import __version__
from site_builder.commands import build, codes, qr
from site_builder.errors import ContentError, ErrorList, SiteError

COMMANDS = [build, qr, codes]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="site-builder",
        description="Bilingual site, QR stickers and print-ready PDFs from Markdown/YAML notes.",
    )
    p.add_argument("--version", action="version", version=f"site-builder {__version__}")
    p.add_argument("--project", default=".", help="the project folder (with site.yaml)")
    sub = p.add_subparsers(dest="verb", required=True)
    for command in COMMANDS:
        command.register(sub)
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
