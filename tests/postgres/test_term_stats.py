"""The statistics PostgreSQL's BM25 reads (migration 0010_postgres_term_stats) stay equal
to a count made afresh from the rows, whatever path changed them: the indexer's writes,
a document unpublished or deleted behind Django's back (the triggers), a reindex.

PostgreSQL only (on SQLite the module is skipped)."""

import pytest
from django.core.management import call_command
from django.db import connection

from chancery.corpus.models import Document
from chancery.search.backends import get_backend
from chancery.search.indexing import index_documents

from ..factories import DocumentFactory

pytestmark = pytest.mark.django_db

FRESH = """
    SELECT l, count(*) FROM (
        SELECT DISTINCT s.document_id, l FROM search_pg s,
        unnest(tsvector_to_array(s.vector) || tsvector_to_array(s.machine_vector)) AS l
    ) AS t GROUP BY l
"""


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the term statistics are PostgreSQL's (this run is on SQLite)")


def kept():
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, documents FROM search_pg_terms WHERE documents <> 0")
        terms = dict(cursor.fetchall())
        cursor.execute("SELECT documents, words FROM search_pg_stats")
        totals = cursor.fetchone()
    return terms, totals


def fresh():
    with connection.cursor() as cursor:
        cursor.execute(FRESH)
        terms = dict(cursor.fetchall())
        cursor.execute("SELECT count(*), coalesce(sum(length), 0) FROM search_pg")
        totals = cursor.fetchone()
    return terms, totals


def test_the_counts_follow_every_way_a_row_changes():
    first = DocumentFactory(title="Zanzibar", summary="", text="<p>The sultan of Zanzibar.</p>")
    second = DocumentFactory(title="Pemba", summary="", text="<p>The clove harvest.</p>")
    third = DocumentFactory(title="Mombasa", summary="", text="<p>The sultan's port.</p>")
    assert kept() == fresh()
    assert kept()[0]["sultan"] == 2 and kept()[1][0] == 3
    first.title = "Unguja"
    first.save()
    index_documents([first.pk])  # the row replaced: old lexemes out, new ones in
    assert kept() == fresh() and "zanzibar" in kept()[0]
    Document.objects.filter(pk=second.pk).update(status="draft")  # a trigger drops the row
    assert kept() == fresh() and "clove" not in kept()[0]
    Document.objects.filter(pk=third.pk).delete()
    assert kept() == fresh() and kept()[1][0] == 1
    assert get_backend().document_frequency("sultan") == 1


def test_a_reindex_counts_afresh():
    DocumentFactory(title="Zanzibar", summary="", text="<p>The sultan.</p>")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_pg_terms SET documents = 99")  # drifted
    call_command("reindex", verbosity=0)
    assert kept() == fresh()
