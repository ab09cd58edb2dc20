"""A reader's journey through the public site in a real Chromium, and axe on every page type."""

import re

import pytest
from django.contrib.auth import get_user_model

from chancery.corpus.models import Document

from ..factories import CollectionFactory, DocumentFactory, SubjectFactory
from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive(db):
    """25 published reports, in two collections, plus the demo's catalogue records."""
    from chancery.corpus.demo import load_demo

    load_demo(texts=False)  # "indemnity" also finds the Decree on Peace ("indemnities")
    cables = CollectionFactory(title="Cables from Peking", slug="cables")
    notes = CollectionFactory(title="Notes verbales", slug="notes")
    subject = SubjectFactory(name="Boxer indemnity", slug="boxer-indemnity")
    for n in range(25):
        DocumentFactory(
            public_id=f"frus1901/d{n + 1}",
            title=f"The Minister in China to the Secretary of State, report {n + 1}",
            summary=f"On the indemnity negotiations, part {n + 1}.",
            date=f"1901-0{1 + n % 9}-1{n % 10}",
            collections=[cables if n % 5 else notes],
            subjects=[subject] if n % 2 else [],
            text=f"<p>The indemnity question, as reported in despatch {n + 1}.</p>",
        )


def test_search_paginate_facet_open_record(live_server, page, archive):
    page.goto(live_server.url + "/")
    page.get_by_label("Search the archive").fill("indemnity")
    page.get_by_role("button", name="Search").click()
    expect_range = page.locator(".range")
    assert expect_range.inner_text() == "1 - 10 of 25"

    page.get_by_role("link", name="Next page").click()
    assert page.locator(".range").inner_text() == "11 - 20 of 25"
    assert "page=2" in page.url

    page.locator(".facet").get_by_role("link", name="Cables from Peking").click()
    assert page.locator(".range").inner_text() == "1 - 10 of 20"
    assert "collection=cables" in page.url and "q=indemnity" in page.url

    first = page.locator(".hit-title a").first
    title = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Cite this document").is_visible()
    assert page.get_by_role("link", name="Cables from Peking").first.is_visible()


def test_skip_link_is_first_and_moves_focus_to_content(live_server, page, archive):
    page.goto(live_server.url + "/search/?q=indemnity")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").first.is_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    inside = page.evaluate("!!document.activeElement.closest('#content')")
    assert inside


def test_search_works_without_javascript(live_server, nojs_page, archive):
    nojs_page.goto(live_server.url + "/search/")
    nojs_page.fill("#q", "indemnity")
    nojs_page.press("#q", "Enter")
    nojs_page.wait_for_url(re.compile(r"q=indemnity"))
    assert nojs_page.locator(".range").inner_text() == "1 - 10 of 25"
    nojs_page.select_option("#sort", "-date")
    nojs_page.locator(".sort button").click()
    nojs_page.wait_for_url(re.compile(r"sort=-date"))
    assert nojs_page.locator(".hit-date").first.inner_text().startswith("September")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search/?q=indemnity",
        "/search/?q=nothingmatchesthis",
        "/document/frus1901/d2/",
        "/document/1/",
        "/collections/",
        "/collection/cables/",
        "/collection/cables/contents/",
        "/collection/sino-soviet-relations/",
        "/subjects/",
        "/places/",
        "/people/",
        "/about/",
        "/admin/login/",
    ],
)
def test_pages_have_no_axe_violations(live_server, page, archive, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert axe_violations(page) == []


def test_editor_publishes_a_draft_and_finds_it(live_server, page, archive):
    get_user_model().objects.create_user(
        "archivist", password="a long passphrase 42", is_staff=True, is_superuser=True
    )
    draft = Document.objects.get(public_id="10")
    page.goto(live_server.url + "/search/?q=%22Five+Great+Powers%22")
    assert "No documents match" in page.content()

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("archivist")
    page.get_by_label("Password").fill("a long passphrase 42")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + f"/admin/corpus/document/{draft.pk}/change/")
    page.select_option("#id_status", "published")
    page.locator("input[name=_save]").click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    page.goto(live_server.url + "/search/?q=%22Five+Great+Powers%22")
    assert page.locator(".range").inner_text() == "1 - 1 of 1"
    assert "Conference of the Five Great Powers" in page.locator(".hit-title").inner_text()
