"""What a photo check says, without Pillow: how large a photo may be (checked by
content/images.py before Pillow is imported, and by content/raster.py before a pixel is
decoded), the facts a check finds and the ways it fails. content/raster.py, which needs
Pillow, does the checking; a command whose photos are all remembered never imports it."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PIXELS = 100_000_000  # 10,000 x 10,000: twice a 50 MP phone photo


class Failure(Exception):
    """What can go wrong when reading an image file (the loader turns it into a message)."""


class Empty(Failure):
    """The file has 0 bytes."""


class NotAnImage(Failure):
    """Not a JPEG, PNG, WebP or HEIC file."""


class Damaged(Failure):
    """Recognised, but its pixels cannot be decoded (truncated, corrupt)."""


class TooLarge(Failure):
    """More than MAX_PIXELS pixels."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"{width} x {height}")
        self.width = width
        self.height = height


@dataclass(frozen=True)
class Facts:
    width: int  # as displayed: EXIF orientation applied
    height: int
    alpha: bool
