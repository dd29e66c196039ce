"""Booklet photos are printed whole (never cut to a frame) unless the item asks for a
crop box; a photo that prints below 200 ppi gets a warning naming it. Read back from
the PDFs with pdfplumber: where each image is placed, its shape and its pixels."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageDraw

from site_builder.build import build
from tests.helpers import run_cli

PT = 25.4 / 72  # mm per point
A5_TEXT = (14.0, 134.0)  # the text column of an A5 booklet, mm from the left (margins 14 mm)
PHOTO_MAX_MM = 62.0  # booklet.css: an A5 chapter photo's largest height


def photo(path: Path, size: tuple[int, int], color: tuple[int, int, int]) -> None:
    """A photo in the shape of a real one: a figure on a plain background, with a head
    near the top edge (what a crop to a wide strip used to cut off)."""
    image = Image.new("RGB", size, (235, 230, 220))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse([w * 0.35, h * 0.02, w * 0.65, h * 0.22], fill=(230, 190, 160))  # head
    draw.rectangle([w * 0.3, h * 0.22, w * 0.7, h * 0.98], fill=color)  # costume
    image.save(path, format="PNG" if path.suffix == ".png" else "JPEG")


@pytest.fixture
def project(minimal: Path) -> Path:
    photo(minimal / "content/dolls/hmong/doll.png", (1000, 1500), (150, 30, 40))  # portrait
    photo(minimal / "content/ocop/tea/tea.png", (1100, 550), (40, 120, 60))  # landscape
    return minimal


def chapter_images(pdf: Path) -> dict[str, dict[str, float]]:
    """The image placed on each chapter page, by the page's first words (its title)."""
    out = {}
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages[2:-1]:  # after the cover and contents, before the back cover
            title = (page.extract_text() or "").splitlines()[0]
            if page.images:
                (image,) = page.images
                out[title] = image
    return out


def test_chapter_photos_are_whole(project: Path) -> None:
    build(project)
    placed = chapter_images(project / "output/print/gifts-vi.pdf")
    assert sorted(placed) == ["Búp bê Mông", "Chè Shan tuyết"]
    for title, source in (("Búp bê Mông", (1000, 1500)), ("Chè Shan tuyết", (1100, 550))):
        image = placed[title]
        width = (image["x1"] - image["x0"]) * PT
        height = (image["bottom"] - image["top"]) * PT
        # the shape of the photo: nothing cut off
        assert width / height == pytest.approx(source[0] / source[1], rel=0.005), title
        sw, sh = image["srcsize"]
        assert sw / sh == pytest.approx(source[0] / source[1], rel=0.01), title
        # and all of it inside the text column and the photo's height: nothing hidden
        assert A5_TEXT[0] - 0.1 <= image["x0"] * PT and image["x1"] * PT <= A5_TEXT[1] + 0.1
        assert height <= PHOTO_MAX_MM + 0.1
        assert max(width / (A5_TEXT[1] - A5_TEXT[0]), height / PHOTO_MAX_MM) == pytest.approx(
            1, abs=0.01
        ), title  # as large as fits
    # the portrait doll fills the photo height, centred on the column
    doll = placed["Búp bê Mông"]
    middle = (doll["x0"] + doll["x1"]) / 2 * PT
    assert middle == pytest.approx(sum(A5_TEXT) / 2, abs=0.2)


def test_an_item_can_ask_for_a_crop_box(project: Path) -> None:
    item = project / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text() + "\nprint_crop:\n  doll.png: [25, 0, 75, 50]\n")
    build(project)
    image = chapter_images(project / "output/print/gifts-en.pdf")["Hmong doll"]
    width = (image["x1"] - image["x0"]) * PT
    height = (image["bottom"] - image["top"]) * PT
    assert width / height == pytest.approx(500 / 750, rel=0.005)  # 50 % x 50 % of 1000 x 1500
    assert height == pytest.approx(PHOTO_MAX_MM, abs=0.1)
    sw, sh = image["srcsize"]
    assert sw / sh == pytest.approx(500 / 750, rel=0.01) and sw <= 500


@pytest.mark.parametrize(
    ("crop", "line", "message"),
    [
        (
            "print_crop:\n  doll.png: [50, 0, 40, 100]\n",
            9,
            "print_crop.doll.png: the crop box of doll.png must be four numbers from 0 to 100 "
            "(left, top, right, bottom), left < right and top < bottom; found [50, 0, 40, 100]. "
            "e.g. 'doll.png: [10, 0, 90, 80]' keeps 10-90 % of the width and the top 80 % of "
            "the height.",
        ),
        (
            "print_crop:\n  doll.jpg: [0, 0, 100, 80]\n",
            9,
            "print_crop.doll.jpg: 'doll.jpg' is not listed under images. "
            "Write the file name of one of the item's images.",
        ),
    ],
)
def test_a_wrong_crop_box_is_named(project: Path, crop: str, line: int, message: str) -> None:
    item = project / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text() + "\n" + crop)
    result = run_cli(project, "build")
    assert result.code == 1
    assert f"content/dolls/hmong/item.yaml:{line}: {message}" in result.err, result.err
    assert "Traceback" not in result.err
    assert not (project / "output").exists()


def test_a_photo_below_200_ppi_is_named(project: Path) -> None:
    photo(project / "content/dolls/hmong/doll.png", (240, 360), (150, 30, 40))
    result = run_cli(project, "booklet", "gifts")  # made for the printer: photos checked
    assert result.code == 0, result.err
    warnings = [line for line in result.out.splitlines() if "ppi" in line]
    # 360 px over 62 mm: 147 ppi; the tea (1100 px over 120 mm: 233 ppi) is fine
    assert warnings == [
        "Warning: content/dolls/hmong/doll.png: prints at 147 ppi in the booklet gifts "
        "(below 200 ppi, it looks soft on paper). Use a larger photo."
    ]
    assert (project / "print/gifts-vi.pdf").is_file()  # a warning, not an error
    vi = run_cli(project, "--lang", "vi", "booklet", "gifts")
    assert [line for line in vi.out.splitlines() if "ppi" in line] == [
        "Cảnh báo: content/dolls/hmong/doll.png: được in ở 147 ppi trong sách gifts (dưới 200 "
        "ppi, ảnh in ra sẽ bị nhoè). Hãy dùng ảnh lớn hơn."
    ]
