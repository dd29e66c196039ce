"""Python-Markdown's inline step with the tries that cannot match left out.

Python-Markdown turns a paragraph's text into links, emphasis, code and so on by trying
each of its ~15 inline patterns in turn on every piece of text (`InlineProcessor`): a
story of 300 words makes ~130 tries, nearly all of them a regular expression searched
for a character the text does not contain (`[`, `` ` ``, `<`, `&`, a backslash). At 4,000
stories that was ~0.5 of the ~3.5 CPU-s the conversion takes.

`QuickInline` is the same step, the same patterns in the same order, except that a
pattern whose every match must contain one of a few strings is not tried on a text
holding none of them: the library's own try would find nothing and move on to the next
pattern from the start of the text, which is what is done instead. The strings are read
off each stock pattern's regular expression below, and kept only for a pattern whose
expression is the one read (another Python-Markdown version's changed pattern is tried
every time, as before). tests/test_markdown_inline.py converts thousands of generated
stories both ways and compares the HTML.
"""

from __future__ import annotations

from typing import Any

from markdown import util
from markdown.treeprocessors import InlineProcessor

# (a pattern's regular expression as read, strings one of which every match of it holds)
Need = tuple[str, tuple[str, ...]]
LINK: Need = (r"(?<!\!)\[", ("[",))  # links and references: a "[" not after a "!"
IMAGE: Need = (r"\!\[", ("![",))  # images, inline or by reference

# the pattern's name -> what every match of it holds, for the expression read
NEEDS: dict[str, Need] = {
    # a run of backslashes only counts when a backtick follows it (the look-ahead)
    "backtick": (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", ("`",)),
    "escape": (r"\\(.)", ("\\",)),
    "footnote": (r"\[\^([^\]]*)\]", ("[^",)),
    "reference": LINK,
    "link": LINK,
    "short_reference": LINK,
    "image_link": IMAGE,
    "image_reference": IMAGE,
    "short_image_ref": IMAGE,
    "autolink": (r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>", ("<",)),
    "automail": (r"<([^<> !]+@[^@<> ]+)>", ("<",)),
    "linebreak": (r"  \n", ("  \n",)),
    "entity": (r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", ("&",)),
    "em_strong": (r"\*|_", ("*", "_")),
}
# the raw-HTML pattern: every alternative inside "(<(" ... ")>)" starts after the "<"
HTML_PREFIX = "(<("


def needs_of(name: str, pattern: Any) -> tuple[str, ...] | None:
    """What every match of the inline pattern registered as `name` contains (one of the
    strings), or None when that is not known for this pattern: it is then always tried."""
    compiled = getattr(pattern, "compiled_re", None)
    source = getattr(compiled, "pattern", None)
    if not isinstance(source, str):
        return None
    if name == "html":
        return ("<",) if source.startswith(HTML_PREFIX) else None
    known = NEEDS.get(name)
    return known[1] if known is not None and known[0] == source else None


class QuickInline(InlineProcessor):
    """`InlineProcessor` that does not try a pattern on a text it cannot match."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        registry: Any = self.inlinePatterns  # (read at each story: an extension may change it)
        registry._sort()
        names = tuple(item.name for item in registry._priority)
        patterns = [registry[name] for name in names]
        key = (names, tuple(map(id, patterns)))
        if getattr(self, "_key", None) != key:
            self._key = key
            self._patterns = patterns
            self._needs = [needs_of(n, p) for n, p in zip(names, patterns, strict=True)]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        """The library's `__handleInline`, with the test before each try."""
        if not isinstance(data, util.AtomicString):
            start = 0
            patterns, needs = self._patterns, self._needs
            apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
            count = len(patterns)
            while patternIndex < count:
                need = needs[patternIndex]
                if need is not None:
                    for s in need:
                        if s in data:
                            break
                    else:  # none there: as the try that would find nothing
                        patternIndex, start = patternIndex + 1, 0
                        continue
                data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
                if not matched:
                    patternIndex += 1
        return data


def install(md: Any) -> bool:
    """Put `QuickInline` in the place of `md`'s inline step (same name and priority);
    False, and the library's step kept, with a Python-Markdown whose step is not built
    from the two methods this one relies on."""
    if not all(hasattr(InlineProcessor, m) for m in PRIVATE):
        return False
    registry = md.treeprocessors
    registry._sort()
    priority = next(item.priority for item in registry._priority if item.name == "inline")
    registry.register(QuickInline(md), "inline", priority)
    return True


PRIVATE = ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")
