"""Browse by date (year → month → documents) and by document type: the counts come from the
database in aggregate queries, the lists are paged, drafts never show."""

import pytest

from chancery.corpus.models import Document
from chancery.web import chronology

from .factories import CollectionFactory, DocumentFactory, TypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def dated():
    """Documents of 1900 and 1901 at every precision, one draft, one undated."""
    memo = TypeFactory(name="Memorandum", slug="memorandum")
    volume = CollectionFactory(title="Affairs in China", slug="affairs-in-china")
    for day in ("1900-07-01", "1900-07-15", "1900-07-31"):
        DocumentFactory(date=day, title=f"Telegram of {day}", collections=[volume])
    DocumentFactory(date="1900-08", title="August, day unknown")
    DocumentFactory(date="1900", title="Sometime in 1900", doc_type=memo)
    DocumentFactory(date="1900-06-28/1900-07-02", title="Across June and July", doc_type=memo)
    DocumentFactory(date="1901-01-03", title="Early 1901")
    DocumentFactory(date="1900-07-04", title="A draft", status=Document.DRAFT)
    DocumentFactory(date="", title="Undated note")
    return memo


def test_year_and_month_counts_are_aggregates(dated, django_assert_num_queries):
    with django_assert_num_queries(1):
        years = [(r["year"], r["n"]) for r in chronology.year_counts()]
    assert years == [(1900, 6), (1901, 1)]  # the draft and the undated note are not counted
    with django_assert_num_queries(1):
        months = chronology.month_counts(1900)
    # "1900" and "June 28 – July 2" sit in the year, not in a month
    assert months == {0: 2, 7: 3, 8: 1}


def test_chronology_lists_years_by_decade_with_counts(client, dated, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        html = client.get("/chronology/").content.decode()
    assert '<h2 id="decade-1900">1900s</h2>' in html
    assert '<a href="/chronology/1900/">1900</a> <span class="count">6 documents</span>' in html
    assert '<a href="/chronology/1901/">1901</a> <span class="count">1 document</span>' in html
    assert "1 undated document is not listed here" in html


def test_year_page_lists_months_and_the_documents_dated_to_the_year(
    client, dated, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        html = client.get("/chronology/1900/").content.decode()
    assert '<a href="/chronology/1900/7/">July</a> <span class="count">3 documents</span>' in html
    assert '<span class="empty-month">March</span>' in html
    assert "Dated to the year only, or across months (2)" in html
    assert "Sometime in 1900" in html and "Across June and July" in html
    assert "Telegram of 1900-07-01" not in html  # listed under July
    assert 'rel="next" href="/chronology/1901/"' in html
    assert 'href="/search/?start_date=1900&amp;end_date=1900&amp;sort=date"' in html
    assert client.get("/chronology/1899/").status_code == 404


def test_month_page_lists_its_documents_by_date_with_provenance(
    client, dated, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get("/chronology/1900/7/")
    html = response.content.decode()
    titles = [d.title for d in response.context["page"].object_list]
    assert titles == ["Telegram of 1900-07-01", "Telegram of 1900-07-15", "Telegram of 1900-07-31"]
    assert "Affairs in China" in html  # where each sits
    search = "/search/?start_date=1900-07&end_date=1900-07&date_mode=within&sort=date"
    assert f'href="{search.replace("&", "&amp;")}"' in html
    assert client.get(search).context["page"].total == 3  # the same documents
    assert "A draft" not in html
    assert client.get("/chronology/1900/13/").status_code == 404
    assert client.get("/chronology/1900/3/").status_code == 404
    assert client.get("/chronology/1900/7/", {"page": "x"}).status_code == 400


def test_month_pages_are_paged(client, db, django_assert_max_num_queries):
    for day in range(1, 29):
        for hour in range(2):
            DocumentFactory(date=f"1950-02-{day:02d}", title=f"Feb {day} #{hour}")
    with django_assert_max_num_queries(6):
        first = client.get("/chronology/1950/2/").context["page"]
    assert first.paginator.count == 56 and len(first.object_list) == 50
    last = client.get("/chronology/1950/2/", {"page": 2}).context["page"]
    assert [d.title for d in last.object_list][-1] == "Feb 28 #1"


def test_types_list_counts_and_type_page(client, dated, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        html = client.get("/types/").content.decode()
    memo = '<a href="/type/memorandum/">Memorandum</a> <span class="count">2 documents</span>'
    assert memo in html
    # 5 published telegrams with a date, the undated one too
    assert '<a href="/type/telegram/">Telegram</a> <span class="count">6 documents</span>' in html
    with django_assert_max_num_queries(6):
        html = client.get("/type/memorandum/").content.decode()
    assert "Sometime in 1900" in html and "Across June and July" in html
    assert "Early 1901" not in html
    assert 'href="/search/?type=memorandum"' in html
    assert client.get("/type/no-such-type/").status_code == 404


def test_browse_pages_are_in_the_navigation_and_the_sitemap(client, dated):
    html = client.get("/").content.decode()
    assert '<a href="/chronology/">Dates</a>' in html and '<a href="/types/">Types</a>' in html
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-years.xml" in index and "sitemap-types.xml" in index
    years = client.get("/sitemap-years.xml").content.decode()
    assert "/chronology/1900/</loc>" in years and "/chronology/1901/</loc>" in years
    types = client.get("/sitemap-types.xml").content.decode()
    assert "/type/memorandum/</loc>" in types
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert "/chronology/</loc>" in pages and "/types/</loc>" in pages
