"""The print-shop sticker file, inspected with pikepdf as a shop's preflight would:
PDF/X-4 with an output intent, trim and bleed boxes, crop marks outside the bleed
(>= 5 mm, 0.25 pt, registration colour), one CutContour spot-colour path per label on
top, and text and QR codes in 100 % K."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pikepdf
import pytest

from site_builder.print import BUILTIN, render_sticker_sheet
from tests.helpers import run_cli
from tests.test_print_sticker_design import ITEMS, STANDARD
from tests.test_print_stickers import ENV, META

MM = 25.4 / 72
ITEMS_NO_PAY = [(dataclasses.replace(c, payment=None), 2) for c in ITEMS]


def printshop(template: str, **options) -> bytes:
    return render_sticker_sheet(
        ITEMS_NO_PAY,
        BUILTIN[template],
        env=ENV,
        meta=META,
        mode="printshop",
        design=STANDARD,
        **options,
    )


def paths(page: pikepdf.Page) -> list[dict]:
    """Every stroked path of the page's content: its colour space, line width, overprint
    state and points (PDF user space after the page's `cm` matrices, in points)."""
    out: list[dict] = []
    stack: list[dict] = []
    state = {"cs": None, "w": 1.0, "gs": None, "ctm": (1, 0, 0, 1, 0, 0), "fill": None}
    points: list[tuple[float, float]] = []

    def apply(m, x, y):
        a, b, c, d, e, f = m
        return (a * x + c * y + e, b * x + d * y + f)

    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        values = [
            v
            if isinstance(v, (pikepdf.Name, pikepdf.Object)) and not isinstance(v, (int, float))
            else v
            for v in operands
        ]
        if name == "q":
            stack.append(dict(state))
        elif name == "Q":
            state = stack.pop()
        elif name == "cm":
            a, b, c, d, e, f = (float(v) for v in values)
            A, B, C, D, E, F = state["ctm"]
            state["ctm"] = (
                a * A + b * C,
                a * B + b * D,
                c * A + d * C,
                c * B + d * D,
                e * A + f * C + E,
                e * B + f * D + F,
            )
        elif name == "CS":
            state["cs"] = str(values[0])
        elif name in ("cs", "k", "rg", "g"):
            state["fill"] = (name, [str(v) for v in values])
        elif name == "scn":
            state["fill"] = ("scn", [str(v) for v in values])
        elif name == "w":
            state["w"] = float(values[0])
        elif name == "gs":
            state["gs"] = str(values[0])
        elif name in ("m", "l"):
            points.append(apply(state["ctm"], float(values[0]), float(values[1])))
        elif name == "c":
            points.append(apply(state["ctm"], float(values[4]), float(values[5])))
        elif name == "S":
            out.append({"cs": state["cs"], "w": state["w"], "gs": state["gs"], "points": points})
            points = []
        elif name in ("f", "n", "B", "b"):
            points = []
    return out


def distinct(values: list[float]) -> list[float]:
    """Sorted values, those within 0.05 mm of the previous one left out (labels that
    touch share an edge)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 0.05:
            out.append(v)
    return out


def separation(page: pikepdf.Page, resource: str) -> tuple[str, list[float]]:
    space = page.obj.Resources.ColorSpace[resource]
    assert space[0] == "/Separation"
    return str(space[1]), [float(v) for v in space[3].C1]


@pytest.mark.parametrize("template", ["L7160", "L7163", "round-63.5"])
def test_print_shop_file_as_a_preflight_reads_it(template: str) -> None:
    sheet = BUILTIN[template]
    pdf = pikepdf.open(io.BytesIO(printshop(template)))
    # PDF/X-4: identification in the XMP metadata and an output intent with a profile
    xmp = pdf.Root.Metadata.read_bytes().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.read_bytes()[36:40] == b"acsp"
    page = pdf.pages[0]
    trim = [float(v) for v in page.obj.TrimBox]
    bleed = [float(v) for v in page.obj.BleedBox]
    media = [float(v) for v in page.obj.MediaBox]
    assert [round(v * MM, 1) for v in trim] == [0, 0, 210, 297]
    assert [round((b - t) * MM, 1) for b, t in zip(bleed, trim, strict=True)] == [-3, -3, 3, 3]
    assert all(m <= b for m, b in zip(media[:2], bleed[:2], strict=True))

    stroked = paths(page)
    marks = [p for p in stroked if p["cs"] == "/CSAll"]
    cuts = [p for p in stroked if p["cs"] == "/CSCut"]
    assert separation(page, "/CSAll") == ("/All", [1, 1, 1, 1])  # registration: every ink
    assert separation(page, "/CSCut") == ("/CutContour", [0, 1, 0, 0])
    # crop marks: outside trim + bleed, at least 5 mm long, 0.25 pt, at every label edge
    edges_x = distinct([x + dx for x, _, w, _ in sheet.boxes() for dx in (0, w)])
    edges_y = distinct([y + dy for _, y, _, h in sheet.boxes() for dy in (0, h)])
    assert len(marks) == 2 * len(edges_x) + 2 * len(edges_y)
    for mark in marks:
        (x1, y1), (x2, y2) = mark["points"]
        assert mark["w"] == pytest.approx(0.25)
        assert max(abs(x2 - x1), abs(y2 - y1)) * MM >= 5
        for x, y in ((x1, y1), (x2, y2)):
            outside = x < bleed[0] or x > bleed[2] or y < bleed[1] or y > bleed[3]
            assert outside, (x * MM, y * MM)
            assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
    top = sorted(m["points"][0][0] * MM for m in marks if m["points"][0][1] > trim[3])
    assert top == pytest.approx(edges_x, abs=0.01)  # top of the sheet: one per label edge
    # one cut path per label, closed around the label, overprinting, drawn last
    assert len(cuts) == sheet.per_sheet
    state = page.obj.Resources.ExtGState[cuts[0]["gs"]]
    assert bool(state.OP) and bool(state.op)
    for cut, (x, y, w, h) in zip(cuts, sheet.boxes(), strict=True):
        xs = [p[0] * MM for p in cut["points"]]
        ys = [(trim[3] - p[1]) * MM for p in cut["points"]]
        assert min(xs) == pytest.approx(x, abs=0.01) and max(xs) == pytest.approx(x + w, abs=0.01)
        assert min(ys) == pytest.approx(y, abs=0.01) and max(ys) == pytest.approx(y + h, abs=0.01)
    assert stroked[-1]["cs"] == "/CSCut"  # on top of everything
    # text and QR modules in 100 % K only
    fills = set()
    for operands, op in pikepdf.parse_content_stream(page):
        if str(op) in ("k", "rg", "g", "scn", "sc"):
            fills.add(
                (str(op), tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name)))
            )
    assert fills <= {("k", (0, 0, 0, 1)), ("scn", (0, 0, 0, 1))}, fills
    assert ("k", (0, 0, 0, 1)) in fills  # the QR modules


def test_print_shop_bytes_are_deterministic() -> None:
    assert printshop("L7160") == printshop("L7160")


def test_a_background_bleeds_past_the_cut_for_the_shop_only() -> None:
    """The compact design's background: the label's own shape on label sheets, 3 mm past
    the cut line (into the bleed) in the print-shop file."""
    import pdfplumber

    from tests.test_print_sticker_design import COMPACT

    assert COMPACT.background == (0, 4, 12, 0)
    sheet = BUILTIN["L7163"]
    for mode, reach in (("labels", 0.0), ("printshop", 3.0)):
        pdf = render_sticker_sheet(
            ITEMS_NO_PAY, sheet, env=ENV, meta=META, mode=mode, design=COMPACT
        )
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            page = doc.pages[0]
            fills = [
                r
                for r in page.rects + page.curves
                if r["fill"]
                and tuple(round(float(v), 3) for v in r["non_stroking_color"] or ())
                == (0, 0.04, 0.12, 0)
            ]
            # pdfplumber: x in PDF units (0 at the trim's left edge); top = the media box's
            # height - y, and the print-shop media box is 2 x 13 mm taller than the trim
            origin = 0.0 if mode == "labels" else 26.0
        assert len(fills) == len(ITEMS_NO_PAY) * 2
        boxes = sheet.boxes()
        empty = boxes[len(fills) :]  # (the sheet is half used: nothing printed there)
        for r, (x, y, w, h) in zip(
            sorted(fills, key=lambda r: (round(r["top"]), r["x0"])), boxes, strict=False
        ):
            sides = (
                x - r["x0"] * MM,
                y - (r["top"] * MM - origin),
                r["x1"] * MM - x - w,
                r["bottom"] * MM - origin - y - h,
            )
            # the full bleed, or up to an empty label's edge (L7163's rows touch)
            for side in sides:
                assert side == pytest.approx(reach, abs=0.05) or (
                    mode == "printshop" and -0.05 < side < reach
                ), (mode, sides)
            fx0, fy0 = r["x0"] * MM, r["top"] * MM - origin
            fx1, fy1 = r["x1"] * MM, r["bottom"] * MM - origin
            for ex, ey, ew, eh in empty:
                assert (
                    fx1 <= ex + 0.05
                    or ex + ew <= fx0 + 0.05
                    or fy1 <= ey + 0.05
                    or ey + eh <= fy0 + 0.05
                )
        if mode == "printshop":  # the first row bleeds up and out, to the sheet's edges
            first = sorted(fills, key=lambda r: (round(r["top"]), r["x0"]))[0]
            assert first["top"] * MM - origin == pytest.approx(boxes[0][1] - reach, abs=0.05)
            assert first["x0"] * MM == pytest.approx(boxes[0][0] - reach, abs=0.05)


def test_a_home_printers_offset_never_moves_the_print_shops_cut_lines(minimal: Path) -> None:
    """site.yaml's calibration offset (a home printer's drift) moved the CutContour lines
    and crop marks of the shop's file off the template; now it is left out, and one given
    on the command line with --mode printshop is refused."""
    out = minimal / "stickers"
    args = ("stickers", "--codes", "XM-D01", "--mode", "printshop")
    plain = run_cli(minimal, *args, "-o", str(out / "plain.pdf"))
    assert plain.code == 0, plain.err
    site = minimal / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8") + "stickers: {offset_x_mm: 0.5, offset_y_mm: -1}\n",
        encoding="utf-8",
    )
    shifted = run_cli(minimal, *args, "-o", str(out / "offset.pdf"))
    assert shifted.code == 0, shifted.err

    def drawn(name: str) -> list[bytes]:
        with pikepdf.open(out / name) as pdf:
            return [
                pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page))
                for page in pdf.pages
            ]

    assert drawn("offset.pdf") == drawn("plain.pdf")
    refused = run_cli(minimal, *args, "--offset-x", "0.5", "-o", str(out / "x.pdf"))
    assert (refused.code, refused.out) == (1, "")
    assert refused.err == (
        "Error: --offset-x and --offset-y correct a home printer's drift; a print shop's file "
        "keeps its cut lines exactly on the template. Leave them out with --mode printshop.\n"
    )
    labels = run_cli(minimal, "stickers", "--codes", "XM-D01", "--offset-x", "0.5")
    assert labels.code == 0, labels.err  # (a home printer's sheet: as before)
