"""The quick inline step (site_builder/markdown_inline.py) and the quick block tests
(site_builder/markdown_blocks.py) convert every story exactly as Python-Markdown's own
steps do: the members' dialect is Python-Markdown's, and the
build cache keeps converted stories under their text alone.

Compared on the project's real stories, on thousands of stories made of every inline
trigger (links, images, footnotes, code spans with escaped backticks, autolinks, e-mail
addresses, raw HTML, entities, emphasis with `*` and `_`, hard line breaks, attribute
lists, tables, abbreviations) mixed with Vietnamese text, and on hypothesis' own.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder import markdown_blocks, markdown_inline
from site_builder.markdown import _converter, _extensions

REPO = Path(__file__).resolve().parent.parent

PIECES = [
    "Búp bê người Mông",
    "áo chàm thêu tay",
    "mật ong bạc hà",
    "Xín Mần",
    " ",
    "  ",
    "\n",
    "  \n",
    "\n\n",
    "*",
    "**",
    "_",
    "__",
    "***",
    "`",
    "``",
    "\\",
    "\\`",
    "\\\\`",
    "\\*",
    "[",
    "]",
    "(",
    ")",
    "!",
    "![",
    "[^1]",
    "[^1]: chú thích",
    "[a]",
    "[a]: https://example.org",
    "[link](https://xinman.example/vi/)",
    "![ảnh](anh.jpg)",
    "[ref][a]",
    "<https://example.org/a?b=c&d>",
    "<ban@example.org>",
    "<b>đậm</b>",
    "<span lang=en>doll</span>",
    "<!-- ghi chú -->",
    "<?php x ?>",
    "<![CDATA[x]]>",
    "<",
    ">",
    "&amp;",
    "&#7871;",
    "&#x1EBF;",
    "&",
    "&nbsp",
    "@",
    "://",
    "^",
    "~~",
    "==",
    "{: #id .cls }",
    "*[HTML]: HyperText",
    "HTML",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "## Tiêu đề",
    "- mục",
    "1. một",
    "> trích",
    "    code",
    "```\nfenced `x`\n```",
    "Term\n: definition",
    # block-level triggers (site_builder/markdown_blocks.py): each processor's strings
    "Tiêu đề\n===",
    "Tiêu đề\n---",
    "\n-\n",
    "\n=\n",
    "---",
    "* * *",
    "___",
    "_ _ _",
    "#",
    "#không phải tiêu đề",
    "\n> ",
    ">",
    ": ",
    "\n: định nghĩa",
    ":",
    "]:",
    "[^a]: x",
    "[^1]:",
    "*[Mông]: người Mông",
    "*[",
    '[id]: https://xinman.example/ "Tựa"',
    "[id]:\n    https://xinman.example/",
    "    ",
    "\t",
]


def stock() -> markdown.Markdown:
    return markdown.Markdown(extensions=_extensions(), output_format="html")


def both(text: str, library: markdown.Markdown) -> tuple[str, str]:
    ours = _converter()
    ours.reset()
    library.reset()
    return library.convert(text), ours.convert(text)


def made_up(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))


def test_the_quick_step_is_installed_and_every_stock_pattern_is_known() -> None:
    ours = _converter()
    assert isinstance(ours.treeprocessors["inline"], markdown_inline.QuickInline)
    registry = ours.inlinePatterns
    registry._sort()
    unknown = [
        item.name
        for item in registry._priority
        if markdown_inline.needs_of(item.name, registry[item.name]) is None
    ]
    # a pattern whose expression differs from the one read is tried every time (correct,
    # only slower): this says which to read again after a Python-Markdown upgrade
    read_again(unknown, "inline patterns tried on every text")


# The Python-Markdown versions whose expressions were read (markdown_inline.NEEDS,
# markdown_blocks.NEEDS). `make test` installs the newest release: one that changed an
# expression is only slower (that pattern or processor is tried as the library tries it,
# and the comparisons below still hold it to the library's output), so it is reported, not
# failed; with a version read, every stock pattern and processor must be known.
READ_VERSIONS = ("3.11.3", "3.11.4")


def read_again(unknown: list[str], what: str) -> None:
    if unknown and markdown.__version__ not in READ_VERSIONS:
        pytest.skip(f"Python-Markdown {markdown.__version__}: read again: {what}: {unknown}")
    assert unknown == [], f"{what}: {unknown}"


def test_the_quick_block_tests_are_installed_for_every_processor_read() -> None:
    ours = _converter()
    registry = ours.parser.blockprocessors
    unknown = [name for name in markdown_blocks.NEEDS if "test" not in vars(registry[name])]
    # a processor whose class or expression differs from the one read is asked about
    # every block (correct, only slower): this says which to read again after an upgrade
    read_again(unknown, "block processors asked about every block")
    library = stock()
    assert not any("test" in vars(p) for p in library.parser.blockprocessors)


def test_a_block_processor_read_differently_is_asked_every_time() -> None:
    library = stock()
    quote = library.parser.blockprocessors["quote"]
    assert markdown_blocks.needs_of("quote", quote) == ((">",),)
    other = markdown.blockprocessors.BlockQuoteProcessor(library.parser)
    other.RE = re.compile(r"(^|\n)[ ]{0,3}[>|][ ]?(.*)")
    assert markdown_blocks.needs_of("quote", other) is None

    class Quote(markdown.blockprocessors.BlockQuoteProcessor):
        pass

    assert markdown_blocks.needs_of("quote", Quote(library.parser)) is None
    assert markdown_blocks.needs_of("a processor of an extension", quote) is None


def test_the_project_stories_convert_the_same() -> None:
    library = stock()
    stories = sorted(REPO.glob("content/**/*.md")) + sorted(REPO.glob("tests/**/*.md"))
    assert len(stories) > 20
    for path in stories:
        text = path.read_text(encoding="utf-8", errors="replace")
        expected, got = both(text, library)
        assert got == expected, path


@pytest.mark.parametrize("seed", range(4))
def test_made_up_stories_convert_the_same(seed: int) -> None:
    rng = random.Random(seed)
    library = stock()
    for _ in range(1000):
        text = made_up(rng)
        expected, got = both(text, library)
        assert got == expected, repr(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(PIECES), st.text(alphabet="*_`[]()!<>&\\^@:/ \nab#;xé-=|", max_size=8)
        ),
        max_size=40,
    )
)
def test_any_mix_converts_the_same(parts: list[str]) -> None:
    text = "".join(parts)
    expected, got = both(text, stock())
    assert got == expected


def test_a_pattern_read_differently_is_tried_every_time() -> None:
    """The strings are kept only for the expression they were read from."""
    library = stock()
    link = library.inlinePatterns["link"]
    assert markdown_inline.needs_of("link", link) == ("[",)
    other = markdown.inlinepatterns.LinkInlineProcessor(r"(?<!\!)\[|LINK", library)
    assert markdown_inline.needs_of("link", other) is None
    assert markdown_inline.needs_of("a pattern of an extension", link) is None
