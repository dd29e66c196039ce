"""The derivatives a photo is published in (sizes and file types), without Pillow:
`check` and outputs.py list the files a build writes without importing the encoder
(render/images.py, which makes them)."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.content.model import Image

WIDTHS = (320, 640, 960)

_FORMATS = {"webp": "WEBP", "jpg": "JPEG", "png": "PNG", "svg": "SVG"}


@dataclass(frozen=True)
class Variant:
    """One derivative of an image: its pixel size and its file type."""

    width: int
    height: int
    ext: str  # webp | jpg | png | svg

    @property
    def format(self) -> str:
        return _FORMATS[self.ext]


def derivatives(image: Image) -> list[Variant]:
    """The variants to publish for `image`: WebP ones first, then the fallbacks, narrow first.

    Nothing is read: the loader measured the image (upright) when it checked it. Widths
    are `WIDTHS` that the photo exceeds by 15 %, plus the photo's own width up to the
    largest; each width once (a 1,200 px photo gives 320, 640, 960, not 960 twice), and
    never wider than the original.
    """
    if image.path.suffix.lower() == ".svg":
        return [Variant(image.width, image.height, "svg")]
    widths = sorted({w for w in WIDTHS if w * 1.15 <= image.width} | {min(image.width, WIDTHS[-1])})
    sizes = [(w, max(1, round(image.height * w / image.width))) for w in widths]
    fallback = "png" if image.alpha else "jpg"
    return [Variant(w, h, "webp") for w, h in sizes] + [Variant(w, h, fallback) for w, h in sizes]
