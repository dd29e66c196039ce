"""Property-based fuzzing of every file a member writes: no input gives a traceback.

item.yaml, vi.md, site.yaml, a booklet and categories.yaml, each loaded in-process by the
loader that reads it in a build, with inputs from hypothesis: the real files mutated
(YAML's special characters, curly quotes, tabs, NUL, random unicode), deep nesting,
anchors and aliases (billion laughs), huge numbers, Markdown nesting and bracket runs.
Every run must end in a value or in our errors (ContentError / ErrorList / SiteError).
The largest shape of each pathological generator is also kept as a fixed case in
bench/hostile.py, loaded in a fresh process: it must end the same way and stay under
500 MB; how long it takes is measured there (`make bench`), never asserted here.
`FUZZ_EXAMPLES` (default 420 per kind: 2,100 in all) sets the depth.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import hostile as worst
from site_builder.config import load_config
from site_builder.content.booklets import load_booklet
from site_builder.content.loader import load_categories, load_item
from site_builder.content.translations import load_translation
from site_builder.errors import Collector, SiteError
from tests.helpers import copy_project

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "420"))

SPECIAL = list(":-[]{}&*!|>'\"#%@`,?\t\n \\") + ["“", "”", "‘", "’", "\x00", "\x1b", "\u2028"]
SPECIAL += [
    "0",
    "0x",
    "_",
    "e+9",
    "1:30",
    "---",
    "...",
    "<<: ",
    "&a ",
    "*a",
    "!!python/name:os.system",
]


def billion_laughs(levels: int) -> str:
    text = 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        piece = draw(st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=8)))
        if action == "insert":
            text = text[:pos] + piece + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 20)) :]
        elif action == "replace":
            text = text[:pos] + piece + text[pos + len(piece) :]
        else:
            text = text[:pos] + piece * draw(st.integers(2, 3000)) + text[pos:]
    return text


def hostile(base: str, front_matter: bool) -> st.SearchStrategy[str]:
    def wrap(s: str) -> str:
        return f"---\n{s}\n---\n" if front_matter else s

    n = st.integers(1, 6000)
    return st.one_of(
        mutated(base),
        mutated(base),
        mutated(base),
        st.text(max_size=300).map(wrap),
        n.map(lambda k: wrap("title: " + "[" * k)),
        n.map(lambda k: wrap("title: " + "[" * k + "]" * k)),
        n.map(lambda k: wrap("".join("  " * (i % 300) + "- a\n" for i in range(k % 400)))),
        st.integers(2, 14).map(lambda k: wrap(billion_laughs(k))),
        st.just(wrap("a: &x [*x]\nb: &y {c: *y}")),
        st.integers(1, 20000).map(lambda k: wrap(f"price: {'9' * k}\ncode: {'1' * (k % 50)}e+9")),
        n.map(lambda k: base + "\n" + ("- " * k + "a\n" if k % 2 else "[" * k + "\n")),
        n.map(lambda k: base + "\n" + ("> " * (k % 2000)) + "x\n" + ("  " * (k % 1000)) + "- y\n"),
        st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("fuzz") / "site", "minimal")


def fuzz(name: str, target: Path, load: Callable[[], object], text: str) -> None:
    """Write `text` into `target` and load it: a value or our own error, nothing else
    (`name`: the kind of file, for the reader of a failure)."""
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(SiteError):  # our own message: what a member sees
        load()


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # speed is measured by bench/hostile.py, not asserted on a busy machine
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _item_parts(project: Path) -> tuple[object, dict[str, object]]:
    config = load_config(project)
    categories = load_categories(config, Collector())
    return config, categories


ITEM_BASE = (Path(__file__).parent / "fixtures/minimal/content/dolls/hmong/item.yaml").read_text()
VI_BASE = (Path(__file__).parent / "fixtures/minimal/content/dolls/hmong/vi.md").read_text()
SITE_BASE = (Path(__file__).parent / "fixtures/minimal/site.yaml").read_text()
BOOKLET_BASE = (Path(__file__).parent / "fixtures/minimal/booklets/gifts.yaml").read_text()
CATEGORIES_BASE = (Path(__file__).parent / "fixtures/minimal/content/categories.yaml").read_text()


@SETTINGS
@given(text=hostile(ITEM_BASE, front_matter=False))
def test_fuzz_item_yaml(project: Path, text: str) -> None:
    config, categories = _item_parts(project)
    folder = project / "content/dolls/hmong"
    fuzz(
        "item.yaml",
        folder / "item.yaml",
        lambda: load_item(config, categories, "dolls", folder, Collector()),  # type: ignore[arg-type]
        text,
    )
    (folder / "item.yaml").write_text(ITEM_BASE, encoding="utf-8")


@SETTINGS
@given(text=hostile(VI_BASE, front_matter=True))
def test_fuzz_vi_md(project: Path, text: str) -> None:
    path = project / "content/dolls/hmong/vi.md"
    fuzz(
        "vi.md",
        path,
        lambda: load_translation(path, "vi", "dolls", ["doll.png"], Collector()),
        text,
    )
    path.write_text(VI_BASE, encoding="utf-8")


@SETTINGS
@given(text=hostile(SITE_BASE, front_matter=False))
def test_fuzz_site_yaml(project: Path, text: str) -> None:
    fuzz("site.yaml", project / "site.yaml", lambda: load_config(project), text)
    (project / "site.yaml").write_text(SITE_BASE, encoding="utf-8")


@SETTINGS
@given(text=hostile(BOOKLET_BASE, front_matter=False))
def test_fuzz_booklet(project: Path, text: str) -> None:
    config = load_config(project)
    path = project / "booklets/gifts.yaml"
    keys = {"dolls/hmong", "ocop/tea", "pages/visit"}
    fuzz("booklet", path, lambda: load_booklet(config, path, keys, Collector()), text)
    path.write_text(BOOKLET_BASE, encoding="utf-8")


@SETTINGS
@given(text=hostile(CATEGORIES_BASE, front_matter=False))
def test_fuzz_categories(project: Path, text: str) -> None:
    config = load_config(project)
    path = project / "content/categories.yaml"
    fuzz("categories", path, lambda: load_categories(config, Collector()), text)
    path.write_text(CATEGORIES_BASE, encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [  # found by a deeper run (FUZZ_EXAMPLES=4000): urlsplit's IPv6 errors were tracebacks
        "short_base: https://xm.examvi, en]",
        "short_base: https://xm.ex [vi, en]",
        "base_url: https://[x/",
    ],
)
def test_fuzz_regressions(project: Path, text: str) -> None:
    name = text.split(":")[0]
    lines = [text if line.startswith(name + ":") else line for line in SITE_BASE.splitlines()]
    assert text in lines
    path = project / "site.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SiteError, match="is not an absolute web address"):
        load_config(project)
    (project / "site.yaml").write_text(SITE_BASE, encoding="utf-8")


def test_worst_inputs_end_in_a_message_within_memory() -> None:
    """The largest shape of each generator above, each loaded in a fresh process
    (bench/hostile.py): our message or a value, never a traceback, and each process's peak
    memory under `PEAK_MB`. In its own processes, so it holds whichever xdist worker runs
    it and whatever ran before."""
    results = worst.run_all()
    assert len(results) == len(worst.CASES)
    bad = [r for r in results if r["ending"] not in ("message", "value")]
    assert not bad, bad
    heavy = [r for r in results if not float(r["peak_mb"]) < worst.PEAK_MB]  # type: ignore[arg-type]
    assert not heavy, heavy
    # the cases that must be refused are refused (a billion laughs is not expanded)
    ending = {r["case"]: r["ending"] for r in results}
    assert ending["item: billion laughs, 14 levels"] == "message"
    assert ending["site.yaml: billion laughs"] == "message"
    assert ending["categories: billion laughs"] == "message"
