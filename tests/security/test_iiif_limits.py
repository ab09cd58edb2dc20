"""IIIF under attack (issue #11): bounded output, bounded decoding, a bounded cache.

The attack: every rotation or size was a new derivative kept forever (+58 MB from 20
anonymous requests on a 100×100 scan), ``^max/45/`` of that scan took 587 MB, a 1000-px view
of a 165-megapixel scan 923 MB, and ``full/max`` of any image over 25 megapixels was a 400.
"""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from chancery.iiif import cache

from ..factories import DocumentFactory
from ..iiif.scans import add_scan, image_bytes, page_image

pytestmark = pytest.mark.django_db


def _image(client, url) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def small(db):
    """A published 100×100 scan, as in the report."""
    doc = DocumentFactory(public_id="iiif/small")
    return add_scan(doc, "small.png", image_bytes(page_image(100, 100, "s"), "PNG")).pk


@pytest.mark.parametrize("rotation", ["45", "1", "89.9", "!45", "^90", "-90", "450"])
def test_rotations_other_than_quarter_turns_are_refused(client, small, rotation):
    response = client.get(f"/iiif/image/{small}-1/full/max/{rotation}/default.jpg")
    assert response.status_code == 400
    assert response.json()["error"].startswith("rotation:")


def test_the_report_case_max_upscaled_and_turned_45_is_refused(client, small):
    response = client.get(f"/iiif/image/{small}-1/full/^max/45/default.webp")
    assert response.status_code == 400
    assert "rotation" in response.json()["error"]


def test_quarter_turns_and_mirroring_still_work(client, small):
    base = f"/iiif/image/{small}-1/0,0,100,50"
    assert _image(client, f"{base}/max/90/default.png").size == (50, 100)
    assert _image(client, f"{base}/max/!270/default.png").size == (50, 100)
    assert _image(client, f"{base}/max/360/default.png").size == (100, 50)


def test_info_json_advertises_the_limits(client, small, settings):
    settings.IIIF_MAX_AREA, settings.IIIF_MAX_SIDE = 40_000, 300
    info = client.get(f"/iiif/image/{small}-1/info.json").json()
    assert (info["maxArea"], info["maxWidth"], info["maxHeight"]) == (40_000, 300, 300)
    assert "rotationArbitrary" not in info["extraFeatures"]
    assert "rotationBy90s" in info["extraFeatures"] and "mirroring" in info["extraFeatures"]


def test_upscaling_stops_at_the_advertised_limits(client, small, settings):
    settings.IIIF_MAX_AREA, settings.IIIF_MAX_SIDE = 40_000, 300
    base = f"/iiif/image/{small}-1/full"
    assert _image(client, f"{base}/^max/0/default.jpg").size == (200, 200)  # maxArea
    assert _image(client, f"{base}/^!1000,250/0/default.jpg").size == (200, 200)  # clamped
    settings.IIIF_MAX_AREA = 1_000_000
    assert _image(client, f"{base}/^max/0/default.jpg").size == (300, 300)  # maxWidth
    for size in ("^301,", "^,400", "^pct:400"):
        response = client.get(f"{base}/{size}/0/default.jpg")
        assert response.status_code == 400, size
        assert "exceeds the limits" in response.json()["error"]


def test_equivalent_requests_share_one_cache_entry(client, small):
    base = f"/iiif/image/{small}-1/full"
    urls = [f"{base}/50,/0/default.jpg", f"{base}/pct:50/0/default.jpg",
            f"{base}/,50/0/color.jpg", f"{base}/50,50/360/default.jpg",
            f"{base}/!50,50/0/default.jpg"]  # fmt: skip
    for url in urls:
        assert _image(client, url).size == (50, 50)
    entries = [p for p in Path(settings.MEDIA_ROOT, "iiif").rglob("cache/*") if p.is_file()]
    assert len(entries) == 1


def test_twenty_different_requests_keep_the_cache_under_its_bound(client, settings):
    settings.IIIF_CACHE_BYTES = 20_000
    doc = DocumentFactory(public_id="iiif/cache")
    scan = add_scan(doc, "p.jpg", image_bytes(page_image(400, 300, "cache"), "JPEG"))
    base = f"/iiif/image/{scan.pk}-1/full"
    served = 0
    for n in range(20):
        size, rotation = f"{100 + 15 * n},", ("0", "90", "180", "270", "!90")[n % 5]
        fmt = ("png", "jpg", "webp")[n % 3]
        response = client.get(f"{base}/{size}/{rotation}/default.{fmt}")
        assert response.status_code == 200, response.content[:200]
        served += len(b"".join(response.streaming_content))
        assert cache.usage() <= settings.IIIF_CACHE_BYTES, n
    assert served > 3 * settings.IIIF_CACHE_BYTES  # the bound really was hit, and held
    # the first derivative was evicted, the last is still there and served from the cache
    cached = [p.name for p in Path(settings.MEDIA_ROOT, "iiif").rglob("cache/*")]
    assert not any(name.startswith("1-0_0_400_300-100_75-") for name in cached)
    assert any(name.startswith("1-0_0_400_300-385_289-") for name in cached)


