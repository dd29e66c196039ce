"""Image references in content: stay inside the content, exist, and decode."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from site_builder.content.model import Image
from site_builder.content.schema import Problem
from site_builder.messages import Msg

EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".svg"}
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000


def load_image(folder: Path, name: object) -> Image:
    """Check one image named in `folder`'s file and read its size."""
    if not isinstance(name, str) or not name.strip():
        raise Problem(Msg("expected an image file name such as doll.jpg."))
    name = name.strip()
    if name.startswith(("/", "\\")) or ".." in Path(name).parts or re.match(r"^[a-zA-Z]:", name):
        raise Problem(
            Msg("'{name}' points outside this folder.", name=name),
            Msg("Put the image in the same folder and write only its file name."),
        )
    path = folder / name
    if path.suffix.lower() not in EXTENSIONS:
        raise Problem(
            Msg("'{name}' is not a supported image type.", name=name),
            Msg("Use a .jpg, .png, .webp or .svg file."),
        )
    if not path.is_file():
        near = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS)
        hint = (
            Msg("Images in this folder: {names}.", names=", ".join(near))
            if near
            else Msg(
                "Copy the image into this folder, or correct the name (capital letters count)."
            )
        )
        raise Problem(Msg("the image '{name}' does not exist.", name=name), hint)
    real = _resolve(path, folder)
    if real is None:
        raise Problem(
            Msg("'{name}' is a link to a file outside this folder.", name=name),
            Msg("Copy the image itself into the folder."),
        )
    size = real.stat().st_size
    if size > MAX_BYTES:
        raise Problem(
            Msg(
                "'{name}' is {size:.1f} MB; the limit is {limit} MB.",
                name=name,
                size=size / 1024 / 1024,
                limit=MAX_BYTES // 1024 // 1024,
            ),
            Msg("Make the photo smaller (e.g. 2000 pixels wide) before adding it."),
        )
    if path.suffix.lower() == ".svg":
        width, height = _svg_size(real, name)
    else:
        width, height = _raster_size(real, name)
    return Image(file=name, path=real, width=width, height=height)


def _resolve(path: Path, folder: Path) -> Path | None:
    """`path.resolve()`, or None when that lies outside `folder` (a link out of it).

    A plain file in `folder` that is no link resolves to the folder's real path plus its
    name; checking that (one `lstat`) spares resolving every parent directory again.
    """
    home = folder.resolve()
    if os.name == "posix" and path.parent == folder and not path.is_symlink():
        return home / path.name
    real = path.resolve()
    return real if real.is_relative_to(home) else None


def _raster_size(path: Path, name: str) -> tuple[int, int]:
    try:
        with PILImage.open(path) as im:
            width, height = im.size
            if width * height > MAX_PIXELS:
                raise Problem(
                    Msg(
                        "'{name}' is {width} x {height} pixels, too large to process.",
                        name=name,
                        width=width,
                        height=height,
                    ),
                    Msg("Resize it to at most 4000 pixels on its longest side."),
                )
            im.verify()
    except Problem:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Problem(
            Msg("'{name}' cannot be read as an image; the file may be damaged.", name=name),
            Msg("Open it in an image viewer and save it again as .jpg or .png."),
        ) from exc
    return width, height


def _svg_size(path: Path, name: str) -> tuple[int, int]:
    head = path.read_bytes()[:4096].decode("utf-8", "replace")
    tag = re.search(r"<svg\b[^>]*>", head)
    if not tag:
        raise Problem(
            Msg("'{name}' is not an SVG image.", name=name),
            Msg("Export it again as SVG, or use .png."),
        )
    box = re.search(r'viewBox="\s*[\d.+-]+[\s,]+[\d.+-]+[\s,]+([\d.]+)[\s,]+([\d.]+)', tag.group(0))
    w = re.search(r'\bwidth="([\d.]+)(px)?"', tag.group(0))
    h = re.search(r'\bheight="([\d.]+)(px)?"', tag.group(0))
    if w and h:
        return round(float(w.group(1))), round(float(h.group(1)))
    if box:
        return round(float(box.group(1))), round(float(box.group(2)))
    raise Problem(
        Msg("'{name}' has no width/height or viewBox.", name=name),
        Msg("Add a viewBox to the <svg> tag."),
    )
