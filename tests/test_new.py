"""`site-builder new`: the created item builds as it is, never overwrites, takes the next code."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.cli import main
from site_builder.scaffold import next_code


def new(project: Path, *args: str) -> int:
    return main(["--project", str(project), "--lang", "en", "new", *args])


def test_new_doll_ocop_and_page_build_as_created(
    minimal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    assert new(minimal, "doll", "Búp bê Dao đỏ") == 0
    assert capsys.readouterr().out == (
        "Created content/dolls/bup-be-dao-do/ with the code XM-D02: "
        "item.yaml, photo.png, vi.md, en.md.\n"
        "Next: put a real photo in place of photo.png, write the texts, "
        "and preview with `site-builder serve`.\n"
    )
    folder = minimal / "content/dolls/bup-be-dao-do"
    assert sorted(p.name for p in folder.iterdir()) == ["en.md", "item.yaml", "photo.png", "vi.md"]
    item = (folder / "item.yaml").read_text(encoding="utf-8")
    assert "code: XM-D02\n" in item
    assert "# Mã cố định" in item and "# Permanent code" in item  # commented in both languages
    assert 'title: "Búp bê Dao đỏ"' in (folder / "vi.md").read_text(encoding="utf-8")

    assert new(minimal, "ocop", "Mật ong rừng") == 0
    assert "code: XM-P02\n" in (minimal / "content/ocop/mat-ong-rung/item.yaml").read_text()
    assert new(minimal, "page", "Liên hệ") == 0
    assert sorted(p.name for p in (minimal / "content/pages/lien-he").iterdir()) == [
        "en.md",
        "vi.md",
    ]

    build(minimal)  # raises if anything created is invalid
    out_dir = minimal / "output"
    assert "Búp bê Dao đỏ" in (out_dir / "vi/dolls/bup-be-dao-do/index.html").read_text()
    assert (out_dir / "vi/ocop/mat-ong-rung/index.html").is_file()
    assert (out_dir / "en/pages/lien-he/index.html").is_file()
    assert (out_dir / "Q/XM-D02.html").is_file() and (out_dir / "Q/XM-P02.html").is_file()


def test_new_refuses_to_overwrite(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (minimal / "content/dolls/hmong/item.yaml").read_bytes()
    assert new(minimal, "doll", "Hmong") == 1
    err = capsys.readouterr().err
    assert err == (
        "Error: content/dolls/hmong/ already exists; nothing was changed. "
        "Choose another name, or edit the files in that folder.\n"
    )
    assert (minimal / "content/dolls/hmong/item.yaml").read_bytes() == before
    assert sorted(p.name for p in (minimal / "content/dolls/hmong").iterdir()) == [
        "doll.png",
        "en.md",
        "item.yaml",
        "vi.md",
    ]


def test_new_refuses_a_name_without_letters(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(minimal, "page", "!!!") == 1
    assert "has no letters or digits" in capsys.readouterr().err


def test_next_code_skips_printed_and_moved_codes_and_keeps_the_prefix(minimal: Path) -> None:
    assert next_code(minimal, "dolls") == "XM-D02"
    assert next_code(minimal, "ocop") == "XM-P02"
    (minimal / "content/printed-codes.yaml").write_text(
        "XM-D05: {printed: 2026-01-01, url: 'HTTPS://XM.EXAMPLE.VN/Q/XM-D05', item: dolls/old}\n"
    )
    assert next_code(minimal, "dolls") == "XM-D06"  # a printed code is never given again
    with (minimal / "site.yaml").open("a") as f:
        f.write("moved_codes: {XM-D09: XM-D01}\n")
    assert next_code(minimal, "dolls") == "XM-D10"
    item = minimal / "content/ocop/tea/item.yaml"
    item.write_text(item.read_text().replace("XM-P01", "HG-P007"))
    assert next_code(minimal, "ocop") == "HG-P008"


def test_next_code_defaults_when_there_is_no_item_of_the_kind(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: {vi: x}\n")
    assert next_code(tmp_path, "dolls") == "XM-D01"
    assert next_code(tmp_path, "ocop") == "XM-P01"
