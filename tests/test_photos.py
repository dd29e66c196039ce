"""Photos as phones and cameras make them (issue 12, items 1-2).

Every photo here is generated at test time in the shape of the real thing: 640 px to
8,000 px, progressive JPEG, every EXIF orientation, HEIC (from pillow-heif's encoder,
as an iPhone writes it), CMYK JPEG, 16-bit PNG (grey and RGB), PNG and HEIC with
transparency. They are built once per session by the real command line; the checks
compare the published pixels with Pillow's own reading of each original.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat
from pypdf import PdfReader

from site_builder.render.variants import WIDTHS
from tests.helpers import copy_project, parse_html, run_cli, snapshot
from tests.test_images import add_image, count_opens

pillow_heif.register_heif_opener()

ORIENTATION = 0x0112
T = Image.Transpose
# What to store so that a viewer applying EXIF orientation n shows the scene upright.
STORED_FOR = {
    1: None,
    2: T.FLIP_LEFT_RIGHT,
    3: T.ROTATE_180,
    4: T.FLIP_TOP_BOTTOM,
    5: T.TRANSPOSE,
    6: T.ROTATE_90,
    7: T.TRANSVERSE,
    8: T.ROTATE_270,
}
PHONE_LIMIT = 300 * 1024  # the largest file a phone may be sent


def scene(width: int, height: int, seed: int = 0) -> Image.Image:
    """A photo-like picture: four differently coloured corners blending into each other
    (so every rotation and mirror looks different) under fine grain."""
    corners = Image.new("RGB", (2, 2))
    corners.putdata([(200, 40, 30), (40, 170, 60), (30, 60, 190), (230, 210, 60)])
    im = corners.resize((width, height), Image.Resampling.BILINEAR)
    grain = Image.effect_noise((max(1, width // 3), max(1, height // 3)), 30 + seed)
    grain = grain.resize((width, height), Image.Resampling.BICUBIC).convert("RGB")
    return Image.blend(im, grain, 0.12)


def png16_rgb(path: Path, im: Image.Image) -> None:
    """A 48-bit RGB PNG (16 bits a channel, as raw-photo tools export); Pillow cannot
    write one, so the chunks are written here."""
    w, h = im.size
    rgb = im.tobytes()
    rows = bytearray()
    for y in range(h):
        rows.append(0)  # filter: none
        row = rgb[y * w * 3 : (y + 1) * w * 3]
        rows += bytes(b for v in row for b in (v, v))  # v * 257, big-endian

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


def png_header_only(path: Path, width: int, height: int) -> None:
    """A valid PNG header announcing width x height pixels, with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Photo:
    name: str
    upright: Image.Image  # the scene as it should be seen, for comparisons
    width: int  # upright size of the original
    height: int
    alpha: bool = False


def _write_photos(folder: Path) -> list[Photo]:
    photos: list[Photo] = []

    def jpeg(name: str, w: int, h: int, **save: object) -> None:
        im = scene(w, h)
        im.save(folder / name, quality=88, **save)
        photos.append(Photo(name, im.resize((64, 64)), w, h))

    jpeg("small.jpg", 640, 480)
    jpeg("medium.jpg", 1200, 900)  # the size that used to give doll-960 twice
    jpeg("portrait.jpg", 3000, 4000)
    jpeg("phone.jpg", 4000, 3000, progressive=True)
    jpeg("camera.jpg", 8160, 6120)  # 50 MP, as phones with a 50 MP camera save it
    for n, how in STORED_FOR.items():
        up = scene(1600, 1200, n)
        stored = up if how is None else up.transpose(how)
        exif = Image.Exif()
        exif[ORIENTATION] = n
        stored.save(folder / f"turned{n}.jpg", quality=88, exif=exif)
        photos.append(Photo(f"turned{n}.jpg", up.resize((64, 64)), 1600, 1200))
    # HEIC as an iPhone makes it: stored landscape, EXIF says "turn clockwise"
    up = scene(1512, 2016, 9)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    up.transpose(T.ROTATE_90).save(folder / "iphone.heic", quality=80, exif=exif.tobytes())
    photos.append(Photo("iphone.heic", up.resize((64, 64)), 1512, 2016))
    cmyk = scene(2000, 1500, 10)
    cmyk.convert("CMYK").save(folder / "print.jpg", quality=90)
    photos.append(Photo("print.jpg", cmyk.resize((64, 64)), 2000, 1500))
    grey = scene(1300, 1000, 11).convert("L")
    grey16 = Image.new("I;16", grey.size)
    grey16.putdata([v * 257 for v in grey.tobytes()])
    grey16.save(folder / "grey16.png")  # 16 bits a pixel
    photos.append(Photo("grey16.png", grey.convert("RGB").resize((64, 64)), 1300, 1000))
    rgb16 = scene(1500, 1000, 12)
    png16_rgb(folder / "rgb16.png", rgb16)
    photos.append(Photo("rgb16.png", rgb16.resize((64, 64)), 1500, 1000))
    for name, w, h in (("cutout.png", 1400, 1000), ("iphone-cutout.heic", 1000, 800)):
        im = scene(w, h, 13).convert("RGBA")
        mask = Image.new("L", (w, h), 0)
        mask.paste(255, (w // 5, h // 5, w * 4 // 5, h * 4 // 5))
        im.putalpha(mask)
        im.save(folder / name, **({"quality": 85} if name.endswith(".heic") else {}))
        photos.append(Photo(name, flat(im).resize((64, 64)), w, h, alpha=True))
    return photos


@pytest.fixture(scope="session")
def phone_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Photo]]:
    """The minimal site with every kind of photo in one doll, built by the real CLI."""
    root = copy_project(tmp_path_factory.mktemp("photos") / "site", "minimal")
    folder = root / "content/dolls/hmong"
    photos = _write_photos(folder)
    for photo in photos:
        add_image(root, "content/dolls/hmong", photo.name, f"Ảnh {photo.name}")
    item = folder / "item.yaml"  # the iPhone photo first: the one the booklet prints
    text = item.read_text(encoding="utf-8")
    text = text.replace(", iphone.heic", "").replace("[doll.png, ", "[iphone.heic, doll.png, ")
    item.write_text(text, encoding="utf-8")
    result = run_cli(root, "--lang", "en", "build")
    assert result.code == 0, result.out + result.err
    assert "Traceback" not in result.err
    return root, photos


