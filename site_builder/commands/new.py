"""`site-builder new doll|ocop|page NAME`: a new item or page from commented templates."""

from __future__ import annotations

import argparse

from site_builder.commands import display_path, project_root
from site_builder.messages import _

NAME = "new"


def register_name(sub: argparse._SubParsersAction) -> None:
    """`new` by its name alone, while another command runs (cli.parser): no kinds read."""
    sub.add_parser(NAME)


def register(sub: argparse._SubParsersAction) -> None:
    from site_builder.content import kinds

    words = ", ".join(k.word for k in kinds.all_kinds())
    p = sub.add_parser(
        NAME,
        help=_("create a new item ({words}) or page with commented files").format(words=words),
    )
    p.add_argument(
        "kind", choices=(*(k.word for k in kinds.all_kinds()), "page"), help=_("what to create")
    )
    p.add_argument(
        "name", help=_("its name; the folder name is made from it (Búp bê Dao -> bup-be-dao)")
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.scaffold import create

    created = create(project_root(args), args.kind, args.name)
    folder = display_path(created.folder)
    files = ", ".join(created.files)
    if created.code:
        print(
            _("Created {folder} with the code {code}: {files}.").format(
                folder=folder, code=created.code, files=files
            )
        )
        print(
            _(
                "Next: replace every ??? and photo.png with the real facts, texts and photo "
                "(`site-builder check` lists what is left), and preview with `site-builder serve`."
            )
        )
    else:
        print(_("Created {folder}: {files}.").format(folder=folder, files=files))
        print(
            _(
                "Next: replace every ??? with the real texts (`site-builder check` lists what "
                "is left), and preview with `site-builder serve`."
            )
        )
    return 0
