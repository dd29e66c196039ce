"""The model's frozen dataclasses pickle as a call of the class (site_builder/frozen.py):
the same objects come back, through the item cache's own restricted unpickler."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import pickle
from pathlib import Path

import pytest

from site_builder.content import itemcache
from site_builder.content.model import Image, Item, ItemFacts, Page, Translation
from site_builder.frozen import unpickled_by_init
from site_builder.links import validate_link


def _item(folder: Path) -> Item:
    image = Image("doll.jpg", folder / "doll.jpg", 800, 1000)
    words = {
        lang: Translation(lang, f"Búp bê {lang}", "Váy xòe", "<p>Chuyện</p>", folder / f"{lang}.md")
        for lang in ("vi", "en")
    }
    facts = ItemFacts(
        "ta-nhiu", (250_000, 300_000), "mong", {"maker": "Giàng Thị Mỷ"}, dt.date(2026, 3, 8)
    )
    link = validate_link("phone", "0912 345 678")
    return Item("dolls", "hmong", folder, "XM-D0001", facts, (image,), (link,), ("h",), words, "u1")


def test_an_item_comes_back_equal_through_the_item_cache(tmp_path: Path) -> None:
    item = _item(tmp_path / "content" / "dolls" / "hmong")
    page = Page("about", tmp_path / "content/pages/about", 1, dict(item.translations))
    body = itemcache._dumps({"i": item, "p": page})
    back = itemcache._Unpickler(io.BytesIO(body)).load()
    assert back == {"i": item, "p": page}
    assert back["i"].translations["en"].alt == {} and back["i"].images[0].alpha is False
    assert pickle.loads(pickle.dumps(item)) == item  # (plain pickle too)


def test_a_class_with_a_field_not_set_by_position_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Hidden:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Named:
        a: int

    for cls in (Hidden, Named):
        with pytest.raises(TypeError, match="positional __init__ argument"):
            unpickled_by_init(cls)


@unpickled_by_init
@dataclasses.dataclass(frozen=True, slots=True)
class One:
    a: tuple[int, ...]


def test_a_class_of_one_field() -> None:
    assert pickle.loads(pickle.dumps(One((1, 2)))) == One((1, 2))
