"""A third language (zh) added by content alone: every text carries the language it is
really shown in, and the missing-translation notice is one language (issue 15, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.build import build
from tests.helpers import copy_project, parse_html, text_of

ZH = """---
title: "苗族服饰娃娃"
summary: "信曼手工缝制的娃娃，穿着蜡染麻布百褶裙和彩色刺绣。"
alt:
  doll.jpg: "苗族娃娃的图画：黑色上衣、银项圈和彩色百褶裙。"
---
在信曼的高山村寨，一套苗族服装需要数月的工夫。麻布要种、要剥、要纺、要织。
"""


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("zh") / "site", "sample")
    yaml = root / "site.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "languages: [vi, en]\n" in text
    yaml.write_text(text.replace("languages: [vi, en]\n", "languages: [vi, en, zh]\n"), "utf-8")
    (root / "content/dolls/hmong/zh.md").write_text(ZH, encoding="utf-8")
    build(root)
    return root


def _lang_of(el: object, parents: dict[object, object]) -> str | None:
    """The language an element is in: its own lang or its nearest ancestor's."""
    while el is not None:
        lang = el.get("lang")  # type: ignore[attr-defined]
        if lang:
            return str(lang)
        el = parents.get(el)
    return None


def _tree(path: Path):  # type: ignore[no-untyped-def]
    tree = parse_html(path)
    parents = {child: parent for parent in tree.iter() for child in parent}
    return tree, parents


def test_a_page_in_fallback_text_marks_every_part_with_its_language(zh_site: Path) -> None:
    tree, parents = _tree(zh_site / "output/zh/dolls/dao/index.html")
    assert tree.get("lang") == "zh"
    notice = tree.find(".//p[@class='notice']")
    assert notice is not None
    # one language throughout: the words of the templates (English, no zh catalogue)
    assert text_of(notice) == "This page has not been translated yet. It is shown in Vietnamese."
    assert _lang_of(notice, parents) == "en"
    h1 = tree.find(".//h1")
    assert h1 is not None and _lang_of(h1, parents) == "vi"  # the Vietnamese title
    story = tree.find(".//div[@class='story']")
    assert story is not None and _lang_of(story, parents) == "vi"
    price = tree.find(".//p[@class='price-top']")
    assert price is not None and text_of(price).startswith("Price:")
    assert _lang_of(price, parents) == "en"
    facts = tree.find(".//dl[@class='facts']")
    assert facts is not None
    terms = [text_of(e) for e in facts]
    group = list(facts)[terms.index("Costume of the people") + 1]
    assert text_of(group) == "Dao" and _lang_of(group, parents) == "vi"  # no zh name: the vi one
    for cls in ("facts", "menu", "bottom"):
        found = [e for e in tree.iter() if e.get("class") == cls]
        assert found and all(_lang_of(e, parents) == "en" for e in found), cls
    brand = tree.find(".//a[@class='brand']")
    assert brand is not None and _lang_of(brand, parents) == "vi"  # no zh site title
    menu = [e for e in tree.iter("nav") if e.get("class") == "menu"][0]
    for a in menu.iter("a"):
        if "/pages/" in (a.get("href") or ""):  # free pages shown in Vietnamese
            assert _lang_of(a, parents) == "vi", text_of(a)
        else:
            assert _lang_of(a, parents) == "en", text_of(a)


def test_the_translated_page_is_chinese_and_its_labels_english(zh_site: Path) -> None:
    tree, parents = _tree(zh_site / "output/zh/dolls/hmong/index.html")
    assert tree.find(".//p[@class='notice']") is None
    h1 = tree.find(".//h1")
    assert h1 is not None and text_of(h1) == "苗族服饰娃娃"
    assert _lang_of(h1, parents) == "zh"
    story = tree.find(".//div[@class='story']")
    assert story is not None and _lang_of(story, parents) == "zh"
    for cls in ("price-top", "buttons", "pay"):
        found = [e for e in tree.iter() if e.get("class") == cls]
        assert found and _lang_of(found[0], parents) == "en", cls


def test_home_cards_mark_titles_and_labels(zh_site: Path) -> None:
    tree, parents = _tree(zh_site / "output/zh/index.html")
    titles = {
        text_of(s): _lang_of(s, parents)
        for s in tree.iter("span")
        if s.get("class") == "card-title"
    }
    assert titles["苗族服饰娃娃"] == "zh"
    assert titles["Búp bê trong trang phục người Dao"] == "vi"
    metas = [s for s in tree.iter("span") if s.get("class") == "card-meta"]
    assert metas and all(_lang_of(s, parents) == "en" for s in metas)
    # the two languages with a catalogue are unchanged: no lang="en" on Vietnamese words
    vi, vi_parents = _tree(zh_site / "output/vi/dolls/dao/index.html")
    price = vi.find(".//p[@class='price-top']")
    assert price is not None and _lang_of(price, vi_parents) == "vi"
    assert text_of(price).startswith("Giá:")
