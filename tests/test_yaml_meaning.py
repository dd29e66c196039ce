"""No silent change of meaning, and bounded work, whatever a member types in YAML.

Numbers YAML would make of text (0123456701 read as octal), curly quotes from a word
processor, tabs, a quoted price, a misspelt key, aliases that expand without end or
refer to themselves, brackets nested hundreds deep: each is one clear message naming
file, line, field and the fix, in English and Vietnamese, exit 1, output/ untouched, no
traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.content.yamlsource import MAX_DEPTH, MAX_VALUES
from tests.helpers import run_cli, snapshot

ITEM = "content/dolls/hmong/item.yaml"
VI = "content/dolls/hmong/vi.md"


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def built(minimal: Path) -> Path:
    """The minimal project after a good build (whose output a bad build must not touch)."""
    build(minimal)
    return minimal


def refused(project: Path, lang: str = "en") -> list[str]:
    """Build: exit 1, no traceback, output untouched; the error lines."""
    before = snapshot(project / "output")
    result = run_cli(project, "--lang", lang, "build")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert snapshot(project / "output") == before
    return result.err.splitlines()[:-1]


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("0123456701", "21913025"),  # leading zero, digits 0-7: octal
        ("0x1F", "31"),
        ("1_000", "1000"),
        ("1:30", "90"),  # sexagesimal
        ("6.02e+23", "6.02e+23"),
        ("+84912345678", "84912345678"),
    ],
)
def test_a_phone_number_yaml_would_turn_into_a_number(
    built: Path, written: str, number: str
) -> None:
    edit(built, "site.yaml", 'phone: "+84 000 000 000"', f"phone: {written}")
    assert refused(built) == [
        f"Error: site.yaml:9: contact.phone: YAML reads {written} as the number {number}, "
        f'not as the text you wrote. Put it in quotes: "{written}".'
    ]
    assert refused(built, "vi") == [
        f"Lỗi: site.yaml:9: contact.phone: YAML đọc {written} thành số {number}, không giữ "
        f'nguyên chữ bạn viết. Hãy đặt nó trong ngoặc kép: "{written}".'
    ]


def test_a_number_with_a_leading_zero_is_not_read_as_octal(built: Path) -> None:
    edit(built, ITEM, "price: 450000", "price: 0450000")
    assert refused(built) == [
        f"Error: {ITEM}:5: price: YAML reads 0450000 as the number 151552, not as you wrote it. "
        "Write the number with plain digits, without a leading 0, '_' or letters, e.g. 450000."
    ]


def test_a_quoted_price_is_told_to_lose_its_quotes(built: Path) -> None:
    edit(built, ITEM, "price: 450000", 'price: "450000"')
    assert refused(built) == [
        f"Error: {ITEM}:5: price: the price is in quotes, so it is read as text, not as a "
        "number. Remove the quotes: price: 450000."
    ]


def test_curly_quotes_from_a_word_processor(built: Path) -> None:
    edit(built, ITEM, "maker: Chi đoàn thôn Nà Chì (ví dụ)", "maker: “Chi đoàn thôn Nà Chì”")
    assert refused(built) == [
        f"Error: {ITEM}:4: maker: the value is between curly quotes “…”, which YAML does not "
        'read as quotes. Type straight quotes instead: "Chi đoàn thôn Nà Chì".'
    ]
    assert refused(built, "vi") == [
        f"Lỗi: {ITEM}:4: maker: giá trị nằm trong ngoặc kép cong “…”, YAML không coi đó là "
        'ngoặc kép. Hãy gõ ngoặc kép thẳng: "Chi đoàn thôn Nà Chì".'
    ]


def test_curly_quotes_around_text_with_a_colon(built: Path) -> None:
    edit(built, VI, "title: Búp bê Mông", "title: “Búp bê: Mông”")
    (line,) = refused(built)
    assert line == (
        f"Error: {VI}:2: this is not valid YAML (mapping values are not allowed in this "
        "context). This line has curly quotes “…”, which YAML does not read as quotes. Type "
        'straight quotes "…" instead (a word processor changes them; use a plain text editor).'
    )


def test_a_tab_gets_a_tab_hint(built: Path) -> None:
    edit(built, VI, "  doll.png:", "\tdoll.png:")
    (line,) = refused(built, "vi")
    assert line.startswith(f"Lỗi: {VI}:5: chỗ này viết sai cú pháp YAML: ")
    assert line.endswith(
        "Dòng này có dấu tab; trong YAML chỉ được thụt đầu dòng bằng dấu cách. "
        "Hãy thay mỗi dấu tab bằng hai dấu cách."
    )


def test_a_bad_date_hides_nothing_else_in_its_file(built: Path) -> None:
    item = built / ITEM
    item.write_text(
        item.read_text(encoding="utf-8").replace("price: 450000", "price: 45O000")
        + "updated: 2026-02-30\nmaker2: x\n",
        encoding="utf-8",
    )
    edit(built, ITEM, "ethnic_group: hmong", "ethnic_group: “hmong”")
    edit(built, ITEM, "commune: xin-man", "commune: xin-man\ncommune: xin-man")
    lines = refused(built)
    assert lines == [
        f"Error: {ITEM}:2: ethnic_group: the value is between curly quotes “…”, which YAML "
        'does not read as quotes. Type straight quotes instead: "hmong".',
        f"Error: {ITEM}:4: commune: this field is written twice. "
        "Keep one of the two lines and delete the other.",
        f"Error: {ITEM}:6: price: expected a whole number of đồng, found text ('45O000'). "
        "Write digits only, without dots, commas or units, e.g. 450000.",
        f"Error: {ITEM}:8: updated: this value cannot be read (day is out of range for month). "
        "Dates are written YYYY-MM-DD, e.g. 2026-06-01.",
        f"Error: {ITEM}:9: maker2: this field is not known. Did you mean 'maker'?",
    ]
    vi = refused(built, "vi")
    assert vi[3] == (
        f"Lỗi: {ITEM}:8: updated: không đọc được giá trị này: tháng này không có ngày đó. "
        "Ngày được viết theo dạng YYYY-MM-DD, ví dụ 2026-06-01."
    )
    verbose = run_cli(built, "--lang", "vi", "build", "--verbose").err
    assert "tháng này không có ngày đó — day is out of range for month." in verbose


# --- bounded work ---------------------------------------------------------------------


def billion_laughs(levels: int) -> str:
    text = 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        text += f"a{i}: &a{i} [{refs}]\n"
    return text


@pytest.mark.parametrize("levels", [9, 30])
def test_billion_laughs_fails_fast(built: Path, levels: int) -> None:
    item = built / ITEM
    item.write_text(item.read_text(encoding="utf-8") + billion_laughs(levels), encoding="utf-8")
    (line,) = refused(built)
    assert re.fullmatch(
        rf"Error: {ITEM}:\d+: a\d+(\[\d+\])*: the aliases '\*' of this file repeat more than "
        rf"{MAX_VALUES} values\. Write the values out instead of repeating them with '\*'\.",
        line,
    ), line


def test_an_alias_inside_itself_is_a_clear_error(built: Path) -> None:
    item = built / ITEM
    item.write_text(item.read_text(encoding="utf-8") + "links: &x [*x]\n", encoding="utf-8")
    assert refused(built) == [
        f"Error: {ITEM}:7: links[0]: an alias '*' here refers to the value it is part of. "
        "Write the value out instead of the alias."
    ]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5000])
def test_brackets_nested_too_deep_in_front_matter(built: Path, depth: int) -> None:
    edit(built, VI, "materials: [vải lanh, sáp ong]", "materials: " + "[" * depth)
    (line,) = refused(built)
    assert line.startswith(f"Error: {VI}:"), line
    assert "Traceback" not in line
    closed = "materials: " + "[" * depth + "]" * depth
    edit(built, VI, "materials: " + "[" * depth, closed)
    (line,) = refused(built)
    assert line.startswith(f"Error: {VI}:6: "), line
    assert f"nested more than {MAX_DEPTH} levels deep" in line or "maximum nesting depth" in line, (
        line
    )
