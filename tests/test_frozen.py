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
from site_builder.frozen import unpickled_by_fields
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
            unpickled_by_fields(cls)


def test_a_class_with_post_init_is_refused() -> None:
    """(It would not run when unpickled: the fields are set one by one.)"""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            assert self.a >= 0

    with pytest.raises(TypeError, match="__post_init__"):
        unpickled_by_fields(Checked)


@unpickled_by_fields
@dataclasses.dataclass(frozen=True, slots=True)
class One:
    a: tuple[int, ...]


def test_a_class_of_one_field() -> None:
    assert pickle.loads(pickle.dumps(One((1, 2)))) == One((1, 2))


@unpickled_by_fields
@dataclasses.dataclass(frozen=True)
class WithDict:  # (no slots: set as its frozen __init__ sets them)
    a: int
    b: str = "b"


def test_the_objects_come_back_made_by_their_own_function_and_still_frozen() -> None:
    for value in (One((1, 2)), WithDict(3), WithDict(4, "c")):
        reduced = value.__reduce__()
        assert reduced[0] is type(value)._from_fields  # type: ignore[attr-defined]
        back = pickle.loads(pickle.dumps(value))
        assert back == value and type(back) is type(value) and hash(back) == hash(value)
        with pytest.raises(dataclasses.FrozenInstanceError):
            back.a = 5  # type: ignore[misc]
    assert WithDict._from_fields(1, "x").__dict__ == {"a": 1, "b": "x"}  # type: ignore[attr-defined]