def expected_widths(width: int) -> list[int]:
    return sorted({w for w in WIDTHS if w * 1.15 <= width} | {min(width, WIDTHS[-1])})


def flat(im: Image.Image) -> Image.Image:
    """RGB as seen on a white page (the colour under see-through pixels does not count)."""
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return im.convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two pictures (0-255), compared at 64 x 64."""
    a, b = flat(a).resize((64, 64)), flat(b).resize((64, 64))
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def pillow_reference(path: Path) -> Image.Image:
    """The original as Pillow shows it: EXIF orientation applied, 16-bit scaled to 8."""
    with Image.open(path) as im:
        up = ImageOps.exif_transpose(im)
        if up.mode in ("I;16", "I"):
            up = up.point(lambda v: v / 256).convert("L")
        return flat(up)


def test_check_passes_what_build_publishes(phone_site: tuple[Path, list[Photo]]) -> None:
    root, _ = phone_site
    result = run_cli(root, "--lang", "en", "check")
    assert result.code == 0, result.out + result.err
    assert "Check passed: 0 errors" in result.out


def test_every_variant_is_upright_never_larger_and_named_once(
    phone_site: tuple[Path, list[Photo]],
) -> None:
    root, photos = phone_site
    media = root / "output/media/dolls/hmong"
    published = sorted(p.name for p in media.iterdir())
    expected: list[str] = ["doll-40.jpg", "doll-40.webp"]  # the fixture's own tiny photo
    for photo in photos:
        stem = Path(photo.name).stem
        fallback = "png" if photo.alpha else "jpg"
        widths = expected_widths(photo.width)
        expected += [f"{stem}-{w}.{ext}" for w in widths for ext in ("webp", fallback)]
        reference = pillow_reference(root / "content/dolls/hmong" / photo.name)
        assert reference.size == (photo.width, photo.height)
        for w in widths:
            for ext in ("webp", fallback):
                with Image.open(media / f"{stem}-{w}.{ext}") as im:
                    assert im.width == w <= photo.width, im.size
                    assert im.height == round(photo.height * w / photo.width)
                    assert not im.getexif() and "icc_profile" not in im.info
                    # the same picture as Pillow's upright reading of the original...
                    assert difference(im, reference) < 8, (photo.name, w, ext)
                    # ...and as the scene itself (so a wrong turn cannot pass unseen)
                    assert difference(im, photo.upright) < 12, (photo.name, w, ext)
                    if not photo.alpha:  # (a centred cut-out looks alike upside down)
                        assert difference(im, photo.upright.transpose(T.ROTATE_180)) > 40
    assert published == sorted(expected)
    assert len(published) == len(set(published))


def test_transparency_is_kept(phone_site: tuple[Path, list[Photo]]) -> None:
    root, _ = phone_site
    media = root / "output/media/dolls/hmong"
    for name in ("cutout-960.png", "cutout-960.webp", "iphone-cutout-320.png"):
        with Image.open(media / name) as im:
            rgba = im.convert("RGBA")  # a heavy PNG is kept as a palette with transparency
            assert rgba.getpixel((5, 5))[3] == 0  # the corner stays see-through
            assert rgba.getpixel((im.width // 2, im.height // 2))[3] >= 250


def test_files_sent_to_phones_are_small(phone_site: tuple[Path, list[Photo]]) -> None:
    root, photos = phone_site
    media = root / "output/media/dolls/hmong"
    sizes = {p.name: p.stat().st_size for p in media.iterdir()}
    largest = max(sizes, key=lambda name: sizes[name])
    assert sizes[largest] <= PHONE_LIMIT, (largest, sizes[largest])
    original = (root / "content/dolls/hmong/camera.jpg").stat().st_size
    assert original > 3 * 1024 * 1024  # a real camera file...
    assert sizes["camera-960.webp"] < original / 20  # ...never shipped as it is
    page = parse_html(root / "output/en/dolls/hmong/index.html")
    srcs = [el.get("src") or "" for el in page.iter("img")]
    assert not any(s.endswith((".heic", "camera.jpg")) for s in srcs)


def test_booklets_print_an_upright_print_sized_copy(phone_site: tuple[Path, list[Photo]]) -> None:
    """The booklet (its first chapter is this doll) embeds the iPhone photo as a JPEG at
    most 1,800 px wide (A5 at 300 ppi), upright; never the HEIC or a 50 MP original."""
    root, photos = phone_site
    iphone = next(p for p in photos if p.name == "iphone.heic")
    reader = PdfReader(root / "output/print/gifts-en.pdf")
    found = [im for page in reader.pages for im in page.images]
    photo = max(found, key=lambda im: im.image.width * im.image.height)
    assert photo.image.size == (1512, 2016)  # portrait, as it was taken (stored 2016 x 1512)
    assert photo.name.endswith(".jpg")  # embedded as a JPEG (DCT)
    assert difference(photo.image, iphone.upright) < 12
    assert difference(photo.image, iphone.upright.transpose(T.ROTATE_180)) > 40
    assert (root / "output/print/gifts-en.pdf").stat().st_size < 1024 * 1024


def test_a_photo_kept_by_its_check_is_resized_to_the_same_bytes(
    phone_site: tuple[Path, list[Photo]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check (`raster.inspect`) keeps the last photo it decoded whole, and `upright`
    resizes from it instead of opening and decoding the file again (a photo added:
    checked, then resized, in one process). The sizes are byte for byte those made from
    the file, for every kind of photo here that is not a JPEG (a JPEG is checked at 1/8
    scale, so it is not kept)."""
    from site_builder.content import raster
    from site_builder.render import images

    root, photos = phone_site
    folder = root / "content/dolls/hmong"
    opened = count_opens(monkeypatch)
    kept = [p for p in photos if not p.name.endswith(".jpg")] + [photos[0]]
    assert {p.name.rsplit(".", 1)[1] for p in kept} == {"heic", "png", "jpg"}
    for photo in kept:
        path = folder / photo.name
        h = max(1, round(photo.height * 320 / photo.width))
        exts = ("webp", "png") if photo.alpha else ("jpg", "webp", "png")
        variants = [images.Variant(320, h, ext) for ext in exts]
        raster.inspect(path)
        opened.clear()
        from_kept = images.encode_all(path, variants)
        # the header (`raster.size`), and for a JPEG the file again
        assert opened == [photo.name] * (2 if photo.name.endswith(".jpg") else 1), photo.name
        raster.forget()
        assert images.encode_all(path, variants) == from_kept, photo.name
    assert raster._kept is None


