"""Page images drawn from known text (Pillow, fonts on this machine), with each word's box."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "cyrillic": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "chinese": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
}


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path = FONTS[name]
    if not Path(path).exists():
        pytest.skip(f"font {path} is missing: run scripts/system-deps.sh")
    return ImageFont.truetype(path, size)


def draw_page(
    lines: list[str], face: str, size: int = 40, width: int = 1200, height: int = 900
) -> tuple[bytes, dict[str, tuple[int, int, int, int]]]:
    """A PNG page with ``lines`` of text, and each word's box (x, y, w, h) as drawn."""
    image = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    typeface = font(face, size)
    boxes: dict[str, tuple[int, int, int, int]] = {}
    y = 80
    for line in lines:
        x = 80
        for word in line.split(" "):
            left, top, right, bottom = draw.textbbox((x, y), word, font=typeface)
            draw.text((x, y), word, font=typeface, fill=(20, 20, 20))
            boxes[word] = (left, top, right - left, bottom - top)
            x = right + size // 2
        y += int(size * 1.8)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), boxes


def near(found: list[int], drawn: tuple[int, int, int, int], tolerance: int = 12) -> bool:
    """The box OCR found lies on the drawn word (each edge within ``tolerance`` pixels)."""
    fx, fy, fw, fh = found
    dx, dy, dw, dh = drawn
    return (
        abs(fx - dx) <= tolerance
        and abs(fy - dy) <= tolerance
        and abs(fx + fw - dx - dw) <= tolerance
        and abs(fy + fh - dy - dh) <= tolerance
    )
