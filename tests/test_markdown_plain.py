"""A plain story converted without Python-Markdown (site_builder/markdown_plain.py) is
byte for byte what Python-Markdown makes of it, and anything else is left to it.

Compared on the project's real stories, the bench corpus's, and tens of thousands of
generated stories made of Vietnamese text and every near miss of what the plain path
accepts: lists of other kinds, headings without a space, rules and setext underlines,
nested items, lazy lines, loose lists, hard line breaks, odd spaces, stray asterisks.
"""

from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest

from bench import corpus
from site_builder import markdown_plain
from site_builder.content.yamlsource import split_front_matter
from site_builder.markdown import EXTENSIONS, converted
from site_builder.markdown_plain import plain_html

REPO = Path(__file__).resolve().parent.parent


def stock(text: str) -> str:
    """Python-Markdown as installed, with the project's extensions, nothing of ours."""
    return markdown.Markdown(extensions=EXTENSIONS, output_format="html").convert(text)


def story_of(file: Path) -> str:
    """The Markdown of a story file, after its fields, as the loader converts it."""
    return split_front_matter(file.read_text(encoding="utf-8"), file)[2]


def real_stories() -> list[str]:
    files = sorted((REPO / "content").rglob("*.md")) + sorted((REPO / "booklets").rglob("*.md"))
    return [story_of(f) for f in files]


def test_the_installed_python_markdown_is_one_compared_with() -> None:
    """With another version installed every story goes to Python-Markdown (slower, never
    wrong); this test says so, so that the comparison below is run and the version added
    to QUICK_VERSIONS (or the plain path changed)."""
    version = tuple(int(x) for x in markdown.__version__.split(".")[:2])
    assert version in markdown_plain.QUICK_VERSIONS, (
        f"Python-Markdown {markdown.__version__} is not in markdown_plain.QUICK_VERSIONS: "
        "run tests/test_markdown_plain.py with it enabled and add it"
    )
    assert markdown_plain.enabled()


def test_the_sample_sites_stories_take_the_plain_path_and_match() -> None:
    stories = real_stories()
    taken = [s for s in stories if plain_html(s) is not None]
    assert len(stories) >= 10
    assert len(taken) >= len(stories) // 2, "the plain path should serve most real stories"
    for story in stories:
        plain = plain_html(story)
        if plain is not None:
            assert plain == stock(story), story[:200]


def test_the_bench_corpus_stories_take_the_plain_path_and_match(tmp_path: Path) -> None:
    entries = corpus.generate(tmp_path / "c", 40, seed=3, peers=False)
    stories = [story_of(f) for f in sorted((tmp_path / "c/ours/content").rglob("*.md"))]
    assert len(entries) >= 40 and len(stories) >= 80
    for story in stories:
        plain = plain_html(story)
        assert plain is not None, story[:300]
        assert plain == stock(story), story[:300]


TEXT = ["Búp bê người Mông", "áo chàm thêu tay", "mật ong", "Xín Mần", "2024", "3.5 kg", "x"]
PIECES = [
    *TEXT,
    *TEXT,
    " ",
    "  ",
    "\n",
    "\n",
    "\n\n",
    "\n\n\n",
    "\n \n",
    "**",
    "**",
    "*",
    "***",
    "- ",
    "- ",
    "-",
    "--",
    "---",
    "- - ",
    "-- ",
    "## ",
    "# ",
    "###### ",
    "####### ",
    "#",
    "#tag",
    " #",
    "1. ",
    "2) ",
    "10.",
    "+ ",
    "* ",
    "> ",
    ":",
    ": ",
    "=",
    "===",
    "\u00a0",
    "\t",
    "\r\n",
    "    ",
    "~",
    "~~~",
    "+",
    "'",
    '"',
    "—",
    "!",
    "(",
    ")",
    ".",
    ",",
]


def generated(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 9)):
        kind = rng.random()
        if kind < 0.7:  # a line shaped like what the plain path accepts
            lead = rng.choice(["", "- ", "## ", "# ", "### ", "", "1. ", "2. ", "01. ", "0. "])
            words = [rng.choice(TEXT) for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.4:
                i = rng.randrange(len(words))
                words[i] = f"**{words[i]}**"
            lines.append(lead + " ".join(words))
        else:  # anything
            lines.append("".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4))))
        lines.append(rng.choice(["\n", "\n", "\n\n", "\n\n\n"]))
    return "".join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_generated_stories_match_python_markdown_whenever_the_plain_path_takes_them(
    seed: int,
) -> None:
    rng = random.Random(seed)
    taken = 0
    for _ in range(2500):
        story = generated(rng)
        plain = plain_html(story)
        if plain is not None:
            taken += 1
            assert plain == stock(story), repr(story)
    assert taken > 400  # the comparison compared something


@pytest.mark.parametrize(
    "story",
    [
        "text\n---",  # a setext heading
        "text\n===",
        "- a\n\n- b",  # one loose list
        "- a\nlazy",  # a lazy line continuing the item
        "- - a",  # a list in a list
        "- ## a",  # a heading in an item
        "1) a",  # not a list to Python-Markdown, left to it all the same
        "1. a\n- b",  # two kinds of item in one block
        "1. a\n\n2. b",  # one loose list
        "#tag",  # a heading without a space
        "a  \nb",  # a hard line break
        " a",  # indented
        "    code",
        "a\u00a0\nb",
        "**a **b",
        "* a",
        "a_b",
        "<b>a</b>",
        "[a](b)",
    ],
)
def test_what_the_plain_path_leaves_to_python_markdown(story: str) -> None:
    assert plain_html(story) is None


def test_the_build_converts_a_plain_story_the_same_way_either_path() -> None:
    """`converted` (headings from h2) gives the same for a plain story as Python-Markdown
    through the project's own converter."""
    from site_builder.markdown import _converter, _demote_h1

    story = "# Tiêu đề\n\nĐoạn **một**.\n\n- chàm\n- lanh\n\n## Cách làm\nDòng hai"
    assert plain_html(story) is not None
    slow = _converter()
    slow.reset()
    assert converted(story) == _demote_h1(slow.convert(story))


def test_every_space_but_the_space_and_the_newline_is_refused() -> None:
    """Python-Markdown strips or keeps them by rules of its own (`\\s` is Unicode)."""
    import re
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c))]
    assert len(spaces) > 20
    for c in spaces:
        if c not in " \n\r":
            assert plain_html(f"a{c}b") is None, hex(ord(c))


def test_bare_html_is_what_the_sanitiser_would_give_and_anything_else_is_sanitised() -> None:
    from site_builder.markdown import _cleaner, sanitize

    rng = random.Random(7)
    compared = 0
    for _ in range(3000):
        story = generated(rng)
        plain = plain_html(story)
        if plain is not None:
            html = converted(story)
            assert sanitize(html) == _cleaner()(html) == html
            compared += 1
    assert compared > 500
    hostile = [
        "<p>a</p><script>alert(1)</script>",
        '<p onclick="x()">a</p>',
        "<p>a > b</p>",
        "<p>a &lt; b</p>",
        "<p>a\u00a0b</p>",
        "<h1>a</h1>",
        "<P>a</P>",
        "<p>a</p><",
        "<strong >a</strong>",
        "<ul><li><a href='javascript:x'>a</a></li></ul>",
    ]
    for html in hostile:
        assert sanitize(html) == _cleaner()(html), html
    assert "script" not in sanitize(hostile[0]) and "onclick" not in sanitize(hostile[1])
