"""A new user's search journey over a real FRUS volume, in Chromium, with axe checks."""

import os

import pytest
from django.core.management import call_command

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def boxer_volume(frus_dir):
    """FRUS 1901, Appendix: Affairs in China (312 documents), imported as an editor would."""
    call_command("import", "tei", os.path.join(frus_dir, "frus1901China.xml"), "--no-progress")


def test_pinyin_names_dates_sort_and_histogram(live_server, page, boxer_volume):
    page.goto(live_server.url + "/search/")
    page.get_by_label("Search words").fill("Li Hongzhang")
    page.get_by_role("button", name="Search").click()
    assert "Also searched for" in page.locator(".also-searched").inner_text()
    assert "Li Hung-chang" in page.locator(".also-searched").inner_text()
    assert page.locator(".hit mark").count() > 0
    assert axe_violations(page) == []

    page.get_by_label("Search words").fill("Beijing 1900..1901")
    page.get_by_role("button", name="Search").click()
    total = page.locator(".range").inner_text()
    assert " of " in total and "Peking" in page.locator(".also-searched").inner_text()

    page.select_option("#sort", "date")
    page.locator(".sort button").click()
    page.wait_for_load_state()
    dates = page.locator(".hit-date").all_inner_texts()
    assert dates and "1900" in dates[0]

    bars = page.locator("a.histogram-bar")
    counts = [int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count())]
    tallest = bars.nth(counts.index(max(counts)))
    label = tallest.get_attribute("data-label")
    tallest.click()
    assert page.locator(".range").inner_text().endswith(f"of {max(counts)}"), label
    assert axe_violations(page) == []


def test_help_page_has_no_axe_violations(live_server, page, db):
    page.goto(live_server.url + "/search/")
    page.get_by_role("link", name="How to search").click()
    assert page.locator("h1").inner_text() == "How to search"
    assert axe_violations(page) == []
