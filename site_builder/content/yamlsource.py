"""Read YAML while keeping the line of every value, so errors can name it.

`parse_yaml` returns plain Python data plus a `Lines` map from a key path such as
("images", 0) to the 1-based line where that value starts. Duplicate keys, which
YAML would silently merge, are reported as errors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_builder.content.parserwords import parser_msg
from site_builder.errors import Collector, ContentError, ErrorList
from site_builder.messages import Msg

try:  # the C loader is ~8x faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

KeyPath = tuple[str | int, ...]


@dataclass
class Lines:
    """Where each value of a YAML document starts (1-based lines)."""

    path: Path
    offset: int = 0  # lines before the YAML text in its file (front matter)
    starts: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, key: KeyPath = ()) -> int:
        """The line of `key`, or of its nearest parent that has one."""
        while key not in self.starts and key:
            key = key[:-1]
        return self.starts.get(key, 1) + self.offset

    def child(self, prefix: KeyPath) -> Lines:
        """A view of the lines below `prefix` (keys relative to it)."""
        sub = Lines(self.path, self.offset)
        n = len(prefix)
        sub.starts = {k[n:]: v for k, v in self.starts.items() if k[:n] == prefix}
        return sub


def read_text(path: Path) -> str:
    """Read a member's file: UTF-8 (a BOM is accepted), any line endings, NFC."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            path,
            line,
            None,
            Msg("this file is not saved as UTF-8."),
            Msg("Open it in your editor and save it again with the encoding 'UTF-8'."),
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# Bounded work for any input: anchors (&name) and aliases (*name) may share values, but
# aliases may not repeat more than MAX_VALUES values in all ("billion laughs"), nor may a
# file nest deeper than MAX_DEPTH or a value contain itself. Files without aliases (the
# printed-code registry of a large catalogue) are not limited in size.
MAX_VALUES = 10_000
MAX_DEPTH = 40

CURLY_OPEN = "“”„‘’‚«"
CURLY_CLOSE = "“”‘’»"
_CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_CANONICAL_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")


class SpelledInt(int):
    """A number YAML read from an unusual spelling (0123, 0x1F, 1_000, 1:30): the value
    and what the member wrote, so that checkers can refuse the silent change of meaning."""

    spelling: str

    def __new__(cls, value: int, spelling: str) -> SpelledInt:
        obj = super().__new__(cls, value)
        obj.spelling = spelling
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (SpelledInt, (int(self), self.spelling))


class SpelledFloat(float):
    """A decimal number YAML read from an unusual spelling (1e5, 1_000.5, .5, 1:30.0)."""

    spelling: str

    def __new__(cls, value: float, spelling: str) -> SpelledFloat:
        obj = super().__new__(cls, value)
        obj.spelling = spelling
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (SpelledFloat, (float(self), self.spelling))


def spelling(value: Any) -> str | None:
    """What the member wrote, when YAML turned it into a different-looking number."""
    return value.spelling if isinstance(value, (SpelledInt, SpelledFloat)) else None


class _Invalid:
    """Stands for a value already reported as an error; checkers skip it."""

    _instance: _Invalid | None = None

    def __new__(cls) -> _Invalid:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INVALID"

    def __reduce__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


