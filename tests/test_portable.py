"""The portable copy: the site opened from a disk or USB stick (issue 15, item 3)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.build import build
from site_builder.config import load_config
from site_builder.portable import csp_hash, write_portable
from tests.helpers import REPO, copy_project, parse_html, run_cli, snapshot
from tests.visit import visit

URL_ATTRIBUTES = ("href", "src")
DOCUMENTS = (".html", ".svg", ".png", ".pdf")  # what a link from a page may open


@pytest.fixture(scope="module")
def portable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built (PDFs too) and made portable through the command line."""
    root = copy_project(tmp_path_factory.mktemp("portable") / "site", "sample")
    run = run_cli(root, "build", "--portable", "usb")
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    return root


def _links(page: ET.Element) -> list[tuple[str, str, str]]:
    """(tag, attribute, url) of every link of a parsed page, srcset candidates one by one."""
    found = []
    for el in page.iter():
        tag = str(el.tag)
        for name in URL_ATTRIBUTES:
            if el.get(name) is not None:
                found.append((tag, name, el.get(name, "")))
        for candidate in (el.get("srcset") or "").split(","):
            if candidate.strip():
                found.append((tag, "srcset", candidate.split()[0]))
    return found


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def _target(page: Path, url: str) -> Path:
    return (page.parent / unquote(urlsplit(url).path)).resolve()


def test_every_local_link_of_every_page_opens_a_file(portable: Path) -> None:
    usb = (portable / "usb").resolve()
    pages = _pages(usb)
    assert len(pages) == len(_pages(portable / "output"))  # every page, none lost
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = {str(el.get("id")) for el in parse_html(page).iter() if el.get("id")}
        return ids[page]

    checked, anchors, missing, root_relative = 0, 0, [], []
    for page in pages:
        rel = page.relative_to(usb).as_posix()
        for tag, attr, url in _links(parse_html(page)):
            parts = urlsplit(url)
            if parts.scheme:
                continue  # another site, mailto:, tel:, the hosted site's canonical
            if url.startswith("/"):
                root_relative.append(f"{rel}: <{tag} {attr}={url!r}>")
                continue
            target = _target(page, url) if parts.path else page.resolve()
            checked += 1
            if not target.is_file() or usb not in target.parents:
                missing.append(f"{rel}: <{tag} {attr}={url!r}>")
                continue
            if tag == "a" and parts.path and not parts.path.endswith(DOCUMENTS):
                missing.append(f"{rel}: <a href={url!r}> opens a folder listing from a disk")
            if parts.fragment and target.suffix == ".html":
                anchors += 1
                if unquote(parts.fragment) not in ids_of(target):
                    missing.append(f"{rel}: <{tag} {attr}={url!r}>: no such id")
    assert root_relative == []
    assert missing == []
    assert checked > 1000  # the sample has thousands of links: the walk really walked
    assert anchors >= len(pages) - 10  # "Skip to content" (#main) on nearly every page


def test_the_language_scripts_lead_to_files_and_keep_their_hash(portable: Path) -> None:
    usb = portable / "usb"
    for rel in ("index.html", "Q/XM-D01.html", "Q/XM-D01/index.html"):
        page = usb / rel
        html = parse_html(page)
        script = html.find(".//script")
        assert script is not None and script.text
        found = re.search(r"var t=(\{.*?\}),", script.text)
        assert found
        targets = json.loads(found.group(1))
        assert set(targets) == {"vi", "en", "_"}
        for lang in ("vi", "en"):
            assert targets[lang].endswith(f"{lang}/index.html") or "/dolls/hmong/" in targets[lang]
            assert _target(page, targets[lang]).is_file(), (rel, targets[lang])
        policy = html.find(".//meta[@http-equiv='Content-Security-Policy']")
        assert policy is not None
        assert csp_hash(script.text) in policy.get("content", "")