def test_a_50_megapixel_jpeg_is_decoded_in_little_memory(tmp_path: Path) -> None:
    """libjpeg decodes at 1/8 scale: the peak memory of encoding every variant of an
    8,000 x 6,000 photo stays far below the 144 MB its pixels take when decoded whole."""
    path = tmp_path / "big.jpg"
    scene(8000, 6000).save(path, quality=85)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from site_builder.render import images, variants\n"
        "from site_builder.content.model import Image\n"
        "def peak():\n"
        "    status = Path('/proc/self/status').read_text()\n"
        "    return int(status.split('VmHWM:')[1].split()[0])\n"
        "Path('/proc/self/clear_refs').write_text('5')\n"  # peak := now (not the parent's)
        "p = Path(sys.argv[1])\n"
        "before = peak()\n"
        "im = Image('big.jpg', p, 8000, 6000)\n"
        "images.encode_all(p, variants.derivatives(im))\n"
        "print(before, peak())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    before, after = int(out[0]), int(out[1])  # kB
    assert after - before < 60 * 1024, (before, after)


# --- bad input: the same refusal from check and build, in both languages ---------------

EN_DAMAGED = (
    "'{name}' cannot be read as an image; the file may be damaged. "
    "Open it in an image viewer and save it again as .jpg or .png."
)
VI_DAMAGED = (
    "không đọc được ảnh '{name}'; tệp có thể đã bị hỏng. "
    "Hãy mở tệp bằng chương trình xem ảnh rồi lưu lại dạng .jpg hoặc .png."
)
SVG_FIX_EN = (
    "Export the drawing again as plain SVG (Inkscape: Save As > Optimized SVG), or as .png."
)
SVG_FIX_VI = (
    "Hãy xuất lại hình vẽ dạng SVG thường (Inkscape: Save As > Optimized SVG), hoặc dạng .png."
)


