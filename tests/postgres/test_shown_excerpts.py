"""PostgreSQL cuts snippets from the excerpts it stores in each search row (``shown``).

The same hits, marked from the stored excerpts and from the texts read from the database,
give the same marks, "Matched in" layers and snippets (the fixture and queries of
``test_stored_snippets``: variants, phrases, several texts, machine-read text, a match
beyond the stored head); a page's snippets take one statement and read no text table; a
row written before the excerpts were kept (migration 0013) still gets its snippet, from
the database, and a reindex stores its excerpts; the migration goes back and forth.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.search import indexing
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery
from tests.search.test_contract import use
from tests.search.test_fts5_snippets import compare
from tests.search.test_stored_snippets import QUERIES, texts  # noqa: F401 (a fixture)

#: The tables a document's texts are read from when no excerpt is stored.
TEXT_TABLES = ("corpus_transcript", "corpus_translation", "ocr_machinetext")


@pytest.fixture
def backend(texts, settings, tmp_path):  # noqa: F811
    use(settings, tmp_path, "postgres")  # skipped unless the archive is on PostgreSQL
    return get_backend()


def test_postgres_snippets_from_stored_excerpts_equal_the_database_ones(backend):
    assert backend.supports_stored_snippets
    for text in QUERIES:
        hits = backend.search(SearchQuery(text=text))[0:10]
        pks = [hit.document.pk for hit in hits]
        assert set(backend.shown(pks)) == set(pks), text  # every hit's excerpts are stored
        compare(backend, text)


@pytest.mark.parametrize("text", ["treaty", "wheat Kuban", "samovar"])
def test_a_page_of_snippets_reads_one_row_per_hit_and_no_text(backend, text):
    results = backend.search(SearchQuery(text=text))
    documents = [hit.document for hit in results[0:10]]
    with CaptureQueriesContext(connection) as queries:
        marks = backend.snippets(results.plan, documents)
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1 and "search_pg" in statements[0], statements
    assert not [sql for sql in statements if any(t in sql for t in TEXT_TABLES)]
    assert any(m.snippet for m in marks.values())


def test_rows_without_excerpts_still_show_snippets_until_reindexed(backend):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_pg SET shown = NULL")  # as rows written before 0013
    hits = backend.search(SearchQuery(text="treaty"))[0:10]
    pks = [hit.document.pk for hit in hits]
    assert backend.shown(pks) == {}
    assert any("<mark>treaty</mark>" in hit.snippet_html for hit in hits)
    for text in QUERIES:
        compare(backend, text)
    indexing.reindex()
    assert set(backend.shown(pks)) == set(pks)


def test_the_migration_adds_the_column_and_takes_it_away(backend):
    hits = backend.search(SearchQuery(text="treaty"))[0:10]
    before = [(h.document.pk, h.snippet_html) for h in hits]
    call_command("migrate", "search", "0012", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'search_pg' AND column_name = 'shown'"
        )
        assert cursor.fetchone()[0] == 0
    call_command("migrate", verbosity=0)  # every app forward (web 0001 needs search's)
    after = backend.search(SearchQuery(text="treaty"))[0:10]
    assert [(h.document.pk, h.snippet_html) for h in after] == before  # read from the texts
    indexing.reindex()
    assert set(backend.shown([pk for pk, _ in before])) == {pk for pk, _ in before}
