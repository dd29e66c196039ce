"""`site-builder serve`: build, serve output/ on 127.0.0.1, rebuild and reload on change."""

from __future__ import annotations

import argparse

from site_builder.commands import project_root
from site_builder.messages import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help=_("live preview: rebuilds and reloads the browser on save"))
    p.add_argument("--port", type=int, default=8000, help=_("port on 127.0.0.1 (default: 8000)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.preview.serve import serve

    return serve(project_root(args), args.port)
