"""Property-based fuzzing of every file a member writes: no input gives a traceback.

item.yaml, vi.md, site.yaml, a booklet and categories.yaml, each loaded in-process by the
loader that reads it in a build, with inputs from hypothesis: the real files mutated
(YAML's special characters, curly quotes, tabs, NUL, random unicode), deep nesting,
anchors and aliases (billion laughs), huge numbers, Markdown nesting and bracket runs.
Every run must end in a value or in our errors (ContentError / ErrorList / SiteError),
within 5 s (hypothesis' deadline), and the whole test under 500 MB of memory.
`FUZZ_EXAMPLES` (default 420 per kind: 2,100 in all) sets the depth.
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.config import load_config
from site_builder.content.booklets import load_booklet
from site_builder.content.loader import load_categories, load_item
from site_builder.content.translations import load_translation
from site_builder.errors import Collector, SiteError
from tests.helpers import copy_project

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "420"))
SLOWEST: dict[str, float] = {}

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
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    start = time.perf_counter()
    with contextlib.suppress(SiteError):  # our own message: what a member sees
        load()
    SLOWEST[name] = max(SLOWEST.get(name, 0.0), time.perf_counter() - start)


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=5000,  # ms: every single run under 5 s
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


def test_fuzz_stayed_within_time_and_memory() -> None:
    """Runs after the fuzz tests above (file order): the slowest run and the peak memory."""
    if not SLOWEST:
        pytest.skip("run together with the fuzz tests")
    assert max(SLOWEST.values()) < 5.0, SLOWEST
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    assert peak_mb < 500, peak_mb
