"""`site-builder new`: the created item builds as it is, never overwrites, takes the next code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from site_builder.build import build
from site_builder.cli import main
from site_builder.scaffold import next_code
from tests.helpers import snapshot


def new(project: Path, *args: str) -> int:
    return main(["--project", str(project), "--lang", "en", "new", *args])


def test_new_doll_ocop_and_page_cannot_be_published_until_filled(
    minimal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    assert new(minimal, "doll", "Búp bê Dao đỏ") == 0
    assert capsys.readouterr().out == (
        "Created content/dolls/bup-be-dao-do/ with the code XM-D02: "
        "item.yaml, photo.png, vi.md, en.md.\n"
        "Next: replace every ??? and photo.png with the real facts, texts and photo "
        "(`site-builder check` lists what is left), and preview with `site-builder serve`.\n"
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
    capsys.readouterr()

    # Nothing made up is published: check and build name every value still to fill.
    before = snapshot(minimal / "output") if (minimal / "output").exists() else None
    for verb in ("check", "build"):
        assert main(["--project", str(minimal), "--lang", "en", verb]) == 1
        shown = capsys.readouterr()
        errors = [
            line for line in (shown.out + shown.err).splitlines() if line.startswith("Error: ")
        ]
        where = {line.split(": ")[1] + " " + line.split(": ")[2] for line in errors}
        placeholder = "this is still the placeholder '???' written by `site-builder new`."
        for field, line in [("ethnic_group", 10), ("commune", 13), ("maker", 16), ("price", 20)]:
            assert f"content/dolls/bup-be-dao-do/item.yaml:{line} {field}" in where
            assert (
                f"Error: content/dolls/bup-be-dao-do/item.yaml:{line}: {field}: {placeholder} "
                "Write the real value in its place (the note above the line says what to write)."
            ) in errors
        for field in (
            "ocop_group",
            "commune",  # (it was the first commune: a wrong one went out unnoticed)
            "stars",
            "certified_year",
            "producer",
            "price",
            "net_weight",
            "shelf_life_months",
        ):
            assert any(
                "content/ocop/mat-ong-rung/item.yaml:" in e and f": {field}: " in e for e in errors
            ), field
        for name in ("dolls/bup-be-dao-do", "ocop/mat-ong-rung"):
            assert any(
                f"content/{name}/item.yaml:" in e
                and "images[0]: 'photo.png' is still the grey placeholder picture" in e
                for e in errors
            )
            for lang in ("vi", "en"):
                for field in ("summary", "alt.photo.png"):
                    assert any(
                        f"content/{name}/{lang}.md:" in e and f": {field}: " in e for e in errors
                    ), (name, lang, field)
        for name in ("dolls/bup-be-dao-do", "ocop/mat-ong-rung", "pages/lien-he"):
            for lang in ("vi", "en"):
                assert any(
                    f"content/{name}/{lang}.md:" in e
                    and "the story is still the placeholder text" in e
                    for e in errors
                ), (name, lang)
        for name in ("dolls/bup-be-dao-do", "ocop/mat-ong-rung", "pages/lien-he"):
            # the English file starts with the Vietnamese title, marked to be translated
            assert any(f"content/{name}/en.md:" in e and ": title: " in e for e in errors), name
            assert not any(f"content/{name}/vi.md:" in e and ": title: " in e for e in errors)
        assert len(errors) == 33
    assert (snapshot(minimal / "output") if (minimal / "output").exists() else None) == before
    # nor can a code with placeholders be made permanent
    registry = minimal / "content/printed-codes.yaml"
    registry_before = registry.read_bytes() if registry.exists() else None
    args = ["--project", str(minimal), "--lang", "en", "codes", "mark-printed", "XM-D02", "--yes"]
    assert main(args) == 1
    assert "still the placeholder" in capsys.readouterr().err
    assert (registry.read_bytes() if registry.exists() else None) == registry_before

    # Filled in by the member: it builds.
    fill(
        minimal / "content/dolls/bup-be-dao-do",
        {
            "ethnic_group": "hmong",
            "commune": "xin-man",
            "maker": '"Chi đoàn thôn Nà Chì"',
            "price": "450000",
        },
    )
    fill(
        minimal / "content/ocop/mat-ong-rung",
        {
            "ocop_group": "tea",
            "commune": "xin-man",
            "stars": "4",
            "certified_year": "2024",
            "producer": '"HTX Xín Mần"',
            "price": "120000",
            "net_weight": '"500 ml"',
            "shelf_life_months": "24",
        },
    )
    fill(minimal / "content/pages/lien-he", {})
    build(minimal)  # raises if anything is still invalid
    out_dir = minimal / "output"
    assert "Búp bê Dao đỏ" in (out_dir / "vi/dolls/bup-be-dao-do/index.html").read_text()
    assert (out_dir / "vi/ocop/mat-ong-rung/index.html").is_file()
    assert (out_dir / "en/pages/lien-he/index.html").is_file()
    assert (out_dir / "Q/XM-D02.html").is_file() and (out_dir / "Q/XM-P02.html").is_file()


def fill(folder: Path, facts: dict[str, str]) -> None:
    """What a member does after `new`: real values, real texts, a real photo."""
    item = folder / "item.yaml"
    if item.exists():
        lines = []
        for line in item.read_text(encoding="utf-8").splitlines():
            name = line.split(":", 1)[0]
            if name in facts and not line.startswith("#"):
                line = f"{name}: {facts[name]}"
            lines.append(line)
        item.write_text("\n".join(lines) + "\n", encoding="utf-8")
        photo = folder / "photo.png"
        Image.new("RGB", (600, 400), (120, 40, 30)).save(photo)  # a real photo, unmarked
    for md in folder.glob("*.md"):
        text = md.read_text(encoding="utf-8")
        text = text.replace('["???"]', '["lanh"]')
        text = re.sub(r'"\?\?\? ?([^"]*)"', r'"\1"', text)  # "??? text" -> "text"
        text = re.sub(r"^\?\?\? ", "", text, flags=re.M)
        md.write_text(text, encoding="utf-8")


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
