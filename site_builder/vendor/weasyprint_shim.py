"""WeasyPrint's user-agent stylesheet, and editing the pydyf PDF it hands to a finisher.

Private or undocumented things used here, and why:

* ``weasyprint.html.UA`` / ``UA_COUNTER_STYLE`` (module globals) and the method
  ``HTML._ua_stylesheets``: WeasyPrint parses its whole HTML5 user-agent stylesheet for
  every document. Our print documents never use list markers, footnotes or notes, and
  dropping those rules saves a measurable part of each sticker sheet. We subclass
  ``HTML`` and give it the same sheet without those rules. Where WeasyPrint's stylesheet
  is not laid out as expected, the plain ``HTML`` class is used: output is the same,
  only slower.
* The PDF object WeasyPrint passes to a ``finisher`` is a ``pydyf.PDF``: its
  ``objects``, ``pages``, ``catalog``, and references written as ``"12 0 R"`` strings.
  ``prepend``, ``resolve`` and ``rewrite_stream`` are the only code that relies on
  that shape.
* ``FontConfiguration._folder``: the folder WeasyPrint copies @font-face fonts into,
  made by ``mkdtemp`` on first use and removed only by ``__del__``, which a pool's
  worker never runs. ``font_configuration`` sets it to a folder the print engine removes
  itself (site_builder/print/fontfolder.py).

tests/test_vendor_weasyprint.py fails, naming the function, when a release changes any
of this. pyproject.toml bounds weasyprint and pydyf from above.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: user-agent rules (one a line in WeasyPrint's html5_ua.css) that only matter to lists,
#: footnotes and notes
MARKER_RULES = re.compile(
    r"^::(?:marker|footnote-call|footnote-marker|note-call|note-marker|note-callback)\b.*\n",
    re.M,
)

_lock = threading.Lock()
_lean: dict[str, Any] = {}


def lean_html_class() -> Any:
    """An `HTML` class with the lean user-agent stylesheet (or WeasyPrint's own `HTML`
    where its stylesheet is not laid out as expected). Made once per process."""
    with _lock:
        if "html" not in _lean:
            from weasyprint import CSS, HTML
            from weasyprint import html as ua

            factory: Any = HTML
            full = getattr(ua, "UA", "")
            lean = MARKER_RULES.sub("", full)
            if hasattr(HTML, "_ua_stylesheets") and lean != full:
                sheet = CSS(string=lean, counter_style=ua.UA_COUNTER_STYLE)

                class LeanHTML(HTML):  # type: ignore[misc,unused-ignore]
                    def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
                        return [sheet, *super()._ua_stylesheets(forms)[1:]]

                factory = LeanHTML
            _lean["html"] = factory
        return _lean["html"]


def font_configuration(config: Any, folder: Path) -> Any:
    """`config` (a fresh `FontConfiguration`) made to keep its fonts in `folder`.
    Raises RuntimeError where WeasyPrint no longer has the attribute, rather than leaving
    its own folders behind unnoticed."""
    if not hasattr(config, "_folder") or config._folder is not None:
        raise RuntimeError("weasyprint.text.fonts.FontConfiguration has no unused _folder")
    config._folder = folder
    return config


def object_number(reference: str | bytes) -> int:
    """The object number of a pydyf reference such as '12 0 R'."""
    text = reference.decode() if isinstance(reference, bytes) else reference
    return int(text.split()[0])


def resolve(pdf: Any, value: Any) -> Any:
    """A pydyf object from a reference ('12 0 R') or the object itself."""
    if isinstance(value, (str, bytes)):
        text = value.decode() if isinstance(value, bytes) else value
        if text.endswith(" R"):
            return pdf.objects[object_number(text)]
    return value


def page_objects(pdf: Any) -> list[Any]:
    """The page dictionaries of `pdf`, in order."""
    kids = pdf.pages["Kids"][::3]  # [number, 0, 'R', ...]
    return [pdf.objects[number] for number in kids]


def prepend(pdf: Any, reference: str | bytes, data: bytes) -> None:
    """Put `data` first in the (uncompressed) content stream `reference` names."""
    pdf.objects[object_number(reference)].stream.insert(0, data)


def add_stream(pdf: Any, data: bytes, extra: dict[str, Any] | None = None) -> Any:
    """A new stream object holding `data` (already encoded as `extra` says); its reference."""
    import pydyf

    stream = pydyf.Stream([data], extra or {})
    pdf.add_object(stream)
    return stream.reference


def array(values: Sequence[Any]) -> Any:
    """A pydyf array (written as [ ... ] in the PDF)."""
    import pydyf

    return pydyf.Array(list(values))


def dictionary(values: dict[str, Any] | None = None) -> Any:
    """A pydyf dictionary (written as << ... >> in the PDF)."""
    import pydyf

    return pydyf.Dictionary(values or {})


def rewrite_stream(pdf: Any, reference: Any, change: Callable[[bytes], bytes]) -> bool:
    """Apply `change` to every chunk of the stream `reference` names; False if it is not
    a reference to a stream."""
    if not isinstance(reference, (str, bytes)):
        return False
    stream = pdf.objects[object_number(reference)]
    stream.stream = [
        change(chunk.encode() if isinstance(chunk, str) else bytes(chunk))
        for chunk in stream.stream
    ]
    return True
