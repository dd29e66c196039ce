"""bench/trash.py: a cold run's folders are moved aside, never deleted just before a timing."""

from __future__ import annotations

import os
from pathlib import Path

from bench import trash


def test_set_aside_moves_without_freeing_an_inode_and_empty_deletes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    output = corpus / "ours" / "output"
    (output / "vi").mkdir(parents=True)
    page = output / "vi" / "index.html"
    page.write_text("<p>xin chào</p>", encoding="utf-8")
    inode = page.stat().st_ino
    trash.set_aside(output, corpus)
    trash.set_aside(corpus / "ours" / "missing", corpus)  # nothing there: nothing done
    assert not output.exists()
    (moved,) = (corpus / trash.TRASH).iterdir()
    assert moved.name.startswith("ours-output-")
    assert (moved / "vi" / "index.html").stat().st_ino == inode  # renamed, not copied
    trash.empty(corpus)
    assert not (corpus / trash.TRASH).exists()
    assert os.listdir(corpus / "ours") == []
