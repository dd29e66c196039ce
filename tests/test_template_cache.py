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


def test_a_second_environment_renders_from_the_cache(tmp_path: Path, compiles: list[str]) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t/page.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    first = _env(tmp_path / "t", tmp_path / "cache").get_template("page.html")
    assert first.render(name="Mông") == "<p>Mông</p>"
    assert compiles == ["page.html"]
    assert len(list((tmp_path / "cache" / FOLDER).glob("*.bin"))) == 1
    second = _env(tmp_path / "t", tmp_path / "cache").get_template("page.html")
    assert second.render(name="Dao") == "<p>Dao</p>"
    assert compiles == ["page.html"]  # not compiled again


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    (tmp_path / "t").mkdir()
    page = tmp_path / "t/page.html"
    page.write_text("<p>{{ name }}</p>", encoding="utf-8")
    _env(tmp_path / "t", tmp_path / "cache").get_template("page.html").render(name="x")
    page.write_text("<h1>{{ name }}</h1>", encoding="utf-8")
    again = _env(tmp_path / "t", tmp_path / "cache").get_template("page.html")
    assert again.render(name="Nùng") == "<h1>Nùng</h1>"
    assert compiles == ["page.html", "page.html"]


def test_other_settings_do_not_share_compiled_code(tmp_path: Path) -> None:
    """`trim_blocks` changes the compiled code but not Jinja2's own cache key."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t/page.html").write_text("{% if 1 %}\nA{% endif %}\n", encoding="utf-8")
    plain = _env(tmp_path / "t", tmp_path / "cache").get_template("page.html")
    assert plain.render() == "\nA"
    trimmed = _env(tmp_path / "t", tmp_path / "cache", trim_blocks=True).get_template("page.html")
    assert trimmed.render() == "A"
    assert len(list((tmp_path / "cache" / FOLDER).glob("*.bin"))) == 2


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
    (tmp_path / "t").mkdir()
    (tmp_path / "t/page.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    _env(tmp_path / "t", tmp_path / "cache").get_template("page.html")
    (entry,) = (tmp_path / "cache" / FOLDER).glob("*.bin")
    entry.write_bytes(damage(entry.read_bytes()))
    again = _env(tmp_path / "t", tmp_path / "cache").get_template("page.html")
    assert again.render(name="Phù Lá") == "<p>Phù Lá</p>"
    assert compiles == ["page.html", "page.html"]


def test_a_cache_that_cannot_be_written_costs_only_the_compile(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t/page.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    env = _env(tmp_path / "t", tmp_path / "cache")
    assert env.get_template("page.html").render(name="Mông") == "<p>Mông</p>"


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
