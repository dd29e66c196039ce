"""Draw the sample-site illustrations (dolls, OCOP products, booklet cover).

Run from the project root:

    .venv/bin/python tools/make_sample_images.py

Every picture is a simple, stylised drawing made from code (no photographs), saved as a
JPEG of 800 x 1000 pixels (quality 80, well under 80 kB) next to the item it belongs to:

    content/dolls/<slug>/doll.jpg
    content/ocop/<slug>/product.jpg
    booklets/xin-man-gifts-cover.jpg

The output is deterministic: running the script twice gives the same files.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
W, H = 800, 1000
S = 2  # supersampling factor: draw at 2x, then shrink for smooth edges
MAX_BYTES = 80_000  # hard limit
TARGET_BYTES = 70_000  # lower the quality step by step until under this

Color = tuple[int, int, int]
Point = tuple[float, float]

# Costume and packaging colours.
INDIGO = (32, 42, 78)
INDIGO_DARK = (20, 24, 44)
INDIGO_MID = (48, 66, 112)
BLACK = (26, 24, 28)
RED = (196, 32, 48)
PINK = (230, 70, 120)
YELLOW = (246, 196, 40)
GREEN = (40, 150, 90)
SKY = (70, 150, 210)
WHITE = (246, 242, 232)
SILVER = (214, 218, 226)
SKIN = (236, 196, 160)
HAIR = (30, 24, 22)
ORANGE = (238, 120, 40)
PURPLE = (130, 70, 150)

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans covers every Vietnamese letter; fall back to Pillow's own font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return ImageFont.truetype(str(path), size * S)
    return ImageFont.load_default(size * S)


class Canvas:
    """A 2x drawing surface that takes coordinates in final (800 x 1000) pixels."""

    def __init__(self, top: Color, bottom: Color) -> None:
        self.img = Image.new("RGB", (W * S, H * S), top)
        self.d = ImageDraw.Draw(self.img)
        for y in range(H * S):
            t = y / (H * S - 1)
            c = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
            self.d.line([(0, y), (W * S, y)], fill=c)

    # Shapes, all in final-pixel coordinates.
    def poly(self, pts: Sequence[Point], fill: Color, outline: Color | None = None,
             width: int = 0) -> None:
        scaled = [(x * S, y * S) for x, y in pts]
        self.d.polygon(scaled, fill=fill)
        if outline is not None and width:
            self.d.line(scaled + [scaled[0]], fill=outline, width=width * S, joint="curve")

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Color,
             radius: float = 0, outline: Color | None = None, width: int = 0) -> None:
        box = (x0 * S, y0 * S, x1 * S, y1 * S)
        if radius:
            self.d.rounded_rectangle(box, radius * S, fill=fill, outline=outline, width=width * S)
        else:
            self.d.rectangle(box, fill=fill, outline=outline, width=width * S)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Color | None,
                outline: Color | None = None, width: int = 0) -> None:
        box = ((cx - rx) * S, (cy - ry) * S, (cx + rx) * S, (cy + ry) * S)
        self.d.ellipse(box, fill=fill, outline=outline, width=width * S)

    def line(self, pts: Sequence[Point], fill: Color, width: int = 2) -> None:
        self.d.line([(x * S, y * S) for x, y in pts], fill=fill, width=width * S, joint="curve")

    def arc(self, cx: float, cy: float, rx: float, ry: float, start: float, end: float,
            fill: Color, width: int = 2) -> None:
        box = ((cx - rx) * S, (cy - ry) * S, (cx + rx) * S, (cy + ry) * S)
        self.d.arc(box, start, end, fill=fill, width=width * S)

    def text(self, x: float, y: float, s: str, size: int, fill: Color, bold: bool = False,
             anchor: str = "mm") -> None:
        self.d.text((x * S, y * S), s, font=font(size, bold), fill=fill, anchor=anchor)

    def save(self, path: Path) -> int:
        small = self.img.resize((W, H), Image.Resampling.LANCZOS)
        path.parent.mkdir(parents=True, exist_ok=True)
        quality = 80
        while True:
            small.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
            size = path.stat().st_size
            if size < TARGET_BYTES or quality <= 50:
                return size
            quality -= 5


# ---------------------------------------------------------------- scenery and captions

def mountains(c: Canvas, base: float = 700) -> None:
    """Layered blue-green mountains with a few terraced-field lines."""
    layers = [
        ((170, 196, 214), base - 230, 0.004, 60),
        ((132, 170, 150), base - 150, 0.006, 50),
        ((96, 146, 96), base - 70, 0.009, 40),
    ]
    for colour, y0, freq, amp in layers:
        pts: list[Point] = [(0, H)]
        for x in range(0, W + 20, 20):
            y = y0 + amp * math.sin(x * freq + y0) + 0.5 * amp * math.sin(x * freq * 2.7)
            pts.append((x, y))
        pts.append((W, H))
        c.poly(pts, colour)
    # terraces: gentle parallel curves on the nearest slope
    for i in range(7):
        y = base - 40 + i * 26
        pts = [(x, y + 14 * math.sin(x * 0.008 + i * 0.5)) for x in range(0, W + 20, 20)]
        c.line(pts, (150, 196, 110), 3)
    c.rect(0, base + 150, W, H, (70, 112, 70))


def caption(c: Canvas, vi: str, en: str, code: str) -> None:
    c.rect(40, 872, 760, 968, (250, 247, 240), radius=18)
    c.text(400, 904, vi, 30, INDIGO_DARK, bold=True)
    c.text(400, 944, en, 22, (90, 90, 100))
    c.rect(620, 28, 770, 70, (250, 247, 240), radius=12)
    c.text(695, 49, code, 22, INDIGO_DARK, bold=True)


def zigzag(c: Canvas, x0: float, x1: float, y: float, h: float, colour: Color,
           step: float = 16, width: int = 3) -> None:
    pts = []
    x = x0
    up = True
    while x <= x1:
        pts.append((x, y - h / 2 if up else y + h / 2))
        up = not up
        x += step
    c.line(pts, colour, width)


def diamonds(c: Canvas, x0: float, x1: float, y: float, r: float, colours: Sequence[Color],
             gap: float = 6) -> None:
    x = x0 + r
    i = 0
    while x + r <= x1:
        col = colours[i % len(colours)]
        c.poly([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], col)
        x += 2 * r + gap
        i += 1


def crosses(c: Canvas, x0: float, x1: float, y: float, r: float, colour: Color,
            gap: float = 10) -> None:
    x = x0 + r
    while x + r <= x1:
        c.line([(x - r, y - r), (x + r, y + r)], colour, 2)
        c.line([(x - r, y + r), (x + r, y - r)], colour, 2)
        x += 2 * r + gap


def band_in_trapezoid(top_y: float, bot_y: float, top_half: float, bot_half: float,
                      cx: float, y: float) -> tuple[float, float]:
    t = (y - top_y) / (bot_y - top_y)
    half = top_half + (bot_half - top_half) * t
    return cx - half, cx + half


# ---------------------------------------------------------------- doll parts

CX = 400  # the doll's centre line


def head(c: Canvas, y: float = 250, r: float = 62) -> None:
    c.ellipse(CX, y, r, r * 1.06, SKIN)
    c.ellipse(CX - 21, y + 6, 5, 6, HAIR)
    c.ellipse(CX + 21, y + 6, 5, 6, HAIR)
    c.arc(CX, y + 20, 16, 10, 20, 160, (180, 80, 80), 3)
    c.ellipse(CX - 36, y + 26, 10, 6, (240, 170, 160))
    c.ellipse(CX + 36, y + 26, 10, 6, (240, 170, 160))


def arms(c: Canvas, colour: Color, top: float, cuff_colours: Sequence[Color]) -> None:
    for side in (-1, 1):
        sx = CX + side * 88
        pts = [(sx, top), (sx + side * 44, top + 30), (sx + side * 72, top + 240),
               (sx + side * 36, top + 252), (sx + side * 10, top + 70)]
        c.poly(pts, colour)
        # cuff bands
        for i, col in enumerate(cuff_colours):
            y = top + 200 + i * 12
            c.poly([(sx + side * 60, y), (sx + side * 68, y + 12 + 0),
                    (sx + side * 36, y + 22), (sx + side * 32, y + 10)], col)
        c.ellipse(sx + side * 56, top + 268, 16, 16, SKIN)


def legs(c: Canvas, top: float, colour: Color, feet: Color = BLACK) -> None:
    for side in (-1, 1):
        c.rect(CX + side * 40 - 18, top, CX + side * 40 + 18, 800, colour)
        c.ellipse(CX + side * 44, 806, 30, 14, feet)


# ---------------------------------------------------------------- the four dolls

def doll_hmong() -> Canvas:
    c = Canvas((236, 226, 246), (250, 238, 226))
    mountains(c)
    legs(c, 690, INDIGO_DARK)
    # leg wraps (xà cạp)
    for side in (-1, 1):
        for i in range(5):
            y = 720 + i * 16
            c.line([(CX + side * 40 - 18, y), (CX + side * 40 + 18, y + 8)], (70, 70, 90), 3)
    # pleated skirt: batik band, red band, embroidered hem
    top_y, bot_y, th, bh = 500, 720, 110, 200
    c.poly([(CX - th, top_y), (CX + th, top_y), (CX + bh, bot_y), (CX - bh, bot_y)], INDIGO)
    bands = [(530, 580, WHITE), (580, 618, RED), (618, 660, YELLOW), (660, 700, PINK)]
    for y0, y1, col in bands:
        l0, r0 = band_in_trapezoid(top_y, bot_y, th, bh, CX, y0)
        l1, r1 = band_in_trapezoid(top_y, bot_y, th, bh, CX, y1)
        c.poly([(l0, y0), (r0, y0), (r1, y1), (l1, y1)], col)
    left, right = band_in_trapezoid(top_y, bot_y, th, bh, CX, 555)
    diamonds(c, left + 6, right - 6, 555, 9, [INDIGO, SKY])
    left, right = band_in_trapezoid(top_y, bot_y, th, bh, CX, 599)
    zigzag(c, left + 4, right - 4, 599, 14, YELLOW)
    left, right = band_in_trapezoid(top_y, bot_y, th, bh, CX, 639)
    crosses(c, left + 6, right - 6, 639, 6, RED, 8)
    left, right = band_in_trapezoid(top_y, bot_y, th, bh, CX, 680)
    diamonds(c, left + 6, right - 6, 680, 8, [GREEN, YELLOW, WHITE])
    # pleats
    for i in range(-9, 10):
        x_top = CX + i * th / 10
        x_bot = CX + i * bh / 10
        c.line([(x_top, top_y), (x_bot, bot_y)], (20, 20, 40), 1)
    # blouse
    arms(c, BLACK, 330, [PINK, YELLOW, GREEN, SKY])
    c.poly([(CX - 92, 330), (CX + 92, 330), (CX + 112, 510), (CX - 112, 510)], BLACK)
    # apron panel with embroidered top
    c.poly([(CX - 46, 470), (CX + 46, 470), (CX + 54, 740), (CX - 54, 740)], INDIGO_DARK)
    c.rect(CX - 46, 470, CX + 46, 520, RED)
    diamonds(c, CX - 44, CX + 44, 495, 8, [YELLOW, GREEN, WHITE])
    # sash
    c.rect(CX - 112, 496, CX + 112, 512, PINK)
    # embroidered collar strips
    for side in (-1, 1):
        c.poly([(CX + side * 24, 330), (CX + side * 44, 330), (CX + side * 14, 470),
                (CX + side * 0, 470)], RED)
        c.line([(CX + side * 36, 336), (CX + side * 8, 464)], YELLOW, 3)
    # silver neck ring
    c.arc(CX, 330, 58, 26, 0, 180, SILVER, 8)
    c.arc(CX, 340, 66, 32, 0, 180, SILVER, 5)
    head(c)
    # headdress: wrapped scarf with bright bands
    c.ellipse(CX, 200, 84, 44, INDIGO_DARK)
    c.rect(CX - 84, 186, CX + 84, 206, PINK)
    c.rect(CX - 84, 206, CX + 84, 214, YELLOW)
    c.ellipse(CX - 70, 220, 8, 8, SILVER)
    c.ellipse(CX + 70, 220, 8, 8, SILVER)
    caption(c, "Búp bê Mông", "Hmong doll", "XM-D01")
    return c


def doll_dao() -> Canvas:
    c = Canvas((222, 236, 242), (246, 236, 222))
    mountains(c)
    # embroidered trousers
    for side in (-1, 1):
        x0, x1 = CX + side * 42 - 26, CX + side * 42 + 26
        c.rect(x0, 620, x1, 800, INDIGO)
        for i, col in enumerate([WHITE, RED, YELLOW, WHITE, RED]):
            y = 700 + i * 18
            crosses(c, x0 + 2, x1 - 2, y, 5, col, 4)
        c.ellipse(CX + side * 44, 806, 30, 14, BLACK)
    # long tunic split at the sides
    arms(c, INDIGO_DARK, 330, [RED, WHITE, RED])
    c.poly([(CX - 92, 330), (CX + 92, 330), (CX + 118, 690), (CX + 30, 700),
            (CX, 650), (CX - 30, 700), (CX - 118, 690)], INDIGO_DARK)
    # embroidered hem of the tunic
    zigzag(c, CX - 110, CX - 40, 682, 10, RED, 10)
    zigzag(c, CX + 40, CX + 110, 682, 10, RED, 10)
    # front edges with red trim
    c.line([(CX - 12, 330), (CX - 12, 640)], RED, 8)
    c.line([(CX + 12, 330), (CX + 12, 640)], RED, 8)
    # red wool pompoms down the chest and on the shoulders
    for i in range(7):
        y = 360 + i * 36
        c.ellipse(CX - 34, y, 13, 13, RED)
        c.ellipse(CX + 34, y, 13, 13, RED)
    for side in (-1, 1):
        c.ellipse(CX + side * 80, 350, 16, 16, RED)
    # belt with tassels
    c.rect(CX - 108, 520, CX + 108, 540, RED)
    for i in range(6):
        x = CX - 60 + i * 24
        c.line([(x, 540), (x + 2, 590)], RED, 4)
        c.ellipse(x + 2, 594, 6, 6, YELLOW)
    # row of silver coins
    for i in range(6):
        c.ellipse(CX - 50 + i * 20, 470, 8, 8, SILVER, (150, 150, 160), 1)
    head(c)
    # indigo turban with embroidered edge and red tassels
    c.ellipse(CX, 196, 96, 52, INDIGO_DARK)
    c.rect(CX - 94, 206, CX + 94, 220, RED)
    crosses(c, CX - 90, CX + 90, 213, 4, WHITE, 5)
    for side in (-1, 1):
        for i in range(3):
            c.line([(CX + side * 90, 214), (CX + side * (100 + i * 8), 280 + i * 6)], RED, 5)
            c.ellipse(CX + side * (100 + i * 8), 284 + i * 6, 8, 8, RED)
    caption(c, "Búp bê Dao", "Dao doll", "XM-D02")
    return c


def doll_phu_la() -> Canvas:
    c = Canvas((242, 232, 222), (232, 242, 232))
    mountains(c)
    legs(c, 690, INDIGO_DARK)
    # dark skirt with a coloured hem
    c.poly([(CX - 100, 500), (CX + 100, 500), (CX + 150, 720), (CX - 150, 720)], INDIGO_DARK)
    c.poly([(CX - 140, 690), (CX + 140, 690), (CX + 150, 720), (CX - 150, 720)], RED)
    diamonds(c, CX - 140, CX + 140, 705, 7, [YELLOW, WHITE, GREEN])
    # dark-blue blouse
    arms(c, INDIGO_MID, 330, [YELLOW, RED, GREEN, WHITE])
    c.poly([(CX - 92, 330), (CX + 92, 330), (CX + 108, 540), (CX - 108, 540)], INDIGO_MID)
    # patchwork: coloured triangles and squares across the shoulders and sleeves
    patch = [RED, YELLOW, GREEN, PINK, SKY, ORANGE, WHITE, PURPLE]
    k = 0
    for row in range(3):
        y = 340 + row * 30
        for col in range(-5, 5):
            x = CX + col * 18 + (9 if row % 2 else 0)
            colr = patch[k % len(patch)]
            k += 1
            if (row + col) % 2:
                c.poly([(x, y), (x + 18, y), (x + 9, y + 26)], colr)
            else:
                c.poly([(x, y + 26), (x + 18, y + 26), (x + 9, y)], colr)
    for side in (-1, 1):
        for i, colr in enumerate([RED, YELLOW, GREEN, SKY, PINK]):
            y = 400 + i * 22
            x = CX + side * (108 + i * 6)
            c.rect(min(x, x + side * 22), y, max(x, x + side * 22), y + 18, colr)
    # embroidered front band and a sash
    c.rect(CX - 16, 440, CX + 16, 540, RED)
    diamonds(c, CX - 14, CX + 14, 460, 7, [YELLOW])
    diamonds(c, CX - 14, CX + 14, 490, 7, [WHITE])
    diamonds(c, CX - 14, CX + 14, 520, 7, [GREEN])
    c.rect(CX - 108, 536, CX + 108, 556, PINK)
    head(c)
    # headscarf: dark cloth with colourful patch squares
    c.ellipse(CX, 198, 90, 46, INDIGO_DARK)
    for i, colr in enumerate([RED, YELLOW, GREEN, PINK, SKY, ORANGE, RED]):
        x = CX - 84 + i * 24
        c.rect(x, 196, x + 20, 216, colr)
    c.poly([(CX + 70, 200), (CX + 120, 260), (CX + 96, 270), (CX + 60, 214)], INDIGO_DARK)
    c.rect(CX + 94, 256, CX + 122, 272, RED)
    caption(c, "Búp bê Phù Lá", "Phu La doll", "XM-D03")
    return c


def doll_nung() -> Canvas:
    c = Canvas((226, 238, 246), (240, 244, 232))
    mountains(c)
    # wide indigo trousers
    for side in (-1, 1):
        c.poly([(CX + side * 8, 600), (CX + side * 86, 600), (CX + side * 80, 800),
                (CX + side * 14, 800)], INDIGO)
        c.ellipse(CX + side * 46, 808, 32, 14, BLACK)
    # knee-length indigo blouse with side fastening
    arms(c, INDIGO, 330, [INDIGO_DARK])
    c.poly([(CX - 92, 330), (CX + 92, 330), (CX + 122, 640), (CX - 122, 640)], INDIGO)
    c.line([(CX - 20, 334), (CX + 20, 372), (CX + 60, 380), (CX + 66, 640)], INDIGO_DARK, 5)
    for x, y in [(CX + 8, 362), (CX + 34, 376), (CX + 62, 420), (CX + 63, 470)]:
        c.ellipse(x, y, 7, 7, SILVER, (140, 140, 150), 1)
    # sash
    c.rect(CX - 112, 520, CX + 112, 540, INDIGO_DARK)
    c.line([(CX - 70, 540), (CX - 76, 620)], INDIGO_DARK, 10)
    # silver chain necklace with a pendant
    c.arc(CX, 340, 54, 70, 10, 170, SILVER, 4)
    for i in range(11):
        a = math.radians(15 + i * 15)
        c.ellipse(CX + 54 * math.cos(a), 340 + 70 * math.sin(a), 4, 4, SILVER)
    c.poly([(CX - 12, 412), (CX + 12, 412), (CX, 432)], SILVER)
    head(c)
    # indigo headscarf wrapped round the head, one end tucked at the side
    c.ellipse(CX, 204, 80, 40, INDIGO_DARK)
    for i in range(3):
        c.arc(CX, 214 - i * 12, 78, 26, 200, 340, INDIGO_MID, 3)
    c.poly([(CX - 70, 206), (CX - 112, 236), (CX - 100, 250), (CX - 58, 222)], INDIGO_DARK)
    c.line([(CX - 112, 236), (CX - 100, 250)], INDIGO_MID, 3)
    caption(c, "Búp bê Nùng", "Nung doll", "XM-D04")
    return c


# ---------------------------------------------------------------- OCOP products

def ocop_badge(c: Canvas, stars: int, x: float = 120, y: float = 120) -> None:
    c.ellipse(x, y, 74, 74, (200, 40, 40))
    c.ellipse(x, y, 64, 64, None, YELLOW, 3)
    c.text(x, y - 16, "OCOP", 26, WHITE, bold=True)
    c.text(x, y + 20, "★" * stars, 20, YELLOW)


def star_leaf(c: Canvas, x: float, y: float, length: float, angle: float, colour: Color) -> None:
    a = math.radians(angle)
    dx, dy = math.cos(a), math.sin(a)
    nx, ny = -dy, dx
    w = length * 0.32
    tip = (x + dx * length, y + dy * length)
    mid = (x + dx * length / 2, y + dy * length / 2)
    c.poly([(x, y), (mid[0] + nx * w, mid[1] + ny * w), tip,
            (mid[0] - nx * w, mid[1] - ny * w)], colour)
    c.line([(x, y), tip], (30, 90, 50), 2)


def product_tea(path: Path) -> int:
    c = Canvas((228, 240, 222), (246, 242, 228))
    mountains(c, 760)
    # kraft-paper bag
    c.poly([(250, 250), (550, 250), (570, 800), (230, 800)], (196, 156, 104))
    c.poly([(250, 250), (550, 250), (540, 220), (260, 220)], (176, 136, 88))
    c.rect(262, 232, 538, 242, (150, 112, 70))
    # green label
    c.rect(270, 380, 530, 700, (34, 110, 70), radius=14)
    c.rect(284, 394, 516, 686, None, radius=10, outline=(220, 200, 120), width=2)
    for i in range(-2, 3):
        star_leaf(c, 400, 620, 80, -90 + i * 26, (120, 200, 120))
    c.ellipse(400, 620, 8, 8, (220, 200, 120))
    c.text(400, 440, "CHÈ", 38, WHITE, bold=True)
    c.text(400, 486, "SHAN TUYẾT", 30, (240, 226, 160), bold=True)
    c.text(400, 662, "200 g", 22, WHITE)
    # loose leaves in front
    for i, (x, y, ang) in enumerate([(180, 770, -30), (610, 780, 200), (640, 740, 230),
                                      (160, 730, -60)]):
        star_leaf(c, x, y, 60, ang, (60 + i * 10, 140, 70))
    ocop_badge(c, 4)
    caption(c, "Chè Shan tuyết", "Shan tuyết tea", "XM-P01")
    return c.save(path)


def product_honey(path: Path) -> int:
    c = Canvas((250, 236, 204), (246, 242, 226))
    mountains(c, 760)
    # honeycomb in the background
    r = 34
    for row in range(6):
        for col in range(7):
            x = 470 + col * r * 1.75 + (r * 0.87 if row % 2 else 0)
            y = 200 + row * r * 1.5
            pts = [(x + r * math.cos(math.radians(60 * k + 30)),
                    y + r * math.sin(math.radians(60 * k + 30))) for k in range(6)]
            c.poly(pts, (240, 190, 60), (214, 150, 30), 3)
    # glass jar filled with honey
    c.rect(250, 330, 550, 800, (250, 250, 250), radius=40)
    c.rect(262, 380, 538, 788, (214, 136, 20), radius=34)
    c.rect(262, 380, 538, 430, (236, 170, 40), radius=20)
    c.rect(280, 400, 300, 760, (246, 196, 90), radius=8)  # highlight
    c.rect(270, 270, 530, 340, (120, 70, 30), radius=12)  # lid
    for x in range(284, 530, 16):
        c.line([(x, 276), (x, 334)], (90, 50, 20), 2)
    # label
    c.rect(300, 500, 500, 680, (250, 244, 226), radius=12)
    c.text(400, 540, "MẬT ONG", 30, (120, 70, 30), bold=True)
    c.text(400, 578, "hoa rừng", 24, (120, 70, 30))
    c.text(400, 640, "500 ml", 22, (120, 70, 30))
    # a little bee
    bx, by = 640, 520
    c.ellipse(bx - 12, by - 26, 16, 12, (230, 240, 250))
    c.ellipse(bx + 12, by - 26, 16, 12, (230, 240, 250))
    c.ellipse(bx, by, 30, 20, YELLOW)
    for dx in (-10, 4, 18):
        c.line([(bx + dx, by - 18), (bx + dx, by + 18)], BLACK, 5)
    c.ellipse(bx - 32, by, 10, 10, BLACK)
    ocop_badge(c, 4)
    caption(c, "Mật ong hoa rừng", "Wild-flower honey", "XM-P02")
    return c.save(path)


def product_herbal_bath(path: Path) -> int:
    c = Canvas((224, 238, 226), (242, 240, 228))
    mountains(c, 760)
    # cloth pouch tied with red string
    c.poly([(260, 360), (540, 360), (580, 800), (220, 800)], (222, 210, 180))
    c.poly([(300, 300), (500, 300), (540, 360), (260, 360)], (210, 196, 160))
    c.rect(270, 350, 530, 370, RED)
    c.line([(400, 360), (370, 420)], RED, 5)
    c.line([(400, 360), (430, 420)], RED, 5)
    # dried leaves peeking out of the pouch
    for i, ang in enumerate([-120, -100, -80, -60, -140, -40]):
        star_leaf(c, 400, 310, 110 - i * 6, ang, [(110, 130, 60), (140, 120, 60),
                                                  (90, 120, 70)][i % 3])
    # woven-pattern label
    c.rect(290, 480, 510, 700, INDIGO, radius=12)
    zigzag(c, 300, 500, 500, 10, RED, 12)
    zigzag(c, 300, 500, 680, 10, RED, 12)
    c.text(400, 560, "LÁ TẮM", 30, WHITE, bold=True)
    c.text(400, 600, "người Dao", 24, (240, 226, 160))
    c.text(400, 646, "250 g", 22, WHITE)
    # leaves around
    for x, y, ang in [(170, 700, -40), (640, 720, 220), (150, 620, -70), (660, 640, 250)]:
        star_leaf(c, x, y, 70, ang, (80, 130, 70))
    ocop_badge(c, 3)
    caption(c, "Lá tắm người Dao", "Dao herbal bath", "XM-P03")
    return c.save(path)


def product_rice(path: Path) -> int:
    c = Canvas((244, 232, 196), (244, 240, 226))
    mountains(c, 700)
    # golden terraces instead of green
    for i in range(5):
        y = 560 + i * 34
        pts = [(x, y + 16 * math.sin(x * 0.01 + i)) for x in range(0, W + 20, 20)]
        c.line(pts, (226, 186, 70), 6)
    # cloth sack
    c.poly([(250, 360), (550, 360), (590, 810), (210, 810)], (238, 228, 204))
    c.poly([(280, 300), (520, 300), (550, 360), (250, 360)], (228, 216, 188))
    c.rect(262, 350, 538, 370, (150, 110, 60))
    # rice grains spilling
    for i in range(70):
        x = 200 + (i * 97) % 400
        y = 790 + (i * 37) % 40
        c.ellipse(x, y, 6, 3, WHITE)
    # label with a rice stalk
    c.rect(290, 450, 510, 720, (150, 60, 40), radius=14)
    c.line([(400, 690), (400, 540)], YELLOW, 3)
    for k in range(7):
        y = 550 + k * 18
        c.ellipse(392, y, 6, 10, YELLOW)
        c.ellipse(408, y + 8, 6, 10, YELLOW)
    c.text(400, 486, "GẠO", 34, WHITE, bold=True)
    c.text(400, 700, "2 kg", 22, WHITE)
    ocop_badge(c, 3)
    caption(c, "Gạo ruộng bậc thang", "Terrace rice", "XM-P04")
    return c.save(path)


# ---------------------------------------------------------------- booklet cover

def booklet_cover(path: Path) -> int:
    c = Canvas((36, 48, 92), (120, 150, 190))
    mountains(c, 800)
    c.text(400, 110, "Quà tặng Xín Mần", 52, WHITE, bold=True)
    c.text(400, 176, "Xín Mần Gifts", 34, (240, 226, 160))
    c.line([(220, 216), (580, 216)], (240, 226, 160), 2)
    c.text(400, 250, "Búp bê · OCOP · Du lịch", 24, WHITE)
    c.text(400, 284, "Dolls · OCOP products · Visiting", 20, (220, 226, 240))
    # four cards, each a crop of one doll drawing
    card_w, card_h, gap = 166, 340, 18
    x = (W - 4 * card_w - 3 * gap) / 2
    for draw in (doll_hmong, doll_dao, doll_phu_la, doll_nung):
        doll = draw().img.crop((230 * S, 130 * S, 570 * S, 830 * S))
        doll = doll.resize((card_w * S, round(card_w * S * doll.height / doll.width)),
                           Image.Resampling.LANCZOS)
        y = 380
        c.rect(x - 6, y - 6, x + card_w + 6, y + card_h + 6, (250, 247, 240), radius=14)
        c.img.paste(doll.crop((0, 0, card_w * S, card_h * S)), (round(x * S), round(y * S)))
        x += card_w + gap
    c.rect(40, 872, 760, 968, (250, 247, 240), radius=18)
    c.text(400, 904, "HTX thanh niên Búp bê Xín Mần (ví dụ)", 24, INDIGO_DARK, bold=True)
    c.text(400, 944, "Sample booklet · Sách mẫu", 20, (90, 90, 100))
    return c.save(path)


def saved(draw: Callable[[], Canvas]) -> Callable[[Path], int]:
    return lambda path: draw().save(path)


JOBS: list[tuple[str, Callable[[Path], int]]] = [
    ("content/dolls/hmong/doll.jpg", saved(doll_hmong)),
    ("content/dolls/dao/doll.jpg", saved(doll_dao)),
    ("content/dolls/phu-la/doll.jpg", saved(doll_phu_la)),
    ("content/dolls/nung/doll.jpg", saved(doll_nung)),
    ("content/ocop/shan-tuyet-tea/product.jpg", product_tea),
    ("content/ocop/wild-honey/product.jpg", product_honey),
    ("content/ocop/dao-herbal-bath/product.jpg", product_herbal_bath),
    ("content/ocop/terrace-rice/product.jpg", product_rice),
    ("booklets/xin-man-gifts-cover.jpg", booklet_cover),
]


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else ROOT
    worst = 0
    for rel, draw in JOBS:
        size = draw(root / rel)
        worst = max(worst, size)
        print(f"{rel}: {size / 1000:.1f} kB")
    if worst >= MAX_BYTES:
        print(f"error: an image is {worst} bytes, over {MAX_BYTES}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
