"""The QR landing page picks a language every phone reads (issue 15, item 1)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from site_builder.build import build
from tests.helpers import copy_project, parse_html, run_cli, serve
from tests.visit import visit


def _targets(page: Path) -> dict[str, str]:
    script = parse_html(page).find(".//script")
    assert script is not None and script.text
    found = re.search(r"var t=(\{.*?\}),", script.text)
    assert found
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr-FR", "en"), ("ja-JP", "en"), ("zh-CN", "en"), ("vi-VN", "vi"), ("en-GB", "en")],
)
def test_a_phone_in_another_language_lands_on_english(
    sample_site: Path, locale: str, expected: str
) -> None:
    """Real Chromium through Playwright: navigator.languages is the phone's."""
    with serve(sample_site / "output") as base:
        [step] = visit(
            [{"goto": f"{base}/Q/XM-D01", "wait_for_url": f"/{expected}/dolls/"}], locale=locale
        )
    assert step["error"] is None
    assert step["url"] == f"{base}/{expected}/dolls/hmong/"
    assert step["lang"] == expected


def test_a_remembered_choice_wins_over_the_phone(sample_site: Path) -> None:
    with serve(sample_site / "output") as base:
        steps = visit(
            [{"goto": f"{base}/Q/XM-D01", "wait_for_url": "/dolls/"}],
            locale="en-US",
            init_script="localStorage.setItem('lang','vi')",
        )
    assert steps[0]["error"] is None
    assert steps[0]["lang"] == "vi"


def test_the_visitor_language_is_configurable(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "sample")
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "visitor_language: vi\n", "utf-8")
    build(root)
    assert _targets(root / "output/Q/XM-D01.html")["_"] == "vi"
    assert _targets(root / "output/index.html")["_"] == "vi"


def test_the_default_visitor_language_is_english(sample_site: Path) -> None:
    assert _targets(sample_site / "output/Q/XM-D01.html")["_"] == "en"


def test_a_visitor_language_the_site_lacks_is_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "sample")
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "visitor_language: fr\n", "utf-8")
    run = run_cli(root, "build")
    assert run.code != 0
    assert "Traceback" not in run.err
    assert run.err.splitlines()[0] == (
        "Error: site.yaml:23: visitor_language: 'fr' is not allowed here. Use one of: vi, en."
    )
    assert not (root / "output").exists()


def test_a_shared_short_link_previews_photo_and_both_titles(sample_site: Path) -> None:
    page = sample_site / "output/Q/XM-D01.html"
    assert page.stat().st_size <= 5 * 1024  # the landing budget (it loads nothing else)
    tree = parse_html(page)
    meta = {(m.get("property") or m.get("name")): m.get("content") for m in tree.iter("meta")}
    assert meta["og:title"] == "Búp bê trong trang phục người Mông · Doll in Hmong costume"
    assert meta["og:url"] == "https://xinman.example.vn/Q/XM-D01"
    assert meta["og:image"].startswith("https://xinman.example.vn/media/dolls/hmong/")
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    assert meta["og:description"] and meta["description"]
