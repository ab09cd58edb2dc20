"""sitemap.xml, robots.txt, Atom feeds and <link rel="alternate"> twins, as a crawler reads them."""

from __future__ import annotations

from urllib.parse import urlsplit

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree, html

from chancery.corpus import models
from chancery.search.backends import get_backend
from chancery.search.indexing import reindex
from tests.factories import CollectionFactory, DocumentFactory

pytestmark = pytest.mark.engine

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def archive(db):
    coll = CollectionFactory(slug="berlin", title="Berlin Crisis")
    published = [
        DocumentFactory(title=f"Telegram {i} about Berlin", date=f"1961-08-{i + 1:02d}",
                        collections=[coll])
        for i in range(23)
    ]  # fmt: skip
    drafts = [DocumentFactory(title="Secret draft about Berlin", status="draft") for _ in range(2)]
    reindex()
    return published, drafts


def _locs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [e.text for e in etree.fromstring(response.content).iterfind(".//sm:loc", SITEMAP)]


def test_sitemap_is_an_index_of_paged_sitemaps_listing_every_published_page(
    client, archive, settings
):
    settings.SITEMAP_PAGE_SIZE = 10
    published, drafts = archive
    sections = _locs(client, "/sitemap.xml")
    doc_pages = [u for u in sections if "sitemap-documents.xml" in u]
    assert len(doc_pages) == 3  # 23 documents, 10 per page
    assert all(u.startswith("http://testserver/") for u in sections)
    listed = []
    for url in sections:
        parts = urlsplit(url)
        listed += _locs(client, parts.path + (f"?{parts.query}" if parts.query else ""))
    documents = {u for u in listed if "/document/" in u}
    assert documents == {f"http://testserver{d.get_absolute_url()}" for d in published}
    assert not {f"http://testserver{d.get_absolute_url()}" for d in drafts} & set(listed)
    assert "http://testserver/collection/berlin/" in listed
    assert "http://testserver/search/" in listed
    page = etree.fromstring(client.get("/sitemap-documents.xml?p=1").content)
    assert page.find(".//sm:url/sm:lastmod", SITEMAP) is not None


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_the_site_icon_is_where_browsers_look_and_pages_name_it(client, db):
    """Browsers ask /favicon.ico unless a page names its icon: both answer, no 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert etree.fromstring(response.content).tag == "{http://www.w3.org/2000/svg}svg"
    page = html.fromstring(client.get("/").content)
    (icon,) = page.xpath('//link[@rel="icon"]')
    assert icon.get("type") == "image/svg+xml"
    assert client.get(icon.get("href")).status_code == 200


def test_newest_documents_feed(client, archive):
    published, drafts = archive
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    links = {e.link for e in feed.entries}
    assert links == {f"http://testserver{d.get_absolute_url()}" for d in published}
    assert all(e.updated and e.summary for e in feed.entries)
    assert "Secret draft" not in response.content.decode()


def test_search_feed_shows_the_search_pages_hits(client, archive):
    page = client.get("/api/v1/search", {"q": "telegram 7", "sort": "date"}).json()
    response = client.get("/search/feed/", {"q": "telegram 7", "sort": "date"})
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [hit["url"] for hit in page["hits"]]
    assert "telegram 7" in feed.feed.title
    assert feed.feed.link == "http://testserver/search/?q=telegram+7&sort=date"
    self_link = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == ["http://testserver/search/feed/?q=telegram+7&sort=date"]


def test_search_feed_counts_and_labels_no_facet(client, archive):
    # a feed lists the hits alone: the collections beside the page's hits are not read
    get_backend().labels_changed()  # no label kept from an earlier search either
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/feed/", {"q": "telegram"})
    assert len(feedparser.parse(response.content).entries) == 10
    table = models.Collection._meta.db_table
    reading = [q["sql"] for q in captured if table in q["sql"]]
    # an engine that counts every facet in the statement that counts the hits reads them then
    assert len(reading) == (1 if get_backend().summary_in_one_statement else 0), reading


def test_search_feed_marks_nothing_and_suggests_nothing(client, archive, monkeypatch):
    # A feed's entries carry the summary as stored: no snippet is made for them, and no
    # "did you mean" second search is run for a search with few hits.
    def never(*args, **kwargs):
        raise AssertionError("the feed computed what it never shows")

    assert b"<mark>" in client.get("/search/", {"q": "telegram 7"}).content  # the page does
    monkeypatch.setattr(type(get_backend()), "snippets", never)
    monkeypatch.setattr("chancery.search.page.suggest", never)
    response = client.get("/search/feed/", {"q": "telegram 7"})
    assert response.status_code == 200
    entries = feedparser.parse(response.content).entries
    assert entries[0].title.startswith("Telegram 7 about Berlin")


@pytest.mark.parametrize(
    "params,name", [({"sort": "sideways"}, "sort"), ({"start_date": "1961-13"}, "start_date")]
)
def test_search_feed_refuses_bad_parameters(client, archive, params, name):
    response = client.get("/search/feed/", params)
    assert response.status_code == 400
    assert name in response.content.decode()


def _alternates(client, url) -> dict[str, str]:
    doc = html.fromstring(client.get(url).content)
    return {
        link.get("type"): link.get("href")
        for link in doc.iterfind(".//head/link")
        if link.get("rel") == "alternate"
    }


def test_pages_link_their_feeds_and_json_twins(client, archive):
    home = _alternates(client, "/")
    assert home["application/atom+xml"] == "/feed/"
    search = _alternates(client, "/search/?q=berlin&sort=-date")
    assert search["application/atom+xml"] == "/search/feed/?q=berlin&sort=-date"
    assert search["application/json"] == "/api/v1/search?q=berlin&sort=-date"
    feed = client.get(search["application/atom+xml"])
    twin = client.get(search["application/json"]).json()
    entries = feedparser.parse(feed.content).entries
    assert [e.link for e in entries] == [hit["url"] for hit in twin["hits"]]
    assert models.Document.objects.published().count() == 23


def test_sitemap_lists_only_authorities_with_published_documents(client, db):
    from tests.factories import SubjectFactory

    shown, hidden = SubjectFactory(slug="treaties"), SubjectFactory(slug="secret-talks")
    DocumentFactory(subjects=[shown])
    DocumentFactory(subjects=[hidden], status="draft")
    listed = _locs(client, "/sitemap-subjects.xml")
    assert listed == ["http://testserver/subject/treaties/"]
