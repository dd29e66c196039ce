"""Python-Markdown's block step with the tests that cannot succeed left out.

Python-Markdown cuts a story into blocks (paragraphs, headings, lists, quotes ...) by
asking each of its ~17 block processors in turn whether it takes the next block: most
answer with a regular expression searched through the whole block for a character the
block does not hold (a `#`, a `>`, `: `, a line starting with `=` or `-`, a `|` for a
table). Three of them
(references, footnotes and abbreviations) say yes to every block and only then search
it, putting it back when nothing is found. At 4,000 stories those tries were ~0.5 of the
~2.5 CPU-s the conversion takes.

`install` gives each of those processors a test that first looks for the strings every
block it takes must hold, and answers no at once when there are none: exactly what the
library's own test (or its run that finds nothing and puts the block back) answers for
such a block, so the next processor is asked, as before. The strings are read off each
stock processor's regular expression below and kept only for a processor of that class
whose expression is the one read (another Python-Markdown version's changed processor is
asked as the library asks it). tests/test_markdown_inline.py converts thousands of
generated stories both ways and compares the HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# a block a processor takes holds one string of each group
Groups = tuple[tuple[str, ...], ...]

# the processor's registered name -> its class, the expression it searches with as read
# (one per Python-Markdown version that changed it), and what every block it takes holds
# (read off that expression)
NEEDS: dict[str, tuple[str, tuple[str, ...], Groups]] = {
    "table": (  # two lines, cells cut by "|" (its test has no one expression: the one
        # read is the right border's, which a header row without a "|" cannot have)
        "markdown.extensions.tables.TableProcessor",
        (r"(?<!\\)(?:\\\\)*\|$",),
        (("|",), ("\n",)),
    ),
    "hashheader": (
        "markdown.blockprocessors.HashHeaderProcessor",
        (r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",),
        (("#",),),
    ),
    "setextheader": (  # a line, then a line of "=" or "-"
        "markdown.blockprocessors.SetextHeaderProcessor",
        (r"^.*?\n(?:=+|-+)[ ]*(\n|$)",),
        (("\n=", "\n-"),),
    ),
    "hr": (  # three "-", "_" or "*"
        "markdown.blockprocessors.HRProcessor",
        (
            r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
            r"(?P=atomicgroup)[ ]*$",
        ),
        (("-", "_", "*"),),
    ),
    "deflist": (  # a line starting with ": "
        "markdown.extensions.def_list.DefListProcessor",
        (r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)",),
        ((": ",),),
    ),
    "quote": (
        "markdown.blockprocessors.BlockQuoteProcessor",
        (r"(^|\n)[ ]{0,3}>[ ]?(.*)",),
        ((">",),),
    ),
    # these three take every block, search it and put it back when nothing is found
    "footnote": (  # [^1]: ...
        "markdown.extensions.footnotes.FootnoteBlockProcessor",
        (r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$",),
        (("[^",), ("]:",)),
    ),
    "abbr": (  # *[HTML]: ...
        "markdown.extensions.abbr.AbbrBlockprocessor",
        (
            r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$",
            # 3.11.4: the name without a line break
            r"^[*]\[(?P<abbr>[^\\\n]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$",
        ),
        (("*[",),),
    ),
    "reference": (  # [id]: url
        "markdown.blockprocessors.ReferenceProcessor",
        (
            r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
            r"""((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
        ),
        (("]:",),),
    ),
}
# the attribute each processor keeps its expression in
EXPRESSION = {"hr": "SEARCH_RE", "table": "RE_END_BORDER"}


def needs_of(name: str, processor: Any) -> Groups | None:
    """What every block the processor registered as `name` takes holds, or None when that
    is not known for this processor: it is then asked about every block."""
    known = NEEDS.get(name)
    if known is None:
        return None
    cls = type(processor)
    if f"{cls.__module__}.{cls.__qualname__}" != known[0]:
        return None  # (a subclass, or another class under the name: not read)
    compiled = getattr(processor, EXPRESSION.get(name, "RE"), None)
    return known[2] if getattr(compiled, "pattern", None) in known[1] else None


def quick_test(test: Callable[[Any, str], bool], groups: Groups) -> Callable[[Any, str], bool]:
    """`test`, answering no at once for a block lacking every string of one group."""
    if len(groups) == 1 and len(groups[0]) == 1:
        (need,) = groups[0]
        return lambda parent, block: need in block and test(parent, block)

    def quick(parent: Any, block: str) -> bool:
        for group in groups:
            for s in group:
                if s in block:
                    break
            else:
                return False
        return test(parent, block)

    return quick


def install(md: Any) -> list[str]:
    """Give `md`'s known block processors their quick test; the names of those given one."""
    registry = md.parser.blockprocessors
    done = []
    for name in NEEDS:
        if name not in registry:
            continue
        processor = registry[name]
        groups = needs_of(name, processor)
        if groups is not None and "test" not in vars(processor):
            processor.test = quick_test(processor.test, groups)
            done.append(name)
    return done
