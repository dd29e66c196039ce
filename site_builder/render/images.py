"""Photos for phones: a few resized copies of every image, encoded once and cached.

Tourists read the site on phones over weak mountain connections, so the member's
original photo is never shipped. Each raster image becomes a small set of
*derivatives*: widths 320, 640 and 960 px (never wider than the original, aspect
ratio kept), each once as WebP and once as a fallback (JPEG, or PNG when the source
has transparency).

Why `<picture>` with a WebP `<source>` and a JPEG/PNG `<img>`: WebP is about a third
smaller than JPEG at the same look and every current phone browser decodes it, but
some old in-app browsers and iOS < 14 do not; `<picture>` lets each browser pick the
format it can decode, the `<img>` carries width/height/alt/loading for all of them,
and link previews (Facebook, Zalo), which want JPEG or PNG, get the largest fallback.
`srcset` + `sizes` let a 390 px phone fetch the 640 px copy instead of a desktop one.

Any photo a phone or camera makes is accepted as it is (JPEG up to 100 megapixels,
progressive or not, HEIC/HEIF, PNG with transparency, 16-bit, CMYK): content/raster.py
decodes it (a JPEG at reduced scale, so memory stays small), upright, in sRGB. Every
derivative is encoded the same way each time (EXIF/ICC stripped; WebP quality 75, JPEG
quality 80 progressive), so the same source gives the same bytes. Encoded bytes are kept in
`<project>/.site-builder-cache/images/<sha256 of the source>[:20]-<width>.<ext>`
with a JSON sidecar (size, sha256 of the bytes, recipe); an entry whose sidecar does
not match is rebuilt, never trusted. Deleting the cache only costs time.

SVG images are vectors: checked by content/svg.py (drawing only, nothing that could run)
when the content is loaded, then passed through unchanged, as one variant.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import shutil
import tempfile
from pathlib import Path

import PIL
import pillow_heif
from PIL import Image as PILImage

from site_builder.content import photo_limits, raster
from site_builder.content.images import photo_digest
from site_builder.content.model import Image
from site_builder.errors import ContentError
from site_builder.filestate import FileState, settled, state_of
from site_builder.messages import Msg
from site_builder.parallel import parallel_map
from site_builder.render.variants import WIDTHS, Variant
from site_builder.writer import write_atomic

PRINT_WIDTH = 1800  # photos in PDFs: the width of an A5 page at 300 ppi
WEBP_QUALITY = 75
JPEG_QUALITY = 80
# A transparent PNG fallback heavier than this (a photo cut out, not a logo) is saved
# with a 256-colour palette: about 5 times smaller, for the few browsers without WebP.
PNG_FULL_COLOUR_KB = 200
CACHE_DIR = ".site-builder-cache"
# Anything that changes the bytes of a derivative belongs here: a different recipe
# makes every cache entry stale (its sidecar no longer matches).
RECIPE = (
    f"v2 widths={','.join(map(str, WIDTHS))},print{PRINT_WIDTH} webp=q{WEBP_QUALITY}m4 "
    f"jpeg=q{JPEG_QUALITY}p420opt png=opt,p256>{PNG_FULL_COLOUR_KB}k draft lanczos srgb Pillow={PIL.__version__} "
    f"heif={pillow_heif.__version__}"
)


# --- encoding ------------------------------------------------------------------------


def _unreadable(path: Path) -> ContentError:
    return ContentError(
        path,
        None,
        None,
        Msg("'{name}' cannot be read as an image; the file may be damaged.", name=path.name),
        Msg("Open it in an image viewer and save it again as .jpg or .png."),
    )


def encode_all(path: Path, variants: list[Variant]) -> list[bytes]:
    """The bytes of raster derivatives of the image at `path` (no EXIF, no ICC, sRGB).

    The photo is decoded once (content/raster.py: the code `check` ran on it), at the
    size of its widest web variant, and every web variant is resized from that; a print
    copy (wider) from its own decoding. So a variant's bytes do not depend on which
    others are encoded with it.
    """
    if not variants:
        return []
    try:
        width, height = raster.size(path)
        bases: dict[int, PILImage.Image] = {}
        for base in sorted({_base(width, v.width) for v in variants}):
            bases[base] = raster.upright(path, (base, max(1, round(height * base / width))))
    except photo_limits.Failure as exc:
        raise _unreadable(path) from exc
    out = []
    for variant in variants:
        big = bases[_base(width, variant.width)]
        im = big
        if im.size != (variant.width, variant.height):
            im = big.resize((variant.width, variant.height), PILImage.Resampling.LANCZOS)
        buf = io.BytesIO()
        if variant.ext == "webp":
            im.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)
        elif variant.ext == "jpg":
            im.save(
                buf,
                "JPEG",
                quality=JPEG_QUALITY,
                progressive=True,
                optimize=True,
                subsampling="4:2:0",
            )
        else:
            im.save(buf, "PNG", optimize=True)
            if buf.tell() > PNG_FULL_COLOUR_KB * 1024:  # a photo with transparency
                buf = io.BytesIO()
                im.quantize(256, method=PILImage.Quantize.FASTOCTREE).save(
                    buf, "PNG", optimize=True
                )
        out.append(buf.getvalue())
    return out


def _base(width: int, variant_width: int) -> int:
    """The width a variant is resized from: the widest web variant, or itself (print)."""
    return max(min(width, WIDTHS[-1]), variant_width)


def print_variant(image: Image) -> Variant:
    """The copy of a photo that goes into PDFs: at most PRINT_WIDTH wide, JPEG or PNG."""
    width = min(image.width, PRINT_WIDTH)
    height = max(1, round(image.height * width / image.width))
    return Variant(width, height, "png" if image.alpha else "jpg")


_print_caches: dict[Path, ImageCache] = {}


def print_copy(root: Path, image: Image) -> Path:
    """A file WeasyPrint can embed for `image`: upright, sRGB, JPEG/PNG, print-sized.

    Never the original: a phone's HEIC cannot be read by every PDF tool, and a 50 MP
    JPEG would make a booklet page 20 MB. An SVG is a vector and goes in as it is.
    """
    if image.path.suffix.lower() == ".svg":
        return image.path
    cache = _print_caches.setdefault(root, ImageCache(root))
    return cache.file_for(image, print_variant(image))


PARALLEL_FROM = 8  # derivatives to encode; fewer are encoded in this process


class ImageCache:
    """Encoded derivatives, kept across builds below `<root>/.site-builder-cache/images/`.

    `files_for` (and `file_for`, one pair) return paths holding verified bytes; the
    build copies from there.
    `encoded` and `reused` count what happened, for reports and tests.
    """

    def __init__(self, root: Path) -> None:
        self.dir = root / CACHE_DIR / "images"
        self.encoded = 0
        self.reused = 0
        self._digests: dict[FileState, str] = {}
        self._scratch: Path | None = None
        self._checked: dict[Path, FileState] = {}
        self._stored: dict[Path, FileState] = {}  # written by this object: their bytes known

    def files_for(self, pairs: list[tuple[Image, Variant]]) -> list[Path]:
        """The file holding each (image, variant)'s bytes (a vector: the image itself), the
        missing ones encoded first, each photo decoded once for all its sizes: on all cores
        when there are many (a cold build's cost), in this process when a few (a photo
        added: its six sizes from one decoding, not six; a phone's 12-megapixel HEIC takes
        ~0.7 s to decode). Each photo's digest and each derivative's file are looked at
        once, however many pairs share them (a cold build of 2,000 photos names 12,000
        pairs: ~0.23 s alone in the main process when each pair looked twice)."""
        digests: dict[Path, str] = {}
        names: list[str] = []
        for image, variant in pairs:
            if variant.ext == "svg":
                names.append("")
                continue
            digest = digests.get(image.path)
            if digest is None:
                digest = digests[image.path] = self._digest(image.path)
            names.append(f"{digest}-{variant.width}.{variant.ext}")
        found: dict[str, Path] = {}  # name -> the file holding its bytes
        todo: dict[Path, list[tuple[str, Variant]]] = {}  # photo -> its missing sizes
        for (image, variant), name in zip(pairs, names, strict=True):
            if name and name not in found:
                path = found[name] = self.dir / name
                if self._valid(path):
                    self.reused += 1
                else:
                    todo.setdefault(image.path, []).append((name, variant))
        jobs = list(todo.items())
        args = [(path, [v for _, v in vs]) for path, vs in jobs]
        if sum(len(vs) for vs in todo.values()) < PARALLEL_FROM:  # (forking would cost more)
            results = [encode_all(*a) for a in args]
        else:
            results = parallel_map(encode_all, args)
        stored = True  # until the cache cannot be written (read-only project, full disk)
        for (_, vs), datas in zip(jobs, results, strict=True):
            for (name, _), data in zip(vs, datas, strict=True):
                self.encoded += 1
                if stored:
                    try:
                        self._store(found[name], data)
                        continue
                    except OSError:
                        stored = False
                found[name] = self._scratch_file(name, data)  # (the build goes on without it)
        return [found[n] if n else image.path for (image, _), n in zip(pairs, names, strict=True)]

    def file_for(self, image: Image, variant: Variant) -> Path:
        """`files_for` of one pair (a booklet's print copy)."""
        return self.files_for([(image, variant)])[0]

    def _digest(self, path: Path) -> str:
        state = state_of(path)
        if state is not None and state in self._digests:
            return self._digests[state]
        value = photo_digest(path)
        if state is not None and settled(state.mtime_ns):
            self._digests[state] = value
        return value

    @staticmethod
    def _sidecar(path: Path) -> Path:
        return path.with_name(path.name + ".json")

    def _valid(self, path: Path) -> bool:
        """Verified once while the file stays as it was (an ImageCache can outlive a build:
        the preview and the booklets' print copies keep one; the cache may be deleted)."""
        state = state_of(path)
        if state is None:
            self._checked.pop(path, None)
            return False
        if self._checked.get(path) == state or self._stored.get(path) == state:
            return True  # verified, or written here (a cold build's 12,000: not read back)
        if self._verify(path):
            if settled(state.mtime_ns):
                self._checked[path] = state
            return True
        return False

    def _verify(self, path: Path) -> bool:
        try:
            meta = json.loads(self._sidecar(path).read_text(encoding="utf-8"))
            data = path.read_bytes()
        except (OSError, ValueError):
            return False
        return (
            isinstance(meta, dict)
            and meta.get("recipe") == RECIPE
            and meta.get("size") == len(data)
            and meta.get("sha256") == hashlib.sha256(data).hexdigest()
        )

    def _store(self, path: Path, data: bytes) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        meta = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "recipe": RECIPE}
        write_atomic(path, data)  # the bytes first: a missing sidecar means "rebuild"
        write_atomic(self._sidecar(path), json.dumps(meta, sort_keys=True).encode())
        state = state_of(path)  # a new inode (written aside, renamed): replaced = other state
        if state is not None:
            self._stored[path] = state

    def _scratch_file(self, name: str, data: bytes) -> Path:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="site-builder-images-"))
            atexit.register(shutil.rmtree, self._scratch, True)
        path = self._scratch / name
        path.write_bytes(data)
        return path
