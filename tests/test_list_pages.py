"""A kind's list is cut into pages of `list_cards` cards (site.yaml, default 48): at
20,000 items one list page was 12,000 cards and 11 MB of HTML, more than a phone on a
mountain connection can take. Page 1 stays at the kind's address (`/vi/dolls/`, where the
menu and the home page lead), the others are `/vi/dolls/page/2/`, ... Each page links to
the one before and after it and to the numbers around it, in plain links (no script).
"""

from __future__ import annotations

import os
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bench import corpus
from site_builder.build import build
from site_builder.content.loader import load_site
from site_builder.outputs import files_of
from site_builder.plan import plan_site
from tests.helpers import parse_html, resolved_file, run_cli, snapshot, text_of

DOLLS, OCOP = 18, 12  # the bench corpus's 60 % dolls, 40 % OCOP products of 30 items
CARDS = 2  # a page; dolls: 9 pages, OCOP products: 6


def _corpus(folder: Path, extra: str = "") -> Path:
    corpus.generate(folder, items=DOLLS + OCOP, seed=3, peers=False)
    root = folder / "ours"
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(f"list_cards: {CARDS}\n{extra}")
    return root


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _corpus(tmp_path_factory.mktemp("paged"))
    build(root, with_print=False)
    return root / "output"


def _cards(page: ET.Element) -> list[tuple[str, str]]:
    """(title, address) of every card on a list page, in order."""
    found = []
    for li in page.iter("li"):
        if li.get("class") == "card":
            a = li.find("a")
            assert a is not None
            title = next(s for s in a.iter("span") if s.get("class") == "card-title")
            found.append((text_of(title), str(a.get("href"))))
    return found


def _pager(page: ET.Element) -> ET.Element | None:
    return next((n for n in page.iter("nav") if n.get("class") == "pages"), None)


def _link(page: ET.Element, rel: str) -> str | None:
    pager = _pager(page)
    found = [a.get("href") for a in pager.iter("a") if a.get("rel") == rel] if pager else []
    assert len(found) <= 1
    return found[0] if found else None


