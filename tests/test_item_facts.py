"""Item facts are typed (content/model.py `ItemFacts`): the facts every kind has as
attributes, the kind's own (content/kinds.py) in `own`; templates still get plain dicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from site_builder.build import plan_site
from site_builder.content import kinds
from site_builder.content.loader import load_site
from site_builder.content.model import ItemFacts
from site_builder.render.html import HtmlRenderer
from site_builder.vietqr import PaymentInfo
from tests.helpers import copy_project, mypy_errors

PLAIN = (str, int, float, bool, type(None))


def _plain(value: object) -> bool:
    """Only what a template may be handed: text, numbers, lists and dicts of those."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, PLAIN)


def test_the_sample_items_facts_are_typed_and_their_views_plain(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "sample")
    site = load_site(root)
    assert {i.kind for i in site.items} == set(kinds.names())
    for item in site.items:
        facts, kind = item.facts, kinds.get(item.kind)
        assert isinstance(facts, ItemFacts)
        low, high = facts.price
        assert isinstance(low, int) and isinstance(high, int) and 0 < low <= high
        assert facts.commune in site.categories["communes"]
        assert facts.group in site.categories[kind.group_table]
        assert set(facts.own) == {f.name for f in kind.fields}
        assert facts.updated is None or isinstance(facts.updated, dt.date)
        assert facts.payment is None or isinstance(facts.payment, PaymentInfo)
        assert facts.gtin is None or (len(facts.gtin) == 14 and facts.gtin.isdigit())
    assert any(i.facts.payment for i in site.items) and any(i.facts.gtin for i in site.items)
    plan = plan_site(site)
    r = HtmlRenderer(plan.site, plan.urls)
    for item in site.items:
        kind = kinds.get(item.kind)
        for lang, tr in item.translations.items():
            view = r.item_view(item, lang, tr)
            shown = {k: v for k, v in view.items() if k not in ("fields", "payment")}
            assert _plain(shown), view
            assert view["group"] == site.category_name(kind.group_table, item.facts.group, lang)
            for name in kind.view:
                assert view[name] == item.facts.own[name]


def test_mypy_refuses_facts_read_as_a_dict(tmp_path: Path) -> None:
    snippet = tmp_path / "old_facts.py"
    errors = mypy_errors(
        snippet,
        "from site_builder.content.model import Item\n\n\n"
        "def gtin(item: Item) -> str | None:\n"
        "    assert item.facts.gtin is None or item.facts.price[0] > 0\n"
        '    return item.facts["gtin"]\n',
    )
    assert len(errors) == 1, errors
    assert errors[0].startswith(f'{snippet}:6: error: Value of type "ItemFacts" is not indexable')
