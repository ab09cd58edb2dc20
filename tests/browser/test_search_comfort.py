"""The search and browse side of the reading room in Chromium, at desktop and phone widths,
with axe checks: histogram labels a reader can read, filters before the results on a phone,
the chronology by keyboard alone, the results printed without their controls, and an export
that shows its progress."""

import json
from pathlib import Path

import pytest

from tests.factories import CollectionFactory, DocumentFactory, TypeFactory

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def archive():
    """Telegrams and memoranda of 1898–1903 in a printed volume."""
    volume = CollectionFactory(title="Affairs in China", slug="affairs-in-china")
    memo = TypeFactory(name="Memorandum", slug="memorandum")
    dates = ["1898-03-02", "1899-11-20", "1900-07-01", "1900-07-15", "1900-08-20", "1903-01-09"]
    for n, date in enumerate(dates):
        DocumentFactory(
            date=date,
            title=f"Mr. Rockhill to Mr. Hay ({date})",
            number=str(n + 10),
            page_start=str(n + 15),
            collections=[volume],
            doc_type=memo if n % 2 else TypeFactory(),
        )


def _visible_labels(page):
    return [
        label
        for label in page.locator(".histogram-axis span > span").all()
        if label.is_visible() and label.evaluate("e => getComputedStyle(e).visibility") != "hidden"
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_histogram_labels_are_readable_and_by_year(live_server, page, archive, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/search/?q=Rockhill")
    caption = page.locator(".histogram figcaption").inner_text()
    assert caption.startswith("Results by year (6 dated)")  # 1898–1903: years, not decades
    labels = _visible_labels(page)
    assert len(labels) >= 3
    boxes = []
    for label in labels:
        size = float(label.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert size >= 12, (label.inner_text(), size)
        boxes.append(label.bounding_box())
    # the labels never run into one another
    boxes.sort(key=lambda b: b["x"])
    assert all(a["x"] + a["width"] <= b["x"] for a, b in zip(boxes, boxes[1:], strict=False))
    # the axis label "1900" sits under the 1900 bar
    bar = page.locator('a.histogram-bar[data-label="1900"] rect').last.bounding_box()
    label = page.locator(".histogram-axis span > span", has_text="1900").bounding_box()
    centre = label["x"] + label["width"] / 2
    assert bar["x"] - 2 <= centre <= bar["x"] + bar["width"] + 2
    # the table gives the same counts, each a link
    page.get_by_text("The same counts as a table").click()
    row = page.locator(".histogram-table tr", has_text="1900")
    assert row.locator("td").inner_text() == "3"
    assert axe_violations(page) == []
    row.get_by_role("link").click()
    assert page.locator(".range").inner_text().endswith("of 3")


def test_filters_come_before_the_results_on_a_phone(live_server, page, archive):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/search/?q=Rockhill")
    summary = page.locator("details.filters > summary")
    assert summary.is_visible() and summary.inner_text().startswith("Filters")
    first_hit = page.locator(".hit").first
    assert summary.bounding_box()["y"] < first_hit.bounding_box()["y"]
    assert not page.locator("#facet-type").is_visible()  # folded: the results come soon
    # keyboard: skip links, then (past the header) the Filters toggle opens them
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#facet-type").is_visible()
    page.locator(".facet a", has_text="Memorandum").click()
    assert page.locator(".range").inner_text().endswith("of 3")
    assert "(1 active)" in page.locator("details.filters > summary").inner_text()
    assert axe_violations(page) == []

    page.set_viewport_size(DESKTOP)  # on a desktop: beside the results, always open
    page.reload()
    assert not page.locator("details.filters > summary").is_visible()
    assert page.locator("#facet-type").is_visible()


def test_without_javascript_filters_are_open_and_exports_are_links(live_server, browser, archive):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/search/?q=Rockhill")
    assert page.locator("#facet-type").is_visible()  # open, before the results
    assert page.locator("a.skip-to-results").count() == 1
    link = page.get_by_role("link", name="JSON Lines")
    assert link.get_attribute("href").startswith("/search/export.jsonl?q=Rockhill")
    with page.expect_download() as info:
        link.click()
    assert len(Path(info.value.path()).read_text().splitlines()) == 6
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_chronology_by_keyboard(live_server, page, archive, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")

    def tab_to(text, limit=60):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == text:
                return
        raise AssertionError(f"{text!r} not reached by Tab")

    tab_to("Dates")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Chronology"
    assert "6 documents" not in page.content()  # years, not a total
    assert page.locator(".year-list li", has_text="1900").inner_text() == "1900 3 documents"
    assert axe_violations(page) == []
    tab_to("1900")
    page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "1900"
    assert page.locator(".month-list li", has_text="July").inner_text() == "July 2 documents"
    assert axe_violations(page) == []
    tab_to("July")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "July 1900"
    titles = page.locator(".hit-title").all_inner_texts()
    assert titles == [f"Mr. Rockhill to Mr. Hay (1900-07-{day})" for day in ("01", "15")]
    assert "Affairs in China" in page.locator(".hit-provenance").first.inner_text()
    assert axe_violations(page) == []


def test_document_types_by_keyboard(live_server, page, archive):
    page.goto(live_server.url + "/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Types":
            break
    page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Document types"
    assert page.locator(".type-list li", has_text="Memorandum").inner_text() == (
        "Memorandum 3 documents"
    )
    assert axe_violations(page) == []
    page.get_by_role("link", name="Memorandum").click()
    page.wait_for_load_state()  # the click returns once the page starts loading
    assert page.locator(".hit").count() == 3
    assert axe_violations(page) == []


def test_search_results_print_with_provenance_without_controls(live_server, page, archive):
    page.goto(live_server.url + "/search/?q=Rockhill&type=memorandum")
    page.emulate_media(media="print")
    assert page.locator(".search-printed").is_visible()
    assert "Search: “Rockhill”" in page.locator(".search-printed").inner_text()
    for control in [".facets", ".searchbox", ".export-links", ".per-page", ".results-bar form",
                    ".basket-toggle", ".pagination", ".site-header nav"]:  # fmt: skip
        for element in page.locator(control).all():
            assert not element.is_visible(), control
    assert page.locator(".hit").count() == 3
    assert "Document 11" in page.locator(".hit-provenance").first.inner_text()
    assert "Affairs in China" in page.locator(".hit-provenance").first.inner_text()
    assert page.locator(".active-filters").inner_text().strip() == "Type: Memorandum"
    assert page.pdf()[:4] == b"%PDF"
    page.emulate_media(media="screen")
    assert page.locator(".export-links").is_visible()


def test_export_shows_its_progress_and_saves_the_file(live_server, page, archive):
    page.goto(live_server.url + "/search/?q=Rockhill")
    status = page.locator(".export-status")
    with page.expect_download() as info:
        page.get_by_role("link", name="JSON Lines").click()
    download = info.value
    assert download.suggested_filename.endswith(".jsonl")
    records = [json.loads(line) for line in Path(download.path()).read_text().splitlines()]
    assert len(records) == 6
    assert status.inner_text().startswith("JSON Lines: downloaded 6 records")
    with page.expect_download() as info:
        page.get_by_role("link", name="BibTeX").click()
    assert Path(info.value.path()).read_text().count("@") >= 6
    assert status.inner_text().startswith("BibTeX: downloaded 6 records")
    assert page.locator(".export-cancel").count() == 0
    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_refused_search_quoting_a_long_value_stays_within_the_screen(live_server, page, viewport):
    """The 400 page quotes what it refuses: a 500-digit date must wrap, not push the page
    past the right edge (a reader would have to scroll sideways to read the message)."""
    page.set_viewport_size(viewport)
    response = page.goto(live_server.url + "/search/?q=treaty&start_date=" + "9" * 500)
    assert response is not None and response.status == 400
    errors = page.locator("ul.field-errors li")
    assert "start_date" in errors.first.inner_text()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], width
    box = errors.first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    assert axe_violations(page) == []
