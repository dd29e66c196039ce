"""The preview keeps the load warnings as data (file, line, field), the way a full build
makes them, and `check` reads the same data (issue 17, item 2: no warning taken apart
by splitting its text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.content.loader import load_site
from site_builder.preview.live import LiveSite
from tests.helpers import copy_project

ITEM = "content/dolls/hmong/item.yaml"
WARNING = (
    f"{ITEM}:11: payment.note: banks do not accept Vietnamese accents, so the payment QR "
    "carries 'Bup be XM-D01'."
)


def accented_note(project: Path) -> Path:
    item = project / ITEM
    item.write_text(
        item.read_text(encoding="utf-8")
        + 'payment:\n  bank: MB\n  account: "0000123456789"\n'
        + '  account_name: "CHI DOAN XA XIN MAN"\n  note: "Búp bê XM-D01"\n',
        encoding="utf-8",
    )
    return item


def test_a_warning_is_data(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    accented_note(project)
    (warning,) = load_site(project).warnings
    assert warning == WARNING
    assert {k: warning.params[k] for k in ("file", "line", "field")} == {  # type: ignore[attr-defined]
        "file": ITEM,
        "line": 11,
        "field": "payment.note",
    }


def test_check_reports_the_warning_from_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "site")
    accented_note(project)
    assert main(["--project", str(project), "--lang", "en", "check", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [w for w in data["warnings"] if w["field"] == "payment.note"] == [
        {
            "file": ITEM,
            "line": 11,
            "field": "payment.note",
            "message": "banks do not accept Vietnamese accents, so the payment QR carries "
            "'Bup be XM-D01'.",
            "hint": "Write the note without accents to silence this warning.",
        }
    ]


def test_the_preview_keeps_each_items_warning_as_the_build_makes_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    item = accented_note(project)
    live = LiveSite(project)
    try:
        assert live.update().full
        # an edit to another item: the hmong doll's warning stays, found by its file
        tea = project / "content/ocop/tea/vi.md"
        tea.write_text(
            tea.read_text(encoding="utf-8").replace("hái bằng tay", "hái tay"), encoding="utf-8"
        )
        update = live.update([tea])
        assert not update.full and update.written and update.warnings == []
        assert live.plan is not None
        assert list(live.plan.site.warnings) == list(load_site(project).warnings) == [WARNING]
        # the note written without accents: the warning goes
        item.write_text(
            item.read_text(encoding="utf-8").replace("Búp bê", "Bup be"), encoding="utf-8"
        )
        update = live.update([item])
        assert not update.full and update.warnings == []
        assert live.plan.site.warnings == () == load_site(project).warnings
        # and an accent again brings it back, in the update and the site
        item.write_text(
            item.read_text(encoding="utf-8").replace("Bup be", "Búp bê"), encoding="utf-8"
        )
        update = live.update([item])
        assert not update.full and update.warnings == [WARNING]
        assert list(live.plan.site.warnings) == [WARNING]
    finally:
        live.close()
