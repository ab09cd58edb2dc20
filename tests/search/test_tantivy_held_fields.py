"""A Tantivy search leaves out the fields no document holds its words in (#18).

A word is searched in six weighted fields; in a field where no document holds it, its
clause matches nothing and adds nothing to any score, but the engine still visits it (and
the rerank's tests over the pool likewise). The index's document frequencies say which
fields hold it, kept per commit. Readers must see the same search: the same documents with
the same scores and count, on a real FRUS volume; and a word a later commit brings into a
field is found there at once.
"""

from __future__ import annotations

import pytest

from chancery.search.backends import get_backend
from chancery.search.backends.tantivy import searching as searching_module
from chancery.search.backends.tantivy.query import plan_query
from chancery.search.backends.tantivy.schema import COLUMNS
from chancery.search.entries import read_entries
from chancery.search.indexing import indexing_paused
from chancery.search.query import SearchQuery, Term
from tests.factories import DocumentFactory
from tests.search.test_contract import use

pytest_plugins = ["tests.search.tantivy_fixtures"]

QUERIES = [
    "treaty",
    "Li Hongzhang",  # a name searched with its spellings
    '"open door"',
    "legation guard Peking",  # most of the words
    "indemn* powers",  # a prefix: searched in every field
    "minister -Russia",
    "minister legation protest",
]


@pytest.mark.parametrize("text", QUERIES)
def test_a_search_without_the_empty_fields_finds_the_same(tantivy_1901, text):
    results = tantivy_1901.search(SearchQuery(text=text))
    searching = tantivy_1901._searching(results.plan)
    every_field = plan_query(results.plan)
    pruned = searching.searcher.search(searching.query, 500, count=True)
    whole = searching.searcher.search(every_field, 500, count=True)
    assert pruned.count == whole.count > 0, text
    assert [(round(s, 4), a.doc) for s, a in pruned.hits] == [
        (round(s, 4), a.doc) for s, a in whole.hits
    ], text


def test_the_volume_has_fields_some_words_are_not_in(tantivy_1901):
    """What the search leaves out on a real volume: the fields without the word (no
    machine-read text at all); a prefix, or a word in no field, keeps every field."""
    results = tantivy_1901.search(SearchQuery(text="legation"))
    searching = tantivy_1901._searching(results.plan)
    fields = searching._fields(Term("legation"), None)
    assert "machine" not in fields
    assert set(fields) == {c for c in COLUMNS if searching.searcher.doc_freq(c, "legat")}
    assert searching._fields(Term("treat", prefix=True), None) == COLUMNS
    assert searching._fields(Term("qwertyuiop"), None) == COLUMNS


def test_a_word_a_later_commit_brings_into_a_field_is_found_there(settings, tmp_path, db):
    with indexing_paused():
        DocumentFactory(public_id="a", title="Zanzibar", summary="The consul reports.")
    use(settings, tmp_path, "tantivy")
    backend = get_backend()
    query = SearchQuery(text="zanzibar")
    before = backend._searching(backend.search(query).plan)
    assert before._fields(Term("zanzibar"), None) == ("title",)
    assert backend.search(query).count() == 1

    with indexing_paused():
        later = DocumentFactory(public_id="b", title="Dispatch", summary="Sultan of Zanzibar.")
    entries, _ = read_entries([later.pk], backend.indexes_facts)
    with backend.batch():
        backend.add(entries)
    results = backend.search(query)
    assert results.count() == 2
    assert {hit.document.public_id for hit in results[0:10]} == {"a", "b"}
    assert "summary" in backend._searching(results.plan)._fields(Term("zanzibar"), None)


def test_the_terms_known_held_are_kept_per_commit(settings, tmp_path, db, monkeypatch):
    """The document frequencies are asked once per commit and term, not per search."""
    with indexing_paused():
        DocumentFactory(public_id="a", title="Zanzibar")
    use(settings, tmp_path, "tantivy")
    backend = get_backend()
    backend.search(SearchQuery(text="zanzibar")).count()
    asked = []
    original = searching_module.held

    def counting(searcher, commit, field, terms):
        asked.append(field)
        return original(searcher, commit, field, terms)

    monkeypatch.setattr(searching_module, "held", counting)
    frequencies = []
    monkeypatch.setattr(
        type(backend._searching(backend.search(SearchQuery(text="zanzibar")).plan).searcher),
        "doc_freq",
        lambda self, field, term: frequencies.append(term) or 1,
        raising=False,
    )
    backend.search(SearchQuery(text="zanzibar")).count()
    assert asked  # the fields were asked about
    assert frequencies == []  # and answered from what this commit told before
