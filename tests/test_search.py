"""Search behaviour over a real SQLite FTS5 index built from factory documents."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.corpus.models import Document
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery, parse_query

from .factories import CollectionFactory, DocumentFactory, SubjectFactory, TypeFactory, language
from .queries import search_query_bound

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def sixty_four(db):
    """64 published documents about the 'Boxer indemnity' and 5 drafts that also match."""
    cold, hot = CollectionFactory(title="Cold", slug="cold"), CollectionFactory(slug="hot")
    memo = TypeFactory(name="Memorandum", slug="memorandum")
    tele = TypeFactory(name="Telegram", slug="telegram")
    rus = language("rus", "Russian")
    subject = SubjectFactory(name="Indemnities", slug="indemnities")
    for n in range(64):
        DocumentFactory(
            title=f"Boxer indemnity report {n}",
            date=f"19{10 + n % 30}-0{1 + n % 9}-1{n % 9}",
            collections=[cold if n % 2 else hot],
            doc_type=memo if n % 4 else tele,
            languages=[rus] if n % 3 == 0 else [],
            subjects=[subject] if n < 10 else [],
        )
    for n in range(5):
        DocumentFactory(
            title=f"Draft Boxer indemnity {n}",
            status=Document.DRAFT,
            collections=[cold],
            public_id=f"draft/{n}",
        )
    DocumentFactory(title="Unrelated note on fisheries", summary="Seals in the Bering Sea.")


def hits_text(response) -> str:
    return response.content.decode()


def test_page_three_shows_21_to_30_of_64_and_no_drafts(client, sixty_four):
    response = client.get("/search/", {"q": "Boxer indemnity", "page": 3})
    assert response.status_code == 200
    html = hits_text(response)
    assert "21 - 30 of 64" in html
    assert len(re.findall(r'<li class="hit"[ >]', html)) == 10
    assert "Draft Boxer" not in html
    facets = response.context["page"].facets
    assert sum(o.count for o in facets["collection"]) == 64
    assert sum(o.count for o in facets["type"]) == 64
    assert sum(o.count for o in facets["decade"]) == 64
    assert {o.label: o.count for o in facets["collection"]} == {"Cold": 32, "Collection": 32} or (
        sum(o.count for o in facets["collection"] if o.value == "cold") == 32
    )


def test_json_search_has_the_same_answer(client, sixty_four):
    data = client.get("/api/v1/search", {"q": "Boxer indemnity", "page": 3}).json()
    assert data["total"] == 64
    assert data["page"] == 3 and data["per_page"] == 10
    assert len(data["hits"]) == 10
    assert not any(h["title"].startswith("Draft") for h in data["hits"])
    assert sum(v["count"] for v in data["facets"]["type"]) == 64
    assert data["links"]["next"].endswith("page=4")


def test_drafts_never_count_in_facets_or_browse(client, sixty_four):
    data = client.get("/api/v1/search").json()
    assert data["total"] == 65  # 64 + the fisheries note; drafts excluded
    cold = next(v for v in data["facets"]["collection"] if v["value"] == "cold")
    assert cold["count"] == 32


def test_facet_selection_narrows_and_pagination_keeps_it(client, sixty_four):
    response = client.get("/search/", {"q": "Boxer", "collection": "cold"})
    page = response.context["page"]
    assert page.total == 32
    assert "collection=cold" in page.next_url
    assert "q=Boxer" in page.next_url
    selected = [o for o in page.facets["collection"] if o.selected]
    assert [o.value for o in selected] == ["cold"]
    assert "collection=cold" not in selected[0].url  # its toggle removes it


def test_conjunctive_and_disjunctive_facets(client, sixty_four):
    both = client.get("/api/v1/search", {"type": ["memorandum", "telegram"]}).json()
    assert both["total"] == 65  # types: any of them (the fisheries note is a telegram)
    narrowed = client.get("/api/v1/search", {"subject": "indemnities", "language": "rus"}).json()
    assert narrowed["total"] == 4  # n < 10 and n % 3 == 0: 0, 3, 6, 9


def test_sort_by_date_both_ways_and_title(client, sixty_four):
    up = client.get("/api/v1/search", {"q": "Boxer", "sort": "date", "per_page": 100}).json()
    dates = [h["date_earliest"] for h in up["hits"]]
    assert dates == sorted(dates)
    down = client.get("/api/v1/search", {"q": "Boxer", "sort": "-date", "per_page": 100}).json()
    assert [h["date_earliest"] for h in down["hits"]] == sorted(dates, reverse=True)
    titled = client.get("/api/v1/search", {"q": "Boxer", "sort": "title", "per_page": 100})
    titles = [h["title"] for h in titled.json()["hits"]]
    assert titles == sorted(titles)


def test_title_matches_rank_above_text_matches(db):
    DocumentFactory(title="Memorandum", summary="Nothing", text="<p>Shanghai mentioned.</p>")
    DocumentFactory(title="Shanghai conference", summary="Nothing")
    results = get_backend().search(SearchQuery(text="Shanghai"))
    assert [h.document.title for h in results[0:2]] == ["Shanghai conference", "Memorandum"]


def test_matched_words_are_highlighted_and_markup_is_escaped(client, db):
    DocumentFactory(
        title="Report <script>alert(1)</script> on Khrushchev",
        summary="Khrushchev & Castro",
        text="<p>Long text where Khrushchev appears in the middle of many words.</p>",
    )
    html = hits_text(client.get("/search/", {"q": "khrushchev"}))
    assert "<mark>Khrushchev</mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&amp; Castro" in html


def test_date_range_overlap_and_within(db):
    DocumentFactory(title="Exact", date="1958-09-27")
    DocumentFactory(title="Year", date="1958")
    DocumentFactory(title="Span", date="1957-12-01/1958-02-01")
    DocumentFactory(title="Undated", date="")
    backend = get_backend()
    import datetime as dt

    overlap = backend.search(SearchQuery(start=dt.date(1958, 1, 1), end=dt.date(1958, 12, 31)))
    assert {h.document.title for h in overlap[0:10]} == {"Exact", "Year", "Span"}
    within = backend.search(
        SearchQuery(start=dt.date(1958, 1, 1), end=dt.date(1958, 12, 31), date_mode="within")
    )
    assert {h.document.title for h in within[0:10]} == {"Exact", "Year"}


def test_phrases_exclusions_or_and_prefixes(db):
    DocumentFactory(title="Cold war diplomacy", summary="")
    DocumentFactory(title="War that was cold", summary="")
    DocumentFactory(title="Nationalisation of factories", summary="")
    DocumentFactory(title="National interest", summary="")
    backend = get_backend()

    def titles(text):
        return {h.document.title for h in backend.search(SearchQuery(text=text))[0:20]}

    assert titles('"cold war"') == {"Cold war diplomacy"}
    assert titles("cold war") == {"Cold war diplomacy", "War that was cold"}
    assert titles("cold -diplomacy") == {"War that was cold"}
    assert titles("diplomacy OR factories") == {
        "Cold war diplomacy",
        "Nationalisation of factories",
    }
    assert titles("nation*") == {"Nationalisation of factories", "National interest"}


@pytest.mark.parametrize("text", ['"unclosed', "OR", "AND NOT", "***", "-", "a OR", '""', "(("])
def test_odd_queries_search_sensibly(db, text):
    DocumentFactory(title="unclosed business")
    results = get_backend().search(SearchQuery(text=text))
    assert results.count() >= 0
    list(results[0:10])


def test_parser_explains_itself():
    parsed = parse_query('"cold war')
    assert parsed.explain() == '"cold war"'
    assert "unclosed" in parsed.notes[0]
    assert parse_query("OR").notes


def test_index_follows_edits_and_unpublishing(db):
    doc = DocumentFactory(title="Original wording")
    backend = get_backend()
    assert backend.search(SearchQuery(text="original")).count() == 1
    doc.title = "Changed wording"
    doc.save()
    assert backend.search(SearchQuery(text="original")).count() == 0
    assert backend.search(SearchQuery(text="changed")).count() == 1
    doc.status = Document.DRAFT
    doc.save()
    assert backend.search(SearchQuery(text="changed")).count() == 0
    assert backend.indexed_count() == 0


def test_reindex_rebuilds_the_index_from_the_database(db):
    from chancery.search.indexing import reindex

    DocumentFactory(title="Alpha"), DocumentFactory(title="Beta")
    get_backend().reset()
    assert get_backend().search(SearchQuery(text="alpha")).count() == 0
    assert reindex() == 2
    assert get_backend().search(SearchQuery(text="alpha")).count() == 1


@pytest.mark.parametrize("n_docs", [5, 40])
def test_search_page_query_count_is_bounded(client, db, n_docs):
    subjects = [SubjectFactory() for _ in range(n_docs)]
    for i in range(n_docs):
        DocumentFactory(
            title=f"Treaty {i}",
            collections=[CollectionFactory()],
            subjects=subjects[: i + 1],
            languages=[language("rus", "Russian")],
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "treaty", "per_page": 50})
    assert response.status_code == 200
    limit = search_query_bound()
    assert len(queries) <= limit, [q["sql"] for q in queries]


def test_diacritics_and_stemming(db):
    DocumentFactory(title="Gdańsk harbour", summary="")
    DocumentFactory(title="Treaties signed", summary="")
    backend = get_backend()
    assert backend.search(SearchQuery(text="Gdansk")).count() == 1
    assert backend.search(SearchQuery(text="treaty")).count() == 1
