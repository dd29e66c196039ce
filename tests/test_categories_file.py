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
        "Error: content/categories.yaml: this file is empty. It lists the keys the items use "
        "(ethnic_groups, ocop_groups and communes): restore it, e.g. git checkout "
        "content/categories.yaml (see docs/content-format.md)."
    )
    assert not any(line.endswith("or use one of: .") for line in errors)
    assert (
        "Error: content/dolls/hmong/item.yaml:2: ethnic_group: 'hmong' is not a declared "
        "ethnic_groups key. content/categories.yaml has no 'ethnic_groups' keys at all: "
        "restore that list (e.g. git checkout content/categories.yaml)."
    ) in errors
