"""The parser's own words (PyYAML's "mapping values are not allowed here", Python's "day
is out of range for month") inside our messages, in the member's language.

`parser_msg(template, problem)` is a `Msg` whose English text keeps the parser's words as
they are; shown in another language, `{problem}` becomes the catalog's plain explanation
of those words (msgid = the parser's English), or a general one for words the catalog does
not know. The original stays visible in every language with `--verbose`.
"""

from __future__ import annotations

from site_builder.messages import N_, Msg, _, verbose

UNKNOWN = N_("this part is not written correctly")

# What the catalog explains (extraction marks them; libyaml's and PyYAML's spellings).
KNOWN = (
    N_("mapping values are not allowed in this context"),
    N_("mapping values are not allowed here"),
    N_("found character that cannot start any token"),
    N_("found unexpected end of stream"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected key"),
    N_("did not find expected node content"),
    N_("could not find expected ':'"),
    N_("found undefined alias"),
    N_("found unknown escape character"),
    N_("found unexpected ':'"),
    N_("block sequence entries are not allowed in this context"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("exceeded maximum nesting depth"),
    N_("expected a single document in the stream"),
    N_("day is out of range for month"),
    N_("month must be in 1..12"),
    N_("year 0 is out of range"),
    N_("could not determine a constructor for the tag"),
)


class ParserWords(str):
    """A parser's English problem text, explained in the CLI language when shown."""

    def translated(self) -> str:
        text = str.__str__(self)
        explained = _(text)
        if explained == text:  # not in the catalog (or English): a general explanation
            explained = _(UNKNOWN) if _(UNKNOWN) != UNKNOWN else text
        if verbose() and explained != text:
            explained += f" — {text}"
        return explained


def parser_msg(template: str, problem: str | None) -> Msg:
    """`Msg(template, problem=...)` with the parser's words translatable."""
    return Msg(template, problem=ParserWords((problem or "invalid YAML").strip()))
