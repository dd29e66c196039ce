"""Field values and names a member gets wrong, each with the exact message: an OCOP
certificate's year after this year; a field named in Vietnamese (`giá:` for `price:`)."""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.content import fieldnames, itemcache
from tests.helpers import copy_project, run_cli

TEA = "content/ocop/tea/item.yaml"


def set_year(project: Path, year: int) -> int:
    """`certified_year: YEAR` in the tea's item.yaml; returns its line."""
    path = project / TEA
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("certified_year: 2022", f"certified_year: {year}"), "utf-8")
    return text.splitlines().index("certified_year: 2022") + 1


def test_a_certificate_year_after_this_year_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    this_year = dt.date.today().year
    line = set_year(project, this_year + 7)
    result = run_cli(project, "--lang", "en", "build")
    assert (result.code, result.err) == (
        1,
        f"Error: {TEA}:{line}: certified_year: {this_year + 7} is after this year: a "
        "certificate cannot be from the future. Write the year printed on the certificate, "
        f"{this_year} or earlier.\n1 error; nothing was written.\n",
    )
    vi = run_cli(project, "--lang", "vi", "build")
    assert (
        f"Lỗi: {TEA}:{line}: certified_year: {this_year + 7} là năm sau năm nay: giấy chứng "
        "nhận không thể mang năm chưa tới. Ghi năm in trên giấy chứng nhận, muộn nhất là năm "
        f"{this_year}.\n"
    ) in vi.err


def test_this_year_is_accepted_and_a_year_before_2018_names_the_range(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    this_year = dt.date.today().year
    line = set_year(project, this_year)
    assert run_cli(project, "--lang", "en", "check").code == 0
    (project / TEA).write_text(
        (project / TEA)
        .read_text("utf-8")
        .replace(f"certified_year: {this_year}", "certified_year: 2015"),
        "utf-8",
    )
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: {TEA}:{line}: certified_year: must be between 2018 and {this_year}, not "
        "2015.\n1 error; nothing was written.\n"
    )


