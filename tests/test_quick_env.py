"""The quick template environment (site_builder/render/quick_env.py) renders exactly what
Jinja2's own does: its `getattr` only changes the order in which a plain dict's key and a
missing attribute are looked for."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from site_builder.build import render_site
from site_builder.cache import using
from site_builder.content.loader import load_site
from site_builder.plan import plan_site
from site_builder.render import html
from site_builder.render.quick_env import QuickEnvironment
from tests.helpers import copy_project


class Attributes:
    title = "thuộc tính"

    def __getitem__(self, key: str) -> str:
        return f"khoá {key}"


class Keys(dict):  # type: ignore[type-arg]
    title = "thuộc tính của lớp con"


SOURCES = [
    "{{ v.title }}",
    "{{ v.items }}",  # a dict's own attribute wins over its key, as in Jinja
    "{{ v.get('title') }}|{{ v.get }}",
    "{% for k, x in v.items() %}{{ k }}={{ x }};{% endfor %}",
    "{{ v.nested.deeper }}",
    "{{ v.missing is defined }}",
    "{{ v.missing | default('mặc định') }}",
    "{{ v['title'] }}",
    "{{ o.title }}|{{ o.other }}",
    "{{ s.title }}|{{ s.name }}",
    "{{ n.missing is defined }}",
]
VALUES = {
    "v": {"title": "Búp bê <Mông>", "items": "một key tên items", "nested": {"deeper": 1}},
    "o": Attributes(),
    "s": Keys(name="khoá"),
    "n": {},
}


def _env(cls: type[jinja2.Environment]) -> jinja2.Environment:
    return cls(autoescape=True, undefined=jinja2.StrictUndefined)


@pytest.mark.parametrize("source", SOURCES)
def test_each_lookup_renders_as_jinja_renders_it(source: str) -> None:
    ours = _env(QuickEnvironment).from_string(source).render(**VALUES)
    assert ours == _env(jinja2.Environment).from_string(source).render(**VALUES)


@pytest.mark.parametrize("source", ["{{ v.missing }}", "{{ n.missing.x }}", "{{ v.nested.no }}"])
def test_a_missing_key_fails_with_jinjas_message(source: str) -> None:
    def error(cls: type[jinja2.Environment]) -> str:
        with pytest.raises(jinja2.UndefinedError) as caught:
            _env(cls).from_string(source).render(**VALUES)
        return str(caught.value)

    assert error(QuickEnvironment) == error(jinja2.Environment)


def test_the_sample_site_renders_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(tmp_path / "site", "sample")
    site = load_site(root)
    plan = plan_site(site, root / "output")

    def files() -> dict[str, bytes]:
        with using(None):
            outputs = render_site(plan, with_print=False)
        return {o.path: o.data for o in outputs if isinstance(o.data, bytes)}

    ours = files()
    monkeypatch.setattr(html, "QuickEnvironment", jinja2.Environment)
    stock = files()
    assert len(ours) > 60 and sum(p.endswith(".html") for p in ours) > 60
    assert ours == stock
