"""PostgreSQL search with its matches held in temporary tables (docs/postgresql.md).

PostgreSQL only (on SQLite the module is skipped). The shared suite already checks counts,
facets and order on this engine; these check what only this engine does: a broad query
ranked on the head vector first, and facets counted from the held rows.
"""

import pytest
from django.db import connection

from chancery.search.backends import get_backend, postgres
from chancery.search.facets import count_facets
from chancery.search.query import SearchQuery

from ..factories import CollectionFactory, DocumentFactory, SubjectFactory

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