def contains_invalid(value: Any) -> bool:
    if value is INVALID:
        return True
    if isinstance(value, dict):
        return any(contains_invalid(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_invalid(v) for v in value)
    return False


class _TooMuch(Exception):
    """Expansion over budget, or a value that contains itself: the file is unusable."""

    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class _Walk:
    lines: Lines
    errors: list[ContentError]
    values: int = 0  # values repeated by aliases
    depth: int = 0
    repeating: int = 0  # > 0 while converting a value for the second time (an alias)
    seen: set[int] = field(default_factory=set)
    open_nodes: set[int] = field(default_factory=set)


def parse_yaml(
    text: str, path: Path, offset: int = 0, errors: Collector | None = None
) -> tuple[Any, Lines]:
    """Parse one YAML document; a `ContentError` naming the line on bad syntax.

    Mistakes in single values (a bad date, curly quotes, a duplicate field) do not hide
    each other: with `errors`, each is added there and its value becomes `INVALID`;
    without, they are raised together once the whole file has been read.
    """
    lines = Lines(path, offset)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or ""
        unclosed = "end of stream" in problem and exc.context_mark is not None
        if unclosed:  # (a quote or bracket never closed: where it opened, not the file's end)
            mark = exc.context_mark
        index = mark.line if mark else None
        nbsp = _nbsp_line(text, index)
        if nbsp is not None:  # (YAML reads "price:\u00a0550000" as one word: wrong line)
            raise ContentError(
                path,
                nbsp + 1 + offset,
                None,
                Msg(
                    "this line has a non-breaking space (U+00A0, from Word or a phone "
                    "keyboard), which YAML does not read as a space."
                ),
                Msg("Delete the space after ':' and type an ordinary one."),
            ) from exc
        line = (index + 1 + offset) if index is not None else None
        source_line = _source_line(text, index) if index is not None else ""
        raise ContentError(
            path,
            line,
            None,
            parser_msg("this is not valid YAML ({problem}).", exc.problem),
            Msg(
                "A quote or bracket opened on this line is never closed: close it on this "
                "line (or remove it)."
            )
            if unclosed
            else _syntax_hint(source_line, problem),
        ) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1 + offset
        raise ContentError(
            path,
            line,
            None,
            Msg(
                "this file contains an invisible control character (U+{code:04X}).",
                code=exc.character,
            ),
            Msg("Delete it, or copy the text into a new file; it often comes from pasting."),
        ) from exc
    except yaml.YAMLError as exc:
        raise ContentError(
            path,
            1 + offset,
            None,
            parser_msg("this is not valid YAML ({problem}).", str(exc)),
        ) from exc
    if node is None:
        return None, lines
    walk = _Walk(lines, [])
    try:
        data = _convert(node, (), walk)
    except _TooMuch as exc:
        raise exc.error from None
    if walk.errors:
        if errors is not None:
            for error in walk.errors:
                errors.add(error)
        elif len(walk.errors) == 1:
            raise walk.errors[0]
        else:
            raise ErrorList(walk.errors)
    return data, lines


def _nbsp_line(text: str, index: int | None) -> int | None:
    """The line (from 0) with a non-breaking space that a syntax error at line `index`
    comes from: that line or the one before (the error shows only after it)."""
    if index is None or "\u00a0" not in text:
        return None
    lines = text.split("\n", index + 1)
    return next(
        (i for i in (index - 1, index) if 0 <= i < len(lines) and "\u00a0" in lines[i]), None
    )


def _source_line(text: str, index: int) -> str:
    parts = text.split("\n", index + 1)
    return parts[index] if index < len(parts) else ""


def _syntax_hint(source_line: str, problem: str) -> Msg:
    if "\t" in source_line or "tab" in problem:
        return Msg(
            "This line contains a tab; YAML lines are indented with spaces only. "
            "Replace each tab with two spaces."
        )
    if any(c in source_line for c in CURLY_OPEN):
        return Msg(
            "This line has curly quotes “…”, which YAML does not read as quotes. "
            'Type straight quotes "…" instead (a word processor changes them; '
            "use a plain text editor)."
        )
    return Msg("Check the indentation and put text that contains ':' or '#' in quotes.")


_scalar_loader = yaml.SafeLoader("")
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
# Scalar tags whose constructor is a plain function of the node; called directly, they
# give what `construct_object` gives without it remembering every node it ever built.
_SCALAR_CONSTRUCTORS = {
    tag: yaml.SafeLoader.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:binary",
        "tag:yaml.org,2002:timestamp",
    )
}


def _construct_scalar(node: yaml.Node) -> Any:
    tag = node.tag
    if tag == _STR_TAG:
        return node.value
    construct = _SCALAR_CONSTRUCTORS.get(tag)
    if construct is not None:
        value = construct(_scalar_loader, node)
        raw = node.value.strip()
        if tag == _INT_TAG and not _CANONICAL_INT.fullmatch(raw):
            return SpelledInt(value, raw)
        if (
            tag == _FLOAT_TAG
            and not _CANONICAL_FLOAT.fullmatch(raw)
            and value == value  # .nan stays as it is
            and value not in (float("inf"), float("-inf"))
        ):
            return SpelledFloat(value, raw)
        return value
    try:  # any other tag (e.g. !python/name): let PyYAML decide, and forget the node
        return _scalar_loader.construct_object(node, deep=True)
    finally:
        _scalar_loader.constructed_objects.clear()
        _scalar_loader.recursive_objects.clear()


def _convert(node: yaml.Node, key: KeyPath, walk: _Walk) -> Any:
    lines = walk.lines
    line = node.start_mark.line + 1
    lines.starts.setdefault(key, line)
    again = id(node) in walk.seen
    walk.seen.add(id(node))
    if again or walk.repeating:
        walk.values += 1
    if walk.values > MAX_VALUES:
        raise _TooMuch(
            ContentError(  # named by the field that repeats, not the depth where it gave up
                lines.path,
                lines.line(key[:1]),
                _dotted(key[:1]) or None,
                Msg(
                    "the aliases '*' of this file repeat more than {most} values.",
                    most=MAX_VALUES,
                ),
                Msg("Write the values out instead of repeating them with '*'."),
            )
        )
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in walk.open_nodes:
            raise _TooMuch(
                ContentError(
                    lines.path,
                    line + lines.offset,
                    _dotted(key) or None,
                    Msg("an alias '*' here refers to the value it is part of."),
                    Msg("Write the value out instead of the alias."),
                )
            )
        if walk.depth >= MAX_DEPTH:
            raise _TooMuch(
                ContentError(
                    lines.path,
                    line + lines.offset,
                    _dotted(key) or None,
                    Msg("the values here are nested more than {most} levels deep.", most=MAX_DEPTH),
                    Msg("Check the brackets [ ] and {{ }} and the indentation."),
                )
            )
        walk.open_nodes.add(id(node))
        walk.depth += 1
        walk.repeating += again
        try:
            return _convert_collection(node, key, walk)
        finally:
            walk.repeating -= again
            walk.depth -= 1
            walk.open_nodes.discard(id(node))
    return _convert_scalar(node, key, walk)