def _walk(output: Path, first: str) -> list[tuple[str, ET.Element]]:
    """Every page of a list, from its first, by the links marked rel="next"."""
    pages: list[tuple[str, ET.Element]] = []
    url: str | None = first
    while url is not None:
        assert url not in [u for u, _ in pages], f"{url} links back to an earlier page"
        file = resolved_file(output, url)
        assert file is not None, f"{url} is not a file of the site"
        page = parse_html(file)
        pages.append((url, page))
        url = _link(page, "next")
    return pages


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("kind", "items"), [("dolls", DOLLS), ("ocop", OCOP)])
def test_every_item_is_on_one_page_of_its_list_in_the_lists_order(
    paged: Path, lang: str, kind: str, items: int
) -> None:
    pages = _walk(paged, f"/{lang}/{kind}/")
    assert len(pages) == -(-items // CARDS)
    cards = [_cards(page) for _, page in pages]
    assert [len(c) for c in cards] == [CARDS] * (items // CARDS) + (
        [items % CARDS] if items % CARDS else []
    )
    listed = [card for page in cards for card in page]
    assert len({href for _, href in listed}) == items  # each once
    on_disk = {
        f"/{lang}/{kind}/{p.parent.name}/"
        for p in (paged / lang / kind).glob("*/index.html")
        if p.parent.name != "page"
    }
    assert {href for _, href in listed} == on_disk
    # the order is the list's (by title), across pages: the home page shows its start
    home = parse_html(paged / lang / "index.html")
    section = next(
        s
        for s in home.iter("section")
        if s.find("h2/a") is not None and s.find("h2/a").get("href") == f"/{lang}/{kind}/"  # type: ignore[union-attr]
    )
    assert _cards(section) == listed[: len(_cards(section))]
    # and every page after the first lives at /<lang>/<kind>/page/<n>/
    assert [url for url, _ in pages][1:] == [
        f"/{lang}/{kind}/page/{n}/" for n in range(2, len(pages) + 1)
    ]


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (1, ["1", "2", "3", "…", "9"]),
        (2, ["1", "2", "3", "4", "…", "9"]),
        (5, ["1", "…", "3", "4", "5", "6", "7", "…", "9"]),
        (9, ["1", "…", "7", "8", "9"]),
    ],
)
def test_a_page_links_to_its_neighbours_and_the_ends(
    paged: Path, number: int, shown: list[str]
) -> None:
    url = "/vi/dolls/" if number == 1 else f"/vi/dolls/page/{number}/"
    file = resolved_file(paged, url)
    assert file is not None
    page = parse_html(file)
    pager = _pager(page)
    assert pager is not None and pager.get("aria-label") == "Các trang của danh sách"
    items = [li for li in pager.iter("li")]
    numbers = [
        text_of(li)
        for li in items
        if li.find("a") is None or li.find("a").get("rel") is None  # type: ignore[union-attr]
    ]
    assert numbers == shown
    current = [a for a in pager.iter("a") if a.get("aria-current") == "page"]
    assert [(text_of(a), a.get("href")) for a in current] == [(str(number), url)]
    previous, following = _link(page, "prev"), _link(page, "next")
    before = (
        None if number == 1 else ("/vi/dolls/" if number == 2 else f"/vi/dolls/page/{number - 1}/")
    )
    after = None if number == 9 else f"/vi/dolls/page/{number + 1}/"
    assert (previous, following) == (before, after)
    words = {text_of(a) for a in pager.iter("a") if a.get("rel")}
    assert words == {w for w, url in [("Trang trước", before), ("Trang sau", after)] if url}
    for a in pager.iter("a"):  # every link leads to a page of the site
        assert resolved_file(paged, str(a.get("href"))) is not None, a.get("href")


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("vi", "Búp bê trong trang phục truyền thống, trang 3/9"),
        ("en", "Dolls in traditional costumes, page 3 of 9"),
    ],
)
def test_each_page_names_its_number_and_its_twin_in_the_other_language(
    paged: Path, lang: str, title: str
) -> None:
    page = parse_html(paged / lang / "dolls" / "page" / "3" / "index.html")
    h1 = page.find(".//h1")
    assert h1 is not None and text_of(h1) == title
    head = page.find("head")
    assert head is not None
    assert text_of(head.find("title")).startswith(title + " · ")  # type: ignore[arg-type]
    links = {(ln.get("rel"), ln.get("hreflang")): ln.get("href") for ln in head.iter("link")}
    base = "https://xinman.example.vn"
    assert links[("canonical", None)] == f"{base}/{lang}/dolls/page/3/"
    assert links[("alternate", "vi")] == f"{base}/vi/dolls/page/3/"
    assert links[("alternate", "en")] == f"{base}/en/dolls/page/3/"
    first = parse_html(paged / lang / "dolls" / "index.html").find(".//h1")
    assert first is not None and "3" not in text_of(first)  # page 1 keeps the list's name


def test_one_page_lists_have_no_page_links(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    site_yaml = root / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace(f"list_cards: {CARDS}\n", ""),
        encoding="utf-8",
    )
    build(root, with_print=False)
    page = parse_html(root / "output" / "vi" / "dolls" / "index.html")
    assert _pager(page) is None and len(_cards(page)) == DOLLS
    assert not (root / "output" / "vi" / "dolls" / "page").exists()


def test_the_files_the_site_says_it_has_include_every_page(paged: Path) -> None:
    site = load_site(paged.parent)
    made = {
        p.relative_to(paged).as_posix()
        for p in paged.rglob("index.html")
        if "/page/" in p.relative_to(paged).as_posix()
    }
    assert len(made) == 2 * (8 + 5)  # pages 2-9 of the dolls, 2-6 of the products, twice
    assert made <= files_of(plan_site(site, paged))


def _aged(root: Path) -> None:
    """Its files written an hour ago (a file changed within 2 s of a build is checked
    again by the next, which would make every update a full build)."""
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in root.rglob("*"):
        os.utime(path, ns=(hour_ago, hour_ago), follow_symlinks=False)


def _story(root: Path, lang: str, n: int) -> Path:
    """The `lang` story of the n-th doll by folder name."""
    folders = sorted((root / "content" / "dolls").iterdir())
    return folders[n] / f"{lang}.md"


def _retitle(root: Path) -> None:
    """The first doll's Vietnamese title now sorts last: every Vietnamese page shifts."""
    path = _story(root, "vi", 0)
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("title: ")
    path.write_text(f"{head}title: Ỹ {rest}", encoding="utf-8")


