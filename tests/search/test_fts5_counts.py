"""The SQLite FTS5 engine matches the words once per search and reads every count from
those matches: its total, facets (a collection's rolled up its tree, a document in two of
its chapters counted once), year histogram and undated count are the ones the database
counts over the same documents, with and without dates, filters and sorts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.corpus.models import Collection, Document
from chancery.search.backends import get_backend, orm
from chancery.search.query import SearchQuery
from tests.factories import DocumentFactory
from tests.search.test_contract import archive, use  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SEARCHES = [
    {"text": "soviet"},
    {"text": "soviet", "start": dt.date(1958, 1, 1), "end": dt.date(1962, 12, 31)},
    {"text": "soviet grain", "start": dt.date(1950, 1, 1)},
    {"text": "soviet OR treaty", "sort": "date"},
    {"text": "soviet", "filters": {"decade": ("1950",)}},
    {"text": "chapters", "start": dt.date(1900, 1, 1), "end": dt.date(1999, 1, 1)},
    {"text": "nothing-like-this"},
]


def database_counts(query: SearchQuery) -> dict:
    """What the ORM counts over the documents the search finds, and the undated ones its
    plan (relaxed or not) finds without its dates, as the engine matched them before."""
    backend = get_backend()
    results = backend.search(query)
    found = Document.objects.filter(pk__in=[d.pk for d in results.matched])
    plan = results.plan
    without_dates = backend._matching(orm.filtered(plan, dates=False), plan.parsed)
    undated = without_dates.filter(date_earliest__isnull=True)
    return {
        "count": found.count(),
        "facets": orm.count_facets(found),
        "years": orm.year_counts(found),
        "undated": undated.count(),
    }


@pytest.fixture
def two_chapters(archive):  # noqa: F811
    alliance = Collection.objects.get(slug="sino-soviet-alliance")
    rivalry = Collection.objects.get(slug="sino-soviet-rivalry")
    DocumentFactory(public_id="both", title="Soviet note across two chapters", date="1959",
                    collections=[alliance, rivalry])  # fmt: skip
    DocumentFactory(public_id="nodate", title="Soviet chapters, undated", date="",
                    collections=[alliance, rivalry])  # fmt: skip


def test_every_count_is_the_databases_over_the_same_matches(two_chapters, settings, tmp_path):
    use(settings, tmp_path, "fts5")
    for fields in SEARCHES:
        query = SearchQuery(**fields)
        expected = database_counts(query)
        results = get_backend().search(query)
        answered = {
            "count": results.count(),
            "facets": results.facets(),
            "years": results.year_counts(),
            "undated": results.undated_count(),
        }
        assert answered == expected, fields
    collections = get_backend().search(SearchQuery(text="soviet")).facets(("collection",))
    counts = {v.value: v.count for v in collections["collection"]}
    assert counts["sino-soviet-alliance"] >= 2 and counts["sino-soviet-rivalry"] >= 2
    parent = Collection.objects.get(slug="sino-soviet-alliance").parent
    both = Document.objects.filter(collections__path__startswith=parent.path).distinct()
    assert counts[parent.slug] == both.filter(pk__in=_soviet()).count()  # "both" once


def _soviet() -> list[int]:
    return [d.pk for d in get_backend().search(SearchQuery(text="soviet")).matched]


def test_the_words_are_matched_once_per_search(two_chapters, settings, tmp_path):
    use(settings, tmp_path, "fts5")
    query = SearchQuery(text="soviet", start=dt.date(1950, 1, 1))
    with CaptureQueriesContext(connection) as statements:
        results = get_backend().search(query)
        results.count()
        results[0:10]
        results.facets()
        results.year_counts()
        results.undated_count()
    matching = [s["sql"] for s in statements if "MATCH" in s["sql"]]
    assert len([s for s in matching if s.startswith("INSERT")]) == 1, matching
    assert len(matching) == 2, matching  # held once, then ranked (bm25 needs the match)
