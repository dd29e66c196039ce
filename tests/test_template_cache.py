"""Compiled templates kept in `.site-builder-cache/templates/` (render/template_cache.py):
used only for the same source, settings and Jinja2, never at the cost of a wrong page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from site_builder.cache import CACHE_DIR
from site_builder.render.template_cache import FOLDER, use_cache
from tests.helpers import copy_project, run_cli, snapshot


def _env(templates: Path, cache_dir: Path, **settings: object) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), **settings)  # type: ignore[arg-type]
    use_cache(env, cache_dir)
    return env


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja2 compiles from source (the real compiler, counted)."""
    seen: list[str] = []
    real = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        seen.append(str(name))
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return seen


def _page(tmp_path: Path, source: str = "<p>{{ name }}</p>") -> Callable[..., jinja2.Template]:
    """`page.html` holding `source`; the function returned loads it through a new
    environment (with the settings given) sharing the cache folder `tmp_path/cache`."""
    (tmp_path / "t").mkdir(exist_ok=True)
    (tmp_path / "t/page.html").write_text(source, encoding="utf-8")

    def load(**settings: object) -> jinja2.Template:
        return _env(tmp_path / "t", tmp_path / "cache", **settings).get_template("page.html")

    return load


def _entries(tmp_path: Path) -> list[Path]:
    return list((tmp_path / "cache" / FOLDER).glob("*.bin"))


def test_a_second_environment_renders_from_the_cache(tmp_path: Path, compiles: list[str]) -> None:
    load = _page(tmp_path)
    assert load().render(name="Mông") == "<p>Mông</p>"
    assert compiles == ["page.html"]
    assert len(_entries(tmp_path)) == 1
    assert load().render(name="Dao") == "<p>Dao</p>"
    assert compiles == ["page.html"]  # not compiled again


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    _page(tmp_path)().render(name="x")
    again = _page(tmp_path, "<h1>{{ name }}</h1>")()
    assert again.render(name="Nùng") == "<h1>Nùng</h1>"
    assert compiles == ["page.html", "page.html"]


def test_other_settings_do_not_share_compiled_code(tmp_path: Path) -> None:
    """`trim_blocks` changes the compiled code but not Jinja2's own cache key."""
    load = _page(tmp_path, "{% if 1 %}\nA{% endif %}\n")
    assert load().render() == "\nA"
    assert load(trim_blocks=True).render() == "A"
    assert len(_entries(tmp_path)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: b"",
        lambda entry: b"garbage that is not bytecode",
        lambda entry: entry[: len(bc_magic)] + b"\x80\x02\xff",  # its checksum unreadable
        lambda entry: entry[: len(entry) // 2],  # cut in the middle of the code
    ],
    ids=["empty", "garbage", "checksum", "truncated"],
)
def test_a_damaged_entry_is_compiled_again(
    tmp_path: Path, damage: Callable[[bytes], bytes], compiles: list[str]
) -> None:
    load = _page(tmp_path)
    load()
    (entry,) = _entries(tmp_path)
    entry.write_bytes(damage(entry.read_bytes()))
    assert load().render(name="Phù Lá") == "<p>Phù Lá</p>"
    assert compiles == ["page.html", "page.html"]


def test_a_cache_that_cannot_be_written_costs_only_the_compile(tmp_path: Path) -> None:
    load = _page(tmp_path)
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    assert load().render(name="Mông") == "<p>Mông</p>"


def test_builds_with_damaged_compiled_templates_equal_a_cold_build(tmp_path: Path) -> None:
    """The CLI: every compiled template overwritten with garbage, the next build's pages
    are byte for byte those of a build with no cache at all."""
    project = copy_project(tmp_path / "site")
    assert run_cli(project, "build", "--no-pdf").code == 0
    entries = list((project / CACHE_DIR / FOLDER).glob("*.bin"))
    assert len(entries) >= 10  # every page template, in each language's environment
    for entry in entries:
        entry.write_bytes(b"j2" + b"\x00" * 40)
    (project / "templates/item.html").write_text(
        (project / "templates/item.html")
        .read_text(encoding="utf-8")
        .replace("</article>", "<p>Mới.</p></article>"),
        encoding="utf-8",
    )
    done = run_cli(project, "build", "--no-pdf")
    assert done.code == 0, done.err
    assert "Traceback" not in done.err
    cold = tmp_path / "cold"
    assert run_cli(project, "build", "--no-pdf", "--no-cache", "--output", str(cold)).code == 0
    assert snapshot(project / "output") == snapshot(cold)
