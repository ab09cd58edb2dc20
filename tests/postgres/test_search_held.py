"""PostgreSQL search with its matches held in temporary tables (docs/postgresql.md).

PostgreSQL only (on SQLite the module is skipped). The shared suite already checks counts,
facets and order on this engine; these check what only this engine does: a broad query
ranked on the head vector first, and facets counted from the held rows.
"""

import pytest
from django.db import connection

from chancery.search.backends import get_backend, postgres
from chancery.search.backends.base import SearchResults
from chancery.search.facets import count_facets
from chancery.search.query import SearchQuery

from ..factories import (
    CollectionFactory,
    DocumentFactory,
    PlaceFactory,
    SubjectFactory,
    language,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the held-table search is PostgreSQL's (this run is on SQLite)")


@pytest.fixture
def archive():
    """Nine documents about a treaty: one says so in its title, the rest only in the text."""
    collections = [CollectionFactory(), CollectionFactory()]
    subject = SubjectFactory()
    titled = DocumentFactory(title="The commercial treaty", summary="", date="1901")
    for i in range(8):
        DocumentFactory(
            title=f"Despatch {i}",
            summary="",
            date=f"{1890 + i}",
            collections=[collections[i % 2]],
            subjects=[subject] if i % 3 == 0 else [],
            text=f"<p>{'The treaty was discussed. ' * (i + 1)}</p>",
        )
    return titled


def test_a_broad_query_pages_through_every_match_once_best_first(archive, monkeypatch):
    monkeypatch.setattr(postgres, "CANDIDATES", 3)  # more matches than candidates
    results = get_backend().search(SearchQuery(text="treaty"))
    assert results.count() == 9
    pages = [results[start : start + 2] for start in range(0, 10, 2)]
    seen = [hit.document.pk for page in pages for hit in page]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 9
    assert seen[0] == archive.pk  # the word in the title ranks first


def test_facets_and_histogram_count_the_held_matches_as_the_shared_code_does(archive):
    results = get_backend().search(SearchQuery(text="treaty", filters={"decade": ("1890",)}))
    assert results.count() == 8
    assert results.facets() == count_facets(results.matched)
    assert results.year_counts() == [(1890 + i, 1) for i in range(8)]
    assert results.facets(only=("type", "decade")) == {
        name: count_facets(results.matched)[name] for name in ("type", "decade")
    }


def _facts_of(results):
    """What this engine counts from the held rows."""
    return results.count(), results.facets(), results.year_counts()


def _shared_answer(results):
    """What the shared code (reading the documents) counts over the same matches."""
    matched = results.matched
    return (
        matched.count(),
        count_facets(matched),
        SearchResults.year_counts(results),
    )


def test_a_plain_search_counts_from_the_facts_the_search_rows_carry(archive):
    results = get_backend().search(SearchQuery(text="treaty"))
    assert results.matched.held == results.matched.match  # no document was read
    assert _facts_of(results) == _shared_answer(results)
    assert {v.value for v in results.facets()["collection"]} != set()


def test_the_facts_follow_the_document_type_date_and_collections(archive):
    from chancery.corpus.models import Collection, Membership

    from ..factories import TypeFactory

    moved = CollectionFactory()
    archive.doc_type = TypeFactory(name="Memorandum", slug="memorandum")
    archive.date = "1875"
    archive.save()
    Membership.objects.create(collection=moved, document=archive, position=0)
    other = Collection.objects.exclude(pk=moved.pk).first()
    Membership.objects.filter(collection=other).first().delete()
    archive.languages.set([language("rus", "Russian")])
    archive.places.set([PlaceFactory()])

    results = get_backend().search(SearchQuery(text="treaty"))
    assert results.matched.held == results.matched.match
    count, facets, years = _facts_of(results)
    assert (count, facets, years) == _shared_answer(results)
    assert ("1870", 1) in [(v.value, v.count) for v in facets["decade"]]
    assert ("memorandum", 1) in [(v.value, v.count) for v in facets["type"]]
    assert (moved.slug, 1) in [(v.value, v.count) for v in facets["collection"]]
    assert [(v.value, v.count) for v in facets["language"]] == [("rus", 1)]
    assert len(facets["place"]) == 1


def test_the_migration_fills_the_facts_of_rows_indexed_before_it(archive):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_pg SET doc_type = NULL, decade = NULL, year = NULL, "
            "collections = '{}', subjects = '{}', places = '{}', languages = '{}', "
            "repositories = '{}'"
        )
        cursor.execute(postgres.facts_sql()[1])
    results = get_backend().search(SearchQuery(text="treaty"))
    assert _facts_of(results) == _shared_answer(results)


def test_documents_gone_behind_djangos_back_leave_the_plain_search(archive):
    from chancery.corpus.models import Document

    drafted = Document.objects.exclude(pk=archive.pk).first()
    Document.objects.filter(pk=drafted.pk).update(status=Document.DRAFT)  # no signal
    with connection.cursor() as cursor:  # as a raw clean-up would
        cursor.execute("DELETE FROM corpus_document WHERE id = %s", [archive.pk])
    results = get_backend().search(SearchQuery(text="treaty"))
    assert _facts_of(results)[0] == _shared_answer(results)[0] == 7
