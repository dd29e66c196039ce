"""Photos for phones: resized WebP + JPEG/PNG derivatives, never the originals, cached.

Real Pillow throughout: every file named in a page is opened and its pixels counted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image, ImageDraw

from site_builder.build import build
from site_builder.content.loader import load_site
from site_builder.render import images
from site_builder.render.variants import derivatives
from tests.helpers import parse_html, snapshot

ORIENTATION = 0x0112


def output_file(output: Path, url: str) -> Path:
    assert url.startswith("/") and "://" not in url, url
    return output / unquote(url.lstrip("/"))


def candidates(srcset: str) -> list[tuple[str, int]]:
    out = []
    for candidate in re.split(r",\s+", srcset.strip()):
        url, descriptor = candidate.split()
        assert re.fullmatch(r"\d+w", descriptor), candidate
        out.append((url, int(descriptor[:-1])))
    return out


def originals(root: Path) -> list[Path]:
    site = load_site(root)
    found = [im.path for item in site.items for im in item.images]
    found += [b.cover.path for b in site.booklets if b.cover is not None]
    return found


# --- the sample site -------------------------------------------------------------------


def test_every_sample_image_has_its_derivatives(sample_site: Path) -> None:
    site = load_site(sample_site)
    output = sample_site / "output"
    sources = [(item.kind, item.slug, im) for item in site.items for im in item.images]
    sources += [("booklets", b.slug, b.cover) for b in site.booklets if b.cover is not None]
    assert len(sources) == 9
    for kind, slug, im in sources:
        assert (im.width, im.height) == (800, 1000)  # the sample photos: 800 px wide
        expected = set()
        for width in (320, 640, 800):  # 960 would upscale
            for ext, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
                name = f"{Path(im.file).stem}-{width}.{ext}"
                expected.add(name)
                with Image.open(output / "media" / kind / slug / name) as out:
                    assert out.format == fmt
                    assert out.size == (width, width * 5 // 4)
                    assert out.mode == "RGB"
                    out.load()  # decodes completely
                    assert not out.getexif() and "icc_profile" not in out.info
                    if fmt == "JPEG":
                        assert out.info.get("progressive") == 1
        assert {p.name for p in (output / "media" / kind / slug).iterdir()} == expected


def test_no_original_is_shipped_or_linked(sample_site: Path) -> None:
    sources = originals(sample_site)
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in sources}
    names = {p.name for p in sources}
    output = sample_site / "output"
    for path in output.rglob("*"):
        if not path.is_file():
            continue
        assert hashlib.sha256(path.read_bytes()).hexdigest() not in digests, path
        assert path.name not in names, path
        if path.suffix in (".html", ".xml", ".txt", ".json"):
            text = path.read_text(encoding="utf-8")
            for name in names:
                assert "/" + name not in text, (path, name)


def test_every_srcset_candidate_has_the_width_it_claims(sample_site: Path) -> None:
    output = sample_site / "output"
    seen = 0
    for page in output.rglob("*.html"):
        tree = parse_html(page)
        for picture in tree.iter("picture"):
            kids = list(picture)
            assert [k.tag for k in kids] == ["source", "img"], page
            source, img = kids
            assert source.get("type") == "image/webp"
            assert source.get("sizes") == img.get("sizes") and img.get("sizes"), page
            for el, fmt in ((source, "WEBP"), (img, "JPEG")):
                cands = candidates(el.get("srcset") or "")
                assert [w for _u, w in cands] == sorted(w for _u, w in cands), page
                for url, width in cands:
                    with Image.open(output_file(output, url)) as im:
                        assert im.format == fmt and im.width == width, (page, url)
                        seen += 1
            # the fallback src: the middle JPEG, with its real size in width/height
            assert img.get("src") == candidates(img.get("srcset") or "")[1][0], page
            with Image.open(output_file(output, img.get("src") or "")) as im:
                assert im.format == "JPEG"
                assert im.size == (int(img.get("width") or 0), int(img.get("height") or 0))
        for img in tree.iter("img"):  # every photo is inside a <picture>; QR codes are SVG
            src = img.get("src") or ""
            assert src.endswith(".svg") or "/media/" in src, (page, src)
    assert seen > 300


def test_first_photo_is_eager_later_ones_lazy(sample_site: Path) -> None:
    output = sample_site / "output"
    page = parse_html(output / "en/dolls/hmong/index.html")
    photo = page.find(".//figure[@class='photo']/picture/img")
    assert photo is not None
    assert photo.get("loading") is None and photo.get("fetchpriority") == "high"
    for ul in parse_html(output / "en/index.html").iter("ul"):  # each list of cards
        if ul.get("class") != "cards":
            continue
        cards = ul.findall("./li[@class='card']/a/picture/img")
        assert len(cards) > 2
        assert [c.get("loading") for c in cards[:2]] == [None, None]
        assert cards[0].get("fetchpriority") == "high"
        assert all(c.get("loading") == "lazy" for c in cards[2:])
    cover = parse_html(output / "en/booklets/xin-man-gifts/index.html").find(
        ".//img[@class='cover']"
    )
    assert cover is not None and cover.get("loading") is None


def test_previews_and_json_ld_use_the_largest_jpeg(sample_site: Path) -> None:
    output = sample_site / "output"
    for page in (output / "vi").rglob("*.html"):
        tree = parse_html(page)
        og = {m.get("property"): m.get("content") for m in tree.iter("meta") if m.get("property")}
        if "og:image" not in og:
            continue
        url = og["og:image"] or ""
        assert url.startswith("https://xinman.example.vn/media/") and url.endswith("-800.jpg")
        with Image.open(output / url.removeprefix("https://xinman.example.vn/")) as im:
            assert im.format == "JPEG" and im.width >= 600
            assert (str(im.width), str(im.height)) == (og["og:image:width"], og["og:image:height"])
        script = tree.find(".//script[@type='application/ld+json']")
        assert script is not None
        assert json.loads(script.text or "")["image"] == [url]


# --- special sources, on the minimal site -------------------------------------------------


def add_image(root: Path, folder: str, name: str, alt: str) -> None:
    """Name one more image in an item (item.yaml) with its alt text in every language."""
    item = root / folder / "item.yaml"
    text = item.read_text(encoding="utf-8")
    item.write_text(re.sub(r"images: \[(.*)\]", rf"images: [\1, {name}]", text), encoding="utf-8")
    for md in (root / folder).glob("*.md"):
        body = md.read_text(encoding="utf-8")
        md.write_text(body.replace("alt:\n", f"alt:\n  {name}: {alt}\n", 1), encoding="utf-8")


def photo(width: int, height: int) -> Image.Image:
    """A deterministic picture with detail, so the encoders have work to do."""
    im = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(im)
    for i in range(0, width, 37):
        draw.line((i, 0, width - i, height), fill=(i % 256, 90, 200 - i % 200), width=3)
    return im


def test_rotated_jpeg_is_turned_and_loses_its_exif(minimal: Path) -> None:
    folder = minimal / "content/dolls/hmong"
    stored = Image.new("RGB", (1200, 900), (200, 20, 20))  # stored landscape: top red,
    stored.paste((20, 20, 200), (0, 450, 1200, 900))  # bottom blue
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: show it rotated 90 degrees clockwise
    exif[0x010F] = "Camera maker"
    stored.save(folder / "turned.jpg", quality=90, exif=exif)
    add_image(minimal, "content/dolls/hmong", "turned.jpg", "Quay")
    build(minimal)
    media = minimal / "output/media/dolls/hmong"
    for width in (320, 640, 900):
        for ext in ("webp", "jpg"):
            with Image.open(media / f"turned-{width}.{ext}") as im:
                assert im.size == (width, round(width * 4 / 3))  # portrait, as it was taken
                assert not im.getexif() and "exif" not in im.info
                rgb = im.convert("RGB")
                left = rgb.getpixel((width // 5, im.height // 2))
                right = rgb.getpixel((width * 4 // 5, im.height // 2))
                assert left[2] > 150 > left[0] and right[0] > 150 > right[2]  # blue | red
    page = parse_html(minimal / "output/vi/dolls/hmong/index.html")
    imgs = page.findall(".//figure[@class='photo']/picture/img")
    assert [(i.get("width"), i.get("height"), i.get("loading")) for i in imgs] == [
        ("40", "50", None),  # the tiny photo: one width, never upscaled
        ("640", "853", "lazy"),
    ]


def test_transparent_png_keeps_a_png_fallback_and_svg_passes_through(minimal: Path) -> None:
    folder = minimal / "content/ocop/tea"
    logo = Image.new("RGBA", (500, 400), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((50, 50, 450, 350), fill=(30, 120, 40, 255))
    logo.save(folder / "logo.png")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 20"><rect width="30" height="20"/></svg>'
    (folder / "mark.svg").write_text(svg, encoding="utf-8")
    add_image(minimal, "content/ocop/tea", "logo.png", "Logo")
    add_image(minimal, "content/ocop/tea", "mark.svg", "Dấu")
    build(minimal)
    media = minimal / "output/media/ocop/tea"
    assert sorted(p.name for p in media.iterdir()) == [
        "logo-320.png",
        "logo-320.webp",
        "logo-500.png",
        "logo-500.webp",
        "mark-30.svg",
        "tea-40.jpg",
        "tea-40.webp",
    ]
    with Image.open(media / "logo-320.png") as im:
        assert im.mode == "RGBA" and im.size == (320, 256)
        assert im.getpixel((0, 0))[3] == 0 and im.getpixel((160, 128))[3] == 255
    with Image.open(media / "logo-500.webp") as im:
        assert im.mode == "RGBA" and im.getpixel((0, 0))[3] == 0
    assert (media / "mark-30.svg").read_text(encoding="utf-8") == svg  # a vector: unchanged
    page = parse_html(minimal / "output/vi/ocop/tea/index.html")
    pics = page.findall(".//figure[@class='photo']/picture")
    svg_pic = pics[2]
    assert [k.tag for k in svg_pic] == ["img"]  # no WebP <source>, no srcset
    assert svg_pic[0].get("src") == "/media/ocop/tea/mark-30.svg"
    assert svg_pic[0].get("srcset") is None


# --- the cache ------------------------------------------------------------------------------


@pytest.fixture
def photo_site(minimal: Path) -> Path:
    photo(1000, 1250).save(minimal / "content/dolls/hmong/doll.png")
    return minimal


def rebuild(root: Path) -> dict[str, bytes]:
    """A full build into a fresh output/ (so nothing may be skipped as up to date)."""
    shutil.rmtree(root / "output", ignore_errors=True)
    build(root)
    return snapshot(root / "output")


def count_encodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = images.encode_all  # every encoding goes through it (one decode per photo)

    def counting(path: Path, variants: list[images.Variant]) -> list[bytes]:
        calls.extend(f"{path.name}-{v.width}.{v.ext}" for v in variants)
        return real(path, variants)

    monkeypatch.setattr(images, "encode_all", counting)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # count in this process, not in workers
    return calls


def count_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the photos content/raster.py opens from here on (to decode them or
    to read their header)."""
    from site_builder.content import raster

    opened: list[str] = []
    real_open = raster._open

    def counting(path: Path) -> Image.Image:
        opened.append(path.name)
        return real_open(path)

    monkeypatch.setattr(raster, "_open", counting)
    return opened


