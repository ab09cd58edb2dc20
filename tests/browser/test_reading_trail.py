"""From search to reading and back in Chromium, with axe checks: a hit names its volume
and document number; the record highlights the words and leads back to the results and on
to the next result; the date chip removes the dates; keyboard reaches the results first."""

import os

import pytest
from django.core.management import call_command

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def boxer_volume(frus_dir):
    call_command("import", "tei", os.path.join(frus_dir, "frus1901China.xml"), "--no-progress")


def test_search_open_next_and_back(live_server, page, boxer_volume):
    page.goto(live_server.url + "/search/?q=Pekin&sort=date&start_date=1900-08&end_date=1900-09")
    first = page.locator(".hit").first
    assert "Document " in first.locator(".hit-provenance").inner_text()
    assert "Foreign Relations of the United States, 1901" in first.inner_text()
    # the first Tab stops: skip to content, then skip to results
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    assert axe_violations(page) == []

    title = first.locator(".hit-title a").inner_text()
    first.locator(".hit-title a").click()
    assert page.locator("h1").inner_text() == title
    assert page.locator(".text mark").count() > 0
    assert page.locator(".text mark").first.inner_text().lower().startswith("pekin")
    assert "Result 1 of" in page.locator(".search-trail").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Next result").click()
    assert "Result 2 of" in page.locator(".search-trail").inner_text()
    second = page.locator("h1").inner_text()
    page.get_by_role("link", name="Previous result").click()
    assert page.locator("h1").inner_text() == title
    page.get_by_role("link", name="Back to results").click()
    assert page.url.split("?", 1)[0].endswith("/search/")
    assert page.locator(".hit-title a").nth(1).inner_text() == second

    chip = page.locator(".active-filters a", has_text="Date:")
    assert chip.inner_text().startswith("Date: 1900-08 to 1900-09")
    before = page.locator(".range").inner_text()
    chip.click()
    page.wait_for_load_state()
    assert page.locator(".active-filters a", has_text="Date:").count() == 0
    assert page.locator(".range").inner_text() != before
    assert axe_violations(page) == []


def test_research_basket_round_trips_through_its_link(live_server, page, browser, boxer_volume):
    page.goto(live_server.url + "/search/?q=Pekin&sort=date")
    hits = page.locator(".hit")
    titles = [hits.nth(i).locator(".hit-title a").inner_text() for i in range(2)]
    for i in range(2):
        button = hits.nth(i).locator("button.basket-toggle")
        assert button.inner_text() == "Add to basket"
        button.click()
        assert button.get_attribute("aria-pressed") == "true"
        assert button.inner_text() == "In basket (remove)"
    assert page.locator("a[data-basket-link]").inner_text() == "Basket (2)"
    assert axe_violations(page) == []
    page.locator("a[data-basket-link]").click()
    page.wait_for_load_state()
    assert [t.inner_text() for t in page.locator(".hit-title a").all()] == titles
    shared = page.url
    assert shared.count("id=") == 2
    assert axe_violations(page) == []

    other = browser.new_context()  # someone the link was sent to: an empty browser
    reader = other.new_page()
    reader.goto(shared)
    assert [t.inner_text() for t in reader.locator(".hit-title a").all()] == titles
    reader.get_by_role("button", name="Keep this basket in this browser").click()
    reader.goto(live_server.url + "/search/")
    assert reader.locator("a[data-basket-link]").inner_text() == "Basket (2)"
    reader.locator("a[data-basket-link]").click()
    assert reader.url == shared
    with reader.expect_download() as download:
        reader.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("basket-")
    other.close()
