"""The SQLite FTS5 engine cuts snippets from the excerpts it stores beside its index.

The same hits, marked from the stored excerpts and from the texts read from the database,
give the same marks, "Matched in" layers and snippets (the fixture and queries of
``test_stored_snippets``: variants, phrases, several texts, machine-read text, a match
beyond the stored head); a hit indexed before the excerpts were kept still gets its
snippet (from the database), and a reindex stores its excerpts.
"""

from __future__ import annotations

from django.db import connection

from chancery.search import indexing
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery
from chancery.search.snippets import marks_for
from tests.search.test_contract import use
from tests.search.test_stored_snippets import QUERIES, texts  # noqa: F401 (a fixture)


def compare(backend, text: str) -> None:
    results = backend.search(SearchQuery(text=text))
    hits = results[0:10]
    assert hits, text
    documents = [hit.document for hit in hits]
    stored = backend.snippets(results.plan, documents)
    assert stored == marks_for(documents, results.plan.parsed), text
    assert any(m.snippet for m in stored.values()), text


def test_fts5_snippets_from_stored_excerpts_equal_the_database_ones(texts, settings, tmp_path):  # noqa: F811
    use(settings, tmp_path, "fts5")
    backend = get_backend()
    assert backend.supports_stored_snippets
    for text in QUERIES:
        hits = backend.search(SearchQuery(text=text))[0:10]
        pks = [hit.document.pk for hit in hits]
        assert set(backend.shown(pks)) == set(pks), text  # every hit's excerpts are stored
        compare(backend, text)


def test_an_index_without_excerpts_still_shows_snippets_until_reindexed(texts, settings, tmp_path):  # noqa: F811
    use(settings, tmp_path, "fts5")
    backend = get_backend()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_shown")  # as an index written before 0012
    hits = backend.search(SearchQuery(text="treaty"))[0:10]
    assert backend.shown([hit.document.pk for hit in hits]) == {}
    assert any("<mark>treaty</mark>" in hit.snippet_html for hit in hits)
    for text in QUERIES:
        compare(backend, text)
    indexing.reindex()
    assert set(backend.shown([hit.document.pk for hit in hits])) == {h.document.pk for h in hits}
