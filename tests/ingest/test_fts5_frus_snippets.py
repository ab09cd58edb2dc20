"""On real volumes, the SQLite FTS5 engine's snippets cut from its stored excerpts are the
ones cut from the texts read from the database: the same marks, "Matched in" layers and
keyword-in-context passages for every hit of a page, for words, names with variants,
phrases, prefixes and a search within one layer."""

import pytest

from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery
from chancery.search.snippets import marks_for
from tests.search.test_contract import use

pytestmark = pytest.mark.django_db

QUERIES = [
    "treaty",
    "Lincoln",
    "Seward blockade",
    '"League of Nations"',
    "Clemenceau",
    "reparation*",
    "cotton",
    "Wilson peace conference",
    "Mexico",
    "translation:France",
]


def test_stored_excerpts_give_the_snippets_read_from_the_database(frus_archive, settings, tmp_path):
    use(settings, tmp_path, "fts5")
    backend = get_backend()
    compared = 0
    for text in QUERIES:
        results = backend.search(SearchQuery(text=text))
        for start in (0, 10):
            documents = [hit.document for hit in results[start : start + 10]]
            pks = [d.pk for d in documents]
            assert set(backend.shown(pks)) == set(pks), text
            stored = backend.snippets(results.plan, documents)
            assert stored == marks_for(documents, results.plan.parsed), text
            compared += len(documents)
    assert compared > 100
