"""`site-builder publish [TARGET]`: put the built site on S3-compatible object storage."""

from __future__ import annotations

import argparse
from pathlib import Path

from site_builder.commands import project_root
from site_builder.messages import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "publish", help=_("upload the built site to object storage (only what changed)")
    )
    p.add_argument(
        "target", nargs="?", help=_("a target of publish: in site.yaml (default: every target)")
    )
    p.add_argument("--output", help=_("the built site to send (default: output/ in the project)"))
    p.add_argument("--dry-run", action="store_true", help=_("list what would change; send nothing"))
    p.add_argument(
        "--prune-foreign",
        action="store_true",
        help=_("replace and delete files in the bucket that this tool did not write"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.config import load_config
    from site_builder.publish.run import publish, size_text
    from site_builder.publish.targets import choose
    from site_builder.writer import project_lock

    root = project_root(args)
    output = Path(args.output).resolve() if args.output else root / "output"
    config = load_config(root)
    for target in choose(config, args.target):
        with project_lock(root):  # no build swaps output/ while it is being read and sent
            plan, result = publish(
                output, target, dry_run=args.dry_run, prune_foreign=args.prune_foreign
            )
        template = (
            _(
                "{name}: would upload {new} new and {changed} changed file(s) ({size}), delete {deleted}; {unchanged} unchanged. Nothing was sent (--dry-run)."
            )
            if args.dry_run
            else _(
                "{name}: uploaded {new} new and {changed} changed file(s) ({size}), deleted {deleted}; {unchanged} unchanged ({seconds:.1f} s)."
            )
        )
        print(
            template.format(
                name=target.name,
                new=result.new,
                changed=result.changed,
                size=size_text(result.uploaded_bytes),
                deleted=len(plan.delete) + len(plan.foreign_gone)
                if args.dry_run
                else result.deleted,
                unchanged=result.unchanged,
                seconds=result.seconds,
            )
        )
    return 0
