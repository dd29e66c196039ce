"""Bounded work and no damage, whatever a story or an alias says.

Stories nested deeper than a list can be read, or with hundreds of '[' (which
Python-Markdown tries against every ']'), are refused with a message before conversion;
aliases cannot replace a file of the site nor carry control characters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.markdown import MAX_BRACKETS, MAX_QUOTES, story_limits
from tests.helpers import run_cli, snapshot

ITEM = "content/dolls/hmong/item.yaml"
VI = "content/dolls/hmong/vi.md"


@pytest.fixture
def built(minimal: Path) -> Path:
    build(minimal)
    return minimal


def refused(project: Path, lang: str = "en") -> list[str]:
    before = snapshot(project / "output")
    result = run_cli(project, "--lang", lang, "build")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert snapshot(project / "output") == before
    return result.err.splitlines()[:-1]


def append_story(project: Path, text: str) -> int:
    """Add `text` after the story of vi.md; returns the line where it starts."""
    path = project / VI
    old = path.read_text(encoding="utf-8")
    path.write_text(old + "\n" + text, encoding="utf-8")
    return old.count("\n") + 2


NESTED = {
    "a list 1,000 levels deep": "".join("  " * i + "- a\n" for i in range(1000)),
    "1,000 list markers on a line": "- " * 1000 + "a\n",
    "500 numbered markers": "1. " * 500 + "a\n",
    "1,000 quotes": ">" * 1000 + " a\n",
    "quotes and lists": "> - " * 300 + "a\n",
}


@pytest.mark.parametrize("name", list(NESTED))
def test_a_story_nested_too_deep_is_refused(built: Path, name: str) -> None:
    start = append_story(built, NESTED[name])
    (line,) = refused(built)
    assert line.startswith(f"Error: {VI}:"), line
    at = int(line.split(":")[2])
    assert start <= at <= start + 30, (line, start)
    assert (
        "a story may nest lists and quotes 12 levels deep at most." in line
        or f"this line starts more than {MAX_QUOTES} lists or quotes inside each other." in line
    ), line


def test_thousands_of_brackets_in_a_story(built: Path) -> None:
    start = append_story(built, "[" * 5000 + "x\n")
    assert refused(built) == [
        f"Error: {VI}:{start}: this paragraph has more than {MAX_BRACKETS} '[' brackets. "
        "'[' starts a link in Markdown; split the paragraph with an empty line, or write "
        "fewer brackets."
    ]
    vi = refused(built, "vi")
    assert vi[0].startswith(f"Lỗi: {VI}:{start}: đoạn văn này có hơn {MAX_BRACKETS} dấu ngoặc")


def test_a_real_story_is_within_the_limits() -> None:
    story = (
        "## Cách làm\n\n- Nhuộm chàm\n  - ngâm 7 ngày\n    1. phơi\n\n"
        "> Lời bà Vàng Thị Mai\n>> trích lại\n\n"
        + " ".join(f"[liên kết {i}](https://example.vn/{i})" for i in range(50))
        + "\n\n    mã\n"
    )
    assert story_limits(story) is None


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("/assets/site.css", "'/assets/site.css' is an address of the site's own files."),
        ("/sitemap.xml", "'/sitemap.xml' is an address of the site's own files."),
        ("/Q/XM-D01/", "'/Q/XM-D01/' is an address of the site's own files."),
        ("/", "'/' is an address of the site's own files."),
        (
            "/vi/a\\u0000b/",
            "'/vi/a\\x00b/' contains a character that cannot be part of an address (U+0000).",
        ),
        ("/vi/a b/", "'/vi/a b/' contains a character that cannot be part of an address (U+0020)."),
    ],
)
def test_an_alias_never_replaces_a_file_of_the_site(built: Path, alias: str, message: str) -> None:
    item = built / ITEM
    item.write_text(item.read_text() + f'aliases: ["/vi/cu/", "{alias}"]\n', encoding="utf-8")
    (line,) = refused(built)
    assert line.startswith(f"Error: {ITEM}:7: aliases[1]: {message} "), line
    assert len(list((built / "output/assets").glob("site.*.css"))) == 1  # named by its hash
    assert (built / "output/sitemap.xml").is_file()
