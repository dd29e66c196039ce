"""The next free code of a kind of item (XM-D07 after XM-D06), for `new` and for messages
that suggest one. Read from the files as they are: codes in item.yaml files, printed
codes and moved codes, so it works on a site that does not load yet."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from site_builder.content import kinds
from site_builder.content.registry import registry_path

CODE_RE = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


def next_code(root: Path, kind: str) -> str:
    """The next free code of this kind: highest number of the usual prefix, plus one."""
    own = _codes_of(root / "content" / kind)
    taken = set(own)
    for other in kinds.names():
        taken |= set(_codes_of(root / "content" / other))
    taken |= _registry_codes(root) | _moved_codes(root)
    prefixes = Counter(m["prefix"] for c in own if (m := CODE_RE.match(c)))
    prefix = prefixes.most_common(1)[0][0] if prefixes else kinds.get(kind).prefix
    numbers = [m["number"] for c in taken if (m := CODE_RE.match(c)) and m["prefix"] == prefix]
    width = max([2, *(len(n) for n in numbers)])
    n = max([0, *(int(x) for x in numbers)]) + 1
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"


def _codes_of(parent: Path) -> list[str]:
    out = []
    if parent.is_dir():
        for item in sorted(parent.glob("*/item.yaml")):
            data = quiet_yaml(item)
            if isinstance(data, dict) and data.get("code") is not None:
                out.append(str(data["code"]).strip().upper())
    return out


def _registry_codes(root: Path) -> set[str]:
    data = quiet_yaml(registry_path(root))
    return {str(k).upper() for k in data} if isinstance(data, dict) else set()


def _moved_codes(root: Path) -> set[str]:
    data = quiet_yaml(root / "site.yaml")
    moved = data.get("moved_codes") if isinstance(data, dict) else None
    return {str(k).upper() for k in moved} if isinstance(moved, dict) else set()


def quiet_yaml(path: Path) -> object:
    """The YAML in `path`, or None when it cannot be read (`check` reports that file)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # `site-builder check` reports a broken file; here we only need codes
