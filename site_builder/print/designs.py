"""Sticker designs: templates/print/sticker-designs.yaml, checked strictly.

A design names the lines a sticker prints (brand, name, name2, cta, url, price), their
order, preferred sizes in pt and which are bold, and the call to action. The layout
(stickers.py) still decides the QR size and shrinks text when room is short, never
below 6 pt, so a design cannot make a sticker unreadable.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from site_builder.content.yamlsource import parse_yaml, read_text
from site_builder.errors import ContentError
from site_builder.messages import Msg

from . import DESIGNS_FILE
from .stickers import MIN_PT, STANDARD, TEXT_KINDS, StickerDesign

MAX_PT = 24.0


def load_design(templates_dir: Path, name: str) -> StickerDesign:
    """The design `name` of the project's templates; the built-in one when the project
    has no designs file and asks for 'standard'."""
    path = templates_dir / DESIGNS_FILE
    if not path.is_file():
        if name == STANDARD.name:
            return STANDARD
        raise ContentError(
            path,
            None,
            None,
            Msg("there is no sticker design file."),
            Msg("Copy templates/print/sticker-designs.yaml from the sample."),
        )
    data, lines = parse_yaml(read_text(path), path)
    if not isinstance(data, dict) or name not in data:
        known = ", ".join(str(k) for k in data) if isinstance(data, dict) else ""
        raise ContentError(
            path,
            None,
            None,
            Msg("there is no sticker design '{name}'.", name=name),
            Msg("Designs in this file: {known}.", known=known or "-"),
        )
    spec = data[name]

    def problem(key: str, message: str, hint: str = "") -> ContentError:
        return ContentError(
            path, lines.line((name, key)) or lines.line((name,)), f"{name}.{key}", message, hint
        )

    if not isinstance(spec, dict):
        raise problem(
            "lines", Msg("a design is a list of fields: lines, call_to_action, sizes, bold.")
        )
    known_keys = {"lines", "call_to_action", "sizes", "bold", "background"}
    for key in spec:
        if key not in known_keys:
            raise problem(
                str(key),
                Msg("unknown field."),
                Msg("Fields of a design: {fields}.", fields=", ".join(sorted(known_keys))),
            )
    kinds = ", ".join(TEXT_KINDS)
    lines_ = _kind_list(
        spec.get("lines", list(STANDARD.lines)),
        lambda: problem(
            "lines",
            Msg("expected a list of lines from: {kinds}.", kinds=kinds),
            Msg("e.g. [brand, name, name2, cta, url, price]"),
        ),
    )
    if "url" not in lines_:
        raise problem(
            "lines",
            Msg("a sticker must print its url (the address in the QR code)."),
            Msg("Add url to lines."),
        )
    bold = _kind_list(
        spec.get("bold", []),
        lambda: problem("bold", Msg("expected a list of lines from: {kinds}.", kinds=kinds)),
    )
    cta = spec.get("call_to_action", STANDARD.call_to_action)
    if cta is None:
        cta = ""
    if not isinstance(cta, str):
        raise problem(
            "call_to_action",
            Msg('expected text, e.g. "Quét để xem câu chuyện · Scan for the story".'),
        )
    sizes_raw = spec.get("sizes") or {}
    if not isinstance(sizes_raw, dict):
        raise problem("sizes", Msg("expected sizes in pt per line, e.g. {name: 9, url: 7}."))
    sizes: list[tuple[str, float]] = []
    for kind, value in sizes_raw.items():
        if kind not in TEXT_KINDS:
            raise problem(
                "sizes",
                Msg(
                    "'{kind}' is not a line of a sticker; lines: {kinds}.",
                    kind=str(kind),
                    kinds=kinds,
                ),
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not MIN_PT <= value <= MAX_PT
        ):
            raise problem(
                "sizes",
                Msg(
                    "the size of {kind} must be a number of pt from 6 to 24, not {value}.",
                    kind=str(kind),
                    value=str(value),
                ),
                Msg("Text under 6 pt is not legible on a label."),
            )
        sizes.append((str(kind), float(value)))
    background = spec.get("background")
    if background is not None:
        ok = (
            isinstance(background, list)
            and len(background) == 4
            and all(
                not isinstance(v, bool)
                and isinstance(v, (int, float))
                and math.isfinite(v)
                and 0 <= v <= 100
                for v in background
            )
        )
        if not ok:
            raise problem(
                "background",
                Msg(
                    "expected four CMYK percentages from 0 to 100, "
                    "e.g. [0, 4, 12, 0] (a light cream)."
                ),
            )
        background = tuple(float(v) for v in background)
    return StickerDesign(name, lines_, cta, tuple(sizes), bold, background)


def _kind_list(value: Any, error: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(v in TEXT_KINDS for v in value):
        raise error()
    return tuple(value)
