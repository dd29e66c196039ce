"""Label sheet templates, modelled on gLabels: a page, a label shape, a grid layout.

All lengths are millimetres. Labels are numbered 1..N left to right, then top to
bottom (the order label printers and gLabels use).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.messages import Msg
from site_builder.print_errors import LabelError, Phrase

SHAPES = ("rect", "round")
EPS = 0.005  # mm; two labels touching edge to edge are fine


@dataclass(frozen=True)
class LabelTemplate:
    name: str
    description: str
    page_width: float
    page_height: float
    shape: str  # 'rect' | 'round'
    label_width: float  # the diameter for round labels
    label_height: float  # equals label_width for round labels
    columns: int
    rows: int
    left: float  # x of the first label's left edge
    top: float  # y of the first label's top edge
    h_pitch: float  # distance between the left edges of neighbouring columns
    v_pitch: float  # distance between the top edges of neighbouring rows
    corner_radius: float = 0.0
    source: str = ""  # where the numbers come from (built-in sheets: the manufacturer)

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def size_text(self) -> str:
        """ "63.5 × 38.1 mm"; a round label's diameter, translated with the message it is in."""
        if self.shape == "round":
            return Phrase("{diameter} mm across (round)", diameter=_num(self.label_width))
        return f"{_num(self.label_width)} × {_num(self.label_height)} mm"

    def label_box(self, index: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) in mm of label `index` (0-based) on the page."""
        if not 0 <= index < self.per_sheet:
            raise IndexError(index)
        row, col = divmod(index, self.columns)
        return (
            self.left + col * self.h_pitch,
            self.top + row * self.v_pitch,
            self.label_width,
            self.label_height,
        )

    def boxes(self) -> list[tuple[float, float, float, float]]:
        return [self.label_box(i) for i in range(self.per_sheet)]


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _a4(
    name: str,
    description: str,
    shape: str,
    w: float,
    h: float,
    cols: int,
    rows: int,
    top: float,
    left: float,
    hp: float,
    vp: float,
    radius: float = 0.0,
    source: str = "",
) -> LabelTemplate:
    return LabelTemplate(
        name, description, 210.0, 297.0, shape, w, h, cols, rows, left, top, hp, vp, radius, source
    )


_AVERY = (
    "Avery UK product template {part} (avery.co.uk/{part}): label size, sheet layout "
    "and margins as Avery publishes them"
)
_LIBREOFFICE = "LibreOffice label database (extras/source/labels/labels.xcu): {part}"

#: Built-in A4 sheets, each with its source. Where sources disagree, the manufacturer's
#: own template wins (L7159: LibreOffice says 64.0 × 33.86 mm at a 66.54 mm pitch; Avery
#: states 63.5 × 33.9 mm, which moves the outer labels by up to 0.84 mm).
BUILTIN: dict[str, LabelTemplate] = {
    t.name: t
    for t in (
        _a4(
            "L7160",
            "Avery L7160, 21 labels 63.5 × 38.1 mm",
            "rect",
            63.5,
            38.1,
            3,
            7,
            15.15,
            7.20,
            66.04,
            38.10,
            1.5,
            _AVERY.format(part="L7160"),
        ),
        _a4(
            "L7163",
            "Avery L7163, 14 labels 99.06 × 38.1 mm",
            "rect",
            99.06,
            38.1,
            2,
            7,
            15.15,
            4.67,
            101.60,
            38.10,
            1.5,
            _AVERY.format(part="L7163"),
        ),
        _a4(
            "L7651",
            "Avery L7651, 65 labels 38.1 × 21.17 mm",
            "rect",
            38.1,
            21.17,
            5,
            13,
            10.90,
            4.67,
            40.64,
            21.17,
            1.0,
            _AVERY.format(part="L7651"),
        ),
        _a4(
            "L7159",
            "Avery L7159, 24 labels 63.5 × 33.9 mm",
            "rect",
            63.5,
            33.9,
            3,
            8,
            12.90,
            7.25,
            66.00,
            33.90,
            1.5,
            _AVERY.format(part="L7159"),
        ),
        _a4(
            "L7173",
            "Avery L7173, 10 labels 99.06 × 57.0 mm",
            "rect",
            99.06,
            57.0,
            2,
            5,
            6.00,
            4.67,
            101.60,
            57.00,
            1.5,
            _AVERY.format(part="L7173"),
        ),
        _a4(
            "round-63.5",
            "12 round labels, 63.5 mm across",
            "round",
            63.5,
            63.5,
            3,
            4,
            14.75,
            5.25,
            68.0,
            68.0,
            0.0,
            _LIBREOFFICE.format(part="generic 63.5 mm round labels, 12 per A4 sheet"),
        ),
    )
}

# site.yaml keys of a custom template -> (field, kind)
_FIELDS: dict[str, str] = {
    "description": "text",
    "page_width": "length",
    "page_height": "length",
    "shape": "shape",
    "label_width": "length",
    "label_height": "length",
    "corner_radius": "length0",
    "columns": "count",
    "rows": "count",
    "left": "length0",
    "top": "length0",
    "h_pitch": "length",
    "v_pitch": "length",
}
_OPTIONAL = {"description", "corner_radius", "shape", "h_pitch", "v_pitch", "label_height"}
_EXAMPLE = Msg(
    "Example: {page_width: 210, page_height: 297, label_width: 70, label_height: 37, "
    "columns: 3, rows: 8, left: 0, top: 0.5, h_pitch: 70, v_pitch: 37}."
)


def custom_template(
    name: str, mapping: Mapping[str, Any], path: Path | str | None = None, line: int | None = None
) -> LabelTemplate:
    """Build a template from a site.yaml mapping, e.g.::

        labels:
          my-sheet: {page_width: 210, page_height: 297, label_width: 70, label_height: 37,
                     columns: 3, rows: 8, left: 0, top: 0.5, h_pitch: 70, v_pitch: 37}

    Required: page_width, page_height, label_width, columns, rows, left, top.
    Optional: shape (rect | round; default rect), label_height (round: = label_width),
    corner_radius (0), h_pitch (= label_width), v_pitch (= label_height), description.
    Raises `LabelError(field, message, hint)` naming the first problem.
    """
    prefix = f"labels.{name}"

    def err(field: str | None, message: str, hint: str = "") -> LabelError:
        return LabelError(f"{prefix}.{field}" if field else prefix, message, hint, path, line)

    if not isinstance(mapping, Mapping):
        raise err(
            None,
            Msg("a label template must be a mapping, not {kind}.", kind=type(mapping).__name__),
            _EXAMPLE,
        )
    unknown = sorted(str(k) for k in mapping if k not in _FIELDS)
    if unknown:
        raise err(
            unknown[0], Msg("unknown key."), Msg("Known keys: {keys}.", keys=", ".join(_FIELDS))
        )
    shape = mapping.get("shape", "rect")
    if shape not in SHAPES:
        raise err("shape", Msg("must be rect or round, not {shape!r}.", shape=shape))
    required = [k for k in _FIELDS if k not in _OPTIONAL]
    if shape == "rect":
        required.append("label_height")
    missing = [k for k in required if k not in mapping]
    if missing:
        raise err(missing[0], Msg("is missing."), _EXAMPLE)

    values: dict[str, Any] = {}
    for key, kind in _FIELDS.items():
        if key not in mapping or kind == "shape":
            continue
        value = mapping[key]
        if kind == "text":
            if not isinstance(value, str):
                raise err(key, Msg("must be text."))
            values[key] = value
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise err(
                key,
                Msg("must be a number, not {value!r}.", value=value),
                Msg("Write millimetres without a unit, e.g. 63.5.") if kind != "count" else "",
            )
        if kind == "count":
            if int(value) != value or value < 1:
                raise err(
                    key, Msg("must be a whole number of at least 1, not {value!r}.", value=value)
                )
            values[key] = int(value)
        elif kind == "length":
            if value <= 0:
                raise err(key, Msg("must be a positive length in mm, not {value!r}.", value=value))
            values[key] = float(value)
        else:
            if value < 0:
                raise err(key, Msg("must be zero or more (mm), not {value!r}.", value=value))
            values[key] = float(value)

    width = values["label_width"]
    if shape == "round":
        height = values.get("label_height", width)
        if abs(height - width) > EPS:
            raise err(
                "label_height",
                Msg("a round label's height must equal its width (diameter)."),
                Msg("Leave label_height out for round labels."),
            )
    else:
        height = values["label_height"]
    radius = values.get("corner_radius", 0.0)
    if radius > min(width, height) / 2:
        raise err(
            "corner_radius",
            Msg("{radius} mm is more than half the label's size.", radius=_num(radius)),
        )
    h_pitch = values.get("h_pitch", width)
    v_pitch = values.get("v_pitch", height)
    cols, rows = values["columns"], values["rows"]
    if cols > 1 and h_pitch < width - EPS:
        raise err(
            "h_pitch",
            Msg(
                "labels overlap: h_pitch {pitch} mm is less than the label width {width} mm.",
                pitch=_num(h_pitch),
                width=_num(width),
            ),
            Msg("h_pitch is the distance between the left edges of two neighbouring labels."),
        )
    if rows > 1 and v_pitch < height - EPS:
        raise err(
            "v_pitch",
            Msg(
                "labels overlap: v_pitch {pitch} mm is less than the label height {height} mm.",
                pitch=_num(v_pitch),
                height=_num(height),
            ),
            Msg("v_pitch is the distance between the top edges of two neighbouring labels."),
        )
    right = values["left"] + (cols - 1) * h_pitch + width
    bottom = values["top"] + (rows - 1) * v_pitch + height
    if right > values["page_width"] + EPS:
        raise err(
            "columns",
            Msg(
                "the labels run off the page: the last column ends at {end} "
                "mm but the page is {page} mm wide.",
                end=_num(right),
                page=_num(values["page_width"]),
            ),
            Msg("Check left, label_width, h_pitch and columns."),
        )
    if bottom > values["page_height"] + EPS:
        raise err(
            "rows",
            Msg(
                "the labels run off the page: the last row ends at {end} mm but "
                "the page is {page} mm high.",
                end=_num(bottom),
                page=_num(values["page_height"]),
            ),
            Msg("Check top, label_height, v_pitch and rows."),
        )
    return LabelTemplate(
        name=name,
        description=values.get("description", f"custom sheet {name}"),
        page_width=values["page_width"],
        page_height=values["page_height"],
        shape=shape,
        label_width=width,
        label_height=height,
        columns=cols,
        rows=rows,
        left=values["left"],
        top=values["top"],
        h_pitch=h_pitch,
        v_pitch=v_pitch,
        corner_radius=radius,
    )


def get_template(name: str, custom: Mapping[str, LabelTemplate] | None = None) -> LabelTemplate:
    """A custom template (from site.yaml) by name, else a built-in one."""
    custom = custom or {}
    if not isinstance(name, str):
        name = str(name)
    if name in custom:
        return custom[name]
    if name in BUILTIN:
        return BUILTIN[name]
    # names are case-insensitive, like codes: `l7160` is L7160
    for known in (custom, BUILTIN):
        found = [k for k in known if k.casefold() == name.casefold()]
        if len(found) == 1:
            return known[found[0]]
    names = sorted(BUILTIN) + sorted(set(custom) - set(BUILTIN))
    raise LabelError(
        "template",
        Msg("unknown label template {name!r}.", name=name),
        Msg(
            "Known templates: {names}. Define others under `labels:` in site.yaml.",
            names=", ".join(names),
        ),
    )
