"""The worst inputs the fuzz tests give the loaders, each loaded once in a fresh process:
its time, its peak memory, and whether it ended as a member's message or a value.

    .venv/bin/python -m bench.hostile            # a table: case, time, peak memory, ending
    .venv/bin/python -m bench.hostile --json     # the same as JSON (tests/test_fuzz_content.py)

tests/test_fuzz_content.py throws thousands of mutated files at the loaders; this module
keeps the largest shape of each of its pathological generators (6,000 open brackets, a
14-level "billion laughs", a 20,000-digit price, 2,000 nested quotes, ...) as fixed cases.
The test suite asserts only what does not depend on the machine's speed: every case ends in
our own error (`SiteError`) or a value, never a traceback, and no case's process grows past
`PEAK_MB`. How long each takes is printed here and by `make bench`, never asserted.

Each case runs in its own `python -m bench.hostile --one NAME`, so its peak (`VmHWM` of
/proc/self/status, which starts afresh at `exec`, unlike `ru_maxrss`) is its own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
PEAK_MB = 500  # what a member's laptop can spare for one bad file

# file (relative to the minimal fixture) -> its loader's name
FILES = {
    "item.yaml": "content/dolls/hmong/item.yaml",
    "vi.md": "content/dolls/hmong/vi.md",
    "site.yaml": "site.yaml",
    "booklet": "booklets/gifts.yaml",
    "categories": "content/categories.yaml",
}


def billion_laughs(levels: int) -> str:
    """Nested YAML aliases: 9**levels strings once expanded."""
    text = 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text


def _front(text: str) -> str:
    return f"---\n{text}\n---\n"


def _vi(extra: str) -> str:
    return (MINIMAL / FILES["vi.md"]).read_text(encoding="utf-8") + "\n" + extra


# name -> (file kind, the file's whole text); the largest shape of each generator in
# tests/test_fuzz_content.py `hostile`
CASES: dict[str, tuple[str, Callable[[], str]]] = {
    "item: 6,000 open brackets": ("item.yaml", lambda: "title: " + "[" * 6000),
    "item: 6,000 brackets closed": ("item.yaml", lambda: "title: " + "[" * 6000 + "]" * 6000),
    "item: 399 list levels": (
        "item.yaml",
        lambda: "".join("  " * (i % 300) + "- a\n" for i in range(399)),
    ),
    "item: billion laughs, 14 levels": ("item.yaml", lambda: billion_laughs(14)),
    "item: self-referring aliases": ("item.yaml", lambda: "a: &x [*x]\nb: &y {c: *y}"),
    "item: a 20,000-digit price": (
        "item.yaml",
        lambda: f"price: {'9' * 20000}\ncode: {'1' * 49}e+9",
    ),
    "story: 5,999 list markers": ("vi.md", lambda: _vi("- " * 5999 + "a\n")),
    "story: 6,000 open brackets": ("vi.md", lambda: _vi("[" * 6000 + "\n")),
    "story: 1,999 quote levels, deep list": (
        "vi.md",
        lambda: _vi("> " * 1999 + "x\n" + "  " * 999 + "- y\n"),
    ),
    "story: front matter of 6,000 brackets": ("vi.md", lambda: _front("title: " + "[" * 6000)),
    "site.yaml: billion laughs": ("site.yaml", lambda: billion_laughs(14)),
    "booklet: 6,000 open brackets": ("booklet", lambda: "title: " + "[" * 6000),
    "categories: billion laughs": ("categories", lambda: billion_laughs(14)),
}


def _loader(kind: str, project: Path) -> tuple[Callable[[], object], Any]:
    """The loader a build reads this kind of file with (as in the fuzz tests), and the
    collector of the messages it gathers instead of raising."""
    from site_builder.config import load_config
    from site_builder.content.booklets import load_booklet
    from site_builder.content.loader import load_categories, load_item
    from site_builder.content.translations import load_translation
    from site_builder.errors import Collector

    path, found = project / FILES[kind], Collector()
    if kind == "site.yaml":
        return (lambda: load_config(project)), found
    config = load_config(project)
    if kind == "item.yaml":
        categories = load_categories(config, Collector())
        return (lambda: load_item(config, categories, "dolls", path.parent, found)), found  # type: ignore[arg-type]
    if kind == "vi.md":
        return (lambda: load_translation(path, "vi", "dolls", ["doll.png"], found)), found
    if kind == "booklet":
        keys = {"dolls/hmong", "ocop/tea", "pages/visit"}
        return (lambda: load_booklet(config, path, keys, found)), found
    return (lambda: load_categories(config, found)), found


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")  # (not Linux)


def one(name: str) -> dict[str, object]:
    """Load case `name` in this process: {case, seconds, peak_mb, ending, detail}."""
    from site_builder.errors import SiteError

    kind, text = CASES[name]
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        project = Path(tmp) / "site"
        shutil.copytree(MINIMAL, project)
        for folder in ("templates", "locale"):
            shutil.copytree(REPO / folder, project / folder)
        load, found = _loader(kind, project)
        (project / FILES[kind]).write_text(text(), encoding="utf-8")
        start = time.perf_counter()
        ending, detail = "value", ""
        try:
            load()
            if found.errors:
                ending, detail = "message", str(found.errors[0]).splitlines()[0][:160]
        except SiteError as e:  # our own message: what a member sees
            ending, detail = "message", str(e).splitlines()[0][:160]
        except BaseException as e:  # noqa: BLE001 (a traceback: what must never happen)
            ending, detail = "traceback", f"{type(e).__name__}: {e}"[:300]
        seconds = time.perf_counter() - start
    return {
        "case": name,
        "seconds": round(seconds, 3),
        "peak_mb": round(_peak_mb(), 1),
        "ending": ending,
        "detail": detail,
    }


def run_all(python: str = sys.executable) -> list[dict[str, object]]:
    """Every case, each in a fresh process (`--one`)."""
    results = []
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for name in CASES:
        proc = subprocess.run(
            [python, "-m", "bench.hostile", "--one", name],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=600,  # (a hang, not a speed: a case takes well under a second here)
        )
        if proc.returncode != 0:
            results.append(
                {"case": name, "ending": "crash", "detail": proc.stderr[-500:], "seconds": None}
            )
            continue
        results.append(json.loads(proc.stdout))
    return results


def table(results: list[dict[str, object]]) -> str:
    lines = ["| worst input | load time | peak memory | ending |", "|---|---|---|---|"]
    for r in results:
        secs = "—" if r.get("seconds") is None else f"{r['seconds']:.3f} s"
        peak = "—" if r.get("peak_mb") is None else f"{r['peak_mb']:.0f} MB"
        lines.append(f"| {r['case']} | {secs} | {peak} | {r['ending']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--one", help="load this one case in this process (JSON on stdout)")
    ap.add_argument("--json", action="store_true", help="print every case's result as JSON")
    args = ap.parse_args(argv)
    if args.one:
        with contextlib.redirect_stdout(sys.stderr):  # (only the JSON on stdout)
            result = one(args.one)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    results = run_all()
    print(json.dumps(results, ensure_ascii=False, indent=1) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
