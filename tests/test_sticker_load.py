"""The sticker command loads the site without converting the stories (a sticker never
shows one): every mistake is still reported exactly as a build reports it, and the
story-less items it keeps in the item cache never reach a build's pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.cache import BuildCache, using
from site_builder.content.loader import load_site
from site_builder.errors import ErrorList
from tests.helpers import copy_project, run_cli, snapshot
from tests.test_invalid_sites import BEFORE, CASES, apply_case

ALL_CASES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _case_project(tmp_path: Path, case: str) -> Path:
    project = copy_project(tmp_path / "site", "minimal")
    if (CASES / case / BEFORE).is_dir():
        shutil.copytree(CASES / case / BEFORE, project, dirs_exist_ok=True)
    apply_case(project, CASES / case)
    return project


def _load_errors(project: Path, stories: bool) -> list[str] | str:
    """The errors `load_site` lists, or what else it raised (site.yaml unreadable…)."""
    try:
        load_site(project, stories=stories)
    except ErrorList as exc:
        return [f"{getattr(e, 'path', '')}:{getattr(e, 'line', '')}: {e}" for e in exc.errors]
    except Exception as exc:  # noqa: BLE001 - compared below, both ways alike
        return f"{type(exc).__name__}: {exc}"
    return []


@pytest.mark.parametrize("case", ALL_CASES)
def test_every_mistake_is_found_without_converting_stories(tmp_path: Path, case: str) -> None:
    project = _case_project(tmp_path, case)
    assert _load_errors(project, stories=False) == _load_errors(project, stories=True)


@pytest.mark.parametrize("case", ["story-too-deep", "placeholder-left", "several-errors"])
def test_stickers_command_reports_story_mistakes_as_the_build_does(
    tmp_path: Path, case: str
) -> None:
    project = _case_project(tmp_path, case)
    result = run_cli(project, "stickers", "--all")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err == (CASES / case / "expected.txt").read_text()
    assert not (project / "stickers").exists()


@pytest.mark.parametrize(
    "command", [("qr", "XM-D01"), ("codes", "list")], ids=lambda c: " ".join(c)
)
def test_qr_and_codes_commands_report_story_mistakes_as_the_build_does(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """`qr` and `codes` never show a story either: they load without converting them."""
    project = _case_project(tmp_path, "story-too-deep")
    result = run_cli(project, *command)
    assert (result.code, result.out) == (1, "")
    assert result.err == (CASES / "story-too-deep" / "expected.txt").read_text()
    assert not (project / "qr").exists()


def test_stories_are_left_unconverted_and_everything_else_is_loaded(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    full, lean = load_site(project), load_site(project, stories=False)
    assert [i.code for i in lean.items] == [i.code for i in full.items]
    assert any(tr.body_html for i in full.items for tr in i.translations.values())
    for a, b in zip(full.items, lean.items, strict=True):
        assert b.facts == a.facts and b.images == a.images
        for lang, tr in a.translations.items():
            other = b.translations[lang]
            assert other.body_html == ""
            assert (other.title, other.summary, other.alt, other.fields) == (
                tr.title,
                tr.summary,
                tr.alt,
                tr.fields,
            )
    assert lean.pages == full.pages and lean.booklets == full.booklets


def test_a_build_after_stickers_converts_the_stories(tmp_path: Path) -> None:
    """The item cache keeps the sticker command's story-less items; a build must not use
    them: its output equals a cold build's, byte for byte."""
    cold = copy_project(tmp_path / "cold", "minimal")
    build(cold)
    project = copy_project(tmp_path / "site", "minimal")
    result = run_cli(project, "stickers", "--all")
    assert result.code == 0, result.err
    build(project)
    assert snapshot(project / "output") == snapshot(cold / "output")
    # and the sticker command uses the build's items (stories converted) as they are
    memo = BuildCache(project)
    with using(memo):
        load_site(project, stories=False)
    assert (memo.items_hits, memo.items_misses) == (len(load_site(project).items), 0)