def _convert_collection(node: yaml.Node, key: KeyPath, walk: _Walk) -> Any:
    lines = walk.lines
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, key + (i,), walk) for i, child in enumerate(node.value)]
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1 + lines.offset
        if not isinstance(key_node, yaml.ScalarNode):
            walk.errors.append(
                ContentError(
                    lines.path,
                    key_line,
                    None,
                    Msg("a field name must be a single word, not a list or mapping."),
                )
            )
            continue
        name = _convert_scalar(key_node, key + ("<key>",), walk)
        lines.starts.pop(key + ("<key>",), None)
        if name is INVALID:
            continue
        name = spelling(name) or (str(name) if not isinstance(name, str) else name)
        if name in result:
            decimal = str(name).isdigit()  # `{x_mm: 0,5, y_mm: 0,5}`: YAML's two fields `5`
            walk.errors.append(
                ContentError(
                    lines.path,
                    key_line,
                    _dotted(key + (name,)),
                    Msg("this field is written twice."),
                    Msg(
                        "A decimal written with a comma in a group on one line ({example}) "
                        "reads as two fields: write it with a dot, e.g. 0.5.",
                        example="{offset_x_mm: 0,5}",
                    )
                    if decimal
                    else Msg("Keep one of the two lines and delete the other."),
                )
            )
            continue
        result[name] = _convert(value_node, key + (name,), walk)
        lines.starts[key + (name,)] = key_node.start_mark.line + 1
    return result


def _convert_scalar(node: yaml.Node, key: KeyPath, walk: _Walk) -> Any:
    lines = walk.lines
    line = node.start_mark.line + 1 + lines.offset
    where = _dotted(key) or None
    if (
        not getattr(node, "style", None) and node.tag == _STR_TAG
    ):  # plain: None (PyYAML) or "" (libyaml)
        value = node.value
        if len(value) >= 2 and value[0] in CURLY_OPEN and value[-1] in CURLY_CLOSE:
            walk.errors.append(
                ContentError(
                    lines.path,
                    line,
                    where,
                    Msg(
                        "the value is between curly quotes “…”, which YAML does not read as quotes."
                    ),
                    Msg('Type straight quotes instead: "{inner}".', inner=value[1:-1]),
                )
            )
            return INVALID
    try:
        return _construct_scalar(node)
    except yaml.constructor.ConstructorError as exc:
        walk.errors.append(
            ContentError(
                lines.path,
                line,
                where,
                parser_msg("this value cannot be read ({problem}).", exc.problem),
                Msg("Put the value in quotes."),
            )
        )
    except ValueError as exc:  # e.g. a date like 2026-02-30
        walk.errors.append(
            ContentError(
                lines.path,
                line,
                where,
                parser_msg("this value cannot be read ({problem}).", str(exc)),
                Msg("Dates are written YYYY-MM-DD, e.g. 2026-06-01.")
                if node.tag.endswith("timestamp")
                else Msg("Put the value in quotes."),
            )
        )
    return INVALID


def _dotted(key: KeyPath) -> str:
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def dotted(key: KeyPath) -> str:
    """`("images", 0, "file")` -> `images[0].file`, the way messages name a field."""
    return _dotted(key)


def split_front_matter(text: str, path: Path) -> tuple[str, int, str, int]:
    """Split a Markdown file into (front matter, its first line, body, body's first line)."""
    if not text.startswith("---\n"):
        raise ContentError(
            path,
            1,
            None,
            Msg("the file must start with a line '---', then the fields (title: ...), then '---'."),
            Msg("Add a line with three dashes at the very top and another after the fields."),
        )
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise ContentError(
                path,
                1,
                None,
                Msg("the fields at the top are never closed with a line '---'."),
                Msg("Add a line with three dashes after the last field (before the story)."),
            )
    front = text[4 : end + 1]
    body_start = end + 5
    body = text[body_start:]
    body_line = text[:body_start].count("\n") + 1
    return front, 2, body, body_line


def line_of(path: Path, key: str | KeyPath) -> int | None:
    """The line of a field (a top-level name, or a key path such as ("payment",
    "account_name")) in a YAML file that already loaded once; None if it is not there or
    the file cannot be read now."""
    try:
        _, lines = parse_yaml(read_text(path), path)
    except (ContentError, ErrorList, OSError):
        return None
    return lines.line((key,) if isinstance(key, str) else key)
