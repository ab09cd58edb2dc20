"""The once-a-minute check of an index kept outside the database sums the published
documents in SQL; it must give exactly the figures the index is compared with."""

from __future__ import annotations

import datetime as dt

import pytest

from chancery.corpus.models import Document
from chancery.search.indexing import published_fingerprint, published_stamps
from tests.factories import DocumentFactory

pytestmark = pytest.mark.engine


def test_the_sums_made_by_the_database_equal_those_of_the_rows(db):
    documents = [DocumentFactory() for _ in range(4)]
    DocumentFactory(status=Document.DRAFT)  # not published: not counted
    moments = [
        dt.datetime(2026, 12, 4, 23, 59, 59, 999_900, tzinfo=dt.UTC),  # rounds up if rounded
        dt.datetime(1999, 1, 1, 0, 0, 0, 500_000, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC),
    ]
    for document, moment in zip(documents, moments, strict=False):
        Document.objects.filter(pk=document.pk).update(updated_at=moment)
    stamps = published_stamps()
    assert len(stamps) == 4
    assert published_fingerprint() == (len(stamps), sum(stamps), sum(stamps.values()))
