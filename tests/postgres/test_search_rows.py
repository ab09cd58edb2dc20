"""PostgreSQL search answered from its own rows (docs/postgresql.md, "Search on PostgreSQL").

PostgreSQL only (on SQLite the module is skipped). The shared suite already checks counts,
facets and order on this engine; these check what only this engine does: every filter,
count and facet taken from the facts each search row carries (no document read, nothing
written), a broad query ranked on the small vectors first, and the migration that moved
the facts.
"""

from dataclasses import replace
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.corpus.models import Collection, Document, Membership
from chancery.search.backends import get_backend, orm
from chancery.search.backends.postgres import compile as pg_compile
from chancery.search.backends.postgres import ranking as pg_ranking
from chancery.search.query import SearchQuery

from ..factories import (
    CollectionFactory,
    DocumentFactory,
    PlaceFactory,
    SubjectFactory,
    TypeFactory,
    language,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the search rows' facts are PostgreSQL's (this run is on SQLite)")


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


def _pages(results, size=2):
    return [hit.document.pk for start in range(0, results.count() + 1, size)
            for hit in results[start : start + size]]  # fmt: skip


def test_a_broad_query_pages_through_every_match_once_best_first(archive, monkeypatch):
    monkeypatch.setattr(pg_ranking, "CANDIDATES", 3)  # more matches than candidates
    results = get_backend().search(SearchQuery(text="treaty"))
    assert results.count() == 9
    seen = _pages(results)
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 9
    assert seen[0] == archive.pk  # the word in the title ranks first
    # Past the documents with the word in title, summary or names, the others follow in
    # the order of their head vectors (the despatch saying "treaty" most, first).
    assert seen[1] == Document.objects.get(title="Despatch 7").pk


def test_a_broad_query_ranks_the_same_page_as_a_narrow_one_would(archive, monkeypatch):
    exact = [hit.document.pk for hit in get_backend().search(SearchQuery(text="treaty"))[0:9]]
    monkeypatch.setattr(pg_ranking, "CANDIDATES", 3)
    tiered = get_backend().search(SearchQuery(text="treaty"))
    assert [hit.document.pk for hit in tiered[0:3]] == exact[:3]


@pytest.mark.parametrize("combinations", [128, 1], ids=["one GIN query", "groups counted"])
def test_most_of_the_words_ranks_documents_with_more_of_them_first(db, monkeypatch, combinations):
    monkeypatch.setattr(pg_ranking, "CANDIDATES", 1)
    monkeypatch.setattr(pg_compile, "MAX_COMBINATIONS", combinations)
    two = DocumentFactory(title="Treaty ports", summary="", text="<p>tariff</p>")
    one = [DocumentFactory(title=f"Treaty {i}", summary="", text="<p>x</p>") for i in range(3)]
    results = get_backend().search(SearchQuery(text="treaty tariff revision"))
    assert results.parsed.min_match == 2 and results.count() == 1
    # None has three of the four words: any one will do, those with most of them first.
    relaxed = get_backend().search(SearchQuery(text="treaty tariff revision indemnity"))
    assert relaxed.count() == 4 and relaxed.relaxed
    seen = _pages(relaxed)
    assert seen[0] == two.pk and sorted(seen[1:]) == sorted(d.pk for d in one)


def _facts_of(results):
    """What this engine counts from the search rows."""
    return results.count(), results.facets(), results.year_counts()


def _shared_answer(results):
    """What the ORM (reading the documents) counts over the same matches."""
    matched = results.matched
    return matched.count(), orm.count_facets(matched), orm.year_counts(matched)


def _undated_by_the_documents(results):
    """The undated documents among the matches of the same plan without its dates."""
    plan = replace(results.plan, start=None, end=None, memo={})
    found = [pk for pk, _, _ in results.backend.page(plan, 0, results.backend.count(plan), "date")]
    return Document.objects.filter(pk__in=found, date_earliest__isnull=True).count()


def test_counting_reads_no_document_and_writes_nothing(archive):
    results = get_backend().search(SearchQuery(text="treaty", filters={"decade": ("1890",)}))
    with CaptureQueriesContext(connection) as queries:
        count, facets, years = _facts_of(results)
        results[0:3]
    statements = [q["sql"] for q in queries.captured_queries]
    counting = [sql for sql in statements if "GROUPING SETS" in sql]
    assert len(counting) == 1 and "corpus_document " not in counting[0]
    assert not [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "CREATE"))]
    assert (count, facets, years) == _shared_answer(results)
    assert count == 8 and years == [(1890 + i, 1) for i in range(8)]


