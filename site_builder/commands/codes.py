"""`site-builder codes list | mark-printed`: the printed-code registry."""

from __future__ import annotations

import argparse
import datetime as dt

from site_builder.commands import project_root


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("codes", help="list codes, or record codes as printed")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every code, its item, URL and print state")
    m = actions.add_parser("mark-printed", help="record codes as printed (permanent)")
    m.add_argument("codes", nargs="+")
    m.add_argument("--date", help="date of printing, YYYY-MM-DD (default: today)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.build import plan_site
    from site_builder.codes import load_registry, record_printed
    from site_builder.content.loader import load_site

    root = project_root(args)
    site = load_site(root)
    plan = plan_site(site)
    if args.action == "list":
        registry = load_registry(root)
        for code, item in sorted(plan.codes.items()):
            printed = registry.get(code)
            state = f"printed {printed.printed.isoformat()}" if printed else "not printed"
            print(f"{code}\t{item.key}\t{plan.urls.short_url(code)}\t{state}")
        return 0
    day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    added = record_printed(site, [c.upper() for c in args.codes], day)
    print(f"Recorded {len(added)} printed code(s): {', '.join(added) or 'none new'}.")
    return 0