def test_the_hosted_site_is_left_as_it_was(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "sample")
    build(root, with_print=False)
    before = snapshot(root / "output")
    report = write_portable(root, root / "output", root / "usb", load_config(root))
    assert snapshot(root / "output") == before  # output/ is untouched
    assert report.pages == len(_pages(root / "usb"))
    # canonical and hreflang name the hosted site, in the copy too
    item = parse_html(root / "usb/en/dolls/hmong/index.html")
    canonical = item.find(".//link[@rel='canonical']")
    assert canonical is not None
    assert canonical.get("href") == "https://xinman.example.vn/en/dolls/hmong/"
    hosted = parse_html(root / "output/en/dolls/hmong/index.html")
    assert [ln.get("href") for ln in item.iter("link") if ln.get("rel") == "alternate"] == [
        ln.get("href") for ln in hosted.iter("link") if ln.get("rel") == "alternate"
    ]
    # only the links changed: the same page text
    assert "".join(item.itertext()) == "".join(hosted.itertext())


def test_what_only_a_web_server_needs_is_left_out(portable: Path) -> None:
    usb = portable / "usb"
    names = {p.relative_to(usb).as_posix() for p in usb.rglob("*") if p.is_file()}
    assert not [n for n in names if n.endswith((".br", ".gz"))]
    for server_file in (".htaccess", "_headers", "_redirects", "robots.txt", "sitemap.xml"):
        assert server_file not in names
    assert not (usb / "_server").exists()
    assert not (usb / "printed-codes.json").exists()
    assert (usb / ".site-builder-output").is_file()  # the tool's folder: the next run replaces it
    for kept in ("print", "qr", "pay", "media", "assets", "Q", "01"):
        assert (usb / kept).is_dir(), kept
    assert (usb / "404.html").is_file()


