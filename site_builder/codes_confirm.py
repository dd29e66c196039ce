"""Asking before a code becomes permanent, and reminding to commit the registry.

`codes mark-printed` and `stickers --for-print` make a promise that cannot be taken
back (codes_record.py keeps it even if the file is lost). On a terminal they list
what will be recorded and ask; a script passes `--yes`. Without a terminal and
without `--yes` they refuse at once: a prompt nobody can see would hang a script.
"""

from __future__ import annotations

import sys

from site_builder.codes import load_registry
from site_builder.content.model import Booklet, Site
from site_builder.errors import SiteError
from site_builder.messages import Msg, _

YES = {"y", "yes", "c", "có", "co"}


def confirm_printing(
    site: Site, codes: list[str], yes: bool, booklet: Booklet | None = None
) -> None:
    """Return when recording `codes` as printed is confirmed; raise `SiteError` if not.
    `booklet`: a booklet printed for the shop, whose own code (its back-cover QR) is
    recorded too, so it is asked about with the items' codes."""
    registry = load_registry(site.config.root)
    new = sorted({c for c in codes if c not in registry and site.by_code(c) is not None})
    own = booklet.code if booklet is not None else None
    if own is not None and own not in registry:
        new.append(own)
    if not new or yes:
        return
    listed = ", ".join(new)
    if not sys.stdin.isatty():
        raise SiteError(
            Msg(
                "recording {codes} as printed is permanent and there is no terminal to ask "
                "on: add --yes to confirm.",
                codes=listed,
            )
        )
    print(
        _(
            Msg(
                "These codes will be recorded as printed: {codes}. Their QR codes must then "
                "open the same items for as long as the boxes exist; this cannot be undone.",
                codes=listed,
            )
        )
    )
    source = site.config.source_language
    for code in new:
        item = site.by_code(code)
        if item is not None:
            print(f"  {code}  {item.key}  {item.translations[source].title}")
        elif booklet is not None and code == own:
            print(f"  {code}  booklets/{booklet.slug}  {booklet.title[source]}")
    try:
        answer = input(_("Record them as printed? [y/N] "))
    except EOFError:
        answer = ""
    if answer.strip().lower() not in YES:
        raise SiteError(Msg("cancelled: no code was recorded as printed."))


def commit_reminder() -> str:
    """What to say after a code was recorded: the registry is the record of a promise."""
    return _(
        Msg(
            "Now commit content/printed-codes.yaml (and the item.yaml files that got an id): "
            "it is the record of a promise. For example: "
            'git add content && git commit -m "Printed codes"'
        )
    )


def report_recorded(added: list[str]) -> None:
    """Say what a printing command recorded; remind to commit when something is new."""
    if added:
        recorded = Msg(
            "Recorded as printed: {codes}. "
            "These codes must keep working for as long as the boxes exist.",
            codes=", ".join(added),
        )
    else:
        recorded = Msg(
            "Recorded as printed: none new (already recorded). "
            "These codes must keep working for as long as the boxes exist."
        )
    print(_(recorded))
    if added:
        print(commit_reminder())
