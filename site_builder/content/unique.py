"""What must be unique across the whole site: codes, addresses (folder names), ids,
aliases (`alias_error`: an alias over a page, or two items with one alias)."""

from __future__ import annotations

from pathlib import Path

from site_builder import lastbuild
from site_builder.content.free_codes import next_code
from site_builder.content.model import Item, Page
from site_builder.content.registry import own_printed_code, printed_owner
from site_builder.content.yamlsource import line_of
from site_builder.errors import Collector, ContentError
from site_builder.messages import N_, Msg


def check_unique(items: list[Item], pages: list[Page], errors: Collector, root: Path) -> None:
    seen_codes: dict[str, Item] = {}
    seen_keys: dict[str, Path] = {}
    for item in items:
        first = seen_codes.setdefault(item.code, item)
        if first is not item and (taken := _taken_printed_code(root, first, item)) is not None:
            errors.add(taken)
        elif first is not item:
            copy, other = _the_copy(root, first, item)
            path = copy.folder / "item.yaml"
            errors.add(
                ContentError(
                    path,
                    line_of(path, "code"),
                    "code",
                    Msg(
                        "the code {code} is already used by {other}.",
                        code=copy.code,
                        other=other.key,
                    ),
                    Msg(
                        "Every item needs its own code; give this one the next free code, {free}.",
                        free=next_code(root, copy.kind),
                    ),
                )
            )
    things: list[Item | Page] = [*items, *pages]
    for thing in things:
        first_folder = seen_keys.setdefault(thing.key, thing.folder)
        if first_folder != thing.folder:
            errors.add(
                ContentError(
                    thing.folder,
                    None,
                    None,
                    Msg(
                        "this folder gives the same address '{key}' as {other}.",
                        key=thing.key,
                        other=first_folder.name,
                    ),
                    Msg("Rename one of the two folders."),
                )
            )


def _the_copy(root: Path, first: Item, second: Item) -> tuple[Item, Item]:
    """(the copy, the original) of two items holding one code, neither printed: the one
    whose item.yaml the last good build did not read is new (a folder copied to start an
    item sorts anywhere); without a record, the later in folder order."""
    known = lastbuild.inputs_read_last(root)
    seen = [str((i.folder / "item.yaml").resolve()) in known for i in (first, second)]
    return (first, second) if seen == [False, True] else (second, first)


def _taken_printed_code(root: Path, first: Item, second: Item) -> ContentError | None:
    """Two items hold one code and it is printed: the error names the one taking it."""
    owner = printed_owner(root, first.code, [first, second])
    if owner is None:
        return None
    taker = second if owner is first else first
    path = taker.folder / "item.yaml"
    own = own_printed_code(root, taker)
    hint = (
        Msg(
            "Give {item} back its own printed code {own}: it is on {item}'s boxes. Never "
            "change the code of {owner}: it is on printed boxes.",
            item=taker.key,
            own=own,
            owner=owner.key,
        )
        if own is not None
        else Msg(
            "Give {item} a new code (the next free one is {free}). Never change the code of "
            "{owner}: it is on printed boxes.",
            item=taker.key,
            free=next_code(root, taker.kind),
            owner=owner.key,
        )
    )
    return ContentError(
        path,
        line_of(path, "code"),
        "code",
        Msg(
            "the code {code} is printed on the boxes of {owner}; {item} cannot take it.",
            code=first.code,
            owner=owner.key,
            item=taker.key,
        ),
        hint,
    )


def alias_error(
    item: Item, i: int, file: str, other: Item | None = None, page: bool = True
) -> ContentError:
    """The error for `item`'s alias number `i`, written to `file`: it is also `other`'s
    alias, or (no `other`) the address of a page of the site (`page`) or another file."""
    alias = item.aliases[i]
    if other is not None:
        message = Msg("'{alias}' is also an alias of {other}.", alias=alias, other=other.key)
    else:
        what = N_("a page of this site") if page else N_("a file of this site")
        message = Msg(
            "'{alias}' is already the address of {what} ({file}).",
            alias=alias,
            what=Msg(what),
            file=file,
        )
    source = item.folder / "item.yaml"
    return ContentError(
        source,
        line_of(source, "aliases"),
        f"aliases[{i}]",
        message,
        Msg(
            "An alias is an old address that has no page of its own any more; "
            "remove this one, or write the old address it stands for."
        ),
    )
