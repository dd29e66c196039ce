"""Content written by many hands cannot inject script, escape its folder or break the build."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from site_builder.build import build
from site_builder.errors import ErrorList
from tests.helpers import parse_html

STORY = """---
title: "<script>alert('title')</script> Búp bê"
summary: "\\" onmouseover=\\"alert(1)"
alt:
  doll.png: "<img src=x onerror=alert(1)>"
---
Hello <script>alert('body')</script> world.

<b onclick="steal()">bold</b> <a href="javascript:alert(1)">js link</a>
<a href="JaVaScRiPt:alert(2)">mixed case</a> <a href="data:text/html,<script>x</script>">data</a>
<img src="https://evil.example/x.png" onerror="alert(3)">
<iframe src="https://evil.example"></iframe><style>body{display:none}</style>
<a href="https://example.vn/ok">a good link</a> [markdown js](javascript:alert(4))
"""


def build_hostile(minimal: Path) -> Path:
    (minimal / "content/dolls/hmong/vi.md").write_text(STORY)
    build(minimal)
    return minimal / "output/vi/dolls/hmong/index.html"


def test_no_script_or_handler_reaches_the_page(minimal: Path) -> None:
    tree = parse_html(build_hostile(minimal))
    for el in tree.iter():
        assert el.tag not in ("iframe", "style", "object", "embed"), el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert not value.strip().lower().startswith(("javascript:", "data:text")), (
                el.tag,
                value,
            )
        if el.tag == "script":  # only our own deferred file and the JSON-LD data block
            if el.get("type") == "application/ld+json":
                assert "<" not in (el.text or "")  # member text stays data, cannot close the block
                json.loads(el.text or "")
            else:
                assert re.fullmatch(r"/assets/lang\.[0-9a-f]{10}\.js", el.get("src", ""))
                assert not (el.text or "").strip()


def test_yaml_values_are_escaped_as_text(minimal: Path) -> None:
    tree = parse_html(build_hostile(minimal))
    h1 = tree.find(".//h1")
    assert h1 is not None and h1.text == "<script>alert('title')</script> Búp bê"
    assert list(h1) == []  # text, not elements
    img = tree.find(".//figure[@class='photo']/picture/img")
    assert img is not None and img.get("alt") == "<img src=x onerror=alert(1)>"


def test_safe_links_and_text_survive(minimal: Path) -> None:
    tree = parse_html(build_hostile(minimal))
    story = tree.find(".//div[@class='story']")
    assert story is not None
    hrefs = [a.get("href") for a in story.iter("a")]
    assert "https://example.vn/ok" in hrefs
    assert all(h is None or h.startswith("https://") for h in hrefs)
    text = " ".join("".join(story.itertext()).split())
    assert "Hello world." in text and "bold" in text


def test_pages_declare_a_content_security_policy(minimal: Path) -> None:
    """Every HTML file the build writes, redirect pages of aliases included."""
    item = minimal / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text() + 'aliases: ["/vi/bup-be-cu/", "/en/old-doll.html"]\n')
    build(minimal)
    redirects = 0
    for page in (minimal / "output").rglob("*.html"):
        tree = parse_html(page)
        csp = [
            m.get("content") or ""
            for m in tree.iter("meta")
            if m.get("http-equiv") == "Content-Security-Policy"
        ]
        assert len(csp) == 1, page
        assert "unsafe-inline" not in csp[0]
        assert "script-src" in csp[0] or "default-src 'none'" in csp[0], page
        redirects += bool(tree.findall(".//meta[@http-equiv='refresh']"))
    assert redirects >= 2


def write_item(minimal: Path, images: str) -> None:
    path = minimal / "content/dolls/hmong/item.yaml"
    path.write_text(path.read_text().replace("images: [doll.png]", f"images: [{images}]"))
    for lang in ("vi", "en"):
        md = minimal / f"content/dolls/hmong/{lang}.md"
        name = images.split("/")[-1]
        md.write_text(md.read_text().replace("doll.png:", f"{name}:"))


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        (
            "../../ocop/tea/tea.png",
            "images[0]: '../../ocop/tea/tea.png' points outside this folder. "
            "Put the image in the same folder and write only its file name.",
        ),
        (
            "/etc/passwd.png",
            "images[0]: '/etc/passwd.png' points outside this folder. "
            "Put the image in the same folder and write only its file name.",
        ),
    ],
)
def test_image_paths_cannot_escape_the_content_folder(
    minimal: Path, reference: str, message: str
) -> None:
    write_item(minimal, reference)
    with pytest.raises(ErrorList) as info:
        build(minimal)
    assert [e.format(minimal) for e in info.value.errors] == [
        f"content/dolls/hmong/item.yaml:6: {message}"
    ]


def test_a_symlink_out_of_the_folder_is_refused(minimal: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10)).save(secret)
    os.symlink(secret, minimal / "content/dolls/hmong/link.png")
    write_item(minimal, "link.png")
    with pytest.raises(ErrorList) as info:
        build(minimal)
    assert [e.format(minimal) for e in info.value.errors] == [
        "content/dolls/hmong/item.yaml:6: images[0]: 'link.png' is a link to a file outside this "
        "folder. Copy the image itself into the folder."
    ]


def test_corrupt_and_oversized_images_are_rejected(minimal: Path) -> None:
    folder = minimal / "content/dolls/hmong"
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50)
    write_item(minimal, "broken.png")
    with pytest.raises(ErrorList) as info:
        build(minimal)
    assert [e.format(minimal) for e in info.value.errors] == [
        "content/dolls/hmong/item.yaml:6: images[0]: 'broken.png' cannot be read as an image; the "
        "file may be damaged. Open it in an image viewer and save it again as .jpg or .png."
    ]


def test_a_decompression_bomb_is_rejected(minimal: Path) -> None:
    folder = minimal / "content/dolls/hmong"
    Image.new("1", (12000, 9000)).save(folder / "huge.png", optimize=True)  # tiny file, 108 Mpx
    write_item(minimal, "huge.png")
    with pytest.raises(ErrorList) as info:
        build(minimal)
    assert [e.format(minimal) for e in info.value.errors] == [
        "content/dolls/hmong/item.yaml:6: images[0]: 'huge.png' is 12000 x 9000 pixels, too large "
        "to process. The limit is 100 megapixels; resize it to at most 8000 pixels on its "
        "longest side."
    ]


def test_a_huge_file_is_rejected_before_it_is_read(minimal: Path) -> None:
    folder = minimal / "content/dolls/hmong"
    with open(folder / "big.jpg", "wb") as f:
        f.truncate(101 * 1024 * 1024)  # sparse: costs no disk
    write_item(minimal, "big.jpg")
    with pytest.raises(ErrorList) as info:
        build(minimal)
    assert [e.format(minimal) for e in info.value.errors] == [
        "content/dolls/hmong/item.yaml:6: images[0]: 'big.jpg' is 101.0 MB; the limit is 100 MB. "
        "Save the photo again as .jpg (any phone photo is well under this)."
    ]