def test_facet_filters_scope_and_dates_are_answered_from_the_rows(archive):
    collection = Collection.objects.filter(documents__title="Despatch 1").get()
    subject = archive.__class__.objects.get(title="Despatch 0").subjects.get()
    backend = get_backend()
    cases = [
        SearchQuery(text="treaty", filters={"collection": (collection.slug,)}),
        SearchQuery(
            text="treaty", filters={"collection": (collection.slug,), "subject": (subject.slug,)}
        ),  # fmt: skip
        SearchQuery(text="treaty", filters={"collection": ("no-such-collection",)}),
        SearchQuery(text="treaty", filters={"decade": ("1900", "undated")}),
        SearchQuery(text="treaty", filters={"language": ("eng",)}),
        SearchQuery(text="treaty", collection_scope=collection.slug),
        SearchQuery(text="treaty 1893..1895"),
        SearchQuery(
            text="treaty", start=date(1893, 1, 1), end=date(1895, 12, 31), date_mode="within"
        ),
        SearchQuery(text="treaty -commercial"),
        SearchQuery(text="", filters={"subject": (subject.slug,)}),
    ]
    DocumentFactory(title="Undated note", summary="", date="", text="<p>A treaty.</p>")
    counts, undated = [], []
    for query in cases:
        results = backend.search(query)
        assert _facts_of(results) == _shared_answer(results), query
        assert results.undated_count() == _undated_by_the_documents(results), query
        counts.append(results.count())
        undated.append(results.undated_count())
    assert counts == [4, 1, 0, 2, 0, 4, 3, 3, 9, 3]
    assert undated == [0, 0, 0, 1, 0, 0, 1, 1, 1, 0]  # the dated searches offer the note


def test_the_facts_follow_the_document_type_date_and_collections(archive):
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
    count, facets, years = _facts_of(results)
    assert (count, facets, years) == _shared_answer(results)
    assert ("1870", 1) in [(v.value, v.count) for v in facets["decade"]]
    assert ("memorandum", 1) in [(v.value, v.count) for v in facets["type"]]
    assert (moved.slug, 1) in [(v.value, v.count) for v in facets["collection"]]
    assert [(v.value, v.count) for v in facets["language"]] == [("rus", 1)]
    assert len(facets["place"]) == 1
    dated = get_backend().search(SearchQuery(text="treaty 1870..1879"))
    assert [hit.document.pk for hit in dated[0:5]] == [archive.pk]


def test_the_migration_moves_the_facts_and_back(archive):
    before = _facts_of(get_backend().search(SearchQuery(text="treaty")))
    call_command("migrate", "search", "0005", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_pg WHERE cardinality(collections) = 1")
        assert cursor.fetchone()[0] == 8
    # every app forward: the content stamp's migration (web 0001) needs the search tables,
    # so going back to search 0005 took it back too
    call_command("migrate", verbosity=0)
    after = get_backend().search(SearchQuery(text="treaty"))
    assert _facts_of(after) == before == _shared_answer(after)


def test_documents_gone_behind_djangos_back_leave_the_search(archive):
    drafted = Document.objects.exclude(pk=archive.pk).first()
    Document.objects.filter(pk=drafted.pk).update(status=Document.DRAFT)  # no signal
    with connection.cursor() as cursor:  # as a raw clean-up would
        cursor.execute("DELETE FROM corpus_document WHERE id = %s", [archive.pk])
    results = get_backend().search(SearchQuery(text="treaty"))
    assert _facts_of(results)[0] == _shared_answer(results)[0] == 7


def test_a_long_query_relaxed_to_any_word_counts_the_groups_each_row_matched(archive):
    words = "treaty despatch commercial alpha bravo charlie delta echo foxtrot golf"
    results = get_backend().search(SearchQuery(text=words))
    assert results.count() == 9 and results.relaxed  # any one word: every document
    bands = pg_compile.plan_match(results.plan).bands
    assert bands == [pg_compile.Band(counted=True)]  # 252 combinations in one band
    seen = _pages(results, size=4)
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 9
    # Two of the words in the title ("commercial", "treaty") and none past them: first.
    assert seen[0] == archive.pk


@pytest.mark.parametrize(
    ("sort", "text"),
    [("date", ""), ("-date", ""), ("relevance", ""), ("date", "treaty OR note"),
     ("-date", "treaty OR note")],
)  # fmt: skip
def test_date_order_is_the_shared_one_ties_broken_by_public_id(archive, sort, text):
    for i in range(5):  # the same day, public ids out of creation order
        DocumentFactory(public_id=f"test/z{9 - i}", title=f"Note {i}", date="1895-03-01")
    DocumentFactory(public_id="test/undated", title="Undated note", date="")
    results = get_backend().search(SearchQuery(text=text, sort=sort))  # no words: by date
    order = orm.ORDERINGS.get(sort, orm.ORDERINGS["date"])
    expected = list(results.matched.order_by(*order).values_list("pk", flat=True))
    assert len(expected) == 15
    for size in (1, 4, 15):
        assert _pages(results, size) == expected, size


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_a_new_combination_get_the_same_id():
    """Two imports committing documents with the same new combination of collections …
    at once: the second waits for the first and reuses its row (no error, no duplicate)."""
    import threading

    import psycopg

    params = connection.get_connection_params()
    call = "SELECT search_pg_links_id('{987654}', '{}', '{}', '{}', '{}', '{}')"
    first, second = psycopg.connect(**params), psycopg.connect(**params)
    try:
        first_id = first.execute(call).fetchone()[0]  # inserted, not yet committed
        found = []
        waiting = threading.Thread(target=lambda: found.append(second.execute(call).fetchone()[0]))
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()  # held by the first writer's uncommitted row
        first.commit()
        waiting.join(timeout=10)
        second.commit()
        assert found == [first_id]
        rows = first.execute(
            "SELECT count(*) FROM search_pg_links WHERE collections = '{987654}'"
        ).fetchone()[0]
        assert rows == 1
    finally:
        first.execute("DELETE FROM search_pg_links WHERE collections = '{987654}'")
        first.commit()
        first.close()
        second.close()
