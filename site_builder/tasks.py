"""The build's units of work, as small frozen values mypy checks (issue 17, item 5).

A task names what one call of `build.run_task` makes (an item's pages, a list page, a
printed code's landing pages and QR...), by index into the plan or by key: tasks are
cheap to make, to compare and to pickle (worker processes receive them, site_builder/
parallel.py). The build lists them (`build.page_tasks`, `build.code_tasks`); the preview
makes the ones an edit touches (preview/live.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RootPage:
    """The site root: sends a visitor to the home page in their language."""


@dataclass(frozen=True)
class NotFoundPage:
    """404.html."""


@dataclass(frozen=True)
class HomePage:
    """The home page of a language, the members' print page of that language, and the
    service worker's page for a page it did not keep (render/offline.py)."""

    lang: str


@dataclass(frozen=True)
class ListPage:
    """The list page of one kind of item (content/kinds.py) in one language."""

    kind: str
    lang: str


@dataclass(frozen=True)
class ItemPages:
    """The pages of `site.items[index]`, in every language it is shown in."""

    index: int


@dataclass(frozen=True)
class FreePages:
    """The pages of `site.pages[index]`, in every language it is shown in."""

    index: int


@dataclass(frozen=True)
class CodePages:
    """What a printed code leads to: its landing pages and its QR images."""

    code: str


@dataclass(frozen=True)
class ItemExtras:
    """Of `site.items[index]`: its alias redirects, payment QR and GS1 landing pages."""

    index: int


@dataclass(frozen=True)
class BookletCode:
    """A printed booklet's back-cover code: its landing pages and QR images."""

    code: str


@dataclass(frozen=True)
class AppIcons:
    """The web app's icons, drawn from the theme's logo. Drawing an SVG logo imports
    WeasyPrint (~0.4 s): as a task, a worker draws them while the others render pages."""


@dataclass(frozen=True)
class StaticFiles:
    """Files put into the site as they are: (path in output/, source, link or copy)."""

    files: tuple[tuple[str, Path, bool], ...]


Task = (
    RootPage
    | NotFoundPage
    | HomePage
    | ListPage
    | ItemPages
    | FreePages
    | CodePages
    | ItemExtras
    | BookletCode
    | AppIcons
    | StaticFiles
)
