"""Python-Markdown's HTML for a plain story, made without Python-Markdown.

Most stories members write are paragraphs of text, `##` headings, `**bold**` words and
short `-` or `1.` lists. For such a story Python-Markdown (with `extra` and `sane_lists`) runs
~17 block tests, ~15 inline patterns per text, an ElementTree and its serializer, to give
HTML that is a few string joins: `<p>text</p>`, `<h2>title</h2>`,
`<ul>\\n<li>item</li>\\n</ul>`, `<strong>word</strong>`, one element per line. That
conversion was ~16 % of a cold build's CPU.

`plain_html(text)` gives exactly that HTML for a story made only of what it knows, and
None for anything else, which Python-Markdown then converts as before. What it knows is
chosen narrowly, so that nothing it accepts can mean something else to Python-Markdown:

- no character that starts any other construct: `` ` `` `\\` `[` `]` `<` `>` `&` `_` `{`
  `}` `|` `~~~`, no tab, no control character; `*` only as `**` around text;
- no line indented, none ending in a space (a line break, or a list's or code's
  indentation), none made only of `-`, `=`, `*` or `_` (rules and setext headings);
- a line starting `#` is a heading `#{1,6} text` without `#` in its text; a line starting
  with `*` (but `**word`), `+`, `>`, `:` or `=`, or with a digit anywhere but at a list's
  item, is refused (other lists, quotes, definitions);
- a block (lines between blank lines) starting with `- ` or `1. ` is a list only if
  every line is an item of that kind; a list right after a list of its kind is refused
  (Python-Markdown makes the pair one loose list with paragraphs); a numbered list not
  starting at `1` gets `start` as Python-Markdown writes it (the first item's digits).

`QUICK_VERSIONS` are the Python-Markdown versions this was compared against
(tests/test_markdown_plain.py converts the sample site's stories, the bench corpus's and
thousands of generated near-misses both ways); with any other version installed every
story goes to Python-Markdown.
"""

from __future__ import annotations

import functools
import re

# (major, minor) of the Python-Markdown releases compared with, byte for byte
QUICK_VERSIONS = frozenset({(3, 11)})

# anything that may start a construct other than the ones below (or be changed by the
# serializer or a preprocessor): its presence sends the story to Python-Markdown
# (one character class: every character `\s` matches but the space and the newline —
# a non-breaking space, a tab, a line separator ... —, control characters, and the rest)
OTHER_SPACES = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_REFUSED = re.compile(rf"[`\\\[\]<>&_{{}}|\x00-\x09\x0b-\x1f\x7f{OTHER_SPACES}]")
# ... and where a space may not be: before or after a newline (line breaks, indentation)
_REFUSED_SPACES = (" \n", "\n ", "~~~")
_STRONG = re.compile(r"\*\*([^\s*](?:[^*]*?[^\s*])?)\*\*")
_HEADING = re.compile(r"(#{1,6}) +([^#]*[^#\s])")
_LIST_ITEM = re.compile(r"(-|(\d+)\.) +(\S.*)")
# a line Python-Markdown may read as something other than text (a line starting with
# "**word" is text: a list's "*" needs a space after it)
_SPECIAL_START = re.compile(r"(?!\*\*[^\s*])[*+>:#]|\d+[.)]|-(?:\s|$)|=")
_ONLY_MARKS = re.compile(r"[-=*_ ]+")


@functools.cache
def enabled() -> bool:
    """Whether the installed Python-Markdown is one the plain path was compared with,
    read off its `__meta__.py` without importing it (a story converted here needs none
    of Python-Markdown's ~30 modules)."""
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec("markdown")
        if spec is None or spec.origin is None:
            return False
        with open(os.path.join(os.path.dirname(spec.origin), "__meta__.py"), encoding="utf-8") as f:
            found = re.search(r"__version_info__\s*=\s*\((\d+),\s*(\d+)", f.read())
    except (OSError, ImportError, ValueError):
        return False
    return found is not None and (int(found[1]), int(found[2])) in QUICK_VERSIONS


def plain_html(text: str) -> str | None:
    """Python-Markdown's HTML for `text` (before headings are demoted), or None when the
    story holds anything but plain paragraphs, `#` headings, `**bold**`, `-` and `1.` lists."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _REFUSED.search(text) or any(s in text for s in _REFUSED_SPACES):
        return None
    if text.startswith(" ") or text.endswith(" ") or not enabled():
        return None
    out: list[str] = []
    last = ""  # the tag of the last element written
    for block in re.split(r"\n(?:[ ]*\n)+", text.strip("\n")):
        if not block:
            continue
        para: list[str] = []
        items: list[str] | None = None
        kind = ""  # "ul" or "ol" while items are read, with the first number of an "ol"
        first = ""
        for line in block.split("\n"):
            if _ONLY_MARKS.fullmatch(line):
                return None  # a rule, a setext heading's underline
            if _SPECIAL_START.match(line) is None:
                if items is not None:
                    return None  # a lazy line continuing an item
                para.append(line)
                continue
            if line[0] == "#":
                heading = _HEADING.fullmatch(line)
                if heading is None:
                    return None
                if para or items is not None:  # what came before the heading: a block
                    last = _flush(out, para, items, last, kind, first)
                    if last == "":
                        return None
                    para, items = [], None
                level = len(heading[1])
                inline = _inline(heading[2])
                if inline is None:
                    return None
                out.append(f"<h{level}>{inline}</h{level}>")
                last = f"h{level}"
                continue
            item = _LIST_ITEM.fullmatch(line) if not para else None
            if item is not None:
                text_of_item = item[3]
                if _SPECIAL_START.match(text_of_item) or _ONLY_MARKS.fullmatch(text_of_item):
                    return None  # an item's text is read as blocks: a list in a list ...
                tag = "ul" if item[1] == "-" else "ol"
                if items is None:
                    items, kind, first = [], tag, item[2] or ""
                elif tag != kind:
                    return None  # "1." lines and "-" lines in one block
                items.append(text_of_item)
                continue
            if not (line[0] == "-" and para):
                return None  # another kind of list, a quote, a definition, an underline
            para.append(line)  # "- x" inside a paragraph: text
        if para or items is not None:
            last = _flush(out, para, items, last, kind, first)
            if last == "":
                return None
    return "\n".join(out)


def _flush(
    out: list[str], para: list[str], items: list[str] | None, last: str, kind: str, first: str
) -> str:
    """Write a paragraph or a list (`kind`, "ul" or "ol" numbered from `first`); the tag
    written, or "" when it cannot be written."""
    if items is not None:
        if last == kind:
            return ""  # a list right after its like: one loose list to Python-Markdown
        lis = [_inline(item) for item in items]
        if any(li is None for li in lis):
            return ""
        start = f' start="{first}"' if kind == "ol" and first != "1" else ""
        body = "".join(f"<li>{li}</li>\n" for li in lis)
        out.append(f"<{kind}{start}>\n{body}</{kind}>")
        return kind
    inline = _inline("\n".join(para))
    if inline is None:
        return ""
    out.append(f"<p>{inline}</p>")
    return "p"


def _inline(text: str) -> str | None:
    """`text` with `**bold**` made `<strong>`; None for any other `*`."""
    if "*" not in text:
        return text
    html = _STRONG.sub(r"<strong>\1</strong>", text)
    return None if "*" in html else html
