"""Reading photos: the one code path that `check` and `build` share.

`inspect` is what the loader runs for every raster image (so `check` and `build` refuse
the same files): it opens the file (JPEG, PNG, WebP, HEIC/HEIF only), refuses more than
`MAX_PIXELS` before any pixel is decoded (a 100,000 x 100,000 PNG header is a
decompression bomb, not a photo), then decodes the whole file once at a reduced scale,
so a truncated or damaged file is found here and not halfway through a build.
`upright` is what the build encodes from: the same opening, the same decoding.

Memory stays bounded: a JPEG is decoded by libjpeg at 1/2, 1/4 or 1/8 scale (`draft`),
just big enough for the size asked for, so a 50-megapixel phone photo costs a few MB, not
150 MB. PNG, WebP and HEIC have no such mode; they are decoded whole, which `MAX_PIXELS`
bounds (100 MP x 4 bytes), and reduced at once.

What comes out is upright (EXIF orientation 1-8 applied; HEIC files are turned by
libheif itself), 8-bit, sRGB (an embedded ICC profile, CMYK included, is converted), RGB
or RGBA when the file has transparency.
"""

from __future__ import annotations

import io
import sys
import threading
import warnings
from pathlib import Path

import pillow_heif
from PIL import Image as PILImage
from PIL import ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from site_builder.content.photo_limits import (  # (here without Pillow: content/images.py)
    MAX_PIXELS,
    Damaged,
    Empty,
    Facts,
    NotAnImage,
    TooLarge,
)
from site_builder.filestate import FileState, state_of

pillow_heif.register_heif_opener()
# Pillow warns, naming its own source file, of a damaged EXIF block it then ignores (phones
# and editors write some): the photo is read all the same, its orientation taken as 1;
# nothing a member could act on, printed in the middle of a build's output.
warnings.filterwarnings("ignore", message=r"(Possibly )?[Cc]orrupt EXIF", category=UserWarning)

FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")  # "JPEG" also opens MPO (phones: + depth map)
ORIENTATION = 0x0112
_CHECK_SIZE = (64, 64)  # `inspect` decodes at the smallest scale libjpeg offers


def inspect(path: Path) -> Facts:
    """Facts about a raster image, after decoding all of it once at a small scale."""
    with _open(path) as im:
        width, height = im.size
        if _orientation(im) in (5, 6, 7, 8):  # turned by 90 degrees
            width, height = height, width
        facts = Facts(width, height, _has_alpha(im))
        _decode(im, _CHECK_SIZE)
        _keep(path, im)
    return facts


# The last photo `inspect` decoded whole (not a JPEG: those are checked at 1/8 scale), for
# `upright` to resize without decoding it again: a photo just added is checked by the
# loader, then resized by the build in the same process (the preview, a small site); a
# phone's 12-megapixel HEIC takes ~0.6 s to decode. One photo, of at most KEEP_PIXELS,
# held until another replaces it or `forget` (the end of a build: content/images.py).
KEEP_PIXELS = 24_000_000
_kept: tuple[FileState, PILImage.Image] | None = None


def _keep(path: Path, im: PILImage.Image) -> None:
    global _kept
    state = state_of(path)
    if im.format in ("JPEG", "MPO") or state is None or im.width * im.height > KEEP_PIXELS:
        return
    _kept = (state, im)  # (leaving `with` closes its file, not its pixels)


def forget() -> None:
    """Let go of the photo `inspect` kept (see KEEP_PIXELS)."""
    global _kept
    _kept = None


def _reopen(path: Path) -> PILImage.Image:
    """`_open(path)`, or the photo `inspect` kept of this file as it is now (decoded:
    `upright` reads it and makes new images, never changing it)."""
    kept = _kept
    if kept is not None and kept[0] == state_of(path):
        return kept[1]
    return _open(path)


def size(path: Path) -> tuple[int, int]:
    """The displayed size of the image at `path`, from its header alone."""
    with _open(path) as im:
        width, height = im.size
        return (height, width) if _orientation(im) in (5, 6, 7, 8) else (width, height)