def test_cache_is_reused_verified_and_disposable(
    photo_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = photo_site
    calls = count_encodes(monkeypatch)
    first = rebuild(root)
    media = {k: v for k, v in first.items() if k.startswith("media/")}
    assert sorted(media) == [
        "media/dolls/hmong/doll-320.jpg",
        "media/dolls/hmong/doll-320.webp",
        "media/dolls/hmong/doll-640.jpg",
        "media/dolls/hmong/doll-640.webp",
        "media/dolls/hmong/doll-960.jpg",
        "media/dolls/hmong/doll-960.webp",
        "media/ocop/tea/tea-40.jpg",
        "media/ocop/tea/tea-40.webp",
    ]
    # the eight web sizes, and the booklets' print copy of the doll (whole width: 1,000 px)
    assert sorted(calls) == sorted(
        [f"doll.png-{w}.{e}" for w in (320, 640, 960) for e in ("webp", "jpg")]
        + ["tea.png-40.webp", "tea.png-40.jpg", "doll.png-1000.jpg"]
    )
    cache = root / ".site-builder-cache/images"
    digest = hashlib.sha256((root / "content/dolls/hmong/doll.png").read_bytes()).hexdigest()
    entry = cache / f"{digest[:20]}-640.webp"
    assert entry.read_bytes() == first["media/dolls/hmong/doll-640.webp"]
    meta = json.loads((cache / f"{entry.name}.json").read_text(encoding="utf-8"))
    assert meta["size"] == len(entry.read_bytes())
    mtimes = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}

    # a second build encodes nothing, touches no cache file and writes the same bytes
    calls.clear()
    assert rebuild(root) == first
    assert calls == []
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == mtimes

    # a damaged entry (same size, other bytes) is noticed and rebuilt, never shipped
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    (cache / f"{digest[:20]}-960.jpg").write_bytes(b"")  # an empty one, too
    (cache / f"{digest[:20]}-320.jpg.json").write_text("{not json", encoding="utf-8")
    assert rebuild(root) == first
    assert sorted(calls) == ["doll.png-320.jpg", "doll.png-640.webp", "doll.png-960.jpg"]
    assert entry.read_bytes() == first["media/dolls/hmong/doll-640.webp"]

    # without a cache: everything encoded again, the same bytes
    calls.clear()
    shutil.rmtree(root / ".site-builder-cache")
    assert rebuild(root) == first
    # the eight web sizes, and the booklets' print copy of the doll (whole width: 1,000 px)
    assert sorted(calls) == sorted(
        [f"doll.png-{w}.{e}" for w in (320, 640, 960) for e in ("webp", "jpg")]
        + ["tea.png-40.webp", "tea.png-40.jpg", "doll.png-1000.jpg"]
    )


