"""Label sheets as their manufacturers publish them, deterministic PDFs wherever the
project sits, template names case-insensitive, huge runs refused, progress shown."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.content.loader import load_site
from site_builder.print import BUILTIN, get_template
from site_builder.progress import Progress
from site_builder.render.pdf import sticker_sheet
from tests.helpers import copy_project, run_cli

#: Published sheet layouts (mm): label w, h, columns, rows, top margin, left margin,
#: horizontal pitch, vertical pitch. Avery's own templates for the Avery parts (for
#: L7159 Avery states 63.5 x 33.9 mm where LibreOffice's database has 64.0 x 33.86 mm);
#: LibreOffice's label database for the generic round sheet
#: (/work/shared/notes/print-and-qr.md keeps the table and its sources).
PUBLISHED = {
    "L7160": (63.5, 38.1, 3, 7, 15.15, 7.20, 66.04, 38.10, "Avery"),
    "L7163": (99.06, 38.1, 2, 7, 15.15, 4.67, 101.60, 38.10, "Avery"),
    "L7651": (38.1, 21.17, 5, 13, 10.90, 4.67, 40.64, 21.17, "Avery"),
    "L7159": (63.5, 33.9, 3, 8, 12.9, 7.25, 66.0, 33.9, "Avery"),
    "L7173": (99.06, 57.0, 2, 5, 6.00, 4.67, 101.60, 57.00, "Avery"),
    "round-63.5": (63.5, 63.5, 3, 4, 14.75, 5.25, 68.0, 68.0, "LibreOffice"),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_templates_match_the_published_sheets(name: str) -> None:
    w, h, cols, rows, top, left, hp, vp, publisher = PUBLISHED[name]
    t = BUILTIN[name]
    assert (t.columns, t.rows) == (cols, rows)
    for ours, theirs in (
        (t.label_width, w),
        (t.label_height, h),
        (t.top, top),
        (t.left, left),
        (t.h_pitch, hp),
        (t.v_pitch, vp),
    ):
        assert ours == pytest.approx(theirs, abs=0.005), name
    assert publisher in t.source and (name in t.source or publisher == "LibreOffice")
    # every label where the published sheet has it, to the hundredth of a mm
    for i, (x, y, bw, bh) in enumerate(t.boxes()):
        row, col = divmod(i, cols)
        assert x == pytest.approx(left + col * hp, abs=0.01)
        assert y == pytest.approx(top + row * vp, abs=0.01)
        assert x + bw <= 210 + 0.01 and y + bh <= 297 + 0.01


def test_template_names_are_case_insensitive() -> None:
    assert get_template("l7160") is BUILTIN["L7160"]
    assert get_template("ROUND-63.5") is BUILTIN["round-63.5"]


def test_pdfs_are_the_same_bytes_wherever_the_project_sits(tmp_path: Path) -> None:
    projects = [
        copy_project(tmp_path / "a" / "site", "minimal"),
        copy_project(tmp_path / "somewhere else" / "deeper" / "site", "minimal"),
    ]
    for root in projects:
        booklet = root / "booklets/gifts.yaml"
        booklet.write_text(booklet.read_text() + "code: XM-B01\nsaddle_stitch: true\n")
        build(root)
    first, second = (
        {p.name: p.read_bytes() for p in (root / "output/print").glob("*.pdf")} for root in projects
    )
    assert len(first) == 7 and first == second


def test_a_huge_run_is_refused_before_any_work(minimal: Path) -> None:
    result = run_cli(minimal, "stickers", "gifts", "--copies", "100000")
    assert result.code == 1
    assert result.err == (
        "Error: 200000 stickers in one run is more than 20000; print them in batches "
        "(e.g. --copies 1000), which keeps each PDF small enough for a print shop.\n"
    )
    vi = run_cli(minimal, "--lang", "vi", "stickers", "--codes", "XM-D01=20001")
    assert vi.err == (
        "Lỗi: 20001 tem trong một lần là nhiều hơn giới hạn 20000; hãy in thành nhiều đợt "
        "(ví dụ --copies 1000), để mỗi tệp PDF vẫn đủ nhỏ cho nhà in.\n"
    )
    assert not (minimal / "stickers").exists()


def test_long_runs_show_progress(minimal: Path) -> None:
    site = load_site(minimal)
    log = io.StringIO()
    pdf = sticker_sheet(site, [(site.items[0], 400)], progress=Progress(log, tty=False))
    assert pdf.startswith(b"%PDF")
    lines = log.getvalue().splitlines()
    assert lines[0] == "Sticker sheets: 3 steps…"  # 400 stickers: 20 sheets, chunks of 8
    assert lines[1].startswith("Sticker sheets: done in ")
