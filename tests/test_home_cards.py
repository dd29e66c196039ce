"""The home page shows the first `home_cards` cards of each kind and links to the rest:
a catalogue of thousands never reaches a phone through the home page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.i18n import format_count
from tests.helpers import copy_project, parse_html, run_cli, text_of


def _cards(el: ET.Element) -> list[tuple[str, str]]:
    """(title, address) of every card below `el`, in order."""
    found = []
    for li in el.iter("li"):
        if li.get("class") == "card":
            a = li.find("a")
            assert a is not None
            title = next(s for s in a.iter("span") if s.get("class") == "card-title")
            found.append((text_of(title), str(a.get("href"))))
    return found


def _sections(home: Path) -> list[ET.Element]:
    body = parse_html(home).find(".//main")
    assert body is not None
    return [s for s in body.iter("section") if s.find("h2/a") is not None]


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("cards") / "site", "sample")
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("home_cards: 2\n")
    build(root, with_print=False)
    return root


@pytest.mark.parametrize(("lang", "more"), [("vi", "Xem tất cả 4"), ("en", "See all 4")])
def test_the_home_page_shows_the_first_cards_and_links_to_the_list(
    capped: Path, lang: str, more: str
) -> None:
    sections = _sections(capped / "output" / lang / "index.html")
    assert len(sections) == 2  # dolls, OCOP products
    for section in sections:
        heading = section.find("h2/a")
        assert heading is not None
        listing = heading.get("href")
        kind = str(listing).strip("/").split("/")[-1]
        on_list = _cards(parse_html(capped / "output" / lang / kind / "index.html"))
        assert len(on_list) == 4
        assert _cards(section) == on_list[:2]  # the list's order, its first two
        link = section.find("p[@class='more']/a")
        assert link is not None and link.get("href") == listing
        assert text_of(link) == more


def test_a_site_with_fewer_items_than_home_cards_shows_them_all(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "sample")  # 4 of each kind; 12 by default
    build(root, with_print=False)
    for lang in ("vi", "en"):
        for section in _sections(root / "output" / lang / "index.html"):
            assert len(_cards(section)) == 4
            assert section.find("p[@class='more']") is None


def test_counts_are_grouped_as_each_language_writes_them() -> None:
    assert format_count(2000, "vi") == "2.000"
    assert format_count(20000, "en") == "20,000"
    assert format_count(12, "vi") == "12"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("home_cards", "0", "home_cards: must be between 1 and 1000, not 0."),
        (
            "home_cards",
            "twelve",
            "home_cards: expected a whole number, found text ('twelve'). Write digits only, "
            "without dots, commas or units, e.g. 12.",
        ),
        ("list_cards", "0", "list_cards: must be between 1 and 1000, not 0."),
        (
            "list_cards",
            "48 cards",
            "list_cards: expected a whole number, found text ('48 cards'). Write digits only, "
            "without dots, commas or units, e.g. 48.",
        ),
    ],
)
def test_a_wrong_card_count_is_named_with_its_line(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    """`home_cards` (this file) and `list_cards` (a list's cards a page: test_list_pages.py)."""
    root = copy_project(tmp_path / "site")
    site_yaml = root / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    site_yaml.write_text(f"{text}{field}: {value}\n", encoding="utf-8")
    run = run_cli(root, "build", "--no-pdf")
    assert run.code == 1
    assert run.err.splitlines() == [
        f"Error: site.yaml:{line}: {message}",
        "1 error; nothing was written.",
    ]
    assert not (root / "output").exists()


def test_the_capped_home_pages_are_valid_html(capped: Path) -> None:
    """The Nu HTML Checker on the pages with the link (the sample's own home pages, which
    the validators check, show every card: no link there)."""
    from tests.validators.conftest import vnu_errors

    assert vnu_errors([capped / "output" / lang / "index.html" for lang in ("vi", "en")]) == ""
