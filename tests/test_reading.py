"""From search to reading and back: provenance on hits, the search carried into the
record (highlighted words, back to results, previous and next result), the date filter as a
chip, results per page, a skip link; and the query count of a page of hits."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from chancery.corpus import models
from chancery.search.backends.rows import published_documents
from chancery.web.reading import add_provenance

from .factories import CollectionFactory, DocumentFactory
from .queries import nothing_kept, settled

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def volume(db):
    """A printed volume with a chapter, and 15 numbered telegrams printed in it."""
    book = CollectionFactory(
        title="Foreign Relations of the United States, 1901, Appendix",
        slug="frus1901", publisher="Government Printing Office", pub_place="Washington",
        pub_year="1902", series="Foreign Relations of the United States",
    )  # fmt: skip
    chapter = CollectionFactory(title="Affairs in China", slug="china", parent=book)
    return [
        DocumentFactory(
            public_id=f"frus1901/d{n}", title=f"Mr. Rockhill to Mr. Hay {n}",
            date=f"1900-08-{n:02d}", number=str(n), page_start=str(10 + n),
            page_end=str(11 + n), collections=[chapter],
            text=f"<p>The allied troops having entered Pekin on day {n}.</p>",
        )
        for n in range(1, 16)
    ]  # fmt: skip


def _tree(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return lxml_html.fromstring(response.content)


def _text(el) -> str:
    return " ".join(el.text_content().split())


def test_each_hit_says_which_volume_and_document_it_is(client, volume):
    tree = _tree(client, "/search/?q=Rockhill&sort=date")
    first = tree.xpath("//li[@class='hit']")[0]
    assert _text(first.xpath(".//p[@class='hit-provenance']")[0]) == (
        "Document 1 · pp. 11–12 · In: Foreign Relations of the United States, 1901, Appendix "
        "› Affairs in China"
    )


def test_a_page_of_hits_costs_the_same_queries_however_many_collections(client, volume):
    # warm: Tantivy caches facet labels; then each page size is counted with nothing kept
    # (a search's facets are kept per page size, the collections until the next write)
    settled()  # the volume was just written: a stamp too fresh to trust keeps nothing
    _tree(client, "/search/?q=Rockhill&per_page=5")
    nothing_kept(searches_only=True)
    with CaptureQueriesContext(connection) as few:
        _tree(client, "/search/?q=Rockhill&per_page=5")
    nothing_kept(searches_only=True)
    with CaptureQueriesContext(connection) as many:
        _tree(client, "/search/?q=Rockhill&per_page=15")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_hits_know_their_place_from_the_statement_that_reads_them(volume):
    # the page's hit rows bring each document's first collection: once the collections
    # are kept, the hits' provenance costs no query, and says what asking apart says
    settled()
    pks = [d.pk for d in volume[:5]]
    add_provenance(list(published_documents(pks).values()))  # the collections now kept
    hits = list(published_documents(pks).values())
    with CaptureQueriesContext(connection) as asked:
        provenance = add_provenance(hits)
    tables = (models.Membership._meta.db_table, models.Collection._meta.db_table)
    assert [q["sql"] for q in asked.captured_queries if any(t in q["sql"] for t in tables)] == []
    apart = add_provenance(list(models.Document.objects.filter(pk__in=pks)))
    assert provenance == apart
    assert [c.slug for c in provenance[pks[0]].path] == ["frus1901", "china"]
    loose = DocumentFactory(public_id="frus1901/loose", title="Mr. Hay to Mr. Conger")
    assert add_provenance(list(published_documents([loose.pk]).values()))[loose.pk].path == []


def test_a_hit_opens_with_the_search_and_leads_on(client, volume):
    tree = _tree(client, "/search/?q=Pekin&sort=date&per_page=5&page=2")
    links = tree.xpath("//h3[@class='hit-title']/a/@href")
    opened = urlsplit(links[0])
    query = parse_qs(opened.query)
    assert query["q"] == ["Pekin"] and query["n"] == ["6"]
    assert parse_qs(query["from"][0]) == {"q": ["Pekin"], "sort": ["date"], "per_page": ["5"]}
    record = _tree(client, links[0])
    assert record.xpath("//div[@class='text']//mark/text()") == ["Pekin"]
    assert "“Pekin” highlighted in the text (1 place)" in _text(record)
    trail = record.xpath("//nav[@aria-label='Search results']")[0]
    hrefs = {_text(a): a.get("href") for a in trail.xpath(".//a")}
    back = urlsplit(hrefs["Back to results"])
    assert back.path == "/search/"
    assert parse_qs(back.query) == {"q": ["Pekin"], "sort": ["date"], "per_page": ["5"],
                                    "page": ["2"]}  # fmt: skip
    assert "Result 6 of 15" in _text(trail)
    previous = next(v for k, v in hrefs.items() if k.startswith("Previous result"))
    following = next(v for k, v in hrefs.items() if k.startswith("Next result"))
    assert urlsplit(previous).path == "/document/frus1901/d5/"
    assert urlsplit(following).path == "/document/frus1901/d7/"
    assert parse_qs(urlsplit(following).query)["n"] == ["7"]
    last = _tree(
        client, "/document/frus1901/d15/?" + urlsplit(links[0]).query.replace("n=6", "n=15")
    )
    assert [_text(a) for a in last.xpath("//nav[@aria-label='Search results']//a")] == [
        "Back to results", "Previous result: Mr. Rockhill to Mr. Hay 14"
    ]  # fmt: skip


def test_a_hit_links_to_its_record_whatever_its_id_holds(client, volume):
    # One reverse a page: ids with characters to quote are reversed on their own.
    odd = ["frus1901/d 16 ?#%", "frus1901/département", "frus1901/d:17@(a)"]
    for public_id in odd:
        DocumentFactory(public_id=public_id, title="Mr. Conger to Mr. Hay",
                        text="<p>The legations at Pekin relieved.</p>")  # fmt: skip
    tree = _tree(client, "/search/?q=Conger&sort=date&per_page=20")
    links = tree.xpath("//h3[@class='hit-title']/a/@href")
    by_id = {d.public_id: d.get_absolute_url() for d in models.Document.objects.all()}
    assert sorted(urlsplit(link).path for link in links) == sorted(by_id[i] for i in odd)
    assert "/document/frus1901/d%2016%20%3F%23%25/" in {urlsplit(a).path for a in links}
    for link in links:
        record = _tree(client, link)
        assert _text(record.xpath("//h1")[0]) == "Mr. Conger to Mr. Hay"


def test_a_record_with_a_stale_or_bad_search_still_opens(client, volume):
    tree = _tree(client, "/document/frus1901/d3/?from=start_date%3Dnonsense&n=x")
    assert not tree.xpath("//nav[@aria-label='Search results']")
    tree = _tree(client, "/document/frus1901/d3/?q=Pekin&from=q%3DPekin&n=9")
    nav = tree.xpath("//nav[@aria-label='Search results']")[0]
    assert [_text(a) for a in nav.xpath(".//a")] == ["Back to results"]  # not result 9


def test_the_date_filter_is_a_removable_chip(client, volume):
    tree = _tree(client, "/search/?q=Rockhill&start_date=1900-08-05&end_date=1900-08-09")
    chips = tree.xpath("//ul[@class='active-filters']//a")
    assert _text(chips[0]) == "Date: 1900-08-05 to 1900-08-09 × (remove)"
    assert parse_qs(urlsplit(chips[0].get("href")).query) == {"q": ["Rockhill"]}


def test_results_per_page_and_skip_link(client, volume):
    tree = _tree(client, "/search/?q=Rockhill")
    assert len(tree.xpath("//li[@class='hit']")) == 10
    choices = tree.xpath("//nav[@aria-label='Results per page']//a")
    assert [_text(a) for a in choices] == ["10", "20", "50", "100"]
    assert choices[0].get("aria-current") == "true"
    # a plain list of links, no "; " between them
    (choice_list,) = tree.xpath("//nav[@aria-label='Results per page']/ul")
    assert choice_list.get("class") == "per-page-list" and len(choice_list.xpath("li")) == 4
    tree = _tree(client, choices[1].get("href"))
    assert len(tree.xpath("//li[@class='hit']")) == 15
    (skip,) = tree.xpath("//a[contains(@class, 'skip-to-results')]")
    assert skip.get("href") == "#results-heading" and tree.xpath("//*[@id='results-heading']")


def test_export_links_carry_the_search(client, volume):
    tree = _tree(client, "/search/?q=Rockhill&per_page=20&page=1")
    exports = tree.xpath("//div[@class='export-links']//a[@data-export]")
    links = {_text(a): a.get("href") for a in exports}
    assert set(links) == {"CSV", "JSON Lines", "BibTeX", "RIS", "ZIP dataset"}
    assert links["CSV"] == "/search/export.csv?q=Rockhill&per_page=20"


def test_collection_pages_show_provenance_without_a_trail(client, volume):
    tree = _tree(client, "/collection/china/")
    link = tree.xpath("//h3[@class='hit-title']/a/@href")[0]
    assert "from=" not in link
    assert tree.xpath("//p[@class='hit-provenance']")
    assert models.Document.objects.count() == 15


def test_the_json_api_hits_carry_their_provenance(client, volume):
    hit = client.get("/api/v1/search", {"q": "Rockhill", "sort": "date"}).json()["hits"][0]
    assert (hit["document_number"], hit["pages"]) == ("1", "pp. 11–12")
    assert hit["collection_path"] == [
        "Foreign Relations of the United States, 1901, Appendix", "Affairs in China"
    ]  # fmt: skip


def test_a_collection_renamed_or_moved_shows_in_the_next_search(client, volume):
    # the collection tree is kept between requests until the next write: a rename and a
    # move under another volume show on the very next search (another URL: not a kept page)
    def provenance(url):
        tree = _tree(client, url)
        assert tree.xpath("//li[@class='hit']"), _text(tree.xpath("//main")[0])[:600]
        return _text(tree.xpath("//li[@class='hit']//p[@class='hit-provenance']")[0])

    settled()
    assert provenance("/search/?q=Rockhill&sort=date").endswith("› Affairs in China")
    chapter = models.Collection.objects.get(slug="china")
    chapter.title = "Affairs in Peking"
    chapter.save()
    settled()
    assert provenance("/search/?q=Rockhill&sort=date&per_page=20").endswith("› Affairs in Peking")
    other = CollectionFactory(title="Papers relating to China", slug="papers-china")
    chapter.parent = other
    chapter.save()
    settled()
    assert provenance("/search/?q=Rockhill&sort=date&per_page=50") == (
        "Document 1 · pp. 11–12 · In: Papers relating to China › Affairs in Peking"
    )


def test_provenance_costs_the_same_statements_however_deep_the_tree(client, db):
    # a document five levels down costs what one in a top collection does: its collections
    # are read with all their ancestors in one statement, not one a level; once kept (until
    # the next write) they are not read again
    parent = None
    for depth in range(5):
        parent = CollectionFactory(title=f"Level {depth}", slug=f"level-{depth}", parent=parent)
    DocumentFactory(public_id="deep/d1", title="A deep telegram", collections=[parent])
    top = CollectionFactory(title="Top", slug="top")
    DocumentFactory(public_id="top/d1", title="A shallow memorandum", collections=[top])

    def statements(words, path):
        with CaptureQueriesContext(connection) as ctx:
            tree = _tree(client, f"/search/?q={words}")
        assert _text(tree.xpath("//p[@class='hit-provenance']")[0]).endswith(path)
        return len(ctx.captured_queries)

    settled()
    statements("telegram", "Level 4")  # warm: the engine's labels
    statements("memorandum", "Top")
    nothing_kept()
    deep = statements("telegram", "Level 0 › Level 1 › Level 2 › Level 3 › Level 4")
    nothing_kept(searches_only=True)  # the collections stay kept
    assert statements("telegram", "Level 3 › Level 4") < deep
    nothing_kept()
    assert statements("memorandum", "Top") == deep
