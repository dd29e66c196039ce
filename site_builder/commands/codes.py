"""`site-builder codes list | mark-printed | restore`: the printed-code registry."""

from __future__ import annotations

import argparse

from site_builder.commands import project_root
from site_builder.messages import Msg, _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("codes", help=_("list codes, or record codes as printed"))
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help=_("every code, its item, URL and print state"))
    m = actions.add_parser("mark-printed", help=_("record codes as printed (permanent)"))
    m.add_argument("codes", nargs="+", help=_("codes such as XM-D01"))
    m.add_argument("--date", help=_("date of printing, YYYY-MM-DD (default: today)"))
    m.add_argument("--yes", action="store_true", help=_("do not ask for confirmation (scripts)"))
    r = actions.add_parser(
        "restore", help=_("write printed codes lost from the registry back from the record")
    )
    r.add_argument("--output", help=_("the output folder holding the published record"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from site_builder.codes import load_registry, record_printed
    from site_builder.codes_confirm import commit_reminder, confirm_printing
    from site_builder.commands.print_options import print_date
    from site_builder.content.loader import load_site
    from site_builder.plan import plan_site

    root = project_root(args)
    if args.action == "restore":
        from site_builder.codes_record import restore

        output = Path(args.output).resolve() if args.output else root / "output"
        fixed = restore(root, output)
        if fixed:
            print(
                _(
                    Msg(
                        "Restored {n} printed code(s): {codes}.",
                        n=len(fixed),
                        codes=", ".join(fixed[:10])
                        + (f" … (+{len(fixed) - 10})" if len(fixed) > 10 else ""),
                    )
                )
            )
            print(commit_reminder())
        else:
            print(_("Nothing to restore: the registry holds every recorded printed code."))
        return 0
    day = print_date(args.date) if args.action == "mark-printed" else None
    site = load_site(root, stories=False)  # codes never show a story
    plan = plan_site(site)
    if args.action == "list":
        registry = load_registry(root)
        for code, item in sorted(plan.codes.items()):
            printed = registry.get(code)
            state = (
                _("printed {day}").format(day=printed.printed.isoformat())
                if printed
                else _("not printed")
            )
            print(f"{code}\t{item.key}\t{plan.urls.short_url(code)}\t{state}")
        return 0
    assert day is not None
    codes = [c.upper() for c in args.codes]
    confirm_printing(site, codes, args.yes)
    added = record_printed(site, codes, day)
    print(
        _("Recorded {n} printed code(s): {codes}.").format(
            n=len(added), codes=", ".join(added) or _("none new")
        )
    )
    if added:
        print(commit_reminder())
    return 0