def test_a_cold_build_does_not_read_back_what_it_just_encoded(
    photo_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The derivatives a build encodes are linked into output/ without reading them back
    and hashing them again (at 2,000 items: 12,000 files); the next build verifies them."""
    calls = count_encodes(monkeypatch)
    verified: list[str] = []
    real = images.ImageCache._verify

    def counting(self: images.ImageCache, path: Path) -> bool:
        verified.append(path.name)
        return real(self, path)

    def web_build() -> dict[str, bytes]:  # no PDFs: their print copies have a cache of their own
        shutil.rmtree(photo_site / "output", ignore_errors=True)
        build(photo_site, with_print=False)
        return snapshot(photo_site / "output")

    monkeypatch.setattr(images.ImageCache, "_verify", counting)
    first = web_build()
    assert len(calls) == 8 and verified == []  # the 8 web sizes, none read back
    cache = photo_site / ".site-builder-cache/images"
    for rel in ("media/dolls/hmong/doll-640.webp", "media/ocop/tea/tea-40.jpg"):
        named = [p for p in cache.iterdir() if p.is_file() and p.read_bytes() == first[rel]]
        assert len(named) == 1 and (photo_site / "output" / rel).samefile(named[0]), rel
    calls.clear()
    assert web_build() == first  # a new build (another ImageCache): each file checked again
    assert calls == [] and len(set(verified)) == 8


def test_a_changed_photo_gets_new_derivatives(photo_site: Path) -> None:
    first = rebuild(photo_site)
    photo(1000, 1250).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(
        photo_site / "content/dolls/hmong/doll.png"
    )
    second = rebuild(photo_site)
    for name in ("doll-320.webp", "doll-960.jpg"):
        key = f"media/dolls/hmong/{name}"
        assert second[key] != first[key]
        with Image.open(io.BytesIO(second[key])) as im:
            im.load()


def test_a_photo_added_is_decoded_once_for_all_its_sizes(
    photo_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone photo added to a built site: its web sizes come from one call of
    `encode_all` (one decoding: render/images.py `ImageCache.files_for`), not one per size
    (a 12-megapixel HEIC takes ~0.7 s to decode; six sizes took six); the same bytes as
    a cold build's."""
    root = photo_site
    rebuild(root)
    calls: list[tuple[str, int]] = []
    real = images.encode_all

    def counting(path: Path, variants: list[images.Variant]) -> list[bytes]:
        calls.append((path.name, len(variants)))
        return real(path, variants)

    monkeypatch.setattr(images, "encode_all", counting)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # count in this process, not in workers
    folder = root / "content/ocop/tea"
    photo(1600, 1200).save(folder / "phone.heic", quality=80)  # pillow-heif's encoder
    item = folder / "item.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("[tea.png]", "[tea.png, phone.heic]"))
    story = folder / "vi.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("alt:\n", "alt:\n  phone.heic: Gói chè, chụp bằng điện thoại\n"))

    added = rebuild(root)
    assert calls == [("phone.heic", 6)]  # 320, 640 and 960 px, WebP and JPEG
    assert sorted(k for k in added if "/phone-" in k) == [
        f"media/ocop/tea/phone-{w}.{e}" for w in (320, 640, 960) for e in ("jpg", "webp")
    ]
    shutil.rmtree(root / ".site-builder-cache")
    assert rebuild(root) == added  # as a cold build makes them


def test_photos_are_made_when_their_cache_cannot_be_written(
    photo_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project on a read-only or full disk: the photos' sizes are encoded all the same
    (into a scratch folder) and the site is the one a writable cache gives."""
    root = photo_site
    expected = rebuild(root)
    shutil.rmtree(root / ".site-builder-cache/images")

    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(images, "write_atomic", full)
    encodes = count_encodes(monkeypatch)
    assert rebuild(root) == expected
    web = [e for e in encodes if re.fullmatch(r".*-(320|640|960)\.\w+", e)]  # (not print)
    assert len(web) == len(set(web))  # each size encoded once, none found in the cache
    assert {f"doll.png-{w}.{e}" for w in (320, 640, 960) for e in ("jpg", "webp")} <= set(web)
    assert not (root / ".site-builder-cache/images").exists() or not any(
        (root / ".site-builder-cache/images").iterdir()
    )


def test_each_photo_and_each_size_is_looked_at_once_however_many_items_share_it(
    photo_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming the derivatives of a site (12,000 photo-size pairs at 2,000 items) looks at
    each photo file once for its digest and at each derivative file once, not once per
    pair (a cold build's main process spent ~0.23 s there alone)."""
    root = photo_site
    build(root)
    site = load_site(root)
    shared = next(im for item in site.items for im in item.images if im.file == "doll.png")
    pairs = [(shared, v) for v in derivatives(shared)] * 3  # one photo in three items
    digests: list[Path] = []
    checked: list[Path] = []
    real_digest, real_valid = images.ImageCache._digest, images.ImageCache._valid

    def digest(self: images.ImageCache, path: Path) -> str:
        digests.append(path)
        return real_digest(self, path)

    def valid(self: images.ImageCache, path: Path) -> bool:
        checked.append(path)
        return real_valid(self, path)

    monkeypatch.setattr(images.ImageCache, "_digest", digest)
    monkeypatch.setattr(images.ImageCache, "_valid", valid)
    files = images.ImageCache(root).files_for(pairs)
    assert digests == [shared.path]
    assert len(checked) == len(set(checked)) == len(pairs) // 3 == 6
    assert files == files[:6] * 3 and set(files) == set(checked)
    for (image, variant), file in zip(pairs, files, strict=True):
        assert file.read_bytes() == images.encode_all(image.path, [variant])[0]


def test_a_heic_added_is_opened_once_to_be_decoded(
    photo_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone's HEIC added as the doll's first photo (the one the booklet prints): the
    check decodes it, and its web sizes and its print copy are made from that decoding
    (content/raster.py keeps it until the build ends): the file is opened once to be
    decoded and twice for its header only. Nothing is kept after the build."""
    from site_builder.content import raster

    root = photo_site
    for old in (root / "content").rglob("*.png"):  # checked long ago: remembered, not decoded
        os.utime(old, ns=(old.stat().st_atime_ns, old.stat().st_mtime_ns - 10**10))
    rebuild(root)
    opened = count_opens(monkeypatch)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # count in this process, not in workers
    folder = root / "content/dolls/hmong"
    photo(2000, 1500).save(folder / "phone.heic", quality=80)
    item = folder / "item.yaml"
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("[doll.png]", "[phone.heic, doll.png]"), encoding="utf-8")
    for lang, alt in (("vi", "Ảnh chụp búp bê"), ("en", "A photo of the doll")):
        story = folder / f"{lang}.md"
        text = story.read_text(encoding="utf-8")
        story.write_text(text.replace("alt:\n", f"alt:\n  phone.heic: {alt}\n"), encoding="utf-8")

    added = rebuild(root)
    assert opened.count("phone.heic") == 3  # the check; the header, for sizes and print copy
    assert raster._kept is None
    assert "media/dolls/hmong/phone-960.webp" in added
    shutil.rmtree(root / ".site-builder-cache")
    assert rebuild(root) == added  # as a cold build makes them (PDFs included)