def _truncated(path: Path) -> None:
    buf = path.with_suffix(".tmp")
    scene(2000, 1500).save(buf, "JPEG", quality=90)
    path.write_bytes(buf.read_bytes()[: buf.stat().st_size // 2])
    buf.unlink()


SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 20"'
BAD = {
    "truncated": ("cut.jpg", _truncated, EN_DAMAGED, VI_DAMAGED),
    "empty": (
        "empty.jpg",
        lambda p: p.write_bytes(b""),
        "'{name}' is empty (0 bytes). Copy the photo again from the phone or camera.",
        "tệp ảnh '{name}' trống (0 byte). Hãy chép lại ảnh từ điện thoại hoặc máy ảnh.",
    ),
    "not an image": (
        "notes.jpg",
        lambda p: p.write_text("Giá: 450.000 đồng\n", encoding="utf-8"),
        "'{name}' is not a photo in a format we read (JPEG, PNG, WebP, HEIC). "
        "Open it in an image viewer and save it again as .jpg or .png.",
        "'{name}' không phải là ảnh ở định dạng đọc được (JPEG, PNG, WebP, HEIC). "
        "Hãy mở tệp bằng chương trình xem ảnh rồi lưu lại dạng .jpg hoặc .png.",
    ),
    "decompression bomb": (
        "bomb.png",
        lambda p: png_header_only(p, 100_000, 100_000),
        "'{name}' is 100000 x 100000 pixels, too large to process. The limit is 100 "
        "megapixels; resize it to at most 8000 pixels on its longest side.",
        "'{name}' có kích thước 100000 x 100000 điểm ảnh, quá lớn để xử lý. Giới hạn là 100 "
        "triệu điểm ảnh; hãy thu nhỏ ảnh để cạnh dài nhất không quá 8000 điểm ảnh.",
    ),
    "svg script": (
        "logo.svg",
        lambda p: p.write_text(f"{SVG_HEAD}><script>alert(document.cookie)</script></svg>"),
        "'{name}' contains <script>, which could run code on the site; it is not published. "
        + SVG_FIX_EN,
        "'{name}' chứa <script>, thứ có thể chạy mã lệnh trên trang; tệp không được đăng lên. "
        + SVG_FIX_VI,
    ),
    "two photos, one name": (
        "doll.heic",
        lambda p: scene(600, 400).save(p, quality=80),
        "'{name}' and 'doll.png' have the same name before the dot; their copies on the site "
        "would overwrite each other. Rename one of them (for example doll-2.heic).",
        "'{name}' và 'doll.png' có cùng tên phía trước dấu chấm; các bản sao trên trang sẽ "
        "ghi đè lên nhau. Hãy đổi tên một trong hai tệp (ví dụ doll-2.heic).",
    ),
    "svg onload": (
        "mark.svg",
        lambda p: p.write_text(f"{SVG_HEAD} onload=\"fetch('//x.example')\"><rect/></svg>"),
        "'{name}' contains onload=, which could run code on the site; it is not published. "
        + SVG_FIX_EN,
        "'{name}' chứa onload=, thứ có thể chạy mã lệnh trên trang; tệp không được đăng lên. "
        + SVG_FIX_VI,
    ),
}


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("built") / "site", "minimal")
    assert run_cli(root, "build").code == 0
    return root


@pytest.mark.parametrize("case", list(BAD))
def test_bad_image_is_refused_by_check_and_build_alike(
    built_minimal: Path, tmp_path: Path, case: str
) -> None:
    name, make, en, vi = BAD[case]
    minimal = tmp_path / "site"
    shutil.copytree(built_minimal, minimal, symlinks=True)
    before = snapshot(minimal / "output")
    make(minimal / "content/dolls/hmong" / name)
    add_image(minimal, "content/dolls/hmong", name, "Ảnh")
    where = "content/dolls/hmong/item.yaml:6: images[1]: "
    built = run_cli(minimal, "--lang", "en", "build")
    assert built.code == 1
    assert built.err == f"Error: {where}{en.format(name=name)}\n1 error; nothing was written.\n"
    checked = run_cli(minimal, "--lang", "vi", "check")
    assert checked.code == 1
    assert f"Lỗi: {where}{vi.format(name=name)}\n" in checked.out
    for run in (built, checked):
        assert "Traceback" not in run.out + run.err
    assert snapshot(minimal / "output") == before


def test_a_photo_listed_twice_is_refused(minimal: Path) -> None:
    item = minimal / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text("utf-8").replace("[doll.png]", "[doll.png, doll.png]"), "utf-8")
    result = run_cli(minimal, "--lang", "vi", "check")
    assert result.code == 1
    assert (
        "Lỗi: content/dolls/hmong/item.yaml:6: images[1]: 'doll.png' được ghi hai lần. "
        "Hãy xoá một trong hai.\n" in result.out
    )


