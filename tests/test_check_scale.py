"""`check` at national scale: the work per item does not grow with the number of items.

Suggestions for a broken link ("Did you mean …?") need every page's URL; they used to be
listed for every item even when none of its links was broken: 20,000 items × 100,000 files.
Counted here as calls of Urls.url (the real one, wrapped), not timed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import corpus
from site_builder.check import check
from site_builder.urls import Urls


def url_calls(tmp_path: Path, items: int, monkeypatch: pytest.MonkeyPatch) -> int:
    corpus.generate(tmp_path / str(items), items=items, seed=1, peers=False)
    calls = 0
    real = Urls.url

    def counting(self: Urls, *args: object, **kwargs: object) -> str:
        nonlocal calls
        calls += 1
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(Urls, "url", counting)
        report = check(tmp_path / str(items) / "ours")
    assert report.errors == []
    return calls


def test_check_work_grows_linearly_with_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = url_calls(tmp_path, 6, monkeypatch), url_calls(tmp_path, 24, monkeypatch)
    assert large <= 4 * small * 1.25  # 4× the items: about 4× the calls, not 16×


def key_reads(tmp_path: Path, items: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """How often `check` reads an item's key (`Site.by_key` walked every item, for every
    folder: 2,000 items × 2,000 folders)."""
    from site_builder.content.model import Item

    corpus.generate(tmp_path / f"k{items}", items=items, seed=1, peers=False)
    reads = 0
    real = Item.key.fget
    assert real is not None

    def counting(self: Item) -> str:
        nonlocal reads
        reads += 1
        return real(self)

    with monkeypatch.context() as m:
        m.setattr(Item, "key", property(counting))
        report = check(tmp_path / f"k{items}" / "ours")
    assert report.errors == []
    return reads


def test_check_finds_each_folder_s_item_without_walking_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = key_reads(tmp_path, 6, monkeypatch), key_reads(tmp_path, 24, monkeypatch)
    assert large <= 4 * small * 1.25  # 4× the items: about 4× the reads, not 16×
