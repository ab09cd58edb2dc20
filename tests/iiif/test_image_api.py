"""IIIF Image API 3 (level 1): info.json and image requests on real Pillow-made scans."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from .scans import add_scan, image_bytes, page_image, scanned_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def scans(db):
    doc = scanned_document()
    jpeg, png, pdf = doc.scans.order_by("position")
    return {"jpeg": jpeg.pk, "png": png.pk, "pdf": pdf.pk}


def _image(client, url) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_info_json(client, scans):
    response = client.get(f"/iiif/image/{scans['jpeg']}-1/info.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    info = response.json()
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"http://testserver/iiif/image/{scans['jpeg']}-1"
    assert (info["type"], info["protocol"], info["profile"]) == (
        "ImageService3", "http://iiif.io/api/image", "level1",
    )  # fmt: skip
    assert (info["width"], info["height"]) == (1600, 2200)
    assert info["tiles"] == [{"width": 512, "scaleFactors": [1, 2, 4, 8]}]
    ld = client.get(f"/iiif/image/{scans['jpeg']}-1/info.json", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"].startswith("application/ld+json")


def test_base_uri_redirects_to_info(client, scans):
    response = client.get(f"/iiif/image/{scans['png']}-1")
    assert response.status_code == 303
    assert response["Location"].endswith(f"/iiif/image/{scans['png']}-1/info.json")


def test_full_region_and_sizes(client, scans):
    base = f"/iiif/image/{scans['jpeg']}-1"
    assert _image(client, f"{base}/full/max/0/default.jpg").size == (1600, 2200)
    assert _image(client, f"{base}/full/400,/0/default.jpg").size == (400, 550)
    assert _image(client, f"{base}/full/,275/0/default.jpg").size == (200, 275)
    assert _image(client, f"{base}/full/!300,300/0/default.jpg").size == (218, 300)
    assert _image(client, f"{base}/full/pct:10/0/default.jpg").size == (160, 220)
    assert _image(client, f"{base}/square/100,100/0/default.png").size == (100, 100)


def test_a_tile_shows_the_right_part_of_the_page(client, scans):
    # the page has a red block in its top-left eighth (200×275 px)
    tile = _image(client, f"/iiif/image/{scans['jpeg']}-1/0,0,512,512/512,/0/default.jpg")
    assert tile.size == (512, 512)
    r, g, b = tile.convert("RGB").getpixel((50, 50))
    assert r > 150 and g < 90 and b < 90
    # the same block seen from a zoomed-out tile (scale factor 4), as OpenSeadragon asks
    small = _image(client, f"/iiif/image/{scans['jpeg']}-1/0,0,1600,2048/400,/0/default.jpg")
    assert small.size == (400, 512)
    r, g, b = small.convert("RGB").getpixel((20, 20))
    assert r > 150 and g < 90 and b < 90
    # an edge tile is cut to the image
    edge = _image(client, f"/iiif/image/{scans['jpeg']}-1/1536,2048,512,512/64,/0/default.jpg")
    assert edge.size == (64, 152)


def test_rotation_mirroring_quality_and_format(client, scans):
    base = f"/iiif/image/{scans['png']}-1"
    assert _image(client, f"{base}/full/max/90/default.png").size == (1100, 800)
    mirrored = _image(client, f"{base}/full/max/!0/default.png").convert("RGB")
    r, g, b = mirrored.getpixel((799 - 10, 10))
    assert r > 150 and g < 90
    assert _image(client, f"{base}/full/100,/0/gray.jpg").mode == "L"
    assert _image(client, f"{base}/full/100,/0/bitonal.png").mode == "1"
    webp = client.get(f"{base}/full/100,/0/default.webp")
    assert webp["Content-Type"] == "image/webp"


def test_pdf_pages_are_rendered(client, scans):
    first = _image(client, f"/iiif/image/{scans['pdf']}-1/full/max/0/default.jpg")
    assert first.size == (875, 1240)
    assert _image(client, f"/iiif/image/{scans['pdf']}-2/full/200,/0/default.png").width == 200
    assert client.get(f"/iiif/image/{scans['pdf']}-3/info.json").status_code == 404


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("nowhere/max/0/default.jpg", "region"),
        ("5000,0,10,10/max/0/default.jpg", "region"),
        ("0,0,0,10/max/0/default.jpg", "region"),
        ("full/3000,/0/default.jpg", "size"),
        ("full/,/0/default.jpg", "size"),
        ("full/big/0/default.jpg", "size"),
        ("full/max/45x/default.jpg", "rotation"),
        ("full/max/400/default.jpg", "rotation"),
        ("full/max/0/sepia.jpg", "quality"),
        ("full/max/0/default.bmp", "format"),
    ],
)
def test_bad_requests_name_the_parameter(client, scans, path, parameter):
    response = client.get(f"/iiif/image/{scans['jpeg']}-1/{path}")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{parameter}:")


def test_upscaling_needs_a_caret(client, scans):
    assert _image(client, f"/iiif/image/{scans['png']}-1/full/^1600,/0/default.jpg").width == 1600


def test_unknown_images_are_404(client, scans):
    assert client.get("/iiif/image/999999-1/info.json").status_code == 404
    assert client.get("/iiif/image/abc/info.json").status_code == 404
    assert client.get(f"/iiif/image/{scans['jpeg']}-2/info.json").status_code == 404


def test_large_pages_are_cut_into_full_resolution_tiles_once(client):
    doc = scanned_document(public_id="big/1")
    big = add_scan(doc, "big.jpg", image_bytes(page_image(2600, 2000, "big"), "JPEG"))
    base = f"/iiif/image/{big.pk}-1"
    first = _image(client, f"{base}/0,0,512,512/512,/0/default.jpg")
    r, g, b = first.convert("RGB").getpixel((40, 40))
    assert r > 150 and g < 90 and b < 90
    cache = next((Path(settings.MEDIA_ROOT) / "iiif" / str(big.pk)).glob("*/cache"))
    assert len(list(cache.iterdir())) == 6 * 4  # every full-resolution tile, in one pass
    assert _image(client, f"{base}/2560,1536,40,464/40,464/0/default.jpg").size == (40, 464)
    assert _image(client, f"{base}/512,0,512,512/512,512/0/default.jpg").size == (512, 512)
    assert len(list(cache.iterdir())) == 6 * 4
