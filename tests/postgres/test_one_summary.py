"""One search page on PostgreSQL evaluates its matches once for everything it counts.

The count, every facet, the year histogram and the undated documents outside a search's
dates come from one statement (``summary.summarize``, its GROUPING SETS), whatever the page
shows: words, a facet selected, dates (with the undated link), no words at all; the hits'
snippets come from the stored excerpts, not the text tables. The reader sees every part:
the count, the facets, the histogram and the undated link.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DocumentFactory, TypeFactory
from tests.queries import nothing_kept, settled

pytestmark = pytest.mark.django_db

TEXT_TABLES = ("corpus_transcript", "corpus_translation", "ocr_machinetext")


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one summary statement is PostgreSQL's (this run is on SQLite)")


@pytest.fixture
def archive():
    despatch, note = (
        TypeFactory(name="Despatch", slug="despatch"),
        TypeFactory(name="Note", slug="note"),
    )
    for i in range(12):
        DocumentFactory(
            title=f"Despatch {i} on the treaty",
            summary="",
            date=f"{1890 + i}" if i % 4 else "",
            doc_type=despatch if i % 2 else note,
            text=f"<p>{'The treaty of commerce was discussed. ' * (i + 1)}</p>",
        )
    settled()
    return despatch


def statements_of(client, url: str) -> tuple[str, list[str]]:
    nothing_kept(searches_only=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ("q=treaty", 12),
        ("q=treaty&type={type}", 6),
        ("q=treaty&start_date=1893&end_date=1899", 5),
        ("q=treaty+1893..1899", 5),
        ("q=commerce&sort=-date", 12),
        ("type={type}", 6),
    ],
)
def test_count_facets_histogram_and_undated_come_from_one_statement(client, archive, params, total):
    url = reverse("web:search") + "?" + params.format(type=archive.slug)
    client.get(url)  # warm: what a process keeps for every search (labels, vocabulary)
    html, statements = statements_of(client, url)
    summaries = [sql for sql in statements if "GROUPING SETS" in sql]
    assert len(summaries) == 1, summaries
    others = [sql for sql in statements if "search_pg" in sql and sql not in summaries]
    assert not [sql for sql in others if re.search(r"\bcount\(", sql)], others
    assert not [sql for sql in statements if any(t in sql for t in TEXT_TABLES)]
    assert f" of {total}</p>" in html  # the count, as readers see it
    assert "Despatch" in html and "1890s" in html  # a type facet value, the decades
    if "1893" in params:
        assert "decade=undated" in html  # the undated documents, counted in the same pass