def test_a_second_run_replaces_the_copy_whole(portable: Path, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "sample")
    assert run_cli(root, "build", "--no-pdf", "--portable", "usb").code == 0
    (root / "usb/old-page.html").write_text("stale", encoding="utf-8")
    digest = hashlib.sha256((root / "usb/vi/index.html").read_bytes()).hexdigest()
    run = run_cli(root, "build", "--no-pdf", "--portable", "usb")
    assert run.code == 0, run.err
    # (156 files: the web app's manifests, icons, worker and offline pages too, webapp.py)
    assert run.out.splitlines()[-1] == (
        "Wrote the portable copy (72 pages, 156 files) into usb/: open usb/index.html in a "
        "browser, or copy the folder to a USB stick."
    )
    assert not (root / "usb/old-page.html").exists()
    assert hashlib.sha256((root / "usb/vi/index.html").read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(
    ("folder", "lang", "expected"),
    [
        (
            "output/usb",
            "en",
            "Error: refusing to write the portable copy into output/usb: it must be a folder "
            "of its own, not output or a folder inside or around it. Use a new folder, "
            "e.g. portable/. Nothing was changed.",
        ),
        (
            "output",
            "vi",
            "Lỗi: không ghi bản mang đi vào output: bản này cần một thư mục riêng, không phải "
            "output hay một thư mục bên trong hoặc chứa nó. Hãy dùng một thư mục mới, "
            "ví dụ portable/. Chưa có gì bị thay đổi.",
        ),
        (
            "content/usb",
            "en",
            "Error: refusing to write into content/usb: content/ belongs to the project, and "
            "writing there would replace what is in it. Use a new folder, e.g. output/. "
            "Nothing was changed.",
        ),
        (
            "photos",
            "vi",
            "Lỗi: không ghi vào photos/: thư mục này có những tệp không do site-builder tạo ra "
            "(holiday.jpg), ghi vào đó sẽ thay mất chúng. Hãy chọn một thư mục trống hoặc "
            "thư mục mới, ví dụ output/. Chưa có gì bị thay đổi.",
        ),
    ],
)
def test_a_folder_the_copy_may_not_replace_is_refused_before_building(
    tmp_path: Path, folder: str, lang: str, expected: str
) -> None:
    root = copy_project(tmp_path / "site", "minimal")
    (root / "photos").mkdir()
    (root / "photos/holiday.jpg").write_bytes(b"\xff\xd8 a member's own photo")
    before = snapshot(root)
    run = run_cli(root, "build", "--no-pdf", "--portable", folder, "--lang", lang)
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.splitlines()[0] == expected
    assert snapshot(root) == before  # nothing built, nothing written
    assert not (root / "output").exists()


def test_from_a_disk_in_a_real_browser(portable: Path, tmp_path: Path) -> None:
    """Chromium (no special flags) opens the copy by file:// URLs: the root page picks the
    phone's language, pages have their stylesheet and every picture, a QR landing page
    leads to the item."""
    usb = (portable / "usb").resolve().as_uri()
    chapter = "vi/booklets/xin-man-gifts/dolls-hmong/index.html"
    assert (portable / "usb" / chapter).is_file()
    style = [".top", "background-color"]  # only site.css colours the header
    pages = [
        "vi/index.html",
        "en/index.html",
        "vi/dolls/hmong/index.html",
        "en/dolls/hmong/index.html",
        "en/ocop/shan-tuyet-tea/index.html",
        chapter,
    ]
    shot = tmp_path / "item-en.png"
    steps = [
        {"goto": f"{usb}/index.html", "wait_for_url": "/en/index.html"},
        {"goto": f"{usb}/Q/XM-D01.html", "wait_for_url": "/dolls/hmong/"},
        *({"goto": f"{usb}/{p}", "style": style, "all_images": True} for p in pages),
        {"goto": f"{usb}/en/dolls/hmong/index.html", "screenshot": str(shot)},
    ]
    results = visit(steps, locale="fr-FR")
    assert [r["error"] for r in results] == [None] * len(steps)
    assert results[0]["url"] == f"{usb}/en/index.html"  # French phone: English, as hosted
    assert results[1]["url"] == f"{usb}/en/dolls/hmong/index.html"
    for page, result in zip(pages, results[2:-1], strict=True):
        assert result["url"] == f"{usb}/{page}"
        assert result["style"] == "rgb(31, 63, 138)", page  # --accent: the stylesheet loaded
        # (css_rules stays 0: from file:// a stylesheet's rules are another origin's to read)
        assert result["images"], page
        assert [i for i in result["images"] if not i["ok"]] == [], page
    assert shot.stat().st_size > 10_000
    [vi] = visit([{"goto": f"{usb}/index.html", "wait_for_url": "/vi/index.html"}], locale="vi-VN")
    assert vi["error"] is None and vi["lang"] == "vi"


def test_the_readmes_first_look_is_true(tmp_path: Path) -> None:
    """README: `make build`, then open the page it names straight from the disk."""
    from tests.test_docs_commands import fresh_sample, run

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.split("## Start in two commands", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"open `([^`]+\.html)` in a browser", start)
    assert named == ["portable/index.html"]
    project = fresh_sample(tmp_path)
    # the set-up is done (this test's own environment): make must not install again
    os.utime(project / "pyproject.toml", ns=(0, 0))
    made = run(project, "make build")
    assert made.returncode == 0, made.stdout + made.stderr
    page = project / named[0]
    assert page.is_file()
    [step] = visit(
        [{"goto": page.resolve().as_uri(), "wait_for_url": "/vi/", "style": [".top", "color"]}]
    )
    assert step["error"] is None
    assert step["url"] == (project / "portable/vi/index.html").resolve().as_uri()
    assert step["style"] == "rgb(27, 27, 27)"  # --ink from site.css (the browser's is black)


def test_a_site_below_a_path_with_aliases_and_links_in_stories(tmp_path: Path) -> None:
    """base_url with a path, an old address kept by `aliases`, a photo whose name needs
    percent-encoding, a story linking to another page (root-relative with an anchor, and by
    the full address), and a story showing HTML as text: the links are relinked, the text
    is not."""
    root = copy_project(tmp_path / "site", "minimal")
    config = root / "site.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("https://xinman.example.vn/", "https://coop.example.vn/xm/"))
    item = root / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text(encoding="utf-8") + 'aliases: ["/en/old-doll/"]\n', "utf-8")
    story = root / "content/dolls/hmong/en.md"
    story.write_text(
        story.read_text(encoding="utf-8")
        + "\nSee [the tea](/xm/en/ocop/tea/#story), [our visit](https://coop.example.vn/xm/en/pages/visit)"
        + ' and `<a href="/xm/en/">` in HTML.\n',
        encoding="utf-8",
    )
    photo = root / "content/dolls/hmong/doll.png"  # a member's file name: accents and a space
    photo.rename(photo.with_name("búp bê.png"))
    for name in ("item.yaml", "vi.md", "en.md"):
        path = root / "content/dolls/hmong" / name
        path.write_text(path.read_text("utf-8").replace("doll.png", '"búp bê.png"'), "utf-8")
    build(root, with_print=False)
    write_portable(root, root / "output", root / "usb", load_config(root))
    usb = root / "usb"
    img = parse_html(usb / "en/dolls/hmong/index.html").find(".//main//img")
    assert img is not None
    assert img.get("src", "").startswith("../../../media/dolls/hmong/b%C3%BAp%20b%C3%AA-")

    page = usb / "en/dolls/hmong/index.html"
    links = {el.text: el.get("href") for el in parse_html(page).iter("a")}
    assert links["the tea"] == "../../ocop/tea/index.html#story"
    assert links["our visit"] == "../../pages/visit/index.html"
    code = parse_html(page).find(".//code")
    assert code is not None and code.text == '<a href="/xm/en/">'  # text, not a link
    alias = parse_html(usb / "en/old-doll/index.html")
    refresh = alias.find(".//meta[@http-equiv='refresh']")
    assert refresh is not None
    assert refresh.get("content") == "0; url=../dolls/hmong/index.html"
    assert (usb / "en/dolls/hmong/index.html").is_file()
    # JSON-LD keeps the hosted site's absolute addresses
    data = parse_html(page).find(".//script[@type='application/ld+json']")
    assert data is not None and data.text and "https://coop.example.vn/xm/" in data.text
    for html_file in _pages(usb):
        for _tag, _attr, url in _links(parse_html(html_file)):
            # ("": the page itself, the offline page's "Try again")
            if url and not urlsplit(url).scheme and not url.startswith("#"):
                assert not url.startswith("/"), (html_file, url)
                assert _target(html_file, url).is_file(), (html_file, url)


