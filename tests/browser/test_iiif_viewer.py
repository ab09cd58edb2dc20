"""The record page's deep-zoom viewer in a real Chromium: OpenSeadragon loads the IIIF
manifest, fetches tiles from our Image API, and the page passes axe."""

import pytest

from ..iiif.scans import scanned_document
from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

LOADED = """() => {
    const v = window.chanceryViewer;
    return v && v.world.getItemCount() > 0 && v.world.getItemAt(0).getFullyLoaded();
}"""


def test_viewer_shows_scans_as_tiles(live_server, page):
    doc = scanned_document()
    image_responses = []
    page.on(
        "response",
        lambda r: image_responses.append((r.url, r.status)) if "/iiif/image/" in r.url else None,
    )
    page.goto(live_server.url + doc.get_absolute_url())

    viewer = page.locator("#iiif-viewer")
    viewer.locator("canvas").first.wait_for(state="attached")
    assert viewer.is_visible()
    page.wait_for_function(LOADED)
    tiles = [(u, s) for u, s in image_responses if u.endswith("default.jpg")]
    assert tiles, image_responses
    assert all(status == 200 for _, status in image_responses), image_responses
    assert any(u.endswith("/info.json") for u, _ in image_responses)
    assert page.locator(".iiif-status").inner_text() == "Showing Page 1 (1 of 4)"

    # the next page is the PNG, then the PDF's pages, all drawn from tiles
    page.get_by_role("button", name="Next page").click()
    assert page.locator(".iiif-status").inner_text() == "Showing Page 2 (2 of 4)"
    page.get_by_role("button", name="Next page").click()
    page.wait_for_function(LOADED)
    assert page.locator(".iiif-status").inner_text() == "Showing Enclosure, page 1 (3 of 4)"
    assert all(status == 200 for _, status in image_responses), image_responses

    assert axe_violations(page) == []


def test_without_javascript_the_scans_stay_plain_links(live_server, nojs_page):
    doc = scanned_document()
    nojs_page.goto(live_server.url + doc.get_absolute_url())
    assert not nojs_page.locator("#iiif-viewer").is_visible()
    links = nojs_page.locator("ul.scans a")
    assert links.count() == 3
    pdf = nojs_page.get_by_role("link", name="Enclosure 3 of 3 (PDF)")
    assert pdf.get_attribute("href").endswith(".pdf")
    for name in ("Page 1 1 of 3", "Page 2 2 of 3", "Enclosure 3 of 3 (PDF)"):
        thumbnail = nojs_page.get_by_role("img", name=name)
        thumbnail.scroll_into_view_if_needed()
        assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 240


def test_a_searched_word_is_highlighted_on_the_scan(live_server, page, monkeypatch):
    """A record opened from a search (?q=) marks the word on the page image, where the
    machine-read text has it, and lists the pages it is on."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    from ..factories import DocumentFactory
    from ..iiif.scans import add_scan
    from ..ocr.pages import draw_page

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    doc = DocumentFactory(public_id="ocr/viewer")
    data, boxes = draw_page(["The ambassador telegraphed Moscow", "about the treaty"], "serif")
    add_scan(doc, "page.png", data, "Page 1")  # a committed save: its OCR job is queued
    call_command("worker", "--burst", verbosity=0)

    page.goto(live_server.url + doc.get_absolute_url() + "?q=treaty")
    page.wait_for_function(LOADED)
    hit = page.locator(".iiif-hit")
    hit.wait_for(state="visible")
    assert hit.count() == 1
    assert hit.get_attribute("data-word") == "treaty"
    assert page.get_by_role("button", name="Page 1: 1 match").is_visible()
    # The mark sits where "treaty" was drawn: its share of the image's width and height.
    canvas = page.locator("#iiif-viewer canvas").first.bounding_box()
    mark = hit.bounding_box()
    x, y, w, h = boxes["treaty"]
    shown = canvas["width"] / 1200  # the page fits the viewer's width or height
    shown = min(shown, canvas["height"] / 900)
    left = canvas["x"] + (canvas["width"] - 1200 * shown) / 2
    top = canvas["y"] + (canvas["height"] - 900 * shown) / 2
    assert abs(mark["x"] - (left + x * shown)) < 8
    assert abs(mark["y"] - (top + y * shown)) < 8
    assert axe_violations(page) == []