def test_a_cache_hit_keeps_an_entry_from_eviction(client, settings):
    settings.IIIF_CACHE_BYTES = 8_000
    doc = DocumentFactory(public_id="iiif/lru")
    scan = add_scan(doc, "p.jpg", image_bytes(page_image(400, 300, "lru"), "JPEG"))
    base = f"/iiif/image/{scan.pk}-1/full"
    favourite = f"{base}/120,/0/default.png"
    assert client.get(favourite).status_code == 200
    for n in range(12):
        assert client.get(f"{base}/{130 + 10 * n},/0/default.png").status_code == 200
        assert client.get(favourite).status_code == 200  # read again: most recently used
    cached = [p.name for p in Path(settings.MEDIA_ROOT, "iiif").rglob("cache/*")]
    assert any("-120_90-" in name for name in cached)
    assert not any("-130_98-" in name for name in cached)


@pytest.fixture(scope="module")
def large_jpeg() -> bytes:
    """7000×5000 (35 megapixels), over the 25-megapixel output limit."""
    return image_bytes(page_image(7000, 5000, "large", (250, 250, 250)), "JPEG")


def test_full_max_of_an_image_over_25_megapixels_answers(client, large_jpeg):
    doc = DocumentFactory(public_id="iiif/large")
    scan = add_scan(doc, "large.jpg", large_jpeg)
    image = _image(client, f"/iiif/image/{scan.pk}-1/full/max/0/default.jpg")
    width, height = image.size
    assert width * height <= settings.IIIF_MAX_AREA
    assert width * height > 0.999 * settings.IIIF_MAX_AREA  # as large as allowed
    assert abs(width / height - 7000 / 5000) < 0.001


def test_a_small_view_of_a_large_jpeg_decodes_at_reduced_scale(client, large_jpeg, settings):
    settings.IIIF_DECODE_MAX_PIXELS = 10_000_000  # far below the 35 megapixels of the scan
    doc = DocumentFactory(public_id="iiif/large2")
    scan = add_scan(doc, "large.jpg", large_jpeg)
    base = f"/iiif/image/{scan.pk}-1/full"
    assert _image(client, f"{base}/1000,/0/default.jpg").size == (1000, 714)  # 1/4 draft
    response = client.get(f"{base}/max/0/default.jpg")  # would need the whole decode
    assert response.status_code == 413
    assert "would decode 35,000,000 pixels" in response.json()["error"]
    # info.json offers only the levels it will decode: a viewer stops at half scale
    info = client.get(f"/iiif/image/{scan.pk}-1/info.json").json()
    assert info["tiles"][0]["scaleFactors"][0] == 2
    assert max(s["width"] for s in info["sizes"]) == 3500
    tile = f"/iiif/image/{scan.pk}-1/0,0,1024,1024/512,/0/default.jpg"
    assert _image(client, tile).size == (512, 512)
    assert client.get(f"/iiif/image/{scan.pk}-1/0,0,512,512/512,/0/default.jpg").status_code == 413


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` RGB pixels but holds a few bytes of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width * 3 + 1))  # one row of a huge image
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_at_upload():
    doc = DocumentFactory(public_id="iiif/bomb")
    with pytest.raises(Exception, match="is refused: it has (900,000,000 pixels|more than)"):
        add_scan(doc, "bomb.png", _png_header_only(30_000, 30_000))


def test_a_request_that_would_decode_too_many_pixels_is_refused_before_decoding(client):
    """100 megapixels of PNG (no reduced-scale decoding): every view would decode them all."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from chancery.corpus import models

    doc = DocumentFactory(public_id="iiif/huge")
    stored = default_storage.save("scans/huge.png", ContentFile(_png_header_only(10_000, 10_000)))
    scan = models.Scan.objects.create(document=doc, file=stored)  # as if stored long ago
    info = client.get(f"/iiif/image/{scan.pk}-1/info.json").json()
    assert (info["width"], info["height"]) == (10_000, 10_000)
    assert info["tiles"] == [] and info["sizes"] == []  # no level it would decode
    for size in ("200,", "max"):
        response = client.get(f"/iiif/image/{scan.pk}-1/full/{size}/0/default.jpg")
        assert response.status_code == 413  # not a 404 from decoding the truncated data
        assert "would decode 100,000,000 pixels" in response.json()["error"]


def _write_files(worker: int, count: int) -> None:
    """One app-server worker writing ``count`` derivatives of 1,000 bytes each."""
    from chancery.iiif import sources

    folder = cache.root() / f"{worker}" / "stamp" / "cache"
    for n in range(count):
        sources.write_atomic(folder / f"{n}.jpg", lambda tmp: Path(tmp).write_bytes(b"x" * 1000))


def test_several_worker_processes_share_one_bound(settings, tmp_path):
    """Four processes write 60 files each at once; their shared tally holds the bound."""
    import multiprocessing

    settings.IIIF_CACHE_BYTES = 50_000
    context = multiprocessing.get_context("fork")  # the children keep these settings
    workers = [context.Process(target=_write_files, args=(n, 60)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert cache.usage() <= settings.IIIF_CACHE_BYTES
    # The tally may run ahead of the truth (a file a sweep counted, then its writer did),
    # never behind it: that is what keeps the bound.
    assert int((cache.root() / ".usage").read_text()) >= cache.usage()
    assert cache.usage() > 0.5 * settings.IIIF_CACHE_BYTES  # evicted down to, not wiped
