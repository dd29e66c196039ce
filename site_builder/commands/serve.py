"""`site-builder serve`: build, serve output/ on 127.0.0.1, rebuild and reload on change."""

from __future__ import annotations

import argparse

from site_builder.commands import project_root
from site_builder.messages import Msg, _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help=_("live preview: rebuilds and reloads the browser on save"))
    p.add_argument(
        "--port", type=port_number, default=8000, help=_("port on 127.0.0.1 (default: 8000)")
    )
    p.set_defaults(func=run)


def port_number(text: str) -> int:
    """An argparse type: a TCP port a preview can listen on (1-65535)."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            _(
                Msg(
                    "'{value}' is not a port: write a number from 1 to 65535, e.g. 8001.",
                    value=text,
                )
            )
        )
    return port


def run(args: argparse.Namespace) -> int:
    from site_builder.preview.serve import serve

    return serve(project_root(args), args.port)
