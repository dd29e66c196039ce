"""Errors of the print engine. All are `SiteError`s, so the CLI shows them as messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from site_builder.errors import SiteError
from site_builder.messages import Msg


class PrintError(SiteError):
    """A sticker sheet or booklet cannot be printed as asked; the message says how to fix it."""


class LabelError(PrintError):
    """A label template (built-in name or custom mapping from site.yaml) is wrong.

    Carries the same facts as a `ContentError` (file, line, field, message, hint)
    so the CLI can show it next to content errors.
    """

    def __init__(
        self,
        field: str,
        message: str,
        hint: str = "",
        path: Path | str | None = None,
        line: int | None = None,
    ) -> None:
        self.field = field
        self.message = message
        self.hint = hint
        self.path = path
        self.line = line
        super().__init__(self.format())

    def format(self) -> str:
        return self._format(str, str)

    def format_localized(self) -> str:
        """`format()` in the CLI language: message and hint through the catalog."""
        from site_builder.messages import _

        return self._format(_, _)

    def _format(self, message: Any, hint: Any) -> str:
        where = ""
        if self.path is not None:
            where = Path(self.path).as_posix()
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        said = message(self.message)
        text = f"{where}{self.field}: {said}" if self.field else f"{where}{said}"
        if self.hint:
            text += f" {hint(self.hint)}"
        return text

    def __str__(self) -> str:
        return self.format()


class StickerError(PrintError):
    """A sticker does not fit its label, or the sheet request is inconsistent."""


class FontError(PrintError):
    """The packaged font is missing, or WeasyPrint used another font for some text."""


class Phrase(Msg):
    """Part of a message, translated with it: a value of another `Msg` (e.g. the list of
    larger templates a sticker message suggests)."""

    def translated(self) -> str:
        from site_builder.messages import _

        return _(self)

    def __reduce__(self) -> tuple[Any, ...]:  # stays a Phrase through pickling
        return (_phrase, (self.template, self.params))


def _phrase(template: str, params: dict[str, Any]) -> Phrase:
    return Phrase(template, **params)