def test_a_damaged_photo_is_found_again_after_a_good_check(minimal: Path) -> None:
    """What `check` remembers of a good photo (its identity: size, mtime, inode) cannot
    hide the same file damaged later."""
    path = minimal / "content/dolls/hmong/later.jpg"
    scene(1600, 1200).save(path, quality=90)
    add_image(minimal, "content/dolls/hmong", "later.jpg", "Ảnh")
    assert run_cli(minimal, "check").code == 0
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    built = run_cli(minimal, "--lang", "en", "build")
    assert built.code == 1 and EN_DAMAGED.format(name="later.jpg") in built.err
    assert not (minimal / "output").exists()


# --- SVG: only drawing is published ------------------------------------------------------

HOSTILE_SVG = {
    "<script>": f"{SVG_HEAD}><script>alert(1)</script></svg>",
    "<script> (XHTML)": f'{SVG_HEAD}><script xmlns="http://www.w3.org/1999/xhtml">x()</script></svg>',
    "onload=": f'{SVG_HEAD} onload="alert(1)"/>',
    "onclick=": f'{SVG_HEAD}><rect onclick="alert(1)"/></svg>',
    "<foreignObject>": f"{SVG_HEAD}><foreignObject><p>hi</p></foreignObject></svg>",
    "<a>": f'{SVG_HEAD}><a href="javascript:alert(1)"><rect/></a></svg>',
    "<set>": f'{SVG_HEAD}><set attributeName="href" to="javascript:alert(1)"/></svg>',
    "external image": f'{SVG_HEAD}><image href="https://tracker.example/p.png"/></svg>',
    "xlink external": (
        f'{SVG_HEAD} xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="https://x.example/s.svg#a"/></svg>'
    ),
    "css import": f'{SVG_HEAD}><style>@import "https://x.example/a.css";</style></svg>',
    "css url": f'{SVG_HEAD}><rect style="fill:url(https://x.example/f)"/></svg>',
    "stylesheet PI": f'<?xml-stylesheet href="https://x.example/a.css"?>{SVG_HEAD}/>',
    "entity": f'<!DOCTYPE svg [<!ENTITY x "y">]>{SVG_HEAD}/>',
}


@pytest.mark.parametrize("case", list(HOSTILE_SVG))
def test_svg_that_could_run_or_fetch_is_refused(tmp_path: Path, case: str) -> None:
    from site_builder.content import svg

    path = tmp_path / "x.svg"
    path.write_text(HOSTILE_SVG[case], encoding="utf-8")
    with pytest.raises(svg.Unsafe):
        svg.inspect(path)


def test_drawing_svgs_from_editors_pass(tmp_path: Path) -> None:
    from site_builder.content import svg

    inkscape = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
        'width="120" height="80" viewBox="0 0 120 80">'
        '<sodipodi:namedview inkscape:zoom="1"/>'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient>'
        '<filter id="f"><feGaussianBlur stdDeviation="2"/></filter></defs>'
        '<g inkscape:label="Layer 1"><rect width="120" height="80" fill="url(#g)" '
        'style="filter:url(#f)"/><use xlink:href="#g"/>'
        '<image width="4" height="4" href="data:image/png;base64,iVBORw0KGgo="/>'
        "<text>Xín Mần</text></g></svg>"
    )
    path = tmp_path / "logo.svg"
    path.write_text(inkscape, encoding="utf-8")
    assert svg.inspect(path) == (120, 80)
