"""`print_crop:` in item.yaml: the part of a photo to print, when the whole is not wanted.

Printed photos are whole by default (never cut to fit a frame). An item may ask for
a crop box per image, in percent of the photo's width and height:

    print_crop:
      doll.jpg: [10, 0, 90, 80]   # left, top, right, bottom (0 0 100 100 = whole photo)

The box is cut with Pillow into a copy in the build cache, so the PDF holds only
that part and its printed shape is the box's shape.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

from site_builder.content import schema as s
from site_builder.messages import Msg

Box = tuple[float, float, float, float]  # left, top, right, bottom, percent
EXAMPLE = "doll.jpg: [10, 0, 90, 80]"


def print_crop(value: Any) -> dict[str, Box]:
    """The checker of the field: image file name -> crop box."""
    if not isinstance(value, dict):
        raise s.Problem(
            Msg("expected image names with a crop box, found {found}.", found=s.describe(value)),
            Msg(
                "Write one line per photo, e.g. '{example}' (left, top, right, bottom in %).",
                example=EXAMPLE,
            ),
        )
    out: dict[str, Box] = {}
    for name, box in value.items():
        numbers = box if isinstance(box, list) else None
        ok = (
            numbers is not None
            and len(numbers) == 4
            and all(
                not isinstance(n, bool)
                and isinstance(n, (int, float))
                and math.isfinite(n)
                and 0 <= n <= 100
                for n in numbers
            )
        )
        if not ok or numbers is None or numbers[0] >= numbers[2] or numbers[1] >= numbers[3]:
            raise s.Problem(
                Msg(
                    "the crop box of {name} must be four numbers from 0 to 100 (left, top, "
                    "right, bottom), left < right and top < bottom; found {found}.",
                    name=str(name),
                    found=_shown(box),
                ),
                Msg(
                    "e.g. '{name}: [10, 0, 90, 80]' keeps 10-90 % of the width and the top "
                    "80 % of the height.",
                    name=str(name),
                ),
                (str(name),),
            )
        out[str(name)] = (
            float(numbers[0]),
            float(numbers[1]),
            float(numbers[2]),
            float(numbers[3]),
        )
    return out


def cropped_copy(source: Path, box: Box, folder: Path) -> Path:
    """The `box` part of `source`, as a file in `folder` (named by its inputs, kept)."""
    from PIL import Image, ImageOps

    data = source.read_bytes()
    key = hashlib.sha256(data + repr(box).encode()).hexdigest()[:24]
    target = folder / f"crop-{key}.png"
    if target.is_file():
        return target
    with Image.open(source) as im:
        image = ImageOps.exif_transpose(im)
        w, h = image.size
        left, top, right, bottom = box
        part = image.crop(
            (
                round(w * left / 100),
                round(h * top / 100),
                round(w * right / 100),
                round(h * bottom / 100),
            )
        )
        folder.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(".tmp")
        part.convert("RGB").save(temp, "PNG", optimize=False)
        temp.replace(target)
    return target


def _shown(box: Any) -> str:
    """A box as the member wrote it: [50, 0, 40, 100]; anything else described."""
    if isinstance(box, list) and all(isinstance(n, (int, float, str)) for n in box):
        return "[" + ", ".join(str(n) for n in box) + "]"
    return s.describe(box)
