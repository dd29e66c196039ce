"""Read YAML while keeping the line of every value, so errors can name it.

`parse_yaml` returns plain Python data plus a `Lines` map from a key path such as
("images", 0) to the 1-based line where that value starts. Duplicate keys, which
YAML would silently merge, are reported as errors.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_builder.errors import ContentError
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


def parse_yaml(text: str, path: Path, offset: int = 0) -> tuple[Any, Lines]:
    """Parse one YAML document; raise a `ContentError` naming the line on bad syntax."""
    lines = Lines(path, offset)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else None
        problem = exc.problem or "invalid YAML"
        raise ContentError(
            path,
            line,
            None,
            Msg("this is not valid YAML ({problem}).", problem=problem),
            Msg("Check the indentation and put text that contains ':' or '#' in quotes."),
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
            path, 1 + offset, None, Msg("this is not valid YAML ({problem}).", problem=str(exc))
        ) from exc
    if node is None:
        return None, lines
    return _convert(node, (), lines), lines


_scalar_loader = yaml.SafeLoader("")
_STR_TAG = "tag:yaml.org,2002:str"
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
        return construct(_scalar_loader, node)
    try:  # any other tag (e.g. !python/name): let PyYAML decide, and forget the node
        return _scalar_loader.construct_object(node, deep=True)
    finally:
        _scalar_loader.constructed_objects.clear()
        _scalar_loader.recursive_objects.clear()


def _convert(node: yaml.Node, key: KeyPath, lines: Lines) -> Any:
    lines.starts[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            name = _convert(key_node, key + ("<key>",), lines)
            if isinstance(name, (list, dict)):
                raise ContentError(
                    lines.path,
                    key_node.start_mark.line + 1 + lines.offset,
                    None,
                    Msg("a field name must be a single word, not a list or mapping."),
                )
            name = str(name) if not isinstance(name, str) else name
            if name in result:
                raise ContentError(
                    lines.path,
                    key_node.start_mark.line + 1 + lines.offset,
                    _dotted(key + (name,)),
                    Msg("this field is written twice."),
                    Msg("Keep one of the two lines and delete the other."),
                )
            result[name] = _convert(value_node, key + (name,), lines)
            lines.starts[key + (name,)] = key_node.start_mark.line + 1
        lines.starts.pop(key + ("<key>",), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, key + (i,), lines) for i, child in enumerate(node.value)]
    try:
        return _construct_scalar(node)
    except yaml.constructor.ConstructorError as exc:
        raise ContentError(
            lines.path,
            node.start_mark.line + 1 + lines.offset,
            _dotted(key) or None,
            Msg("this value cannot be read ({problem}).", problem=exc.problem),
            Msg("Put the value in quotes."),
        ) from exc
    except ValueError as exc:  # e.g. a date like 2026-02-30
        raise ContentError(
            lines.path,
            node.start_mark.line + 1 + lines.offset,
            _dotted(key) or None,
            Msg("this value cannot be read ({problem}).", problem=str(exc)),
            Msg("Dates are written YYYY-MM-DD, e.g. 2026-06-01."),
        ) from exc


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
