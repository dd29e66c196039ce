"""Brotli copies at quality 5: the content served is the page, byte for byte; the copies are
what quality 5 makes; a cache filled at another quality is never reused."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest

from site_builder import compress
from site_builder.build import build
from tests.helpers import snapshot


def copies_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k.endswith((".br", ".gz"))}


def test_every_copy_is_its_file_at_quality_5(minimal: Path) -> None:
    build(minimal, with_print=False)
    files = snapshot(minimal / "output")
    brs = [k for k in files if k.endswith(".br")]
    assert len(brs) >= 5 and "vi/index.html.br" in brs
    for key in brs:
        page = files[key[:-3]]
        assert brotli.decompress(files[key]) == page, key
        assert files[key] == brotli.compress(page, quality=5), key
        assert gzip.decompress(files[key[:-3] + ".gz"]) == page, key


def test_quality_5_costs_little_size_on_real_pages(minimal: Path) -> None:
    """Every page's copy is at most ~15 % larger than quality 11 would make it (measured on
    the bench corpus: ~10 % for small pages, none for big ones) and smaller than gzip -9's."""
    build(minimal, with_print=False)
    files = snapshot(minimal / "output")
    pages = [k for k in files if k.endswith(".html") and k + ".br" in files]
    assert len(pages) >= 5
    ours = sum(len(files[k + ".br"]) for k in pages)
    best = sum(len(brotli.compress(files[k], quality=11)) for k in pages)
    assert ours <= best * 1.15
    assert ours < sum(len(files[k + ".gz"]) for k in pages)


def test_a_cache_filled_at_another_quality_is_not_reused(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(compress, "BROTLI_QUALITY", 11)
        build(minimal, with_print=False)  # fills the cache with quality-11 copies
        old = copies_of(snapshot(minimal / "output"))
    story = minimal / "content" / "pages" / "visit" / "en.md"  # one edit: the rest is kept
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")
    build(minimal, with_print=False, use_cache=True)  # the cache is there; quality 5 now
    again = copies_of(snapshot(minimal / "output"))
    build(minimal, tmp_path / "clean", with_print=False, use_cache=False)
    clean = copies_of(snapshot(tmp_path / "clean"))
    assert sorted(k for k in clean if again.get(k) != clean[k]) == []
    assert any(old[k] != clean[k] for k in clean if k.endswith(".br"))


def test_a_page_at_two_addresses_is_compressed_once(minimal: Path) -> None:
    """Q/<CODE>.html and Q/<CODE>/index.html are one file (hard-linked); their .br and .gz
    are too, made once, and each decompresses to that page."""
    build(minimal, with_print=False)
    out = minimal / "output"
    codes = sorted(p.name for p in (out / "Q").iterdir() if p.is_dir())
    assert codes == ["XM-D01", "XM-P01"]
    for code in codes:
        flat, folder = out / "Q" / f"{code}.html", out / "Q" / code / "index.html"
        assert flat.stat().st_ino == folder.stat().st_ino
        page = flat.read_bytes()
        for ext, unpack in ((".br", brotli.decompress), (".gz", gzip.decompress)):
            a, b = Path(f"{flat}{ext}"), Path(f"{folder}{ext}")
            assert a.stat().st_ino == b.stat().st_ino, (code, ext)
            assert unpack(a.read_bytes()) == page, (code, ext)
