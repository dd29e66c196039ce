"""The derivatives a photo is published in (sizes, file types, addresses, `<picture>`),
without Pillow: `check`, outputs.py and the page renderer name them without importing
the encoder (render/images.py, which makes them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from site_builder.content.model import Image
from site_builder.urls import Urls

WIDTHS = (320, 640, 960)

# `sizes` for each place a photo is shown; they mirror templates/assets/site.css
# (main: max 44rem wide with 1rem padding; cards: grid of minmax(9.5rem, 1fr), gap 1rem).
SIZES = {
    "photo": "(min-width: 44rem) 42rem, calc(100vw - 2rem)",
    "card": "(min-width: 32.5rem) 13rem, (min-width: 22rem) calc(50vw - 1.5rem), "
    "calc(100vw - 2rem)",
    "cover": "(min-width: 44rem) 42rem, calc(100vw - 2rem)",
}

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


def fallbacks(image: Image) -> list[Variant]:
    """The JPEG/PNG (or SVG) variants, narrow first."""
    return [v for v in derivatives(image) if v.ext != "webp"]


def largest_fallback(image: Image) -> Variant:
    """The variant link previews and JSON-LD use: the widest JPEG/PNG (or the SVG)."""
    return fallbacks(image)[-1]


def image_url(urls: Urls, kind: str, slug: str, image: Image, variant: Variant) -> str:
    """The site-relative URL of a derivative, percent-encoded (safe inside `srcset`)."""
    return quote(urls.url(urls.image_file(kind, slug, image.file, variant.width, variant.ext)))


def picture(urls: Urls, kind: str, slug: str, image: Image, alt: str, sizes: str) -> dict[str, Any]:
    """What a template needs for <picture>: srcsets, sizes, the fallback src and its size.

    `src` is the middle-width fallback (JPEG or PNG), for browsers without `srcset`.
    """
    variants = derivatives(image)
    webp = [v for v in variants if v.ext == "webp"]
    plain = [v for v in variants if v.ext != "webp"]
    main = plain[len(plain) // 2]

    def srcset(vs: list[Variant]) -> str:
        return ", ".join(f"{image_url(urls, kind, slug, image, v)} {v.width}w" for v in vs)

    return {
        "src": image_url(urls, kind, slug, image, main),
        "srcset": srcset(plain) if webp else "",
        "webp_srcset": srcset(webp),
        "sizes": sizes,
        "width": main.width,
        "height": main.height,
        "alt": alt,
    }
