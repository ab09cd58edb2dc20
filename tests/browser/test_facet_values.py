"""A facet with more values than the results list shows: its "All values" link, by
keyboard and without JavaScript, opens a page listing them all (axe-clean), and a value
there narrows the results (#18)."""

import pytest

from chancery.search.page import FACET_SHOWN
from tests.factories import DocumentFactory, PlaceFactory

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANY = FACET_SHOWN + 3


@pytest.fixture
def archive():
    """Telegrams from MANY places, the last place's the most."""
    for n in range(MANY):
        place = PlaceFactory(name=f"Port {n:02d}", slug=f"port-{n:02d}")
        for k in range(1 + n // 5):
            DocumentFactory(public_id=f"p/{n}-{k}", title=f"Telegram from port {n}",
                            places=[place])  # fmt: skip


def test_every_value_of_a_facet_by_keyboard(live_server, page, archive):
    page.goto(live_server.url + "/search/?q=telegram")
    more = page.get_by_role("link", name="All values of Place")
    assert " ".join(more.text_content().split()) == "All values of Place"
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/facet/place/?q=telegram")
    assert page.locator("h1").inner_text() == f"Place: {MANY} values"
    assert page.locator(".facet-values li").count() == MANY
    assert axe_violations(page) == []
    page.get_by_role("link", name="Port 00").click()
    page.wait_for_url("**/search/?q=telegram&place=port-00")
    assert page.locator(".range").inner_text() == "1 - 1 of 1"
    assert axe_violations(page) == []


def test_the_values_page_without_javascript(live_server, nojs_page, archive):
    nojs_page.goto(live_server.url + "/search/?q=telegram")
    nojs_page.get_by_role("link", name="All values of Place").click()
    nojs_page.wait_for_url("**/search/facet/place/?q=telegram")
    nojs_page.get_by_role("link", name="Back to the results").click()
    nojs_page.wait_for_url("**/search/?q=telegram")
    assert nojs_page.locator(".hit").count() == 10
