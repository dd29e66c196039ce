"""Print-shop sticker sheets: what a shop's preflight expects.

- PDF/X-4 with an output intent (WeasyPrint's `pdf/x-4` variant; see engine.html_to_pdf).
- TrimBox = the sheet, BleedBox = trim + BLEED_MM, MediaBox = trim + MEDIA_MM, so the
  crop marks sit outside the bleed: one mark at every label edge on every side of the
  sheet (guillotine cuts), MARK_MM long, starting MARK_GAP_MM beyond the bleed,
  0.25 pt, in the registration colour (Separation /All: every ink).
- Each label's cut path (rounded rectangle or circle), stroked on top in a Separation
  spot colour named CutContour (the name RIPs such as VersaWorks and Summa look for),
  100 % tint, overprinting: the plotter cuts it, the press never prints it.

Everything here is PDF content written by the engine's finisher over each page, in
points from the trim box's top-left corner, y downwards.
"""

from __future__ import annotations

from typing import Any

from site_builder.labelsheets import LabelTemplate
from site_builder.vendor.weasyprint_shim import array, dictionary, resolve

MM_PT = 72 / 25.4
BLEED_MM = 3.0
MARK_GAP_MM = 2.0  # between the bleed box and a crop mark
MARK_MM = 6.0  # length of a crop mark (shops ask for 5-10 mm)
MEDIA_MM = BLEED_MM + MARK_GAP_MM + MARK_MM + 2.0  # room around the trim for the marks
LINE_PT = 0.25
CUT_NAME = "CutContour"
#: Bezier control distance for a quarter circle of radius 1
KAPPA = 0.5522847498


def _pt(mm: float) -> str:
    text = f"{mm * MM_PT:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or abs(v - out[-1]) > 0.05:
            out.append(v)
    return out


def crop_marks(template: LabelTemplate, offset: tuple[float, float]) -> list[tuple[float, ...]]:
    """Crop marks as (x1, y1, x2, y2) in mm from the trim's top-left corner: at every
    label edge, on the four sides of the sheet, all outside the bleed."""
    dx, dy = offset
    boxes = template.boxes()
    xs = _edges([x + dx for x, _, w, _ in boxes] + [x + w + dx for x, _, w, _ in boxes])
    ys = _edges([y + dy for _, y, _, h in boxes] + [y + h + dy for _, y, _, h in boxes])
    near, far = BLEED_MM + MARK_GAP_MM, BLEED_MM + MARK_GAP_MM + MARK_MM
    width, height = template.page_width, template.page_height
    marks: list[tuple[float, ...]] = []
    for x in xs:
        marks.append((x, -far, x, -near))
        marks.append((x, height + near, x, height + far))
    for y in ys:
        marks.append((-far, y, -near, y))
        marks.append((width + near, y, width + far, y))
    return marks


def _cut_path(x: float, y: float, w: float, h: float, r: float, round_: bool) -> str:
    """A label's outline (mm), as PDF path operators."""
    if round_:
        r = w / 2
    r = max(0.0, min(r, w / 2, h / 2))
    k = r * KAPPA
    pts = [  # clockwise from the top edge's start, in mm
        ("m", (x + r, y)),
        ("l", (x + w - r, y)),
        ("c", (x + w - r + k, y, x + w, y + r - k, x + w, y + r)),
        ("l", (x + w, y + h - r)),
        ("c", (x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h)),
        ("l", (x + r, y + h)),
        ("c", (x + r - k, y + h, x, y + h - r + k, x, y + h - r)),
        ("l", (x, y + r)),
        ("c", (x, y + r - k, x + r - k, y, x + r, y)),
    ]
    return " ".join(" ".join(_pt(v) for v in values) + " " + op for op, values in pts) + " h"


def overlay_ops(template: LabelTemplate, offset: tuple[float, float]) -> bytes:
    """Crop marks in registration colour, then every label's cut path in CutContour
    (overprinting), to draw over a sheet."""
    dx, dy = offset
    ops = [f"q /CSAll CS 1 SCN {LINE_PT} w 0 J"]
    for x1, y1, x2, y2 in crop_marks(template, offset):
        ops.append(f"{_pt(x1)} {_pt(y1)} m {_pt(x2)} {_pt(y2)} l S")
    ops.append("Q")
    ops.append(f"q /GSCut gs /CSCut CS 1 SCN {LINE_PT} w")
    for x, y, w, h in template.boxes():
        ops.append(
            _cut_path(x + dx, y + dy, w, h, template.corner_radius, template.shape == "round")
            + " S"
        )
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


def setup_page(pdf: Any, page: Any) -> None:
    """Boxes (media, bleed, trim) and the resources the overlay names, on one page."""
    trim = [float(v) for v in page["TrimBox"]]
    media = MEDIA_MM * MM_PT
    bleed = BLEED_MM * MM_PT
    page["MediaBox"] = array([trim[0] - media, trim[1] - media, trim[2] + media, trim[3] + media])
    page["BleedBox"] = array([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed])
    page["TrimBox"] = array(trim)
    resources = resolve(pdf, page["Resources"])

    def separation(name: str, cmyk: tuple[int, int, int, int]) -> Any:
        tint = dictionary(
            {
                "FunctionType": 2,
                "Domain": array([0, 1]),
                "C0": array([0, 0, 0, 0]),
                "C1": array(cmyk),
                "N": 1,
            }
        )
        return array(["/Separation", f"/{name}", "/DeviceCMYK", tint])

    spaces = resources.get("ColorSpace")
    spaces = resolve(pdf, spaces) if spaces is not None else None
    if spaces is None:
        spaces = dictionary()
        resources["ColorSpace"] = spaces
    spaces["CSAll"] = separation("All", (1, 1, 1, 1))
    spaces["CSCut"] = separation(CUT_NAME, (0, 1, 0, 0))
    states = resources.get("ExtGState")
    states = resolve(pdf, states) if states is not None else None
    if states is None:
        states = dictionary()
        resources["ExtGState"] = states
    states["GSCut"] = dictionary({"Type": "/ExtGState", "OP": "true", "op": "true", "OPM": 1})