def _drop_english(root: Path) -> None:
    """One doll loses its English story; with `missing_translation: omit` the English list
    has 17 dolls, 9 pages still; a second one (below) takes it to 8."""
    _story(root, "en", 0).unlink()


def _drop_two_english(root: Path) -> None:
    _story(root, "en", 1).unlink()


@pytest.mark.parametrize(
    "edits",
    [[_retitle], [_drop_english, _drop_two_english]],
    ids=["title moves a card to the last page", "English list loses its last page"],
)
def test_an_update_in_place_equals_a_cold_build(tmp_path: Path, edits: list) -> None:  # type: ignore[type-arg]
    root = _corpus(tmp_path / "c", "missing_translation: omit\n")
    text = (root / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(
        text.replace("missing_translation: fallback\n", ""), encoding="utf-8"
    )
    _aged(root)
    done = run_cli(root, "build", "--no-pdf")
    assert done.code == 0 and done.out.startswith("Built "), done.err
    for edit in edits:
        edit(root)
        done = run_cli(root, "build", "--no-pdf")
        assert done.code == 0, done.err
        assert done.out.startswith("Updated output/ after edits in 1 item(s)"), done.out
        cold = tmp_path / "cold"
        shutil.rmtree(cold, ignore_errors=True)
        fresh = run_cli(root, "build", "--no-pdf", "--no-cache", "--output", str(cold))
        assert fresh.code == 0, fresh.err
        assert snapshot(root / "output") == snapshot(cold)
    en_pages = sorted((root / "output" / "en" / "dolls" / "page").iterdir())
    if len(edits) == 2:  # 16 English dolls: 8 pages; the Vietnamese page 9 links to page 8
        assert [p.name for p in en_pages] == [str(n) for n in range(2, 9)]
        vi_last = parse_html(root / "output" / "vi" / "dolls" / "page" / "9" / "index.html")
        hreflang = {ln.get("hreflang"): ln.get("href") for ln in vi_last.iter("link")}
        assert hreflang["en"] == "https://xinman.example.vn/en/dolls/page/8/"


def test_the_list_pages_are_valid_html(paged: Path) -> None:
    """The Nu HTML Checker on a first, a middle and a last page in both languages."""
    from tests.validators.conftest import vnu_errors

    pages = [
        paged / lang / "dolls" / sub / "index.html"
        for lang in ("vi", "en")
        for sub in (".", "page/5", "page/9")
    ]
    assert vnu_errors(pages) == ""


def test_the_page_links_pass_axe_on_a_phone(paged: Path) -> None:
    """axe-core (all its rules) on a middle and a last page in both languages, at phone
    width in Chromium: the page links are reachable, named and do not widen the page."""
    from tests.validators.conftest import run_axe, serve

    paths = [f"/{lang}/dolls/page/{n}/" for lang in ("vi", "en") for n in (5, 9)]
    with serve(paged) as served:
        result = run_axe([{"url": served.url(path)} for path in paths], (360, 740))
    for path, page in zip(paths, result["pages"], strict=True):
        assert page["status"] == 200, path
        assert page["violations"] == [], (path, [v["id"] for v in page["violations"]])
        assert page["scroll_width"] <= page["client_width"], path
        assert page["console_errors"] == [], path


def test_an_alias_over_a_list_page_is_named_in_its_item_yaml(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    build(root, with_print=False)
    before = snapshot(root / "output")
    item_yaml = sorted((root / "content" / "ocop").iterdir())[0] / "item.yaml"
    text = item_yaml.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    item_yaml.write_text(f'{text}aliases: ["/vi/dolls/page/2/"]\n', encoding="utf-8")
    run = run_cli(root, "build", "--no-pdf")
    assert run.code == 1
    where = item_yaml.relative_to(root).as_posix()
    error = (
        f"Error: {where}:{line}: aliases[0]: '/vi/dolls/page/2/' is already the address of "
        "a page of this site (vi/dolls/page/2/index.html). An alias is an old address that "
        "has no page of its own any more; remove this one, or write the old address it "
        "stands for."
    )
    assert run.err.splitlines() == [error, "1 error; nothing was written."]
    assert snapshot(root / "output") == before
    checked = run_cli(root, "check")  # `check` says it before a build is tried
    assert checked.code == 1
    assert error in (checked.out + checked.err).splitlines()
