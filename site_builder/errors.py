"""The error hierarchy. Every problem a member can cause is a `ContentError`.

A `ContentError` names the file, the line (when known), the field, what is wrong and
how to fix it. Commands collect them into an `ErrorList` and show them all at once;
they never reach the user as a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.messages import Msg, _


def realpath(path: str, real: dict[str, str]) -> str:
    """`os.path.realpath(path)` of an absolute path, each parent folder resolved only once
    (`real`: the paths resolved so far): a name that is not a symbolic link resolves to
    itself in its resolved parent. For showing thousands of paths (2 `lstat` calls each
    instead of one per folder of the path)."""
    known = real.get(path)
    if known is not None:
        return known
    parent, name = os.path.split(path)
    if not os.path.isabs(path) or name in ("", ".", "..") or os.path.islink(path):
        found = os.path.realpath(path)
    else:
        found = os.path.join(realpath(parent, real), name)
    real[path] = found
    return found


class SiteError(Exception):
    """Base class for every error this tool reports to a person."""


def raised_message(exc: BaseException) -> str:
    """The message `exc` was raised with: a `messages.Msg` stays one, to be shown in the
    reader's language (`str(exc)` is its English text)."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)


@dataclass
class ContentError(SiteError):
    """One mistake in one file: where it is, what is wrong, and how to fix it."""

    path: Path | str
    line: int | None
    field: str | None
    message: str  # English; may be a `site_builder.messages.Msg` to be translatable
    hint: str = ""
    # the file as `location(root, real)` shows it from `root`, when whoever made the error
    # knew it already (`check` shows thousands of translations' paths worked out ahead)
    # (`dataclasses.field`: `field` is a name of this class)
    shown: tuple[Path, str] | None = dataclasses.field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # no text in `args`: `str()` formats it when it is shown (`check` makes thousands
        # of warnings, most of them shown once, in the CLI's language)
        super().__init__()

    def __reduce__(self) -> tuple[type[ContentError], tuple[object, ...]]:
        """Picklable (it crosses from worker processes), messages and all."""
        return (type(self), (self.path, self.line, self.field, self.message, self.hint))

    def location(self, root: Path | None = None, real: dict[str, str] | None = None) -> str:
        """The file (from `root`, as `Path.resolve` sees both) and line; `real`: folders
        resolved so far (`realpath`), for a caller showing many errors."""
        if self.shown is not None and root is not None and self.shown[0] == root:
            where = self.shown[1]
            return where if self.line is None else f"{where}:{self.line}"
        path = self.path if isinstance(self.path, Path) else Path(self.path)
        where = path.as_posix()
        if root is not None and real is None:
            with contextlib.suppress(ValueError):  # outside the project: keep it absolute
                where = path.resolve().relative_to(root.resolve()).as_posix()
        elif root is not None and real is not None:  # (strings: thousands of messages)
            base = realpath(str(root.absolute()), real)
            full = realpath(str(path.absolute()), real)
            inside = base if base.endswith(os.sep) else base + os.sep
            if full == base:
                where = "."
            elif full.startswith(inside):
                where = full[len(inside) :].replace(os.sep, "/")
        if self.line is not None:
            where += f":{self.line}"
        return where

    def format(self, root: Path | None = None) -> str:
        text = f"{self.location(root)}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()

    def format_localized(self, root: Path | None = None, real: dict[str, str] | None = None) -> str:
        """`format()` in the CLI language: message and hint through the catalog.

        `message` and `hint` may be `site_builder.messages.Msg` (a template with values),
        looked up by template; a plain English text is looked up as it is. Without a
        catalog entry the English text is shown.
        """
        text = f"{self.location(root, real)}: "
        if self.field:
            text += f"{self.field}: "
        text += _(self.message)
        if self.hint:
            text += f" {_(self.hint)}"
        return text


@dataclass(eq=False)
class FieldError(SiteError):
    """A value that a checker refused, before the loader adds file and line: which field,
    what is wrong, how to fix it (VietQR details, shop links)."""

    field: str
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[FieldError], tuple[object, ...]]:
        return (type(self), (self.field, self.message, self.hint))

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}"
        return f"{text} {self.hint}" if self.hint else text


@dataclass
class ErrorList(SiteError):
    """Several content errors found in one pass; raised once, shown together."""

    errors: list[ContentError] = field(default_factory=list)
    # set by load_site: the site without the files that failed (`content.model.Site`), and
    # the codes and ids those files name, so the printed-code registry can be checked too
    partial: object | None = field(default=None, compare=False)
    unreadable: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        super().__init__(Msg("{n} error(s)", n=len(self.errors)))

    def __reduce__(self) -> tuple[type[ErrorList], tuple[object, ...]]:
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return "\n".join(e.format() for e in self.errors)


def all_errors(exc: ContentError | ErrorList) -> list[ContentError]:
    """The content errors one raised error stands for."""
    return list(exc.errors) if isinstance(exc, ErrorList) else [exc]


class Collector:
    """Gathers errors during a phase so that one mistake never hides another."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def add(self, error: ContentError) -> None:
        self.errors.append(error)

    def raise_if_any(
        self, partial: object | None = None, unreadable: frozenset[str] = frozenset()
    ) -> None:
        """Raise every error gathered, in file and line order (`ErrorList` explains
        `partial` and `unreadable`)."""
        if self.errors:
            raise self.as_error(partial, unreadable)

    def as_error(
        self, partial: object | None = None, unreadable: frozenset[str] = frozenset()
    ) -> ErrorList:
        """Every error gathered, in file and line order, as one `ErrorList`."""
        return ErrorList(sorted(self.errors, key=_sort_key), partial, unreadable)

    def __bool__(self) -> bool:
        return bool(self.errors)


def _sort_key(error: ContentError) -> tuple[str, int]:
    return (Path(error.path).as_posix(), error.line or 0)
