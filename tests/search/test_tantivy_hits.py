"""What a page of hits shows, on every engine, and what Tantivy reads to find it.

The hits' records are read in one SQL statement (``backends/rows.py``), not through the ORM:
they must be the records the ORM reads, and only published ones — an index outside the
database's transactions may hold a document withdrawn a moment ago. Tantivy reloads its
index only when a commit changed it: a commit by another process is still seen by the next
search. A phrase of stopwords only finds the words standing together.
"""

from __future__ import annotations

import pytest
import tantivy

from chancery.corpus.models import Document
from chancery.search.backends import get_backend
from chancery.search.backends.tantivy.schema import ANALYZERS, SCHEMA, index_dir
from chancery.search.query import SearchQuery
from tests.factories import DocumentFactory
from tests.search.test_contract import ENGINES, use

pytestmark = pytest.mark.django_db


def shown(text: str, **query) -> list[str]:
    results = get_backend().search(SearchQuery(text=text, **query))
    return [hit.document.public_id for hit in results[0:10]]


@pytest.mark.parametrize("name", ENGINES)
def test_a_document_withdrawn_behind_the_index_is_not_shown(settings, tmp_path, name):
    DocumentFactory(public_id="kept", title="Zanzibar consulate accounts", summary="")
    gone = DocumentFactory(public_id="gone", title="Zanzibar consulate closed", summary="")
    use(settings, tmp_path, name)
    assert sorted(shown("zanzibar")) == ["gone", "kept"]
    # Withdrawn in the database without the index being told (a writer in another process
    # between its commit and the index's): the database decides what is public.
    Document.objects.filter(pk=gone.pk).update(status=Document.DRAFT)
    assert shown("zanzibar") == ["kept"]
    Document.objects.filter(pk=gone.pk).delete()
    assert shown("zanzibar") == ["kept"]


@pytest.mark.parametrize("name", ENGINES)
def test_the_hits_are_the_records_the_orm_reads(
    settings, tmp_path, name, django_assert_num_queries
):
    DocumentFactory(public_id="typed", title="Zanzibar treaty", date="1890-07-01",
                    summary="<p>The <em>Heligoland</em> exchange.</p>")  # fmt: skip
    DocumentFactory(public_id="untyped", title="Zanzibar note", date="", doc_type=None)
    DocumentFactory(public_id="approx", title="Zanzibar memo", date="c. 1891")
    use(settings, tmp_path, name)
    hits = get_backend().search(SearchQuery(text="zanzibar"))[0:10]
    assert len(hits) == 3
    for hit in hits:
        read = Document.objects.with_listing().get(pk=hit.document.pk)
        for field in Document._meta.concrete_fields:
            assert getattr(hit.document, field.attname) == getattr(read, field.attname), field
        with django_assert_num_queries(0):  # the type came with the document
            doc_type = hit.document.doc_type
        assert doc_type == read.doc_type
        if doc_type is not None:
            assert doc_type.name == read.doc_type.name and doc_type.slug == read.doc_type.slug
        assert hit.document.get_absolute_url() == read.get_absolute_url()
        assert hit.document.date_display == read.date_display


def test_a_commit_by_another_process_is_seen_by_the_next_search(settings, tmp_path):
    first = DocumentFactory(public_id="first", title="Zanzibar consulate accounts", summary="")
    DocumentFactory(public_id="later", title="Zanzibar consulate closed", summary="")
    use(settings, tmp_path, "tantivy")
    assert sorted(shown("zanzibar")) == ["first", "later"]
    assert sorted(shown("zanzibar")) == ["first", "later"]  # nothing changed: no reload
    # Another process's writer (a handle of its own on the same folder) takes one out and
    # puts a new version of the other in.
    other = tantivy.Index(SCHEMA, path=str(index_dir()), reuse=True)
    for tokenizer, analyzer in ANALYZERS.items():
        other.register_tokenizer(tokenizer, analyzer)
    writer = other.writer(heap_size=15_000_000, num_threads=1)
    writer.delete_documents_by_term("pk", first.pk)
    writer.commit()
    writer.wait_merging_threads()
    del writer
    assert shown("zanzibar") == ["later"]


@pytest.mark.parametrize("name", ENGINES)
def test_a_phrase_of_stopwords_finds_only_the_words_together(settings, tmp_path, name):
    """tantivy-py's constant-score query over a phrase ignores its positions: no phrase
    the reader typed may go through one (stopword groups are wrapped in it only when they
    are plain words)."""
    if name == "postgres":
        pytest.skip("PostgreSQL's english configuration does not index stopwords")
    DocumentFactory(public_id="together", title="The end of the war", summary="")
    DocumentFactory(public_id="apart", title="The treaty of peace", summary="")
    DocumentFactory(public_id="reversed", title="War to the end of it", summary="")
    use(settings, tmp_path, name)
    assert sorted(shown('"of the"')) == ["together"]
    assert sorted(shown('"of the" war')) == ["together"]
    assert sorted(shown('war "of the"', sort="date")) == ["together"]
    assert sorted(shown('"the end of"')) == ["reversed", "together"]
    kind = Document.objects.get(public_id="together").doc_type.slug
    assert shown('"of the"', filters={"type": (kind,)}) == ["together"]
    assert shown('"of the"', filters={"type": (kind,)}, sort="date") == ["together"]
