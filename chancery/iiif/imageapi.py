"""IIIF Image API 3.0 requests, level 1 plus most level 2 features, rendered with Pillow.

``{region}/{size}/{rotation}/{quality}.{format}`` is parsed into an :class:`ImageRequest`
(ImageRequestError, a 400, names the bad parameter) and applied to a page image.

Every request is bounded before any pixel is decoded: the output by ``maxArea``,
``maxWidth`` and ``maxHeight`` (settings, advertised in info.json; ``max`` and ``^`` sizes
are clamped to them), rotation to multiples of 90° (optionally mirrored), and the decoding
by CHANCERY_IIIF_DECODE_MAX_PIXELS after JPEG's reduced-scale ``draft`` (a 413 above it).
Equivalent requests share one :attr:`ImageRequest.cache_name`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings
from PIL import Image

TILE_SIZE = 512
FORMATS = {
    "jpg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
}
QUALITIES = ("default", "color", "gray", "bitonal")
ROTATIONS = (0, 90, 180, 270)
EXTRA_FEATURES = [
    "baseUriRedirect", "cors", "jsonldMediaType", "mirroring", "regionByPct", "regionByPx",
    "regionSquare", "rotationBy90s", "sizeByConfinedWh", "sizeByH", "sizeByPct", "sizeByW",
    "sizeByWh", "sizeUpscaling",
]  # fmt: skip
# Quarter turns clockwise (IIIF) as Pillow transpositions (Pillow turns anticlockwise).
_TURNS = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}

_NUM = r"\d+(?:\.\d+)?"
_REGION_PX = re.compile(r"^(\d+),(\d+),(\d+),(\d+)$")
_REGION_PCT = re.compile(rf"^pct:({_NUM}),({_NUM}),({_NUM}),({_NUM})$")
_SIZE_WH = re.compile(r"^(!)?(\d+)?,(\d+)?$")
_SIZE_PCT = re.compile(rf"^pct:({_NUM})$")
_ROTATION = re.compile(rf"^(!)?({_NUM})$")


def max_area() -> int:
    return settings.IIIF_MAX_AREA


def max_side() -> int:
    return settings.IIIF_MAX_SIDE


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
    rotation: int  # 0, 90, 180 or 270
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
            f"-{mirror}{self.rotation}-{self.quality}.{self.format}"
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


def _limits(rw: int, rh: int, upscale: bool) -> float:
    """The largest scale of a ``rw``×``rh`` region within every output limit."""
    scale = min(math.sqrt(max_area() / (rw * rh)), max_side() / rw, max_side() / rh)
    return scale if upscale else min(1.0, scale)


def _over_limits(w: int, h: int) -> bool:
    return w * h > max_area() or w > max_side() or h > max_side()


def _size(text: str, rw: int, rh: int) -> tuple[int, int]:
    upscale = text.startswith("^")
    spec = text[1:] if upscale else text
    if spec == "max":
        # Rounded down: rounding to nearest could step over maxArea (a 400 for any image
        # above 25 megapixels once), and max must always be answerable.
        scale = _limits(rw, rh, upscale)
        return max(1, math.floor(rw * scale)), max(1, math.floor(rh * scale))
    w: float
    h: float
    if m := _SIZE_PCT.match(spec):
        scale = float(m.group(1)) / 100
        if scale <= 0:
            raise ImageRequestError(f"size: {text!r} is zero")
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
            scale = min(sw_n / rw, sh_n / rh, _limits(rw, rh, upscale))
            w, h = rw * scale, rh * scale
        elif sw_n is not None and sh_n is not None:
            w, h = sw_n, sh_n
        elif sw_n is not None:
            w, h = sw_n, rh * sw_n / rw
        elif sh_n is not None:
            w, h = rw * sh_n / rh, sh_n
    else:
        raise ImageRequestError(f"size: {text!r} is not max, w,, ,h, w,h, !w,h or pct:n")
    exact = (w, h)
    w, h = max(1, round(w)), max(1, round(h))
    if spec.startswith("!") and _over_limits(w, h):
        w, h = (max(1, math.floor(n)) for n in exact)  # rounding stepped over a limit
    if not upscale and (w > rw or h > rh):
        raise ImageRequestError(
            f"size: {text!r} is larger than the {rw}×{rh} region; prefix ^ to upscale"
        )
    if _over_limits(w, h):
        raise ImageRequestError(
            f"size: {text!r} ({w}×{h}) exceeds the limits: {max_area()} pixels, "
            f"{max_side()} pixels a side (maxArea, maxWidth, maxHeight in info.json)"
        )
    return w, h


def _rotation(text: str) -> tuple[bool, int]:
    m = _ROTATION.match(text)
    degrees = float(m.group(2)) if m else -1.0
    if degrees == 360:
        degrees = 0.0
    if m is None or degrees not in ROTATIONS:
        raise ImageRequestError(
            f"rotation: {text!r} is not 0, 90, 180 or 270 (optionally mirrored: !0, !90 …)"
        )
    return bool(m.group(1)), int(degrees)


def parse(region, size, rotation, quality, fmt, width: int, height: int) -> ImageRequest:
    """Validate the path parameters against a ``width``×``height`` image."""
    box = _region(region, width, height)
    out = _size(size, box[2] - box[0], box[3] - box[1])
    mirror, degrees = _rotation(rotation)
    if quality not in QUALITIES:
        raise ImageRequestError(f"quality: {quality!r} is not one of {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        raise ImageRequestError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    # "color" is what "default" gives: one cache entry for both.
    quality = "default" if quality == "color" else quality
    return ImageRequest(box, out, mirror, degrees, quality, fmt)


def prepare(source: Image.Image, request: ImageRequest) -> None:
    """Ready ``source`` for ``request``: reduced-scale JPEG decoding, then the cost check.

    Nothing is decoded yet; an ImageRequestError (413) refuses work above the bound.
    """
    full_w, full_h = _original_size(source)
    if full_w * full_h > settings.IMAGE_MAX_PIXELS:
        raise ImageRequestError(
            f"the source image has {full_w * full_h:,} pixels, more than this server reads "
            f"({settings.IMAGE_MAX_PIXELS:,})",
            413,
        )
    left, top, right, bottom = request.box
    if source.format == "JPEG":
        # JPEG can decode at 1/2, 1/4, 1/8 scale: much faster and smaller for zoomed-out views.
        scale = max(request.size[0] / (right - left), request.size[1] / (bottom - top))
        source.draft("RGB", (math.ceil(full_w * scale), math.ceil(full_h * scale)))
    decoded = source.width * source.height
    if decoded > settings.IIIF_DECODE_MAX_PIXELS:
        raise ImageRequestError(
            f"this request would decode {decoded:,} pixels of the source, more than "
            f"{settings.IIIF_DECODE_MAX_PIXELS:,}; ask for a smaller size or region",
            413,
        )


def render(source: Image.Image, request: ImageRequest) -> Image.Image:
    """Apply region, size, mirroring, rotation and quality (in the spec's order)."""
    prepare(source, request)
    full_w, full_h = _original_size(source)
    fx, fy = source.width / full_w, source.height / full_h
    left, top, right, bottom = request.box
    box = (left * fx, top * fy, right * fx, bottom * fy)
    image = source
    if source.mode not in ("RGB", "RGBA", "L"):
        # Convert the region only, not the whole page.
        crop = (math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3]))
        image = source.crop(crop).convert("RGBA" if _has_alpha(source) else "RGB")
        box = (box[0] - crop[0], box[1] - crop[1], box[2] - crop[0], box[3] - crop[1])
    image = image.resize(request.size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    if request.mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if request.rotation:
        image = image.transpose(_TURNS[request.rotation])
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
    """The page image, opened lazily (its header only: pixels are decoded on use)."""
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


def decoded_pixels(width: int, height: int, factor: int, jpeg: bool) -> int:
    """Source pixels decoded for a view at 1/``factor`` scale (JPEG: ``draft`` up to 1/8)."""
    reduction = min(8, 2 ** int(math.log2(factor))) if jpeg else 1
    return math.ceil(width / reduction) * math.ceil(height / reduction)


def info(base_id: str, width: int, height: int, jpeg: bool = False) -> dict:
    """The image's ``info.json`` document.

    Only the scale factors and sizes this server will decode are offered, so a viewer never
    zooms into a level that would answer 413 (a 165-megapixel JPEG stops at half scale).
    """
    factors = [
        f
        for f in scale_factors(width, height)
        if decoded_pixels(width, height, f, jpeg) <= settings.IIIF_DECODE_MAX_PIXELS
    ]
    sizes = []
    for f in reversed(factors):
        w, h = math.ceil(width / f), math.ceil(height / f)
        if w * h <= max_area() and max(w, h) <= max_side():
            sizes.append({"width": w, "height": h})
    return {
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": base_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level1",
        "width": width,
        "height": height,
        "maxArea": max_area(),
        "maxWidth": max_side(),
        "maxHeight": max_side(),
        "sizes": sizes,
        "tiles": [{"width": TILE_SIZE, "scaleFactors": factors}] if factors else [],
        "extraFormats": ["png", "webp"],
        "extraQualities": ["color", "gray", "bitonal"],
        "extraFeatures": EXTRA_FEATURES,
    }