def upright(path: Path, size: tuple[int, int]) -> PILImage.Image:
    """The image at `path` resized to `size` (upright pixels), as 8-bit sRGB RGB/RGBA."""
    with _reopen(path) as im:
        alpha = _has_alpha(im)
        turned = _orientation(im) in (5, 6, 7, 8)
        stored = (size[1], size[0]) if turned else size
        _decode(im, stored)
        out = ImageOps.exif_transpose(_eight_bit(im, alpha))
        if out.size != size:
            out = out.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        out.info = dict(im.info)  # the ICC profile, for the conversion to sRGB
    return _srgb(out, alpha)


# --- the shared steps -----------------------------------------------------------------


_flags = threading.Lock()  # held while a photo is decoded and while WeasyPrint is imported


def strict() -> None:
    """Make Pillow raise on a truncated file again. WeasyPrint sets Pillow's process-wide
    `ImageFile.LOAD_TRUNCATED_IMAGES` when it is imported, after which a photo cut short
    decodes without an error, its missing part grey: in the preview (one process that
    draws PDFs) such a photo passed the check, was remembered as good and published by
    every later build. Our print documents only embed photos checked here."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False


def import_weasyprint() -> None:
    """Import WeasyPrint, which sets Pillow loose, and set Pillow strict again, while no
    photo is being decoded: in the preview the PDFs' thread imports it while the
    rebuild's thread may be checking a photo (`_decode` holds the same lock)."""
    if "weasyprint" in sys.modules and not ImageFile.LOAD_TRUNCATED_IMAGES:
        return
    with _flags:
        import weasyprint  # noqa: F401

        strict()


def _open(path: Path) -> PILImage.Image:
    """Open `path` (header only), refusing what is not a photo or has too many pixels."""
    try:
        if path.stat().st_size == 0:
            raise Empty()
    except OSError as exc:
        raise Damaged() from exc
    saved = PILImage.MAX_IMAGE_PIXELS
    PILImage.MAX_IMAGE_PIXELS = None  # our own limit below, with the sizes in the message
    try:
        im = PILImage.open(path, formats=FORMATS)
    except UnidentifiedImageError as exc:
        raise NotAnImage() from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Damaged() from exc
    finally:
        PILImage.MAX_IMAGE_PIXELS = saved
    width, height = im.size
    if width * height > MAX_PIXELS:
        im.close()
        raise TooLarge(width, height)
    if width < 1 or height < 1:
        im.close()
        raise Damaged()
    return im


def _decode(im: PILImage.Image, stored_size: tuple[int, int]) -> None:
    """Decode every pixel; a JPEG at the smallest scale still at least `stored_size`."""
    try:
        if im.format in ("JPEG", "MPO"):
            im.draft(None, stored_size)
        with _flags:  # (WeasyPrint is not being imported meanwhile: `import_weasyprint`)
            strict()
            im.load()
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise Damaged() from exc


def _orientation(im: PILImage.Image) -> int:
    try:
        value = im.getexif().get(ORIENTATION, 1)
    except (OSError, ValueError, SyntaxError):  # an unreadable EXIF block: shown as stored
        return 1
    return value if isinstance(value, int) else 1


def _has_alpha(im: PILImage.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info


def _eight_bit(im: PILImage.Image, alpha: bool) -> PILImage.Image:
    """Modes a resize works on: 16-bit scaled down (not clipped), palettes expanded.
    CMYK is kept (with its profile) for the colour conversion after resizing."""
    if im.mode.startswith("I;16") or im.mode == "I":
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif im.mode == "F":
        im = im.convert("L")
    if im.mode == "CMYK":
        return im
    mode = "RGBA" if alpha else "RGB"
    return im if im.mode == mode else im.convert(mode)


def _srgb(im: PILImage.Image, alpha: bool) -> PILImage.Image:
    """The image converted to sRGB through its ICC profile, if it has one."""
    mode = "RGBA" if alpha else "RGB"
    icc = im.info.get("icc_profile")
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                im, profile, ImageCms.createProfile("sRGB"), outputMode=mode
            )
            if converted is not None:
                im = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or mismatched profile: treat the pixels as sRGB
    if im.mode != mode:
        im = im.convert(mode)
    im.info = {}  # no EXIF, ICC, comments or dpi carried over
    return im
