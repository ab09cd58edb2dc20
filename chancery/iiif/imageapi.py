"""IIIF Image API 3.0 requests, level 1 plus most level 2 features, rendered with Pillow.

``{region}/{size}/{rotation}/{quality}.{format}`` is parsed into an :class:`ImageRequest`
(ImageRequestError, a 400, names the bad parameter) and applied to a page image.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PIL import Image, ImageOps

#: Largest output we make, in pixels; ``max`` is bounded by it.
MAX_AREA = 25_000_000
TILE_SIZE = 512
FORMATS = {
    "jpg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
}
QUALITIES = ("default", "color", "gray", "bitonal")
EXTRA_FEATURES = [
    "baseUriRedirect", "cors", "jsonldMediaType", "mirroring", "regionByPct", "regionByPx",
    "regionSquare", "rotationArbitrary", "rotationBy90s", "sizeByConfinedWh", "sizeByH",
    "sizeByPct", "sizeByW", "sizeByWh", "sizeUpscaling",
]  # fmt: skip

_NUM = r"\d+(?:\.\d+)?"
_REGION_PX = re.compile(r"^(\d+),(\d+),(\d+),(\d+)$")
_REGION_PCT = re.compile(rf"^pct:({_NUM}),({_NUM}),({_NUM}),({_NUM})$")
_SIZE_WH = re.compile(r"^(!)?(\d+)?,(\d+)?$")
_SIZE_PCT = re.compile(rf"^pct:({_NUM})$")
_ROTATION = re.compile(rf"^(!)?({_NUM})$")


class ImageRequestError(ValueError):
    """A request the server will not fulfil; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ImageRequest:
    box: tuple[int, int, int, int]  # left, top, right, bottom in source pixels
    size: tuple[int, int]
    mirror: bool
    rotation: float
    quality: str
    format: str

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][1]

    @property
    def cache_name(self) -> str:
        """A file name unique to the output (the canonical form of the request)."""
        left, top, right, bottom = self.box
        mirror = "m" if self.mirror else ""
        return (
            f"{left}_{top}_{right - left}_{bottom - top}-{self.size[0]}_{self.size[1]}"
            f"-{mirror}{self.rotation:g}-{self.quality}.{self.format}"
        )


def _region(text: str, width: int, height: int) -> tuple[int, int, int, int]:
    if text == "full":
        return 0, 0, width, height
    if text == "square":
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 2
        return left, top, left + side, top + side
    if m := _REGION_PX.match(text):
        x, y, w, h = (int(g) for g in m.groups())
    elif m := _REGION_PCT.match(text):
        px, py, pw, ph = (float(g) for g in m.groups())
        x, y = round(px * width / 100), round(py * height / 100)
        w, h = round(pw * width / 100), round(ph * height / 100)
    else:
        raise ImageRequestError(f"region: {text!r} is not full, square, x,y,w,h or pct:x,y,w,h")
    if w <= 0 or h <= 0:
        raise ImageRequestError(f"region: {text!r} has zero width or height")
    if x >= width or y >= height:
        raise ImageRequestError(f"region: {text!r} lies outside the {width}×{height} image")
    return x, y, min(x + w, width), min(y + h, height)


def _size(text: str, rw: int, rh: int) -> tuple[int, int]:
    upscale = text.startswith("^")
    spec = text[1:] if upscale else text
    max_scale = math.sqrt(MAX_AREA / (rw * rh))
    if spec == "max":
        scale = max_scale if upscale else min(1.0, max_scale)
        w, h = rw * scale, rh * scale
    elif m := _SIZE_PCT.match(spec):
        scale = float(m.group(1)) / 100
        w, h = rw * scale, rh * scale
    elif m := _SIZE_WH.match(spec):
        confined, sw, sh = m.group(1), m.group(2), m.group(3)
        if sw is None and sh is None:
            raise ImageRequestError(f"size: {text!r} gives neither width nor height")
        sw_n = int(sw) if sw else None
        sh_n = int(sh) if sh else None
        if confined:
            if sw_n is None or sh_n is None:
                raise ImageRequestError(f"size: {text!r} (!w,h) needs both width and height")
            scale = min(sw_n / rw, sh_n / rh)
            w, h = rw * scale, rh * scale
        elif sw_n is not None and sh_n is not None:
            w, h = sw_n, sh_n
        elif sw_n is not None:
            w, h = sw_n, rh * sw_n / rw
        else:
            w, h = rw * sh_n / rh, sh_n
    else:
        raise ImageRequestError(f"size: {text!r} is not max, w,, ,h, w,h, !w,h or pct:n")
    w, h = max(1, round(w)), max(1, round(h))
    if not upscale and (w > rw or h > rh):
        raise ImageRequestError(
            f"size: {text!r} is larger than the {rw}×{rh} region; prefix ^ to upscale"
        )
    if w * h > MAX_AREA:
        raise ImageRequestError(f"size: {text!r} exceeds the {MAX_AREA}-pixel limit")
    return w, h


