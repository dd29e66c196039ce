"""The site's catalogues compiled once and kept in the build cache
(render/catalog_cache.py): the same translations as compiling the .po, an edited
catalogue compiled again, a damaged entry never used, a broken catalogue reported every
time."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder import catalog
from site_builder.cache import CACHE_DIR, BuildCache, using
from site_builder.errors import ContentError
from site_builder.render.catalog_cache import site_translations

HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
GOOD = HEAD + 'msgid "Home"\nmsgstr "Trang chủ"\n\nmsgid "Dolls"\nmsgstr "Búp bê"\n'
BROKEN = HEAD + 'msgid "Home"\nmsgstr "Trang chủ\nxin chào"\n'  # line 7: a line torn in two


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages whose .po Babel parses (the real compiler, counted)."""
    seen: list[str] = []
    real = catalog.compile_mo

    def counted(data: bytes, po_path: Path, lang: str) -> bytes:
        seen.append(lang)
        return real(data, po_path, lang)

    monkeypatch.setattr(catalog, "compile_mo", counted)
    monkeypatch.setattr("site_builder.i18n.compile_mo", counted)
    return seen


def _project(tmp_path: Path, text: str = GOOD) -> Path:
    po = tmp_path / "locale/vi/LC_MESSAGES/site.po"
    po.parent.mkdir(parents=True)
    po.write_text(text, encoding="utf-8")
    return tmp_path


def _load(root: Path, lang: str = "vi") -> object:
    with using(BuildCache(root)):
        return site_translations(root / "locale", lang)


def _entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR / "files").glob("*"))


def test_a_catalogue_is_compiled_once_then_read_from_the_cache(
    tmp_path: Path, compiled: list[str]
) -> None:
    root = _project(tmp_path)
    first = _load(root)
    assert compiled == ["vi"] and len(_entries(root)) == 2  # the .mo and its seal
    again = _load(root)
    assert compiled == ["vi"]  # not parsed again
    for words in (first, again):
        assert words.gettext("Home") == "Trang chủ"  # type: ignore[attr-defined]
        assert words.gettext("Dolls") == "Búp bê"  # type: ignore[attr-defined]
        assert words.gettext("Map") == "Map"  # type: ignore[attr-defined]


def test_an_edited_catalogue_is_compiled_again(tmp_path: Path, compiled: list[str]) -> None:
    root = _project(tmp_path)
    assert _load(root).gettext("Home") == "Trang chủ"  # type: ignore[attr-defined]
    po = root / "locale/vi/LC_MESSAGES/site.po"
    po.write_text(GOOD.replace("Trang chủ", "Trang đầu"), encoding="utf-8")
    assert _load(root).gettext("Home") == "Trang đầu"  # type: ignore[attr-defined]
    assert compiled == ["vi", "vi"]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "seal removed"])
def test_a_damaged_entry_is_compiled_again(
    tmp_path: Path, compiled: list[str], damage: str
) -> None:
    root = _project(tmp_path)
    _load(root)
    mo = next(p for p in _entries(root) if not p.name.endswith(".sum"))
    if damage == "truncated":
        mo.write_bytes(mo.read_bytes()[:20])
    elif damage == "garbage":
        mo.write_bytes(b"\xde\x12\x04\x95" + b"\x00" * 200)
    else:
        mo.with_name(mo.name + ".sum").unlink()
    assert _load(root).gettext("Dolls") == "Búp bê"  # type: ignore[attr-defined]
    assert compiled == ["vi", "vi"]


def test_a_broken_catalogue_is_reported_every_time_and_never_kept(
    tmp_path: Path, compiled: list[str]
) -> None:
    root = _project(tmp_path, BROKEN)
    for _ in range(2):
        with pytest.raises(ContentError) as info:
            _load(root)
        assert (info.value.path, info.value.line) == (
            root / "locale/vi/LC_MESSAGES/site.po",
            7,
        )
        assert str(info.value.hint) == "Check the quotes of the msgid/msgstr lines."
    assert compiled == ["vi", "vi"] and _entries(root) == []


def test_no_catalogue_and_no_cache_are_what_i18n_gives(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert _load(root, "en").gettext("Home") == "Home"  # type: ignore[attr-defined]
    words = site_translations(root / "locale", "vi")  # no build cache in use
    assert words.gettext("Home") == "Trang chủ"
    assert not (root / CACHE_DIR).exists()
