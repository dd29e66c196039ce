"""`make bench` must not rot: its corpus generator still writes a site our builder accepts.

No peers (Hugo, Pelican) and no timing here; see bench/ and docs/performance.md.
"""

from __future__ import annotations

from pathlib import Path

from bench import corpus
from site_builder.build import build


def test_bench_corpus_builds(tmp_path: Path) -> None:
    entries = corpus.generate(tmp_path, items=5, seed=1, peers=True)
    items = [e for e in entries if e.code]
    assert len(items) == 5
    assert len({e.code for e in items}) == 5
    assert all(len(e.texts["vi"].body.split()) >= 250 for e in entries)

    report = build(tmp_path / "ours")

    out = report.output
    for e in items:
        for lang in ("vi", "en"):
            page = out / lang / e.kind / e.slug / "index.html"
            assert e.texts[lang].title in page.read_text(encoding="utf-8")
        assert (out / "Q" / f"{e.code}.html").is_file()
    # the peers' layouts hold the same items, in both languages
    for e in items:
        assert corpus.hugo_source(tmp_path / "hugo", e, "en").is_file()
        assert corpus.pelican_source(tmp_path / "pelican", e, "en").is_file()
