"""Full-resolution tiles of large pages, cut in one pass.

A JPEG cannot be decoded in part: a 512-px tile of a 6000×8000 scan costs a whole decode
(~0.9 s here), and a viewer zoomed in asks for dozens. So the first full-resolution tile
asked of a large page decodes it once and writes every full-resolution tile of the page to
the cache, under the same names single requests use (~2 s once, then each is a file).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image

from . import imageapi

#: Pages with more pixels than this are cut whole on the first full-resolution tile.
LARGE = 4_000_000

_locks: dict[tuple[int, int], threading.Lock] = {}
_locks_guard = threading.Lock()


def grid(width: int, height: int) -> Iterator[tuple[int, int, int, int]]:
    size = imageapi.TILE_SIZE
    for top in range(0, height, size):
        for left in range(0, width, size):
            yield left, top, min(left + size, width), min(top + size, height)


def tile_request(box: tuple[int, int, int, int]) -> imageapi.ImageRequest:
    return imageapi.ImageRequest(
        box, (box[2] - box[0], box[3] - box[1]), False, 0, "default", "jpg"
    )


def is_full_resolution_tile(request: imageapi.ImageRequest, width: int, height: int) -> bool:
    """Whether ``request`` is one of :func:`grid`'s tiles, unscaled, as a viewer asks."""
    left, top, right, bottom = request.box
    size = imageapi.TILE_SIZE
    return (
        width * height > LARGE
        and left % size == 0
        and top % size == 0
        and (right, bottom) == (min(left + size, width), min(top + size, height))
        and request == tile_request(request.box)
    )


Namer = Callable[[imageapi.ImageRequest], Path]


def cut_all(key: tuple[int, int], source_path: Path, target: Namer, write) -> None:
    """Write every full-resolution tile; ``target(request)`` names each file.

    Concurrent requests for tiles of the same page wait for one cut instead of each
    decoding the page.
    """
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock, Image.open(source_path) as source:
        last = list(grid(*source.size))[-1]
        if target(tile_request(last)).exists():
            return  # another request has just cut them
        # One decoded copy of the page, not two (convert copies even to the same mode).
        image = source if source.mode == "RGB" else source.convert("RGB")
        for box in grid(*image.size):
            request = tile_request(box)
            path = target(request)
            if not path.exists():
                tile = image.crop(box)
                write(path, lambda tmp, tile=tile: tile.save(tmp, format="JPEG", quality=85))
