"""content/categories.yaml emptied by mistake: said once, of that file, not as one
puzzle per item ("use one of: ." with nothing listed)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import copy_project, run_cli


def test_an_emptied_categories_file_is_named_once_and_the_items_say_why(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    (project / "content/categories.yaml").write_text("", encoding="utf-8")
    result = run_cli(project, "--lang", "en", "check")
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("Error: ")]
    assert errors[0] == (
        "Error: content/categories.yaml:1: this file is empty. It lists the keys the items use "
        "(ethnic_groups, ocop_groups and communes): restore it, e.g. git checkout "
        "content/categories.yaml (see docs/content-format.md)."
    )
    assert not any(line.endswith("or use one of: .") for line in errors)
    assert (
        "Error: content/dolls/hmong/item.yaml:2: ethnic_group: 'hmong' is not a declared "
        "ethnic_groups key. content/categories.yaml has no 'ethnic_groups' keys at all: "
        "restore that list (e.g. git checkout content/categories.yaml)."
    ) in errors


def test_a_decimal_comma_in_a_one_line_group_says_to_write_a_dot(tmp_path: Path) -> None:
    """`stickers: {offset_x_mm: 0,5}` is read by YAML as {offset_x_mm: 0, 5: null}: the
    message named an unknown field '5' and listed the known ones."""
    project = copy_project(tmp_path / "site")
    site_yaml = project / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text + "stickers: {offset_x_mm: 0,5}\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    for lang, expected in (
        (
            "en",
            f"Error: site.yaml:{line}: stickers.5: this field is not known. A decimal written "
            "with a comma in a group on one line ({offset_x_mm: 0,5}) reads as two fields: "
            "write it with a dot, e.g. 0.5.",
        ),
        (
            "vi",
            f"Lỗi: site.yaml:{line}: stickers.5: không có trường nào tên như vậy. Số thập phân "
            "viết bằng dấu phẩy trong một nhóm viết trên một dòng ({offset_x_mm: 0,5}) bị đọc "
            "thành hai trường: hãy viết bằng dấu chấm, ví dụ 0.5.",
        ),
    ):
        result = run_cli(project, "--lang", lang, "check")
        assert expected in result.out.splitlines(), result.out


def test_two_decimal_commas_on_one_line_say_to_write_dots(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    site_yaml = project / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text + "stickers: {offset_x_mm: 0,5, offset_y_mm: 0,5}\n", "utf-8")
    result = run_cli(project, "--lang", "en", "check")
    assert result.code == 1
    assert all(
        line.endswith("write it with a dot, e.g. 0.5.")
        for line in result.out.splitlines()
        if line.startswith("Error: site.yaml")
    ), result.out
    assert "this field is written twice." in result.out
