"""The second record of printed codes, kept by the tool (not by members).

content/printed-codes.yaml is edited by people and by git: an entry can be removed,
the file emptied or deleted, a URL changed, and nothing in it would say so. So every
build also publishes what was printed as `output/printed-codes.json`, and keeps a
copy in `.site-builder-cache/printed-codes.json` (written by `codes mark-printed` and
`stickers --for-print` too). The record only grows. A build compares the registry
with both: a code the record holds that the registry lost, or holds with another
URL or item id, stops the build with what was printed and how to put it back
(`site-builder codes restore`, or git).

Deleting both the cache folder and output/ forgets the record: that is the one,
deliberate, way to take back a code recorded by mistake that never went to print.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from site_builder.cache import CACHE_DIR
from site_builder.content.registry import (
    HEADER,
    REGISTRY,
    PrintedCode,
    load_registry,
    registry_path,
)
from site_builder.content.yamlsource import read_text
from site_builder.errors import Collector, ContentError
from site_builder.messages import Msg
from site_builder.writer import write_atomic

RECORD = "printed-codes.json"  # in output/ (published) and in the build cache
SHOWN = 10  # codes named in one message; the rest are counted


def entry(printed: PrintedCode) -> dict[str, Any]:
    return {
        "printed": printed.printed.isoformat(),
        "url": printed.url,
        "item": printed.item,
        "title": printed.title,
        "id": printed.uid,
    }


def record_bytes(
    registry: dict[str, PrintedCode], old: dict[str, tuple[dict[str, Any], Path]]
) -> bytes:
    """The record: every code of `old` (the record so far) and of the registry."""
    codes: dict[str, dict[str, Any]] = {code: value for code, (value, _src) in old.items()}
    codes.update({code: entry(p) for code, p in registry.items()})
    body = {
        "about": "QR codes printed on packaging; each must keep opening its item. "
        "Written by site-builder; the source is content/printed-codes.yaml.",
        "codes": dict(sorted(codes.items())),
    }
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def cache_record(root: Path) -> Path:
    return root / CACHE_DIR / RECORD


def load_record(root: Path, output: Path | None) -> dict[str, tuple[dict[str, Any], Path]]:
    """code -> (its recorded entry, the file it was read from): the cache copy, then the
    published one. An unreadable copy counts as absent (the other one still speaks)."""
    found: dict[str, tuple[dict[str, Any], Path]] = {}
    places = [cache_record(root)] + ([output / RECORD] if output is not None else [])
    for path in places:
        with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
            codes = json.loads(path.read_bytes())["codes"]
            for code, value in codes.items():
                if isinstance(value, dict) and isinstance(value.get("url"), str):
                    found.setdefault(str(code), (value, path))
    return found


def save_record(root: Path, registry: dict[str, PrintedCode], output: Path | None = None) -> None:
    """Keep the cache copy of the record up to date (it only grows)."""
    write_atomic(cache_record(root), record_bytes(registry, load_record(root, output)))


def check_record(
    root: Path, output: Path | None, registry: dict[str, PrintedCode], errors: Collector
) -> None:
    """Add an error for every printed code the registry lost or changed since it was recorded."""
    record = load_record(root, output)
    path = registry_path(root)
    missing = sorted(code for code in record if code not in registry)
    if missing:
        listed = "; ".join(_describe(code, record[code][0]) for code in missing[:SHOWN])
        if len(missing) > SHOWN:
            listed += f"; … (+{len(missing) - SHOWN})"
        source = _shown(root, record[missing[0]][1])
        hint = Msg(
            "This file is the record of a promise: put it back from version history "
            "(git checkout -- content/{registry}), or run `site-builder codes restore` to "
            "write the missing entries back from {source}.",
            registry=REGISTRY,
            source=source,
        )
        if not path.is_file():
            message = Msg(
                "this file is missing, but {n} code(s) were recorded as printed: {codes}.",
                n=len(missing),
                codes=listed,
            )
        else:
            message = Msg(
                "{n} printed code(s) are missing from this file: {codes}.",
                n=len(missing),
                codes=listed,
            )
        errors.add(ContentError(path, None, None, message, hint))
    for code, printed in sorted(registry.items()):
        if code not in record:
            continue
        was, recorded_in = record[code]
        for field, now in (("url", printed.url), ("id", printed.uid)):
            if was.get(field) and now != was[field]:
                said = {"code": code, "field": field, "was": was[field]}
                said["source"] = _shown(root, recorded_in)
                errors.add(
                    ContentError(
                        path,
                        printed.line,
                        f"{code}.{field}",
                        Msg(
                            "{code} was recorded as printed with {field} {was} ({source}), "
                            "but this file now says {now}.",
                            **said,
                            now=now,
                        )
                        if now is not None
                        else Msg(
                            "{code} was recorded as printed with {field} {was} ({source}), "
                            "but this file no longer has its {field}.",
                            **said,
                        ),
                        Msg(
                            "The boxes are printed: write back '{field}: \"{was}\"' (or run "
                            "`site-builder codes restore`).",
                            field=field,
                            was=was[field],
                        ),
                    )
                )


def restore(root: Path, output: Path | None) -> list[str]:
    """Write back into the registry every recorded entry it lost or changed; the codes."""
    path = registry_path(root)
    registry = load_registry(root)  # refuses a registry that is not valid YAML
    record = load_record(root, output)
    data: dict[str, Any] = {}
    if path.is_file():
        data = yaml.safe_load(read_text(path)) or {}
    fixed = []
    for code, (was, _source) in sorted(record.items()):
        now = registry.get(code)
        if now is not None and all(
            not was.get(f) or v == was[f] for f, v in (("url", now.url), ("id", now.uid))
        ):
            continue
        restored = {k: was[k] for k in ("printed", "url", "item", "title", "id") if was.get(k)}
        if "printed" in restored:
            with contextlib.suppress(ValueError):
                restored["printed"] = dt.date.fromisoformat(str(restored["printed"]))
        data[code] = restored
        fixed.append(code)
    if fixed:
        text = HEADER + yaml.safe_dump(
            dict(sorted(data.items())), allow_unicode=True, sort_keys=False
        )
        write_atomic(path, text.encode("utf-8"))
    return fixed


def _describe(code: str, was: dict[str, Any]) -> str:
    """`XM-D01 (2026-06-01, dolls/hmong 'Búp bê Mông')`: the same in every language."""
    title = f" '{was['title']}'" if was.get("title") else ""
    return f"{code} ({was.get('printed', '?')}, {was.get('item', '?')}{title})"


def _shown(root: Path, path: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(root.resolve()).as_posix()
    return str(path)
