"""THE map from a plan to output files (site_builder/outputs.py) names exactly the web
files a real build writes (issue 17, item 2): `check` judges links by it."""

from __future__ import annotations

from pathlib import Path

from site_builder.build import build, plan_site
from site_builder.content.loader import load_site
from site_builder.outdir import MARKER
from site_builder.outputs import files_of
from tests.helpers import copy_project


def written(output: Path) -> set[str]:
    """The files a build wrote, less what files_of leaves out: PDFs, .br/.gz, the marker."""
    files = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    return {
        f
        for f in files
        if not f.startswith("print/") and not f.endswith((".br", ".gz")) and f != MARKER
    }


def test_files_of_the_sample_are_the_files_its_build_writes(sample_site: Path) -> None:
    files = files_of(plan_site(load_site(sample_site)))
    assert files == written(sample_site / "output")
    # every kind of file is there (a map that named only pages would not pass above either)
    assert {
        "vi/dolls/hmong/index.html",
        "Q/XM-D01.html",
        "qr/XM-D01.svg",
        "pay/XM-D01.png",
    } <= files
    assert any(f.startswith("01/") for f in files) and any(f.startswith("media/") for f in files)
    assert "_server/nginx.conf" in files and "media/dolls/hmong/doll.jpg" not in files


def test_files_of_follow_an_edit(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    (project / "content/ocop/tea/en.md").write_text(
        "---\ntitle: Shan tuyet tea\nsummary: Tea from old trees.\nalt:\n  tea.png: A green tea"
        " pack\ningredients: [Shan tuyet buds]\nstorage: Dry place.\n---\nPicked by hand.\n",
        encoding="utf-8",
    )
    build(project)
    assert files_of(plan_site(load_site(project))) == written(project / "output")