def test_unchanged_pages_are_linked_from_the_last_copy(tmp_path: Path) -> None:
    """A second copy parses again only the pages the build changed; the result is the same,
    byte for byte, as a copy made from nothing."""
    root = copy_project(tmp_path / "site", "sample")
    build(root, with_print=False)
    config = load_config(root)
    first = write_portable(root, root / "output", root / "usb", config)
    assert first.reused == 0
    again = write_portable(root, root / "output", root / "usb", config)
    assert again.reused == again.pages == first.pages
    story = root / "content/dolls/hmong/en.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    (root / "usb/vi/index.html").write_text("<p>changed on the stick</p>", encoding="utf-8")
    build(root, with_print=False)
    edited = write_portable(root, root / "output", root / "usb", config)
    redone = edited.pages - edited.reused
    assert 2 <= redone <= 6  # the English item page, its booklet chapter, the damaged page
    assert "A new line." in (root / "usb/en/dolls/hmong/index.html").read_text(encoding="utf-8")
    fresh = write_portable(root, root / "output", tmp_path / "fresh", config)
    assert fresh.reused == 0
    assert snapshot(root / "usb") == snapshot(tmp_path / "fresh")


def test_no_cache_leaves_the_cache_alone(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "minimal")
    run = run_cli(root, "build", "--no-pdf", "--no-cache", "--portable", "usb")
    assert run.code == 0, run.err
    assert (root / "usb/index.html").is_file()
    assert not (root / ".site-builder-cache/portable.json").exists()


def test_site_yaml_is_read_once_with_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy takes the site's base URL from the build's own reading of site.yaml; when
    nothing was built it reads it once itself."""
    from site_builder import cli
    from tests.test_site_yaml_once import site_yaml_parses

    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    root = copy_project(tmp_path / "site", "minimal")
    for _ in range(2):  # a build, then (maybe) nothing to build
        with site_yaml_parses() as seen:
            cli.main(["--project", str(root), "build", "--no-pdf", "--portable", str(root / "usb")])
        assert seen == ["load_config"], seen
    assert (root / "usb/index.html").is_file()


def test_a_copy_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    """A file where the copy's folder should be (as a full or read-only stick would): a
    message naming the folder and the reason, output/ built, no traceback."""
    root = copy_project(tmp_path / "site", "minimal")
    (root / "stick").write_text("a file, not a folder", encoding="utf-8")
    run = run_cli(root, "build", "--no-pdf", "--portable", "stick/xinman", "--lang", "vi")
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.splitlines() == [
        "Lỗi: không ghi được bản mang đi vào stick/xinman: File exists. Trang web trong output/ "
        "đã được dựng; bản mang đi chưa bị thay đổi."
    ]
    assert (root / "output/index.html").is_file()
    assert (root / "stick").read_text(encoding="utf-8") == "a file, not a folder"
    assert [p.name for p in root.iterdir() if p.name.startswith(".stick")] == []