def test_the_item_cache_is_not_kept_into_a_new_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year refused this year is checked again next year, not answered from the cache."""
    config = load_config(copy_project(tmp_path / "site").resolve())
    now = itemcache.context_key(config)
    next_year = dt.date.today().replace(year=dt.date.today().year + 1)
    fake_date = types.SimpleNamespace(today=lambda: next_year)
    monkeypatch.setattr(itemcache, "dt", types.SimpleNamespace(date=fake_date))
    assert itemcache.context_key(config) != now


DOLL = "content/dolls/hmong/item.yaml"
KNOWN_DOLL = (
    "aliases, code, commune, ethnic_group, gtin, id, images, links, maker, payment, "
    "preview_image, price, print_crop, updated"
)


def rename_key(project: Path, rel: str, old: str, new: str) -> int:
    """`new:` instead of `old:` at the start of a line of `rel`; returns its line."""
    path = project / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, ln in enumerate(lines) if ln.startswith(f"{old}:"))
    lines[i] = new + lines[i][len(old) :]
    path.write_text("".join(lines), "utf-8")
    return i + 1


def test_a_field_named_without_accents_or_in_capitals_is_recognised(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    price = rename_key(project, DOLL, "price", "GIA")
    weight = rename_key(project, TEA, "net_weight", "Trong-luong")
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: {DOLL}:{price}: GIA: this field is not known. 'GIA' is written 'price' in "
        "item.yaml: field names are in English. 'price' is required, so write it as 'price:'.\n"
        f"Error: {TEA}:{weight}: Trong-luong: this field is not known. 'Trong-luong' is "
        "written 'net_weight' in item.yaml: field names are in English. 'net_weight' is "
        "required, so write it as 'net_weight:'.\n"
        "2 errors; nothing was written.\n"
    )


# One mistake, one error: a required field written under another name is reported once,
# on the line of the name written, saying the field is required (not a second error that
# it is missing). With the field written too, or a name that names no field, as before.


def test_a_misspelt_required_field_is_one_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    line = rename_key(project, DOLL, "price", "pirce")
    result = run_cli(project, "--lang", "en", "build")
    assert (result.code, result.err) == (
        1,
        f"Error: {DOLL}:{line}: pirce: this field is not known. Did you mean 'price'? "
        "'price' is required, so write it as 'price:'.\n1 error; nothing was written.\n",
    )
    vi = run_cli(project, "--lang", "vi", "build")
    assert vi.err == (
        f"Lỗi: {DOLL}:{line}: pirce: không có trường nào tên như vậy. Bạn có muốn viết 'price' "
        "không? 'price' là trường bắt buộc, nên hãy sửa thành 'price:'.\n"
        "1 lỗi; chưa ghi tệp nào.\n"
    )


def test_a_required_field_named_in_vietnamese_is_one_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    line = rename_key(project, DOLL, "price", "giá")
    result = run_cli(project, "--lang", "en", "build")
    assert (result.code, result.err) == (
        1,
        f"Error: {DOLL}:{line}: giá: this field is not known. 'giá' is written 'price' in "
        "item.yaml: field names are in English. 'price' is required, so write it as "
        "'price:'.\n1 error; nothing was written.\n",
    )
    vi = run_cli(project, "--lang", "vi", "build")
    assert vi.err == (
        f"Lỗi: {DOLL}:{line}: giá: không có trường nào tên như vậy. 'giá' được viết là 'price' "
        "trong item.yaml: tên trường viết bằng tiếng Anh. 'price' là trường bắt buộc, nên hãy "
        "sửa thành 'price:'.\n1 lỗi; chưa ghi tệp nào.\n"
    )


@pytest.mark.parametrize(
    ("written", "en_hint", "vi_hint"),
    [
        (
            "giá",
            "'giá' is written 'price' in item.yaml: field names are in English.",
            "'giá' được viết là 'price' trong item.yaml: tên trường viết bằng tiếng Anh.",
        ),
        ("pirce", "Did you mean 'price'?", "Bạn có muốn viết 'price' không?"),
    ],
)
def test_a_required_field_written_empty_above_its_value_under_another_name_is_one_error(
    tmp_path: Path, written: str, en_hint: str, vi_hint: str
) -> None:
    """`price:` with no value, and the value under another name (`giá: 450000`, or
    misspelt): one mistake, one error, on the line of the name written, saying where the
    value goes (not a second error that `price` is missing)."""
    project = copy_project(tmp_path / "site")
    path = project / DOLL
    lines = path.read_text("utf-8").splitlines(keepends=True)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("price:"))
    lines[at : at + 1] = ["price:\n", f"{written}: 450000\n"]
    path.write_text("".join(lines), "utf-8")
    result = run_cli(project, "--lang", "en", "build")
    assert (result.code, result.err) == (
        1,
        f"Error: {DOLL}:{at + 2}: {written}: this field is not known. {en_hint} 'price:' on "
        f"line {at + 1} has no value: write the value there and delete this line.\n"
        "1 error; nothing was written.\n",
    )
    vi = run_cli(project, "--lang", "vi", "check")
    shown = (vi.out + vi.err).splitlines()
    assert [line for line in shown if line.startswith("Lỗi: ")] == [
        f"Lỗi: {DOLL}:{at + 2}: {written}: không có trường nào tên như vậy. {vi_hint} "
        f"'price:' ở dòng {at + 1} chưa có giá trị: hãy viết giá trị vào đó rồi xóa dòng này."
    ]


def test_a_field_named_in_vietnamese_beside_the_field_itself_is_only_unknown(
    tmp_path: Path,
) -> None:
    """`price:` is there: `giá:` is a field too many, not the required one."""
    project = copy_project(tmp_path / "site")
    path = project / DOLL
    path.write_text(path.read_text("utf-8") + "giá: 450000\n", "utf-8")
    line = len(path.read_text("utf-8").splitlines())
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: {DOLL}:{line}: giá: this field is not known. 'giá' is written 'price' in "
        "item.yaml: field names are in English.\n1 error; nothing was written.\n"
    )


def test_an_unknown_field_without_a_hint_leaves_the_missing_field_reported(
    tmp_path: Path,
) -> None:
    """`làng:` (village) names no field: it and the missing `commune:` are two errors."""
    project = copy_project(tmp_path / "site")
    line = rename_key(project, DOLL, "commune", "làng")
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: {DOLL}:1: commune: this required field is missing. Add a line "
        "'commune: ...'.\n"
        f"Error: {DOLL}:{line}: làng: this field is not known. Known fields here: "
        f"{KNOWN_DOLL}.\n2 errors; nothing was written.\n"
    )


def test_only_a_field_of_that_file_is_suggested(tmp_path: Path) -> None:
    """`mô tả` (summary) belongs in vi.md, not item.yaml: there, the usual list."""
    project = copy_project(tmp_path / "site")
    path = project / DOLL
    path.write_text(path.read_text("utf-8") + "mô tả: Búp bê\n", "utf-8")
    line = len(path.read_text("utf-8").splitlines())
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: {DOLL}:{line}: mô tả: this field is not known. Known fields here: "
        f"{KNOWN_DOLL}.\n1 error; nothing was written.\n"
    )


def test_the_words_come_from_the_sites_own_labels(tmp_path: Path) -> None:
    """A label reworded in the project's site.po is recognised as the site now says it."""
    project = copy_project(tmp_path / "site")
    po = project / "locale/vi/LC_MESSAGES/site.po"
    text = po.read_text("utf-8")
    assert 'msgid "Made by"\nmsgstr "Người làm"' in text
    po.write_text(text.replace('msgstr "Người làm"', 'msgstr "Nghệ nhân"'), "utf-8")
    line = rename_key(project, DOLL, "maker", "nghệ nhân")
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: {DOLL}:{line}: nghệ nhân: this field is not known. 'nghệ nhân' is written "
        "'maker' in item.yaml: field names are in English. 'maker' is required, so write it "
        "as 'maker:'.\n1 error; nothing was written.\n"
    )