def parse(region, size, rotation, quality, fmt, width: int, height: int) -> ImageRequest:
    """Validate the path parameters against a ``width``×``height`` image."""
    box = _region(region, width, height)
    out = _size(size, box[2] - box[0], box[3] - box[1])
    m = _ROTATION.match(rotation)
    if not m or float(m.group(2)) > 360:
        raise ImageRequestError(f"rotation: {rotation!r} is not a number from 0 to 360 (or !n)")
    if quality not in QUALITIES:
        raise ImageRequestError(f"quality: {quality!r} is not one of {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        raise ImageRequestError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    degrees = float(m.group(2)) % 360
    return ImageRequest(box, out, bool(m.group(1)), degrees, quality, fmt)


def render(source: Image.Image, request: ImageRequest) -> Image.Image:
    """Apply region, size, mirroring, rotation and quality (in the spec's order)."""
    full_w, _ = _original_size(source)
    left, top, right, bottom = request.box
    # JPEG can decode at 1/2, 1/4, 1/8 scale: much faster for zoomed-out tiles.
    if source.format == "JPEG":
        scale = request.size[0] / (right - left)
        source.draft("RGB", (math.ceil(source.width * scale), math.ceil(source.height * scale)))
    factor = source.width / full_w
    box = (left * factor, top * factor, right * factor, bottom * factor)
    image = source.convert("RGBA" if _has_alpha(source) else "RGB")
    image = image.resize(request.size, Image.Resampling.LANCZOS, box=box)
    if request.mirror:
        image = ImageOps.mirror(image)
    if request.rotation:
        fill = (255, 255, 255, 0) if image.mode == "RGBA" else (255, 255, 255)
        image = image.rotate(-request.rotation, expand=True, fillcolor=fill)
    if request.quality == "gray":
        image = image.convert("L")
    elif request.quality == "bitonal":
        image = image.convert("1")
    if request.format == "jpg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _original_size(image: Image.Image) -> tuple[int, int]:
    """The size before any ``draft`` (Pillow keeps it for JPEG as ``_size`` only)."""
    return getattr(image, "_iiif_full_size", image.size)


def open_source(path) -> Image.Image:
    image = Image.open(path)
    image._iiif_full_size = image.size  # type: ignore[attr-defined]
    return image


def scale_factors(width: int, height: int) -> list[int]:
    """Powers of two until the whole image fits in one tile."""
    factors, f = [1], 1
    while max(width, height) / f > TILE_SIZE:
        f *= 2
        factors.append(f)
    return factors


def info(base_id: str, width: int, height: int) -> dict:
    """The image's ``info.json`` document."""
    sizes = []
    for f in reversed(scale_factors(width, height)):
        w, h = math.ceil(width / f), math.ceil(height / f)
        if w * h <= MAX_AREA:
            sizes.append({"width": w, "height": h})
    return {
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": base_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level1",
        "width": width,
        "height": height,
        "maxArea": MAX_AREA,
        "sizes": sizes,
        "tiles": [{"width": TILE_SIZE, "scaleFactors": scale_factors(width, height)}],
        "extraFormats": ["png", "webp"],
        "extraQualities": ["color", "gray", "bitonal"],
        "extraFeatures": EXTRA_FEATURES,
    }
