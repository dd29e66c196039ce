"""Every reference in the built site resolves to a file (and every #anchor to an id)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.validators.conftest import BROKEN
from tests.validators.linkcheck import LinkChecker


def site_bases(project: Path) -> list[str]:
    site = yaml.safe_load((project / "site.yaml").read_text(encoding="utf-8"))
    return [site["base_url"], site["short_base"]]


def test_every_reference_in_the_site_resolves(sample_site: Path) -> None:
    checker = LinkChecker(sample_site / "output", site_bases(sample_site))
    problems = checker.problems()
    assert problems == [], "broken references:\n" + "\n".join(problems)
    assert checker.checked > 500  # pages, srcsets, CSS, sitemap: it did look


def test_the_link_checker_finds_every_kind_of_break() -> None:
    problems = LinkChecker(BROKEN, ["https://broken.example/"]).problems()
    assert problems == [
        "index.html:17 <img srcset>: /missing-2x.svg → no file missing-2x.svg",
        "index.html:18 <a href>: /no-such-page/ → no file no-such-page/index.html",
        "index.html:19 <a href>: /#nowhere → no id 'nowhere' in index.html",
        "style.css url(): missing-bg.png → no file missing-bg.png",
        "sitemap.xml <loc>: https://broken.example/gone/ → no file gone/index.html",
    ]