def test_the_labels_given_are_the_ones_the_site_shows() -> None:
    """Every field's label is a word of the site's catalogue that a template shows, so the
    hints follow what members read on their pages."""
    from site_builder.catalog import load_catalog
    from site_builder.content import kinds
    from site_builder.content.loader import item_fields
    from site_builder.content.translations import translation_fields
    from tests.helpers import REPO

    catalogue = load_catalog(REPO / "locale", "vi", "site")
    templates = "".join(p.read_text("utf-8") for p in (REPO / "templates").rglob("*.html"))
    categories = {k.group_table: {} for k in kinds.all_kinds()} | {"communes": {}}
    labelled = []
    for kind in kinds.names():
        fields = [*item_fields(kind, categories, Path(".")), *translation_fields(kind)]
        for f in fields:
            if f.label:
                labelled.append(f.name)
                assert catalogue.gettext(f.label) != f.label, f.label
                assert f'_("{f.label}")' in templates, f.label
    assert {"price", "commune", "maker", "producer", "net_weight"} <= set(labelled)


def test_fold_ignores_case_accents_and_separators() -> None:
    assert {fieldnames.fold(w) for w in ("Mô tả", "mo_ta", "MÔ-TẢ", " mô  tả ")} == {"mo_ta"}
    assert fieldnames.fold("Đường dẫn") == "duong_dan"
    words = fieldnames.meanings([("a", "", ("nhóm",)), ("b", "", ("Nhom",)), ("c", "", ("x",))])
    assert words == {"a": "a", "b": "b", "c": "c", "x": "c"}  # 'nhóm' could be a or b: none


def test_site_yaml_too_gives_one_error_for_a_misspelt_required_field(tmp_path: Path) -> None:
    """The same check serves site.yaml (and booklets, and the front matter of vi.md)."""
    project = copy_project(tmp_path / "site")
    line = rename_key(project, "site.yaml", "base_url", "base_ulr")
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: site.yaml:{line}: base_ulr: this field is not known. Did you mean "
        "'base_url'? 'base_url' is required, so write it as 'base_url:'.\n"
        "1 error; nothing was written.\n"
    )
